"""Every published scheme in examples/ gives each of its portfolios the expected verdict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cim.pipeline import check_repository

from conftest import ROOT, TODAY

EXAMPLES = ROOT / "examples"
SCHEMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "rules.yml").exists())
CASES = [
    (scheme, pid, expected)
    for scheme in SCHEMES
    for pid, expected in yaml.safe_load((EXAMPLES / scheme / "expected.yml").read_text()).items()
]


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, object]]:
    today = dt.date.fromisoformat(TODAY)
    out: dict[str, dict[str, object]] = {}
    for scheme in SCHEMES:
        report = check_repository(EXAMPLES / scheme, today=today)
        assert report.problems == [], f"{scheme}: the rules or catalogue have problems"
        out[scheme] = {r.id: r for r in report.portfolios}
    return out


def test_at_least_the_required_schemes_are_shipped() -> None:
    required = {"lund-social-sciences", "karolinska", "sahlgrenska", "bfh", "aalborg"}
    assert required <= set(SCHEMES)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_portfolio_has_an_expectation(scheme: str) -> None:
    expected = yaml.safe_load((EXAMPLES / scheme / "expected.yml").read_text())
    folders = {p.name for p in (EXAMPLES / scheme / "portfolios").iterdir() if p.is_dir()}
    assert folders == set(expected)
    assert any(e["met"] for e in expected.values()), "each scheme shows an awarded verdict"
    assert any(not e["met"] for e in expected.values()), "and a not-awarded one"


@pytest.mark.parametrize(
    ("scheme", "pid", "expected"), CASES, ids=[f"{s}/{p}" for s, p, _ in CASES]
)
def test_verdict(
    scheme: str, pid: str, expected: dict[str, object], reports: dict[str, dict[str, object]]
) -> None:
    report = reports[scheme][pid]
    assert report.valid, [str(p) for p in report.problems]
    a = report.assessment
    assert a is not None
    assert a.met is expected["met"]
    assert a.points == expected["points"]
    if "may_apply" in expected:
        assert a.may_apply is expected["may_apply"]
    if "unmet" in expected:
        assert any(str(expected["unmet"]) in u for u in a.unmet), a.unmet
    if "reason" in expected:
        reasons = [reason for r in a.entries for reason in r.reasons]
        assert any(str(expected["reason"]) in x for x in reasons), reasons


def test_edge_cases_named_in_the_brief_are_covered() -> None:
    text = " ".join((EXAMPLES / s / "expected.yml").read_text() for s in SCHEMES)
    text += " ".join(p.name for s in SCHEMES for p in (EXAMPLES / s / "portfolios").iterdir())
    for marker in (
        "cap of 10 exactly",
        "over the repeat limit",
        "outside the date window",
        "one-short",
        "module-and-paper",
        "may-apply-95",
    ):
        assert marker in text, marker


def test_example_portfolios_carry_the_schema_modeline() -> None:
    for path in Path(EXAMPLES).glob("*/portfolios/*/portfolio.yml"):
        first = path.read_text().splitlines()[0]
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target == ROOT / "generator/cim/schemas/portfolio.schema.json"
