"""The rule primitives that published schemes need, one at a time, with their explanations."""

from __future__ import annotations

import datetime as dt

import pytest

from cim.model.catalogue import calendar_months

from engine import activity, entry, points, rules, run

REFLECTION = "I listened, asked questions and wrote down what I learned about care elsewhere."


# --- calendar months and strict bounds -----------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        ("2025-02-01", "2025-04-30", 3.0),  # February is short, still three whole months
        ("2025-01-15", "2025-04-14", 3.0),
        ("2025-02-01", "2025-05-01", 3 + 1 / 31),  # one day into May
        # A month after 31 January is 28 February (the last day of a shorter month), as in
        # dateutil's relativedelta: the stay 31 January to 27 February is one whole month.
        ("2025-01-31", "2025-02-27", 1.0),
        ("2025-01-31", "2025-02-28", 1 + 1 / 28),
        ("2024-03-01", "2024-03-31", 1.0),
        ("2024-12-01", "2025-11-30", 12.0),
        ("2025-06-10", "2025-06-10", 1 / 30),
    ],
)
def test_calendar_months(first: str, last: str, months: float) -> None:
    got = calendar_months(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    assert got == pytest.approx(months)


STAY = activity(
    "stay",
    {
        "per": "month",
        "bands": [{"min": 0.5, "max": 3, "points": 15}, {"more_than": 3, "points": 30}],
    },
    location="abroad",
)


def test_more_than_three_months_is_strict_and_counted_on_the_calendar() -> None:
    a = run(
        [STAY],
        [
            entry("stay", "2025-02-01", end="2025-04-30"),  # 89 days, exactly 3 months
            entry("stay", "2025-06-01", end="2025-09-01"),  # 3 months and a day
            entry("stay", "2024-01-01", end="2024-01-10"),  # under half a month
        ],
    )
    assert points(a) == [15, 30, 0]
    assert "below the lowest band (0.5)" in a.entries[2].reasons[0]


def test_less_than_excludes_its_bound() -> None:
    vol = activity(
        "vol",
        {
            "per": "month",
            "bands": [{"min": 1, "less_than": 2, "points": 10}, {"min": 2, "points": 20}],
        },
    )
    a = run(
        [vol],
        [
            entry("vol", "2025-01-01", end="2025-01-31"),  # 1 month
            entry("vol", "2025-03-01", end="2025-04-29"),  # just under 2 months
            entry("vol", "2025-06-01", end="2025-07-31"),  # exactly 2 months
        ],
    )
    assert points(a) == [10, 10, 20]


def test_per_unit_months_count_whole_months_only() -> None:
    rent = activity("rent", {"per": "month", "each": 5})
    a = run([rent], [entry("rent", "2025-02-01", end="2025-05-15")])  # 3.5 months
    assert a.points == 15


# --- windows ----------------------------------------------------------------------------


def _cohort(window: dict[str, object]) -> dict[str, object]:
    return rules(cohorts=[{"id": "student", "title": "Student", "threshold": 10, "window": window}])


def test_window_open_after_graduation() -> None:
    late = [entry("x", "2026-08-15")]  # studies end 2026-06-30; TODAY is 2026-11-28
    closed = run([activity("x")], late, _cohort({"from": "study_start", "to": "study_end"}))
    open_ = run([activity("x")], late, _cohort({"to": "study_end", "days_after": 60}))
    too_late = run([activity("x")], late, _cohort({"to": "study_end", "days_after": 30}))
    assert (closed.points, open_.points, too_late.points) == (0, 10, 0)
    assert "outside the date window" in too_late.entries[0].reasons[0]


def test_window_without_limits() -> None:
    items = [entry("x", "2019-05-01"), entry("x", "2026-10-01")]
    assert run([activity("x")], items, _cohort({"from": "any", "to": "any"})).points == 20
    assert run([activity("x")], items, _cohort({})).points == 0


# --- all-or-nothing and sub-categories -----------------------------------------------------

BLOCKS = rules(
    categories=[
        {"id": "c1", "title": "Block one", "cap": 50, "all_or_nothing": True},
        {"id": "c2", "title": "Block two", "cap": 50, "all_or_nothing": True},
    ],
    cohorts=[{"id": "student", "title": "Student", "threshold": 100}],
)


def test_a_block_counts_only_when_complete_and_its_surplus_never_moves() -> None:
    a = run(
        [activity("one", 25), activity("two", 20, category="c2")],
        [
            entry("one", "2025-01-01"),
            entry("one", "2025-02-01"),
            entry("one", "2025-03-01"),  # 75 in block one: capped at 50
            entry("two", "2025-01-01"),
            entry("two", "2025-02-01"),  # 40 in block two: incomplete, counts 0
        ],
        BLOCKS,
    )
    assert a.points == 50
    assert a.by_category == {"c1": 50}
    assert points(a) == [25, 25, 0, 0, 0]
    incomplete = a.entries[3]
    assert incomplete.status == "not counted"
    assert (
        "Block two counts only when complete (40 of 50 points): add 10 more"
        in (incomplete.reasons[-1])
    )


def test_all_or_nothing_completes_at_the_minimum_when_there_is_one() -> None:
    data = rules(
        categories=[
            {"id": "c1", "title": "Knowledge", "min": 30, "cap": 30, "all_or_nothing": True}
        ]
    )
    half = run([activity("m", 15)], [entry("m")], data)
    whole = run([activity("m", 15)], [entry("m"), entry("m", "2025-03-01")], data)
    assert (half.points, whole.points) == (0, 30)
    assert any("30 points in Knowledge" in u for u in half.unmet)


SUB = rules(
    categories=[
        {"id": "c1", "title": "Studies", "cap": 25, "min": 10},
        {"id": "courses", "title": "Courses", "within": "c1", "cap": 10},
        {"id": "c2", "title": "Other"},
    ],
    cohorts=[
        {
            "id": "student",
            "title": "Student",
            "threshold": 10,
            "requirements": [{"activities": 2, "where": {"category": "c1"}}],
        }
    ],
)
COURSE = activity("course", 5, category="courses")
LANGUAGE = activity("lang", 10)


def test_a_sub_category_has_its_own_cap() -> None:
    a = run([COURSE], [entry("course", f"2025-0{m}-01") for m in (1, 2, 3)], SUB)
    assert points(a) == [5, 5, 0]
    assert "the Courses category gives at most 10 points" in a.entries[2].reasons[0]
    # The parent's minimum and its requirements count the sub-category's activities too.
    assert a.met, a.unmet
    assert a.by_category == {"courses": 10}


def test_the_parent_cap_covers_its_sub_categories() -> None:
    items = [
        entry("course", "2025-01-01"),
        entry("course", "2025-02-01"),
        entry("lang", "2025-03-01"),
        entry("lang", "2025-04-01"),
    ]
    a = run([COURSE, LANGUAGE], items, SUB)
    assert a.points == 25
    assert a.by_category == {"c1": 20, "courses": 5}
    reasons = [x for r in a.entries for x in r.reasons]
    assert reasons == ["capped: the Studies category gives at most 25 points"]


# --- prerequisites and "may apply, then a final item" ---------------------------------------

FINAL = rules(
    cohorts=[
        {
            "id": "student",
            "title": "Student",
            "threshold": 40,
            "may_apply": 30,
            "requirements": [
                {
                    "activities": 1,
                    "where": {"activity": "talk"},
                    "after_applying": True,
                    "text": "a talk at the workshop",
                }
            ],
        }
    ]
)
TALK = activity("talk", 10, after={"points": 30})
WORK = activity("work", 10)


def _work(n: int) -> list[dict[str, object]]:
    return [entry("work", f"2025-0{m}-01") for m in range(1, n + 1)]


def test_may_apply_before_the_final_item() -> None:
    a = run([WORK, TALK], _work(3), FINAL)
    assert (a.points, a.met, a.may_apply) == (30, False, True)
    assert any("a talk at the workshop" in u for u in a.unmet)


def test_the_final_item_counts_once_open() -> None:
    a = run([WORK, TALK], [*_work(3), entry("talk", "2025-06-01")], FINAL)
    assert (a.points, a.met, a.may_apply) == (40, True, False)


def test_a_final_item_dated_too_early_does_not_count_and_says_why() -> None:
    a = run([WORK, TALK], [*_work(3), entry("talk", "2025-02-15")], FINAL)
    assert (a.points, a.met, a.may_apply) == (30, False, True)
    talk = a.entries[-1]
    assert talk.points == 0
    assert "opens only after 30 points (on 2025-02-15 you had 20 points" in talk.reasons[0]


def test_a_final_item_on_the_same_day_as_the_last_activity_counts() -> None:
    a = run([WORK, TALK], [*_work(3), entry("talk", "2025-03-01")], FINAL)
    assert a.met


def test_prerequisite_on_another_requirement() -> None:
    advanced = activity("advanced", 10, after={"activities": 1, "where": {"activity": "basic"}})
    basic = activity("basic", 5)
    early = run([basic, advanced], [entry("advanced", "2025-01-01"), entry("basic", "2025-02-01")])
    late = run([basic, advanced], [entry("basic", "2025-01-01"), entry("advanced", "2025-02-01")])
    assert (early.points, late.points) == (5, 15)
    assert "opens only after 1 activity of ‘Basic’" in early.entries[0].reasons[0]


def test_without_a_final_item_requirement_the_old_may_apply_stands() -> None:
    data = rules(cohorts=[{"id": "student", "title": "Student", "threshold": 40, "may_apply": 30}])
    assert run([WORK], _work(3), data).may_apply
    assert not run([WORK], _work(2), data).may_apply
    assert not run([WORK], _work(4), data).may_apply  # met: nothing to apply for


# --- one reflection per group ---------------------------------------------------------------

LECTURE = activity(
    "lecture",
    1,
    group={"size": 3, "distinct_dates": True, "reflection": "per_group"},
    reflection={"min_words": 5},
)


def test_one_reflection_is_enough_for_a_group() -> None:
    a = run(
        [LECTURE],
        [
            entry("lecture", "2025-03-04"),
            entry("lecture", "2025-03-11", reflection=REFLECTION),
            entry("lecture", "2025-03-18"),
        ],
    )
    assert a.points == 1


def test_a_group_without_any_reflection_does_not_count() -> None:
    a = run([LECTURE], [entry("lecture", f"2025-03-{d}") for d in ("04", "11", "18")])
    assert a.points == 0
    assert "once one of them has a reflection" in a.entries[0].reasons[-1]


def test_each_group_needs_its_own_reflection() -> None:
    items = [entry("lecture", f"2025-03-{d:02d}") for d in range(1, 7)]
    items[0]["reflection"] = REFLECTION
    assert run([LECTURE], items).points == 1
    items[5]["reflection"] = REFLECTION
    assert run([LECTURE], items).points == 2


def test_per_occasion_is_the_default() -> None:
    lecture = activity("lecture", 1, group={"size": 3}, reflection={"min_words": 5})
    a = run(
        [lecture],
        [
            entry("lecture", "2025-03-04", reflection=REFLECTION),
            entry("lecture", "2025-03-11"),
            entry("lecture", "2025-03-18"),
        ],
    )
    assert a.points == 0


# --- abroad relative to the country of origin ------------------------------------------------

EXCHANGE = activity("exchange", 30, location="abroad")
ORIGIN = rules(abroad={"relative_to": "origin"})


def test_an_exchange_in_the_country_of_origin_is_not_abroad() -> None:
    berlin = [entry("exchange", country="DE")]
    a = run([EXCHANGE], berlin, ORIGIN, origin_country="DE")
    assert a.points == 0
    assert "DE is your country of origin, so this is not abroad" in a.entries[0].reasons[0]
    # Judged from the university's country (the default), Berlin is abroad for a Swede.
    assert run([EXCHANGE], berlin, origin_country="DE").points == 30


def test_a_stay_in_the_universitys_country_is_abroad_for_an_international_student() -> None:
    a = run([EXCHANGE], [entry("exchange", country="SE")], ORIGIN, origin_country="DE")
    assert a.points == 30
    assert a.entries[0].location == "abroad"


def test_a_location_requirement_follows_the_country_of_origin() -> None:
    anywhere = activity("visit", 10, location=["home", "abroad"])
    data = rules(
        abroad={"relative_to": "origin"},
        cohorts=[
            {
                "id": "student",
                "title": "Student",
                "threshold": 10,
                "requirements": [{"activities": 1, "where": {"location": "abroad"}}],
            }
        ],
    )
    home_visit = run([anywhere], [entry("visit", country="DE")], data, origin_country="DE")
    away_visit = run([anywhere], [entry("visit", country="SE")], data, origin_country="DE")
    assert (home_visit.met, away_visit.met) == (False, True)
