from __future__ import annotations

import json

import jsonschema
import pytest

from cim.read import schema
from cim.read.source import parse


def check(text: str) -> list[str]:
    return [
        f"{p.line}:{p.column}: {p.message}" for p in schema.check(parse(text, "p.yml"), "portfolio")
    ]


MINIMAL = """\
id: a
name: A
programme: nursing
studies: {start: 2024-01-01, end: 2026-01-01}
entries:
  - activity: language-cafe
    date: 2024-02-01
"""


def test_minimal_portfolio_is_valid() -> None:
    assert check(MINIMAL) == []


def test_points_cannot_be_written_in_a_portfolio() -> None:
    found = check(MINIMAL + "points: 100\napproved: true\n")
    assert any(
        "unknown key 'points'" in f and "computed" in f and f.startswith("8:1") for f in found
    )
    assert any("unknown key 'approved'" in f and "merging" in f for f in found)


def test_unknown_key_in_an_entry_is_located() -> None:
    found = check(MINIMAL + "    awarded_points: 5\n")
    assert found == [found[0]]
    assert found[0].startswith("8:5: unknown key 'awarded_points' in entries.0")


def test_bad_date_and_country_get_specific_advice() -> None:
    found = check(MINIMAL.replace("date: 2024-02-01", "date: 1/2/2024\n    country: Sweden"))
    assert any("not a date" in f and "YYYY-MM-DD" in f for f in found)
    assert any("two-letter country code" in f for f in found)


def test_missing_required_field() -> None:
    found = check(MINIMAL.replace("name: A\n", ""))
    assert any("missing 'name'" in f for f in found)


@pytest.mark.parametrize("kind", ["portfolio", "activities", "rules"])
def test_shipped_schemas_are_valid_draft_2020_12(kind: schema.Kind) -> None:
    document = json.loads(schema.schema_text(kind))
    jsonschema.Draft202012Validator.check_schema(document)
