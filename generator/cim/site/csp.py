"""The Content-Security-Policy every page carries, and which inline scripts it allows: those
the templates wrote, never one found in the page.

Hashing every inline script of the finished HTML would also allow a script that student text
had smuggled in, if escaping ever failed somewhere. Instead the inline scripts of the
templates themselves (the theme's, this project's overrides, cim's page templates) are read
at build time; a template expression inside one (``{{ base_url }}``) may stand only for a URL
or path. A script in a page is allowed, by its hash, only when it is one of these shapes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_TEMPLATE_CODE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})", re.S)
# What a template expression may put inside an inline script: a URL, a path or a word.
_VALUE = r"[\w./:%#~+-]*"
# Inline <script> elements that hold data, not code: a browser never runs them, so a policy
# need not (and does not) allow them.
_DATA = re.compile(r"\btype\s*=\s*[\"']?(?!(?:text|application)/(?:java|ecma)script|module)", re.I)


def _runs(attrs: str) -> bool:
    return "src=" not in attrs and not _DATA.search(attrs)


@cache
def _shapes(folders: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    found: set[str] = set()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.html")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in _SCRIPT.finditer(text):
                if not _runs(m.group("attrs")) or "{%" in m.group("body"):
                    continue  # code inside a script built by template logic is never allowed
                parts = _TEMPLATE_CODE.split(m.group("body"))
                found.add(
                    "".join(re.escape(p) if i % 2 == 0 else _VALUE for i, p in enumerate(parts))
                )
    return tuple(re.compile(shape) for shape in sorted(found))


def script_shapes(folders: Iterable[str | Path]) -> tuple[re.Pattern[str], ...]:
    """The inline scripts the templates in ``folders`` can write, as patterns."""
    return _shapes(tuple(str(f) for f in folders))


def own_template_folders() -> list[Path]:
    """cim's own page templates and the project's theme overrides (when present)."""
    here = Path(__file__).resolve().parent
    folders = [here / "templates"]
    theme = here.parents[2] / "site_theme"
    return folders + ([theme] if theme.is_dir() else [])


def allowed_hashes(html: str, shapes: Sequence[re.Pattern[str]]) -> list[str]:
    """SHA-256 hashes (base64) of the page's inline scripts that a template wrote."""
    hashes = set()
    for m in _SCRIPT.finditer(html):
        body = m.group("body")
        if _runs(m.group("attrs")) and any(shape.fullmatch(body) for shape in shapes):
            hashes.add(base64.b64encode(hashlib.sha256(body.encode()).digest()).decode())
    return sorted(hashes)


def content_security_policy(
    html: str,
    *,
    serving: bool = False,
    issuer_origin: str = "",
    shapes: Sequence[re.Pattern[str]] | None = None,
) -> str:
    """Add a Content-Security-Policy ``<meta>`` as the first element of ``<head>``.

    Scripts may come only from the site itself, plus the inline scripts the templates write
    (``shapes``, from :func:`script_shapes`; by default cim's own templates), each allowed by
    its SHA-256 hash: a script that is not one of them is refused even if it reached the page.
    ``serving`` (``mkdocs serve``) allows inline scripts for the live-reload script the
    development server injects. ``issuer_origin`` (the School's own address) may be fetched
    from too: the Verify button reads the School's keys from there, also when a copy of the
    page is served from somewhere else.
    """
    if "<head>" not in html or 'http-equiv="Content-Security-Policy"' in html:
        return html
    if serving:
        scripts = "'self' 'unsafe-inline'"
    else:
        if shapes is None:
            shapes = script_shapes(own_template_folders())
        hashes = allowed_hashes(html, shapes)
        scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in hashes)])
    connect = " ".join(["'self'", *([issuer_origin] if issuer_origin else [])])
    policy = (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src {connect}; "
        "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", "<head>\n    " + meta, 1)
