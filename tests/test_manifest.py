"""The safety net for restructuring: the demo site, byte for byte.

Every file of the demo site is listed with its content hash in ``tests/golden/site-manifest.txt``.
A change that alters any output byte fails here; when the change is meant, refresh the manifest
deliberately with ``python3 tasks.py test tests/test_manifest.py --update-golden`` and say in the
commit message why the output changed.

The theme's own files (and the asset names pages link to) come from mkdocs-material, so the
manifest holds for the versions it was made with, recorded in its first line; with other
versions installed (the oldest-supported-versions job) the comparison is not meaningful and
the test says so instead of failing.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

import pytest

from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "site-manifest.txt"


def versions() -> str:
    return "# " + " ".join(f"{name}=={version(name)}" for name in ("mkdocs", "mkdocs-material"))


def manifest(site: Path) -> list[str]:
    """``<sha256> <path>`` for every file of the site, in path order."""
    return [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()} {path.relative_to(site).as_posix()}"
        for path in sorted(site.rglob("*"))
        if path.is_file()
    ]


def test_the_demo_site_is_byte_identical_to_the_golden_manifest(
    built: tuple[Path, str], update_golden: bool
) -> None:
    site, _ = built
    lines = [versions(), *manifest(site)]
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    if expected[0] != lines[0]:
        pytest.skip(f"the manifest was made with {expected[0][2:]}; installed: {lines[0][2:]}")
    changed = sorted(set(expected[1:]).symmetric_difference(lines[1:]), key=lambda s: s[65:])
    assert not changed, "output changed (- golden, + now):\n" + "\n".join(
        ("- " if line in expected else "+ ") + line for line in changed[:40]
    )
