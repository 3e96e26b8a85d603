"""Escaping at every output: the pull request's job summary (Markdown), workflow commands in
the logs (annotations and the privileged ownership check) and the administrators' CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cim.admin import exports
from cim.cli import main
from cim.github import escape

from conftest import TODAY, git, pull_request_repository
from helpers import portfolio, save

ANNA_ID = 910000001


@pytest.fixture
def pr_repo(tmp_path: Path) -> Path:
    return pull_request_repository(tmp_path)


HIDING = [
    "Walk <!-- ",  # an HTML comment that would hide the rest of the summary
    "Walk</details><details><summary>ok",
    "Walk ** [ok](https://evil.example) ![x](x) `x` | a | b |",
]


@pytest.mark.parametrize("title", HIDING)
def test_the_job_summary_shows_student_text_as_text(
    pr_repo: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    p = portfolio(pr_repo, "erik-johansson")
    p["entries"].append(
        {
            "activity": "own-choice",
            "title": title,
            "category": "engagement",
            "aims": ["intercultural"],
            "claim": 15,
            "date": "2025-10-01",
            "reflection": "I learned a great deal from the families I met at the fair. " * 6,
            "evidence": [{"file": "evidence/coil-certificate.pdf", "kind": "other"}],
        }
    )
    save(pr_repo, "erik-johansson", p)
    git(pr_repo, "add", "-A")
    git(pr_repo, "commit", "-q", "-m", "change")
    assert (
        main(
            ["diff", "main", "pr", "--repo", str(pr_repo), "--format", "markdown", "--today", TODAY]
        )
        == 0
    )
    md = capsys.readouterr().out
    assert "Needs the reviewer's judgement" in md
    assert "claims 15" in md
    for raw in ("<!--", "</details>", "<details>", "`x`", "| a |"):
        assert raw not in md, raw
    assert not re.search(r"(?<!\\)\]\(", md)  # no link: every ] is escaped


@pytest.mark.parametrize(
    "text",
    [
        "Anna <!-- x",
        "a\nb",
        "a\r\n### fake heading",
        "a\u2028b",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "https://evil.example and www.evil.example",
    ],
)
def test_markdown_escaping_leaves_one_line_without_markup(text: str) -> None:
    shown = escape.markdown(text)
    assert "\n" not in shown and "\r" not in shown and "\u2028" not in shown
    assert "<" not in shown and not re.search(r"(?<!\\)\]\(", shown)
    assert "https://" not in shown and "www.evil" not in shown


def test_workflow_commands_are_escaped_as_github_specifies() -> None:
    assert escape.command_data("50% done\r\n::stop-commands::x") == (
        "50%25 done%0D%0A::stop-commands::x"
    )
    assert escape.command_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_file_names_cannot_inject_workflow_commands_into_the_ownership_log(
    pr_repo: Path,
) -> None:
    import contextlib
    import json

    evil = "portfolios/erik-johansson/x\n::stop-commands::token\n::notice::Allowed.jpg"
    files = [{"filename": evil, "status": "added"}]
    head = git(pr_repo, "rev-parse", "pr").strip()
    pr = {"user": {"id": ANNA_ID}, "changed_files": 1, "head": {"sha": head}}
    (pr_repo.parent / "pr.json").write_text(json.dumps(pr))
    (pr_repo.parent / "files.json").write_text(json.dumps(files))
    git(pr_repo, "checkout", "-q", "main")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "ownership",
                "--repo",
                str(pr_repo),
                "--pr",
                str(pr_repo.parent / "pr.json"),
                "--files",
                str(pr_repo.parent / "files.json"),
            ]
        )
    assert code == 1
    lines = out.getvalue().splitlines()
    assert [line for line in lines if line.startswith("::")] == [
        line for line in lines if line.startswith("::error title=Ownership::")
    ]
    assert any("%0A::stop-commands::token%0A" in line for line in lines)


NAMES = [
    "Anna\r=cmd|' /C calc'!A0",
    "Anna\n=cmd|' /C calc'!A0",
    "  =1+1",
    "\t=1+1",
    "\n@SUM(1,1)",
    "Lind\r\n+1",
]


@pytest.mark.parametrize("name", NAMES)
def test_csv_neutralises_formulas_and_keeps_one_row_per_student(name: str) -> None:
    rows = [
        {
            "username": "anli",
            "name": name,
            "programme": "Nursing",
            "award_date": "2026-06-01",
            "certificate_number": "CIM-2026-0001",
        }
    ]
    text = exports.to_csv(rows, exports.LADOK_COLUMNS)
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(read) == 1 and read[0]["name"].startswith("'")
    assert text.count("\r\n") == 2 + name.count("\r\n")  # header, row, and inside quotes
