"""The `cim` command end to end, on real files: the demo repository and broken copies of it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cim.cli import main

from conftest import ROOT, TODAY

DEMO_POINTS = {
    "anna-lind": (105, True),
    "erik-johansson": (95, False),
    "fatima-hassan": (100, True),
    "jonas-berg": (40, False),
    "lucas-moreau": (40, True),
    "mei-chen": (100, True),
    "oskar-nilsson": (51, False),
    "sara-ahmed": (4, False),
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["validate", "--format", "json", "--today", TODAY, *args])
    return code, json.loads(capsys.readouterr().out)


def test_demo_repository_is_valid_with_the_right_points(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "--repo", str(ROOT))
    assert code == 0
    assert data["valid"] is True and data["errors"] == []
    got = {p["id"]: (p["points"], p["met"]) for p in data["portfolios"]}
    assert got == DEMO_POINTS
    by_id = {p["id"]: p for p in data["portfolios"]}
    assert by_id["mei-chen"]["public"] is False
    assert by_id["lucas-moreau"]["required"] == 40
    assert by_id["erik-johansson"]["unmet"] == ["100 points in total — 95 points: 5 to go"]
    own = [e for e in by_id["jonas-berg"]["entries"] if e["needs_review"]]
    assert own and own[0]["points"] == 10


def test_json_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run_json(capsys, "--repo", str(ROOT))
    assert {"version", "valid", "errors", "warnings", "summary", "portfolios"} <= set(data)
    for p in data["portfolios"]:
        assert {
            "id",
            "name",
            "public",
            "valid",
            "points",
            "required",
            "met",
            "errors",
            "warnings",
            "entries",
        } <= set(p)
        for problem in p["warnings"]:
            assert {"file", "line", "column", "message"} <= set(problem)
        for e in p["entries"]:
            assert {"index", "activity", "date", "points", "status", "reasons"} <= set(e)


def break_three(repo: Path) -> None:
    anna = repo / "portfolios/anna-lind/portfolio.yml"
    anna.write_text(anna.read_text().replace("name: Anna Lind", "name: [Anna Lind"))
    erik = repo / "portfolios/erik-johansson/portfolio.yml"
    erik.write_text(
        erik.read_text().replace(
            "programme: social-work", "programme: social-work\nprogramme: nursing"
        )
    )
    (repo / "portfolios/oskar-nilsson/evidence/cafe-card.jpg").unlink()


def test_three_broken_portfolios_are_all_reported_and_the_rest_scored(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_three(repo)
    code, data = run_json(capsys, "--repo", str(repo))
    assert code == 1
    by_id = {p["id"]: p for p in data["portfolios"]}
    invalid = sorted(i for i, p in by_id.items() if not p["valid"])
    assert invalid == ["anna-lind", "erik-johansson", "oskar-nilsson"]

    [syntax] = by_id["anna-lind"]["errors"]
    assert syntax["file"] == "portfolios/anna-lind/portfolio.yml" and syntax["line"] == 4
    assert "YAML syntax error" in syntax["message"]
    [dup] = by_id["erik-johansson"]["errors"]
    assert dup["line"] == 8 and "duplicate key 'programme'" in dup["message"]
    [missing] = by_id["oskar-nilsson"]["errors"]
    assert missing["line"] == 40 and "evidence/cafe-card.jpg' does not exist" in missing["message"]

    for pid in ("fatima-hassan", "jonas-berg", "lucas-moreau", "mei-chen", "sara-ahmed"):
        assert by_id[pid]["valid"] and by_id[pid]["points"] == DEMO_POINTS[pid][0]
    assert by_id["erik-johansson"]["points"] == 95  # a duplicate key does not stop scoring


def test_text_and_github_formats_name_file_and_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_three(repo)
    assert main(["validate", "--repo", str(repo), "--today", TODAY]) == 1
    text = capsys.readouterr().out
    assert "portfolios/erik-johansson/portfolio.yml:8:1: error: duplicate key" in text
    assert "3 invalid" in text
    assert main(["validate", "--repo", str(repo), "--today", TODAY, "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=portfolios/oskar-nilsson/portfolio.yml,line=40,col=15::" in out
    assert "::warning file=" in out


def test_validate_only_the_given_paths(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    break_three(repo)
    code, data = run_json(
        capsys,
        "--repo",
        str(repo),
        str(repo / "portfolios/sara-ahmed"),
        str(repo / "portfolios/mei-chen/portfolio.yml"),
    )
    assert code == 0
    assert [p["id"] for p in data["portfolios"]] == ["mei-chen", "sara-ahmed"]


def test_semantic_errors_with_advice(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sara = repo / "portfolios/sara-ahmed/portfolio.yml"
    text = sara.read_text()
    text = text.replace("activity: language-cafe", "activity: languge-cafe")
    text = text.replace("id: sara-ahmed", "id: sara-ahmad").replace("2026-09-16", "2026-02-30")
    text = text.replace("programme: public-health", "programme: public-helth")
    text += (
        "  - activity: international-day\n    date: 2027-01-01\n    evidence:\n"
        "      - file: ../anna-lind/evidence/international-day.jpg\n"
        "      - file: evidence/notes.docx\n"
    )
    sara.write_text(text)
    code, data = run_json(capsys, "--repo", str(repo), str(sara.parent))
    assert code == 1
    messages = [f"{e['line']}: {e['message']}" for e in data["portfolios"][0]["errors"]]
    joined = "\n".join(messages)
    assert "did you mean 'language-cafe'?" in joined
    assert "did you mean 'public-health'?" in joined
    assert "does not match the folder name 'sara-ahmed'" in joined
    assert "'2026-02-30' is not a real calendar date" in joined
    assert "2027-01-01 is in the future" in joined
    assert "may not contain '..'" in joined
    assert "allowed evidence types are" in joined


def test_broken_rules_are_top_level_errors_and_portfolios_still_checked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acts = repo / "activities.yml"
    acts.write_text(acts.read_text().replace("category: courses", "category: coursez", 1))
    code, data = run_json(capsys, "--repo", str(repo))
    assert code == 1
    [error] = data["errors"]
    assert error["file"] == "activities.yml" and "did you mean 'courses'?" in error["message"]
    assert len(data["portfolios"]) == 8


def test_points_command_explains_with_a_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["points", "oskar-nilsson", "--repo", str(ROOT), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert "51/100 points (51%)" in out and "█" in out
    assert "over the repeat limit" in out
    assert "49 to go" in out


def test_points_for_an_unknown_student(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["points", "nobody", "--repo", str(ROOT)]) == 1
    assert "no portfolio 'nobody'" in capsys.readouterr().err


def test_new_scaffolds_a_valid_portfolio(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["new", "kim-park", "--repo", str(repo), "--name", "Kim Park", "--start", "2025-08-25"]
        )
        == 0
    )
    text = (repo / "portfolios/kim-park/portfolio.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert (repo / "portfolios/kim-park/evidence").is_dir()
    capsys.readouterr()
    code, data = run_json(capsys, "--repo", str(repo), str(repo / "portfolios/kim-park"))
    assert code == 0 and data["portfolios"][0]["name"] == "Kim Park"
    assert main(["new", "kim-park", "--repo", str(repo)]) == 2
    assert main(["new", "Bad Id", "--repo", str(repo)]) == 2


def test_activities_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["activities", "--repo", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert "exchange-semester" in out and "50 points (at most 2 times)" in out
    assert (
        main(["activities", "--repo", str(ROOT), "--format", "json", "--location", "online"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data and all("online" in a["location"] for a in data)


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "xml"]) == 2
    assert main(["validate", "--repo", "/no/such/folder"]) == 2
    assert main([]) == 2


def test_console_script_help_and_exit_codes(repo: Path) -> None:
    """The installed `cim` entry point, as a real process."""
    cim = Path(sys.executable).parent / "cim"
    out = subprocess.run([cim, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("validate", "points", "new", "activities"):
        assert command in out
    ok = subprocess.run([cim, "validate"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    break_three(repo)
    bad = subprocess.run([cim, "validate", "--repo", str(repo)], capture_output=True, text=True)
    assert bad.returncode == 1


def test_every_commands_help_reads_as_written() -> None:
    """argparse formats help strings with %, not descriptions: a "%%" meant for one shows
    as written in the other."""
    from cim.cli import COMMANDS, build_parser

    for command in COMMANDS:
        parser = build_parser(command)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[
            command
        ]
        text = sub.format_help()
        assert "%%" not in text and "%(" not in text, command


def test_demo_files_and_template_carry_the_schema_modeline() -> None:
    files = {
        ROOT / "rules.yml": "rules",
        ROOT / "activities.yml": "activities",
        **dict.fromkeys(ROOT.glob("portfolios/*/portfolio.yml"), "portfolio"),
    }
    for path, kind in files.items():
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target == ROOT / f"generator/cim/schemas/{kind}.schema.json"
    template = (ROOT / "generator/cim/templates/portfolio.yml").read_text()
    assert template.startswith(
        "# yaml-language-server: $schema=../../generator/cim/schemas/portfolio.schema.json"
    )


def add_entry(repo: Path, pid: str, text: str) -> None:
    path = repo / "portfolios" / pid / "portfolio.yml"
    path.write_text(path.read_text() + text)


def test_ju_threshold_99_versus_100(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Erik has 95 points: two café sessions make 99 (not met), an International Day 100."""
    cafe = (
        "  - activity: language-cafe\n    date: 2025-10-01\n    amount: 2\n    evidence:\n"
        "      - file: evidence/coil-certificate.pdf\n        kind: attendance\n"
    )
    add_entry(repo, "erik-johansson", cafe)
    _, data = run_json(capsys, "--repo", str(repo), str(repo / "portfolios/erik-johansson"))
    [erik] = data["portfolios"]
    assert (erik["points"], erik["met"]) == (99, False)
    assert erik["unmet"] == ["100 points in total — 99 points: 1 to go"]

    day = (
        "  - activity: international-day\n    date: 2025-11-05\n    reflection: >-\n"
        "      I presented my placement in Cape Town and learned how much my view of child\n"
        "      welfare had changed; explaining it to first-year students made me see it\n"
        "      again with fresh eyes and think about what I want to keep doing.\n"
        "    evidence:\n      - file: evidence/coil-certificate.pdf\n        kind: photo\n"
    )
    path = repo / "portfolios/erik-johansson/portfolio.yml"
    path.write_text(path.read_text().replace(cafe, day))
    _, data = run_json(capsys, "--repo", str(repo), str(repo / "portfolios/erik-johansson"))
    [erik] = data["portfolios"]
    assert (erik["points"], erik["met"], erik["unmet"]) == (100, True, [])
