"""Ceremony and exchange lists, and the Ladok export with its record, end to end."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cim.admin import ledger
from cim.cli import main

from conftest import ROOT, TODAY, copy_repo


def run(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args, "--repo", str(repo), "--today", TODAY])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ceremony", "--date", "13/06/2026"], "write the date as YYYY-MM-DD, e.g. 2026-06-13"),
        (["ceremony", "--date", "2026-06-31"], "write the date as YYYY-MM-DD"),
        (["ceremony"], "export ceremony needs --date: write the date as YYYY-MM-DD"),
        (["exchange", "--semester", "autumn"], "write the semester as autumn-2026 or spring-2027"),
        (["exchange", "--semester", "HT2026"], "write the semester as autumn-2026"),
        (["exchange"], "needs --semester: write the semester as autumn-2026"),
        (["ladok", "--since", "yesterday"], "write the date as YYYY-MM-DD"),
    ],
)
def test_a_wrong_format_gets_the_right_one(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, ROOT, *args)
    assert code == 2 and message in err and out == ""


def test_the_ceremony_lists_who_qualifies_and_who_is_missing_what(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    awards = repo / "awards.yml"  # Fatima qualifies but her award is not recorded yet
    awards.write_text(
        awards.read_text(encoding="utf-8").replace(
            "  - number: CIM-2026-0002\n    student: fatima-hassan\n"
            "    ceremony: graduation-2026-06\n",
            "",
        ),
        encoding="utf-8",
    )
    erik = repo / "portfolios" / "erik-johansson" / "portfolio.yml"  # graduates that June too
    erik.write_text(
        erik.read_text(encoding="utf-8").replace("end: 2027-01-15", "end: 2026-06-12", 1),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, repo, "ceremony", "--date", "2026-06-12", "--format", "csv")
    assert code == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out))}
    assert [(n, r["state"]) for n, r in rows.items()] == [
        ("Anna Lind", "awarded"),
        ("Fatima Hassan", "qualifies, not yet awarded"),
        ("Erik Johansson", "missing"),
    ]
    assert rows["Erik Johansson"]["missing"] == "100 points in total — 95 points: 5 to go"
    assert rows["Anna Lind"]["certificate_number"] == "CIM-2026-0001"


def test_an_empty_list_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ROOT, "ceremony", "--date", "2028-06-09")
    assert code == 0
    assert "awards.yml lists no ceremony on 2028-06-09" in out
    assert "Nobody graduates in spring 2028 (the term of 2028-06-09)" in out
    assert "nearest graduation dates: " in out and "2027-06-11 (2)" in out
    _, out, _ = run(capsys, ROOT, "ceremony", "--date", "2027-06-11")
    assert (
        "Nobody qualifies yet. The closest: Erik Johansson (95/100), Oskar Nilsson (51/100), "
        "Jonas Berg (40/100)." in out
    )
    _, out, _ = run(capsys, ROOT, "exchange", "--semester", "spring-2026")
    assert "No exchange student started in spring 2026" in out and "autumn 2026 (1)" in out


def test_the_exchange_celebration_by_semester(capsys: pytest.CaptureFixture[str]) -> None:
    for semester in ("autumn-2026", "2026-autumn", "Autumn-2026"):
        code, out, _ = run(capsys, ROOT, "exchange", "--semester", semester)
        assert code == 0 and "Lucas Moreau" in out and "CIM-2026-0003" in out


def test_ladok_lists_what_is_new_and_what_to_undo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    out = tmp_path / "ladok.csv"
    code, _, err = run(capsys, repo, "ladok", "--out", str(out))
    assert code == 0 and "Recorded in exports.yml: 4 registered, 0 undone" in err
    first = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["action"], r["certificate_number"]) for r in first] == [
        ("register", "CIM-2025-0001"),
        ("register", "CIM-2026-0001"),
        ("register", "CIM-2026-0002"),
        ("register", "CIM-2026-0003"),
    ]
    record = (repo / "exports.yml").read_text(encoding="utf-8")
    assert record.startswith("# What was sent to Ladok.")
    assert "registered: [CIM-2025-0001, CIM-2026-0001, CIM-2026-0002, CIM-2026-0003]" in record
    # Nothing new: nothing listed and nothing recorded.
    code, text, err = run(capsys, repo, "ladok")
    assert code == 0 and text.count("\n") == 1
    assert f"nothing new for Ladok since the last export on {TODAY}" in err
    # A revocation of a registered award is listed to undo, once.
    awards = repo / "awards.yml"
    awards.write_text(
        awards.read_text(encoding="utf-8").replace(
            "revocations: []",
            "revocations:\n  - number: CIM-2026-0002\n    date: 2026-11-28\n"
            "    reason: awarded by mistake",
        ),
        encoding="utf-8",
    )
    (repo / "exports.yml").write_text(record + "# kept by hand\n", encoding="utf-8")
    code, _, _ = run(capsys, repo, "ladok", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["action"], r["certificate_number"], r["reason"]) for r in rows] == [
        ("undo", "CIM-2026-0002", "awarded by mistake")
    ]
    done = ledger.read(repo)
    assert done.undone == {"CIM-2026-0002"} and not done.problems
    assert "# kept by hand" in (repo / "exports.yml").read_text(encoding="utf-8")
    # --since lists everything from a day, whatever was recorded.
    _, text, _ = run(capsys, repo, "ladok", "--since", "2026-06-01")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["action"], r["certificate_number"]) for r in rows] == [
        ("register", "CIM-2026-0001"),
        ("register", "CIM-2026-0003"),
    ]


def test_an_award_dated_after_today_waits_for_its_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["export", "ladok", "--repo", str(ROOT), "--today", "2026-11-01"])
    numbers = [
        r["certificate_number"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
    ]
    assert code == 0 and "CIM-2026-0003" not in numbers  # the exchange celebration, 26 Nov
