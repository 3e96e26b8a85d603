"""The record of processing stays true: every portfolio field the schema allows is described."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, copy_repo

GUIDE = ROOT / "docs/guides/data-protection.md"
SWEDISH = ROOT / "docs/guides/data-protection.sv.md"
FIELD_TABLES = {GUIDE: "### Every field of a portfolio", SWEDISH: "### Varje fält i en portfolio"}


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


@pytest.mark.parametrize("guide", list(FIELD_TABLES), ids=lambda p: p.name)
def test_every_portfolio_field_is_in_the_record_of_processing(guide: Path) -> None:
    schema = json.loads(schema_file().read_text(encoding="utf-8"))
    allowed = list(fields(schema, schema.get("$defs", {})))
    assert "entries[].evidence[].private" in allowed and "studies.end" in allowed
    heading = FIELD_TABLES[guide]
    text = guide.read_text(encoding="utf-8")
    table = text.split(heading, 1)[1].split("\n## ", 1)[0]
    described = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    missing = [f for f in allowed if f not in described]
    assert not missing, (
        f"{guide.relative_to(ROOT)}: describe these portfolio fields in the table "
        f"'{heading[4:]}' (what they hold, whether they are published): {missing}"
    )
    stale = set(described) - set(allowed)
    assert not stale, f"{guide.relative_to(ROOT)} describes fields no longer in the schema: {stale}"


def test_the_guides_link_each_other() -> None:
    admin = (ROOT / "docs/guides/administrators.md").read_text(encoding="utf-8")
    assert "data-protection.md" in admin
    for guide in FIELD_TABLES:
        assert "administrators.md#erasure" in guide.read_text(encoding="utf-8")


def event(*, private: bool, fork_private: bool | None = None) -> dict[str, object]:
    data: dict[str, object] = {"repository": {"full_name": "ju/cim", "private": private}}
    if fork_private is not None:
        fork = {"full_name": "student/cim", "private": fork_private}
        data["pull_request"] = {"head": {"repo": fork}}
    return data


@pytest.mark.parametrize(
    ("case", "code", "said"),
    [
        (event(private=True), 0, "The repository is private"),
        (event(private=False), 1, "the repository ju/cim is public"),
        (
            event(private=True, fork_private=False),
            1,
            "the pull request comes from the public repository student/cim",
        ),
    ],
)
def test_private_evidence_in_a_public_repository_fails_with_the_fix(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: dict[str, object],
    code: int,
    said: str,
) -> None:
    from cim.cli import main

    path = tmp_path / "event.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["privacy", "--repo", str(ROOT), "--event", str(path)]) == code
    out = capsys.readouterr().out
    assert said in out
    if code:
        assert "portfolios/anna-lind/evidence/transcript-vu-amsterdam.pdf" in out
        assert "Make the repository private" in out and "stays public" in out


def test_a_public_repository_without_private_evidence_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cim.cli import main

    repo = copy_repo(ROOT, tmp_path / "repo")
    for portfolio in (repo / "portfolios").glob("*/portfolio.yml"):
        text = portfolio.read_text(encoding="utf-8").replace("private: true", "private: false")
        portfolio.write_text(text, encoding="utf-8")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event(private=False)), encoding="utf-8")
    assert main(["privacy", "--repo", str(repo), "--event", str(path)]) == 0
    assert "Nothing is marked private" in capsys.readouterr().out


def test_the_validate_workflow_reads_the_event_file_not_an_expression() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/validate.yml").read_text())
    runs = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert 'cim privacy --event "$GITHUB_EVENT_PATH"' in runs
