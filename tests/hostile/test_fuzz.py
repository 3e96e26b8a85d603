"""Fuzzing: whatever a portfolio holds, the validator reports; it never crashes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cim.checks import evidence as inspection
from cim.model.evidence import sniff
from cim.pipeline import check_repository
from cim.read.source import parse
from cim.site import evidence

from helpers import TODAY

KEYS = [
    "id",
    "name",
    "programme",
    "cohort",
    "studies",
    "entries",
    "activity",
    "date",
    "end",
    "amount",
    "claim",
    "evidence",
    "file",
    "reflection",
    "publish",
    "title",
    "category",
    "aims",
    "location",
    "country",
    "start",
    "registered",
    "kind",
    "private",
    "x",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        [
            "2025-02-30",
            "2025-01-10",
            "language-cafe",
            "own-choice",
            "evidence/x.jpg",
            "../x",
            "SE",
            "NO",
            "home",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=10))
def test_any_structure_is_reported_not_crashed(repo: Path, data: dict[str, Any]) -> None:
    folder = repo / "portfolios" / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "portfolio.yml").write_text(yaml.safe_dump(data, allow_unicode=True))
    report = check_repository(repo, today=TODAY, only=["fuzz"])
    [result] = report.portfolios
    assert result.problems or result.assessment is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_is_reported(text: str) -> None:
    doc = parse(text, "p.yml")
    assert doc.ok or doc.problems


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2048), st.sampled_from(["jpg", "png", "webp", "pdf"]))
def test_any_evidence_bytes_are_judged_not_crashed(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"f.{suffix}"
    path.write_bytes(data)
    kind = sniff(data[:16])
    if kind:
        verdict = inspection.inspect(path, kind)
        assert verdict is None or isinstance(verdict, str)
    assert isinstance(inspection.has_gps(path), bool)
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    store = evidence.EvidenceStore(tmp_path / "cache")
    evidence.publish(store, [path], workers=1)
