"""`cim status`: the administrators' overview, on the demo repository and copies of it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from cim.admin import history, status
from cim.cli import main
from cim.pipeline import check_repository

from conftest import ROOT, TODAY, copy_repo

STATES = {
    "anna-lind": ("awarded", "CIM-2026-0001"),
    "erik-johansson": ("on the way", ""),
    "fatima-hassan": ("awarded", "CIM-2026-0002"),
    "jonas-berg": ("on the way", ""),
    "lucas-moreau": ("awarded", "CIM-2026-0003"),
    "mei-chen": ("awarded", "CIM-2025-0001"),
    "oskar-nilsson": ("on the way", ""),
    "sara-ahmed": ("on the way", ""),
}


def run(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, str, str]:
    code = main(["status", "--repo", str(repo), "--today", TODAY, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def students(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> dict[str, dict]:
    code, out, _ = run(capsys, repo, "--format", "json", *args)
    assert code == 0
    return {s["id"]: s for s in json.loads(out)["students"]}


def revoke(repo: Path, number: str) -> None:
    awards = repo / "awards.yml"
    text = awards.read_text(encoding="utf-8").replace(
        "revocations: []",
        f"revocations:\n  - number: {number}\n    date: 2026-11-01\n    reason: plagiarism",
    )
    awards.write_text(text, encoding="utf-8")


def test_every_student_with_the_award_state_from_awards_yml(
    capsys: pytest.CaptureFixture[str],
) -> None:
    got = students(capsys, ROOT)
    assert {k: (v["award"], v["certificate"]) for k, v in got.items()} == STATES
    erik = got["erik-johansson"]
    assert (erik["points"], erik["required"], erik["requirements_met"]) == (95, 100, False)
    assert erik["missing"] == ["100 points in total — 95 points: 5 to go"]
    assert got["anna-lind"]["graduation"] == "2026-06-12"
    assert got["jonas-berg"]["waiting"][0].startswith("own choice: ")


def test_met_but_not_awarded_is_told_apart_from_awarded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    awards = repo / "awards.yml"
    text = awards.read_text(encoding="utf-8")
    awards.write_text(
        text.replace(
            "  - number: CIM-2026-0002\n    student: fatima-hassan\n"
            "    ceremony: graduation-2026-06\n",
            "",
        ),
        encoding="utf-8",
    )
    got = students(capsys, repo)
    assert got["fatima-hassan"]["award"] == "met, not yet awarded"
    assert got["fatima-hassan"]["requirements_met"] is True


def test_a_revoked_student_is_never_shown_as_requirements_met(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    revoke(repo, "CIM-2026-0001")
    got = students(capsys, repo)
    assert got["anna-lind"]["award"] == "revoked"
    assert got["anna-lind"]["requirements_met"] is False
    assert main(["validate", "--repo", str(repo), "--today", TODAY]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if " anna-lind " in x)
    assert "revoked" in line and "requirements met" not in line


def test_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(students(capsys, ROOT, "--near", "80")) == ["erik-johansson"]
    assert list(students(capsys, ROOT, "--graduating", "2026-06")) == [
        "anna-lind",
        "fatima-hassan",
    ]
    assert "anna-lind" in students(capsys, ROOT, "--graduating", "2026")
    assert list(students(capsys, ROOT, "--waiting")) == ["jonas-berg"]
    assert list(students(capsys, ROOT, "--cohort", "exchange")) == ["lucas-moreau"]
    assert students(capsys, ROOT, "--near", "80", "--cohort", "exchange") == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graduating", "06-2026"], "write the month as YYYY-MM (e.g. 2026-06)"),
        (["--graduating", "2026-13"], "write the month as YYYY-MM"),
        (["--near", "eighty"], "is not a number of points, e.g. 80"),
        (["--cohort", "exchnage"], "did you mean 'exchange'?"),
    ],
)
def test_wrong_arguments_say_the_right_form(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, ROOT, *args)
    assert code == 2 and message in err


def test_text_csv_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    portfolio = repo / "portfolios" / "sara-ahmed" / "portfolio.yml"
    text = portfolio.read_text(encoding="utf-8")
    portfolio.write_text(
        text.replace("name: Sara Ahmed", "name: \"=cmd|' /C calc'!A0 | **Sara**\""),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, repo)
    assert code == 0
    assert "awarded CIM-2026-0001" in out
    assert out.rstrip().endswith("8 student(s): 4 awarded, 4 on the way; 1 waiting for a reviewer.")
    _, out, _ = run(capsys, repo, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(status.COLUMNS)
    assert not any(r["name"].startswith(("=", "+", "-", "@")) for r in rows)
    _, out, _ = run(capsys, repo, "--format", "markdown")
    assert "| met, not yet awarded | 0 |" in out and "| awarded | 4 |" in out
    sara = next(x for x in out.splitlines() if x.startswith("| sara-ahmed "))
    assert sara.count(" | ") == 6 and "\\*\\*Sara\\*\\*" in sara and "\\|" in sara


def test_markdown_is_capped_for_the_job_summary(capsys: pytest.CaptureFixture[str]) -> None:
    report = check_repository(ROOT, today=None)
    rows = status.status(report) * 100  # 800 rows
    out = status.render_markdown(rows)
    assert out.count("\n| ") <= status.MARKDOWN_ROWS + 10
    assert "300 more student(s) are not shown here" in out


def _commit(repo: Path, message: str, day: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": f"{day}T12:00:00Z",
        "GIT_COMMITTER_DATE": f"{day}T12:00:00Z",
    }
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)


def test_last_change_comes_from_one_git_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    assert history.last_changes(repo) == {}  # not a git repository: blank
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _commit(repo, "Everyone", "2026-09-01")
    jonas = repo / "portfolios" / "jonas-berg" / "portfolio.yml"
    jonas.write_text(jonas.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _commit(repo, "Jonas adds a line", "2026-10-15")
    got = students(capsys, repo)
    assert got["jonas-berg"]["last_change"] == "2026-10-15"
    assert got["anna-lind"]["last_change"] == "2026-09-01"
    assert history.last_changes(repo, ["jonas-berg"]) == {"jonas-berg": "2026-10-15"}


def test_the_deployment_writes_it_as_the_job_summary() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert 'cim status --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    checkout = steps[0]["with"]  # the history, for "last change", without file contents
    assert checkout["fetch-depth"] == 0 and checkout["filter"] == "blob:none"
