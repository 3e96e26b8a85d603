"""The record of processing stays true: every portfolio field the schema allows is described."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import ROOT

GUIDE = ROOT / "docs/guides/data-protection.md"


def schema_file() -> Path:
    found = sorted((ROOT / "generator/cim").rglob("portfolio.schema.json"))
    assert len(found) == 1, found
    return found[0]


def fields(node: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Every property path the schema allows: `studies.start`, `entries[].evidence[].file`."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path
        if "$ref" in child:
            child = defs[child["$ref"].rsplit("/", 1)[-1]]
        if child.get("type") == "object":
            yield from fields(child, defs, f"{path}.")
        items = child.get("items")
        if child.get("type") == "array" and isinstance(items, dict):
            target = defs[items["$ref"].rsplit("/", 1)[-1]] if "$ref" in items else items
            if target.get("type") == "object":
                yield from fields(target, defs, f"{path}[].")


def test_every_portfolio_field_is_in_the_record_of_processing() -> None:
    schema = json.loads(schema_file().read_text(encoding="utf-8"))
    allowed = list(fields(schema, schema.get("$defs", {})))
    assert "entries[].evidence[].private" in allowed and "studies.end" in allowed
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("### Every field of a portfolio", 1)[1].split("\n## ", 1)[0]
    described = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    missing = [f for f in allowed if f not in described]
    assert not missing, (
        f"{GUIDE.relative_to(ROOT)}: describe these portfolio fields in the table "
        f"'Every field of a portfolio' (what they hold, whether they are published): {missing}"
    )
    stale = set(described) - set(allowed)
    assert not stale, f"{GUIDE.relative_to(ROOT)} describes fields no longer in the schema: {stale}"


def test_the_guides_link_each_other() -> None:
    admin = (ROOT / "docs/guides/administrators.md").read_text(encoding="utf-8")
    assert "data-protection.md" in admin
    assert "administrators.md#erasure" in GUIDE.read_text(encoding="utf-8")
