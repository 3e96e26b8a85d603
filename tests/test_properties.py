"""Invariants of the points engine, checked on generated portfolios."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import activity, rules, run

CATALOGUE = [
    activity("fixed", 10, max_times=3),
    activity("cafe", {"per": "session", "each": 2}, cap=10),
    activity(
        "band",
        {"per": "hour", "bands": [{"min": 5, "max": 9, "points": 5}, {"min": 10, "points": 15}]},
        max_times=2,
        category="c2",
        aims=["a2"],
    ),
    activity("lecture", 5, group={"size": 3, "distinct_dates": True}, cap=15),
    activity("trip", 20, location="abroad", outside_origin=True, category="c2"),
]
RULES = rules(
    categories=[{"id": "c1", "title": "One", "cap": 30}, {"id": "c2", "title": "Two", "cap": 40}]
)
CAPS = {"cafe": 10, "lecture": 15, "own-choice": 20}
MAX_TIMES = {"fixed": 3, "band": 2}

dates = st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2026, 12, 31)).map(
    lambda d: d.isoformat()
)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["fixed", "cafe", "band", "lecture", "trip", "own-choice"]))
    e: dict[str, Any] = {"activity": kind, "date": draw(dates)}
    if kind in ("cafe", "band"):
        e["amount"] = draw(st.integers(min_value=1, max_value=20))
    if kind == "trip":
        e["country"] = draw(st.sampled_from(["SE", "DE", "KE"]))
    if kind == "own-choice":
        e.update(
            title=draw(st.sampled_from(["A", "B"])),
            claim=draw(st.integers(1, 30)),
            category=draw(st.sampled_from(["c1", "c2"])),
            aims=["a1"],
        )
    return e


portfolios = st.lists(entries(), max_size=14)


def total(items: list[dict[str, Any]]) -> int:
    return run(CATALOGUE, items, rules_data=RULES, origin_country="DE").points


@settings(max_examples=150, deadline=None)
@given(portfolios, st.randoms(use_true_random=False))
def test_order_of_entries_never_changes_the_points(items: list[dict[str, Any]], rnd: Any) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    a = run(CATALOGUE, items, rules_data=RULES, origin_country="DE")
    b = run(CATALOGUE, shuffled, rules_data=RULES, origin_country="DE")
    assert a.points == b.points
    assert a.by_category == b.by_category and a.by_aim == b.by_aim
    assert Counter((r.entry.sort_key(), r.points) for r in a.entries) == Counter(
        (r.entry.sort_key(), r.points) for r in b.entries
    )


@settings(max_examples=150, deadline=None)
@given(portfolios, entries())
def test_adding_an_entry_never_lowers_the_total(
    items: list[dict[str, Any]], extra: dict[str, Any]
) -> None:
    assert total([*items, extra]) >= total(items)


@settings(max_examples=150, deadline=None)
@given(portfolios)
def test_no_cap_or_repeat_limit_is_ever_exceeded(items: list[dict[str, Any]]) -> None:
    a = run(CATALOGUE, items, rules_data=RULES, origin_country="DE")
    per_activity: dict[str, int] = defaultdict(int)
    times: dict[str, int] = defaultdict(int)
    for r in a.entries:
        assert 0 <= r.points <= max(r.raw, 0)
        if r.activity is not None:
            per_activity[r.activity.id] += r.points
            times[r.activity.id] += r.counts
    for activity_id, cap in CAPS.items():
        assert per_activity[activity_id] <= cap
    for activity_id, limit in MAX_TIMES.items():
        assert times[activity_id] <= limit
    assert a.by_category.get("c1", 0) <= 30 and a.by_category.get("c2", 0) <= 40
    assert a.points == sum(a.by_category.values())


# --- the same invariants with the primitives published schemes need ---------------------------
# All-or-nothing blocks, a sub-category inside a capped category, an activity that opens only
# after 30 points, one reflection per group of lectures, strict month bands measured on the
# calendar, and "abroad" judged from the country of origin. None of them is an exception:
# adding an entry never lowers the total (a block can only become complete, a prerequisite
# can only open, a group can only gain a reflection).

SCHEME_CATALOGUE = [
    activity("block", 20, category="b1"),
    activity("course", 5, category="sub", max_times=4),
    activity("language", 10, category="c2"),
    activity("talk", 10, category="c2", after={"points": 30}, max_times=1),
    activity(
        "lecture",
        5,
        category="c2",
        group={"size": 3, "distinct_dates": True, "reflection": "per_group"},
        reflection={"min_words": 3},
    ),
    activity(
        "stay",
        {
            "per": "month",
            "bands": [{"min": 0.5, "max": 3, "points": 15}, {"more_than": 3, "points": 30}],
        },
        category="b2",
        location="abroad",
    ),
]
SCHEME_RULES = rules(
    categories=[
        {"id": "b1", "title": "Block one", "cap": 50, "all_or_nothing": True},
        {"id": "b2", "title": "Block two", "min": 30, "cap": 30, "all_or_nothing": True},
        {"id": "c2", "title": "Two", "cap": 40},
        {"id": "sub", "title": "Sub", "within": "c2", "cap": 10},
    ],
    abroad={"relative_to": "origin"},
    cohorts=[
        {
            "id": "student",
            "title": "Student",
            "threshold": 100,
            "may_apply": 90,
            "window": {"from": "any", "to": "study_end", "days_after": 90},
        }
    ],
)


@st.composite
def scheme_entries(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["block", "course", "language", "talk", "lecture", "stay"]))
    e: dict[str, Any] = {"activity": kind, "date": draw(dates)}
    if kind == "lecture" and draw(st.booleans()):
        e["reflection"] = "what I learned there"
    if kind == "stay":
        first = dt.date.fromisoformat(e["date"])
        e["end"] = (first + dt.timedelta(days=draw(st.integers(0, 150)))).isoformat()
        e["country"] = draw(st.sampled_from(["SE", "DE"]))
    return e


scheme_portfolios = st.lists(scheme_entries(), max_size=14)


def scheme_run(items: list[dict[str, Any]]) -> Any:
    return run(SCHEME_CATALOGUE, items, rules_data=SCHEME_RULES, origin_country="DE")


@settings(max_examples=150, deadline=None)
@given(scheme_portfolios, st.randoms(use_true_random=False))
def test_scheme_primitives_ignore_the_order_of_entries(
    items: list[dict[str, Any]], rnd: Any
) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    a, b = scheme_run(items), scheme_run(shuffled)
    assert (a.points, a.by_category, a.met, a.may_apply) == (
        b.points,
        b.by_category,
        b.met,
        b.may_apply,
    )


@settings(max_examples=150, deadline=None)
@given(scheme_portfolios, scheme_entries())
def test_scheme_primitives_never_lower_the_total_when_an_entry_is_added(
    items: list[dict[str, Any]], extra: dict[str, Any]
) -> None:
    assert scheme_run([*items, extra]).points >= scheme_run(items).points


@settings(max_examples=150, deadline=None)
@given(scheme_portfolios)
def test_blocks_are_all_or_nothing_and_caps_hold(items: list[dict[str, Any]]) -> None:
    a = scheme_run(items)
    assert a.by_category.get("b1", 0) in (0, 50)
    assert a.by_category.get("b2", 0) in (0, 30)
    assert a.by_category.get("sub", 0) <= 10
    assert a.by_category.get("c2", 0) + a.by_category.get("sub", 0) <= 40
    assert a.points == sum(a.by_category.values())


# --- the sharing of capped points is the best one -------------------------------------------
# scoring/limits.py shares capped points out as a maximum flow. On small cases, compared with
# trying every sharing: the total is the highest any sharing reaches, and no limit is exceeded.


@st.composite
def capped_claims(draw: st.DrawFn) -> tuple[list[Any], dict[str, int]]:
    from cim.scoring.limits import Claim

    caps = {
        "activity:own": draw(st.integers(0, 8)),
        "category:a": draw(st.integers(0, 8)),
        "category:b": draw(st.integers(0, 8)),
        "category:parent": draw(st.integers(0, 12)),
    }
    claims = []
    for _ in range(draw(st.integers(1, 4))):
        raw = draw(st.integers(0, 6))
        own = draw(st.sampled_from(["", "activity:own"]))
        cats = draw(st.sampled_from([(), ("category:a",), ("category:b", "category:parent")]))
        claims.append(Claim(raw, 0, own, cats))
    return claims, caps


def _best(claims: list[Any], caps: dict[str, int]) -> int:
    import itertools

    best = 0
    for shares in itertools.product(*(range(c.raw + 1) for c in claims)):
        used: dict[str, int] = defaultdict(int)
        for c, x in zip(claims, shares, strict=True):
            for limit in (c.activity, *c.categories) if c.activity else c.categories:
                used[limit] += x
        if all(used[k] <= caps[k] for k in used):
            best = max(best, sum(shares))
    return best


@settings(max_examples=150, deadline=None)
@given(capped_claims())
def test_capped_points_are_shared_out_as_well_as_possible(
    case: tuple[list[Any], dict[str, int]],
) -> None:
    from cim.scoring.limits import improve

    claims, caps = case
    shared = improve(claims, caps.__getitem__)
    used: dict[str, int] = defaultdict(int)
    for c, x in zip(claims, shared, strict=True):
        assert 0 <= x <= c.raw
        for limit in (c.activity, *c.categories) if c.activity else c.categories:
            used[limit] += x
    assert all(used[k] <= caps[k] for k in used)
    assert sum(shared) == _best(claims, caps)


def test_an_occasion_without_a_reflection_never_pushes_a_reflected_one_out() -> None:
    """Found by the property above: three lectures on three dates, the latest with the group's
    reflection, earned 5 points; an earlier fourth lecture without one must not take the
    reflected lecture's place in the group."""
    items = [
        {"activity": "lecture", "date": "2023-06-02"},
        {"activity": "lecture", "date": "2024-01-01"},
        {"activity": "lecture", "date": "2024-01-02", "reflection": "what I learned there"},
    ]
    before = scheme_run(items).points
    assert before == 5
    assert scheme_run([*items, {"activity": "lecture", "date": "2023-06-01"}]).points == before
