"""Every key the rules and catalogue schemas accept is used by the engine.

A key that the readers parse and nothing then uses is a setting that silently does nothing
(cohort ``award`` and ``abroad.relative_to`` once were). For each key this test names the
attribute that carries it after reading, and looks for that attribute outside the readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from conftest import ROOT

PACKAGE = ROOT / "generator" / "cim"
SCHEMAS = ("rules.schema.json", "activities.schema.json", "assessments.schema.json")
# Where the keys are read; reading is not using.
READERS = {"rules.py", "catalogue.py", "assessments.py"}

# Keys whose value is carried under another name. A key that is not listed here is carried
# by an attribute of its own name. A quoted name ('"any_of"') is a kind of requirement or
# value the engine dispatches on.
CARRIED_BY: dict[str, tuple[str, ...]] = {
    "scheme": ("institution",),
    "assessments": ("judgements",),
    "decision": ("approved",),
    "student": ("of",),
    "reviewer": ("by",),  # Judgement.by(), shown with the decision
    "decided": ("by",),
    "from": ("start",),
    "to": ("end",),
    "abroad": ("abroad_relative_to",),
    "relative_to": ("abroad_relative_to",),
    "types": ("evidence_types",),
    "max_mb": ("evidence_max_mb",),
    "evidence": ("evidence_required",),
    "kinds": ("evidence_kinds",),
    "describe": ("evidence_describe",),
    "reflection": ("reflection_required", "reflection_per_group"),
    "required": ("required", "evidence_required", "reflection_required"),
    "proof": ("mode",),
    "of": ("parts",),
    "location": ("location", "locations"),
    "group": ("group_size",),
    "size": ("group_size",),
    "allowed": ("allowed",),
    "points": ('"points"',),
    "activities": ('"activities"',),
    "distinct": ("by",),
    "max_points": ("max_claim",),
    "any_of": ('"any_of"',),
    "all_of": ('"all_of"',),
    "at_least": ('"at_least"',),
    "per": ("per",),
    "each": ("each",),
    "bands": ("bands",),
    "more_than": ("holds",),  # Band.holds, in the catalogue's model
    "less_than": ("holds",),
}


def _keys(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                yield from value
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def _schema(name: str) -> object:
    found = sorted(PACKAGE.rglob(name))
    assert found, f"{name} not found under {PACKAGE}"
    return json.loads(found[0].read_text())


KEYS = sorted({k for name in SCHEMAS for k in _keys(_schema(name))})


@pytest.fixture(scope="module")
def engine_source() -> str:
    files = [p for p in PACKAGE.rglob("*.py") if p.name not in READERS]
    return "\n".join(p.read_text() for p in files)


def test_the_schemas_have_keys() -> None:
    assert {"award", "relative_to", "all_or_nothing", "after", "more_than"} <= set(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_every_schema_key_is_used_by_the_engine(key: str, engine_source: str) -> None:
    carriers = CARRIED_BY.get(key, (key,))
    patterns = [re.escape(c) if c.startswith('"') else rf"\.{re.escape(c)}\b" for c in carriers]
    assert any(re.search(p, engine_source) for p in patterns), (
        f"the schema key '{key}' is read but nothing uses it (looked for {', '.join(carriers)})"
    )
