"""The site's own settings, read from the repository's mkdocs.yml without MkDocs."""

from __future__ import annotations

from pathlib import Path

from cim.read import source

DEFAULT_SITE_URL = "https://cim.example.org/"
BUNDLED = Path(__file__).resolve().parents[3] / "mkdocs.yml"


def config_file(root: Path) -> Path | None:
    """The repository's mkdocs.yml, or this installation's own for a repository without one."""
    for candidate in (root / "mkdocs.yml", BUNDLED):
        if candidate.is_file():
            return candidate
    return None


def site_url(root: Path) -> str:
    """The public address the site is configured for (``site_url`` in mkdocs.yml)."""
    found = config_file(root)
    if found is None:
        return DEFAULT_SITE_URL
    try:
        text = found.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return DEFAULT_SITE_URL
    doc = source.parse(text, found.name, foreign_tags=True)
    value = doc.data.get("site_url") if isinstance(doc.data, dict) else None
    return value if isinstance(value, str) and value else DEFAULT_SITE_URL
