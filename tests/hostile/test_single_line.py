"""Single-line fields (names, titles, codes, ids, captions) hold one line of visible text, and
every schema pattern means the whole value: a trailing line break is not a way around it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cim.site import card

from corpus import LINE_BREAKS
from helpers import check, messages, portfolio, save

ANNA = "anna-lind"
SCHEMAS = sorted((Path(__file__).parents[2] / "generator").rglob("*.schema.json"))


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


PATTERNS = sorted({p for path in SCHEMAS for p in _patterns(json.loads(path.read_text()))})


def _example(pattern: str) -> str:
    """A value the pattern accepts, for the patterns our schemas use."""
    for candidate in (
        "ab",
        "a",
        "SE",
        "2025-03-14",
        "CIM-2026-0001",
        "https://x",
        "1",
        "key-1",
        "z6Mk" + "a" * 44,
        "Anna Lind",
        "abc",
        "anna@student.example.se",
    ):
        if re.search(pattern, candidate):
            return candidate
    raise AssertionError(f"no example for {pattern}")


def test_the_schemas_have_patterns() -> None:
    assert SCHEMAS and len(PATTERNS) >= 8


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_trailing_line_break_never_matches_in_either_validator(pattern: str) -> None:
    """fastjsonschema reads `$` as the end of the text; jsonschema (Python's re) also lets it
    match before a final line break. The fast path and the full check must agree."""
    schema = {"type": "string", "pattern": pattern}
    fast = fastjsonschema.compile(schema)
    full = jsonschema.Draft202012Validator(schema)
    good = _example(pattern)
    fast(good)
    assert full.is_valid(good)
    for bad in (good + "\n", good + "\r\n", "\n" + good):
        with pytest.raises(fastjsonschema.JsonSchemaException):
            fast(bad)
        assert not full.is_valid(bad), repr(bad)


def test_a_country_code_with_a_trailing_line_break_is_refused(repo: Path) -> None:
    p = portfolio(repo, "mei-chen")
    entry = next(e for e in p["entries"] if "country" in e)
    entry["country"] = entry["country"] + "\n"  # what `country: |` followed by `  DE` gives
    save(repo, "mei-chen", p)
    assert "two-letter country code" in messages(check(repo, "mei-chen"), "mei-chen")
    p["origin_country"] = "DE\n"
    save(repo, "mei-chen", p)
    assert "two-letter country code" in messages(check(repo, "mei-chen"), "mei-chen")


SINGLE_LINE_FIELDS = ["name", "title", "place", "caption", "language", "programme", "file"]
FORBIDDEN = {**LINE_BREAKS, "U+FFFE": "\ufffe", "U+FFFF": "\uffff", "U+FDD0": "\ufdd0"}


def _put(p: dict[str, Any], field: str, value: str) -> None:
    entry = p["entries"][1]
    if field in ("name", "programme"):
        p[field] = value
    elif field == "language":
        p["languages"] = [value]
    elif field in ("caption", "file"):
        entry["evidence"][0][field] = value
    else:
        entry[field] = value


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_single_line_fields_refuse_line_breaks_and_non_characters(repo: Path, what: str) -> None:
    p = portfolio(repo, ANNA)
    for field in SINGLE_LINE_FIELDS:
        _put(p, field, f"Anna{FORBIDDEN[what]}Lind")
    # Written with YAML escapes (\u2028, \N …): a raw U+0085 is a line break to YAML itself.
    text = yaml.safe_dump(p, allow_unicode=False, sort_keys=False, width=1_000_000)
    (repo / "portfolios" / ANNA / "portfolio.yml").write_text(text, encoding="utf-8")
    found = messages(check(repo, ANNA), ANNA)
    assert found.count("must be one line") == len(SINGLE_LINE_FIELDS), found


def test_line_breaks_stay_allowed_in_the_bio_and_reflection(repo: Path) -> None:
    p = portfolio(repo, ANNA)
    p["bio"] = "First line.\nSecond line.\r\nThird."
    p["entries"][1]["reflection"] = "One.\n\nTwo."
    save(repo, ANNA, p)
    assert messages(check(repo, ANNA), ANNA) == ""


# What the schema lets through in a single-line field: no control characters, line or
# paragraph separators, bidi controls (refused by the text check) or non-characters.
_REFUSED = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)
valid_names = st.text(min_size=1, max_size=120).filter(lambda s: not _REFUSED.search(s))


@settings(max_examples=60, deadline=None)
@given(valid_names, valid_names)
def test_the_card_draws_every_valid_name(name: str, programme: str) -> None:
    png = card.draw("Certificate of Intercultural Merits", name, programme, "JU", "CIM-2026-0001")
    assert png.startswith(b"\x89PNG")
