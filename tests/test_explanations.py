"""The words students read: every failing part named, and the next concrete step."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cim.cli import main
from cim.scoring.groups import spell_dates

from conftest import ROOT, TODAY
from engine import activity, entry, rules, run


def test_dates_in_words() -> None:
    d = dt.date.fromisoformat
    assert spell_dates([d("2025-03-04"), d("2025-03-11")]) == "4 and 11 March 2025"
    assert spell_dates([d("2024-12-20"), d("2025-01-03")]) == "20 December 2024 and 3 January 2025"
    assert spell_dates([d("2025-02-01"), d("2025-03-01"), d("2025-03-08")]) == (
        "1 February, 1 and 8 March 2025"
    )


def test_leftover_lectures_say_which_date_to_add() -> None:
    lecture = activity(
        "lecture", 5, title="Guest lecture", group={"size": 3, "distinct_dates": True}
    )
    a = run([lecture], [entry("lecture", "2025-03-04"), entry("lecture", "2025-03-11")])
    assert (
        "add one more ‘Guest lecture’ on a date other than 4 and 11 March 2025"
        in (a.entries[0].reasons[0])
    )
    same_day = run([lecture], [entry("lecture", "2025-03-04"), entry("lecture", "2025-03-04")])
    assert (
        "add 2 more ‘Guest lecture’ on different dates other than 4 March 2025"
        in (same_day.entries[0].reasons[0])
    )


def test_a_compound_requirement_names_every_failing_part() -> None:
    data = rules(
        cohorts=[
            {
                "id": "student",
                "title": "Student",
                "threshold": 10,
                "requirements": [
                    {
                        "text": "a long stay, or a short stay and engagement at home",
                        "any_of": [
                            {"points": 30, "where": {"activity": "stay"}},
                            {
                                "all_of": [
                                    {"activities": 1, "where": {"activity": "stay"}},
                                    {"activities": 1, "where": {"activity": "home"}},
                                ]
                            },
                        ],
                    }
                ],
            }
        ]
    )
    a = run([activity("stay", 15), activity("home", 15)], [entry("stay")], data)
    assert a.unmet == [
        "a long stay, or a short stay and engagement at home — 0 of 1 met: add either "
        "15 more points of ‘Stay’, or 1 more activity of ‘Home’"
    ]


def test_no_words_count_is_asked_when_none_is_set() -> None:
    a = run([activity("x", 10, reflection={"required": True})], [entry("x")])
    assert a.entries[0].reasons == ["missing reflection: write a reflection under `reflection:`"]


def test_a_portfolio_where_nothing_counts_is_a_warning_not_a_tick(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests/fixtures/valid", repo)
    target = repo / "portfolios/bo/portfolio.yml"
    text = target.read_text()
    target.write_text(text.split("entries:")[0] + "entries: []\n")
    main(["validate", "--repo", str(repo), "--today", TODAY])
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if " bo " in x)
    assert line.startswith("! bo"), out
    assert "nothing in this portfolio counts yet" in out
