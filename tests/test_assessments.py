"""The reviewers' judgements on record (assessments.yml): approvals, rejections and grants."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cim.cli import main
from cim.model.assessments import judgements_from
from cim.model.catalogue import catalogue_from
from cim.model.portfolio import portfolio_from
from cim.model.rules import rules_from
from cim.scoring.verdict import Assessment, assess

from conftest import ROOT
from conftest import TODAY as DAY
from engine import TODAY, activity, entry, rules

REPORT = activity("report", 20, approval=True, reflection={"min_words": 3})
WRITTEN = "What I learned abroad."


def judged(
    activities: list[dict[str, Any]], entries: list[dict[str, Any]], decisions: list[dict[str, Any]]
) -> Assessment:
    r = rules_from(rules(cohorts=[{"id": "student", "title": "Student", "threshold": 20}]))
    c = catalogue_from({"activities": activities}, r)
    p = portfolio_from(
        {
            "id": "s",
            "name": "S",
            "programme": "p",
            "studies": {"start": "2024-01-01", "end": "2026-06-30"},
            "entries": entries,
        },
        r.default_cohort,
    )
    found = judgements_from({"assessments": [{"student": "s", **d} for d in decisions]})
    return assess(p, c, r, TODAY, found.of("s"))


def decision(activity: str, verdict: str, **extra: Any) -> dict[str, Any]:
    return {"activity": activity, "date": "2025-01-10", "decision": verdict, **extra}


def test_an_entry_that_needs_approval_waits_for_the_reviewer() -> None:
    a = judged([REPORT], [entry("report", reflection=WRITTEN)], [])
    r = a.entries[0]
    assert (a.points, r.review, r.needs_review) == (0, "waiting", True)
    assert "waits for a reviewer" in r.reasons[0]


def test_approved_counts_and_says_who_decided() -> None:
    approved = decision(
        "report", "approved", reason="Thoughtful.", reviewer="CIM coordinator", decided="2025-02-01"
    )
    a = judged([REPORT], [entry("report", reflection=WRITTEN)], [approved])
    r = a.entries[0]
    assert (a.points, a.met, r.review, r.needs_review) == (20, True, "approved", False)
    assert r.judgement is not None and r.judgement.by() == " (CIM coordinator, 2025-02-01)"


def test_rejected_does_not_count_and_gives_the_reason() -> None:
    rejected = decision("report", "rejected", reason="Describe what you learned, not the trip.")
    a = judged([REPORT], [entry("report", reflection=WRITTEN)], [rejected])
    assert a.points == 0 and a.entries[0].review == "rejected"
    assert "not approved by the reviewer: Describe what you learned, not the trip." in (
        a.entries[0].reasons
    )


OWN = {
    "activity": "own-choice",
    "date": "2025-01-10",
    "title": "Film club",
    "claim": 12,
    "category": "c1",
    "aims": ["a1"],
}


def test_own_choice_counts_as_claimed_until_judged() -> None:
    a = judged([activity("x")], [OWN], [])
    assert (a.points, a.entries[0].review, a.entries[0].needs_review) == (12, "waiting", True)


def test_own_choice_granted_at_fewer_points() -> None:
    grant = decision("own-choice", "approved", title="Film club", points=8, reason="Two sessions.")
    a = judged([activity("x")], [OWN], [grant])
    r = a.entries[0]
    assert (a.points, r.review, r.needs_review) == (8, "granted", False)
    assert "granted 8 of the 12 points claimed: Two sessions." in r.reasons


def test_a_grant_never_raises_the_claim_and_a_rejection_removes_it() -> None:
    more = decision("own-choice", "approved", title="Film club", points=15, reason="Fine.")
    no = decision("own-choice", "rejected", title="Film club", reason="Not intercultural.")
    assert judged([activity("x")], [OWN], [more]).points == 12
    assert judged([activity("x")], [OWN], [no]).points == 0


def test_a_judgement_names_its_entry_by_activity_date_and_title() -> None:
    other_title = decision("own-choice", "rejected", title="Choir", reason="No.")
    other_date = {**decision("report", "approved", reason="Yes."), "date": "2025-01-11"}
    assert judged([activity("x")], [OWN], [other_title]).points == 12
    assert judged([REPORT], [entry("report", reflection=WRITTEN)], [other_date]).points == 0


def test_points_and_the_example_show_what_waits_for_a_reviewer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = ROOT / "examples/bfh"
    main(["points", "report-waiting", "--repo", str(repo), "--today", DAY])
    out = capsys.readouterr().out
    assert "Waiting for a reviewer" in out and "Personal reflection report (2026-05-01)" in out
    main(["points", "two-modules-long-stay", "--repo", str(repo), "--today", DAY])
    out = capsys.readouterr().out
    assert "approved by the reviewer (CIM coordinator, 2026-05-15)" in out
    assert "Waiting for a reviewer" not in out


def test_a_broken_assessments_file_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests/fixtures/valid", repo)
    (repo / "assessments.yml").write_text(
        "assessments:\n  - student: ana\n    activity: course\n    date: 2024-09-01\n"
        "    decision: maybe\n    reason: x\n"
    )
    code = main(["validate", "--repo", str(repo), "--today", DAY])
    out = capsys.readouterr().out
    assert code == 1 and "assessments.yml:5:" in out and "decision" in out


def test_a_decision_about_no_entry_or_no_portfolio_is_a_warning_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests/fixtures/valid", repo)
    (repo / "assessments.yml").write_text(
        "assessments:\n"
        "  - {student: ana, activity: course, date: 2024-09-01, decision: approved, reason: ok}\n"
        "  - {student: ana, activity: course, date: 2024-09-02, decision: approved, reason: ok}\n"
        "  - {student: anna, activity: course, date: 2024-09-01, decision: approved, reason: ok}\n"
    )
    code = main(["validate", "--repo", str(repo), "--today", DAY])
    out = capsys.readouterr().out
    assert code == 0, out  # warnings only
    assert "assessments.yml:3:5: warning: this decision matches no entry of ana" in out
    assert (
        "assessments.yml:4:5: warning: this decision is about 'anna', who has no portfolio" in out
    )
    assert "did you mean 'ana'" in out
    assert "assessments.yml:2:" not in out


def test_a_requirement_can_demand_approval() -> None:
    r = rules_from(
        rules(
            cohorts=[
                {
                    "id": "student",
                    "title": "Student",
                    "threshold": 10,
                    "requirements": [
                        {"activities": 1, "where": {"activity": "final", "approved": True}}
                    ],
                }
            ]
        )
    )
    c = catalogue_from({"activities": [activity("final", 10)]}, r)
    data = {
        "id": "s",
        "name": "S",
        "programme": "p",
        "studies": {"start": "2024-01-01", "end": "2026-06-30"},
        "entries": [entry("final")],
    }
    p = portfolio_from(data, r.default_cohort)
    waiting = assess(p, c, r, TODAY)
    assert (waiting.points, waiting.met, waiting.entries[0].review) == (10, False, "waiting")
    assert "1 activity of ‘Final’ approved by a reviewer" in waiting.unmet[0]
    yes = judgements_from(
        {"assessments": [{"student": "s", **decision("final", "approved", reason="Good.")}]}
    )
    approved = assess(p, c, r, TODAY, yes.of("s"))
    assert approved.met and approved.entries[0].review == "approved"
