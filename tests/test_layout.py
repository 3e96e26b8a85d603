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
ADAPTERS = {"writers", "github", "admin", "demo", "intake", "cli"}
# Adapters may use one another only along these lines.
ADAPTER_USES = {
    "cli": ADAPTERS - {"cli"},
    "github": set(),
    "intake": {"github"},
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
MKDOCS_ALLOWED = {"writers/mkdocs.py"}
MAX_LINES = 420  # "about 400": a longer module says why in its docstring ("long because")
MAX_FUNCTION = 60  # a longer function says why in a comment above it ("# Long because …")


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


def test_only_the_mkdocs_writer_imports_mkdocs() -> None:
    offenders = []
    for path in MODULES:
        if path.relative_to(PACKAGE).as_posix() in MKDOCS_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(n.split(".")[0] in ("mkdocs", "material") for n in names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, "only writers/mkdocs.py may import MkDocs: " + ", ".join(offenders)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_stay_readable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert lines <= MAX_LINES or "long because" in doc, (
        f"{path.relative_to(ROOT)} has {lines} lines; split it by concern, or say in its "
        'docstring why it is long ("long because …")'
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_long_functions_say_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    unexplained = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            above = "\n".join(lines[max(0, first - 6) : first - 1])
            if length > MAX_FUNCTION and "# Long because" not in above:
                unexplained.append(f"{node.name} ({length} lines, line {node.lineno})")
    assert not unexplained, (
        f"{path.relative_to(ROOT)}: split these or say why above them (# Long because …): "
        + ", ".join(unexplained)
    )
