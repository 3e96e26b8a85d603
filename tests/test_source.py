"""The YAML reader: its departures from PyYAML, its locations, and its speed tricks kept honest."""

from __future__ import annotations

import json
from pathlib import Path

import fastjsonschema
import jsonschema
import pytest

from cim.read import schema
from cim.read.source import _Loader, parse


def test_dates_stay_strings_and_country_codes_stay_codes() -> None:
    doc = parse("date: 2024-05-01\ncountry: NO\nflag: yes\nok: true\n", "x.yml")
    assert doc.data == {"date": "2024-05-01", "country": "NO", "flag": "yes", "ok": True}
    assert doc.problems == []


def test_duplicate_key_is_reported_with_both_lines() -> None:
    doc = parse("id: a\nname: A\nid: b\n", "p.yml")
    assert len(doc.problems) == 1
    problem = doc.problems[0]
    assert (problem.file, problem.line, problem.column) == ("p.yml", 3, 1)
    assert "duplicate key 'id'" in problem.message
    assert "first given on line 1" in problem.message


def test_duplicate_key_inside_a_list_item() -> None:
    doc = parse("entries:\n  - activity: a\n    date: 2024-01-01\n    date: 2024-01-02\n", "p.yml")
    assert [(p.line, p.column) for p in doc.problems] == [(4, 5)]


def test_syntax_error_has_line_and_advice() -> None:
    doc = parse("id: a\nname: [unclosed\nbio: x\n", "p.yml")
    assert not doc.ok
    assert len(doc.problems) == 1
    assert doc.problems[0].line >= 2
    assert "YAML syntax error" in doc.problems[0].message


def test_empty_file_is_a_problem() -> None:
    doc = parse("# only a comment\n", "p.yml")
    assert not doc.ok
    assert "empty" in doc.problems[0].message


def test_locate_walks_mappings_and_sequences() -> None:
    text = "id: a\nentries:\n  - activity: x\n    date: 2024-01-01\n  - activity: y\n"
    doc = parse(text, "p.yml")
    assert doc.locate(["entries", 1, "activity"]) == (5, 15)
    assert doc.locate(["entries", 1, "activity"], key=True) == (5, 5)
    # A missing step is reported where the walk stopped.
    assert doc.locate(["entries", 0, "missing"]) == (3, 5)


# --- the speed tricks of reading, kept honest -------------------------------------------------


ROOT = Path(__file__).resolve().parent.parent
KIND_OF = {
    "rules.yml": "rules",
    "activities.yml": "activities",
    "portfolio.yml": "portfolio",
    "awards.yml": "awards",
    "issuer.yml": "issuer",
}
EVERY_FILE = sorted(
    p
    for folder in (ROOT, ROOT / "examples", ROOT / "tests" / "fixtures")
    for p in (folder.rglob("*.yml") if folder != ROOT else folder.glob("*.yml"))
    if p.name in KIND_OF
) + sorted((ROOT / "portfolios").rglob("portfolio.yml"))
# Fixtures that are meant not to parse have nothing to compare.
PARSED = [p for p in EVERY_FILE if parse(p.read_text(encoding="utf-8"), p.name).ok]


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", PARSED, ids=_id)
def test_the_fast_constructor_equals_pyyamls(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = parse(text, path.name)
    loader = _Loader(text)
    try:
        expected = loader.construct_document(loader.get_single_node())
    finally:
        loader.dispose()
    assert json.dumps(doc.data, sort_keys=True) == json.dumps(expected, sort_keys=True)


@pytest.mark.parametrize("path", PARSED, ids=_id)
def test_the_fast_schema_path_and_jsonschema_agree(path: Path) -> None:
    """fastjsonschema answers "valid?" for the common case; jsonschema (the reference, draft
    2020-12) must give the same answer on every file we have, valid or not."""
    doc = parse(path.read_text(encoding="utf-8"), path.name)
    kind = KIND_OF[path.name]
    try:
        fastjsonschema.compile(schema.schema(kind))(doc.data)  # type: ignore[arg-type]
        fast_valid = True
    except fastjsonschema.JsonSchemaException:
        fast_valid = False
    reference = jsonschema.Draft202012Validator(schema.schema(kind))  # type: ignore[arg-type]
    assert fast_valid == reference.is_valid(doc.data)
