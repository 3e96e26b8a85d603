"""The house plan, enforced: which package may import which, and modules of a readable size.

The stages run read → model → scoring → credentials → checks → pipeline → site, with the
adapters (writers, github, admin, demo, cli) on top. An import may only point down this list:
a module that imports upwards is doing two jobs, and one of them belongs elsewhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "generator" / "cim"
BASE = {"cim", "problems", "speed", "hints"}  # the shared vocabulary: any layer may use it
LAYERS = ["read", "model", "scoring", "credentials", "checks", "pipeline", "site"]
ADAPTERS = {"writers", "github", "admin", "demo", "cli"}
# Adapters may use one another only along these lines.
ADAPTER_USES = {
    "cli": ADAPTERS - {"cli"},
    "github": set(),
    "admin": set(),
    "demo": set(),
    "writers": set(),
}


def unit_of(path: Path) -> str:
    """The package (or top-level module) a file belongs to."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return {"__init__": "cim", "__main__": "cli"}.get(parts[0], parts[0])


def imported_units(path: Path) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "cim":
                continue
            if len(parts) > 1:
                found.add((parts[1], node.lineno))
            else:
                found |= {(alias.name, node.lineno) for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "cim" and len(parts) > 1:
                    found.add((parts[1], node.lineno))
    return found


def allowed(unit: str) -> set[str]:
    if unit in BASE:
        return BASE
    if unit in ADAPTERS:
        return BASE | set(LAYERS) | ADAPTER_USES[unit] | {unit}
    return BASE | set(LAYERS[: LAYERS.index(unit) + 1])


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_down_the_pipeline(path: Path) -> None:
    unit = unit_of(path)
    wrong = [
        f"line {line}: cim.{target}"
        for target, line in sorted(imported_units(path))
        if target not in allowed(unit) and target != "__version__"
    ]
    assert not wrong, f"{unit} may not import: {', '.join(wrong)}"


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init.relative_to(ROOT)}: say what the package may import"
