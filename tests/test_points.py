"""The points engine: each limit and band, one at a time, with its explanation."""

from __future__ import annotations

from engine import activity, entry, points, rules, run


def test_fixed_points() -> None:
    a = run([activity("x", 10)], [entry("x")])
    assert a.points == 10
    assert a.entries[0].status == "counted"


def test_per_unit_points_with_cap_hit_exactly() -> None:
    cafe = activity("cafe", {"per": "session", "each": 2}, cap=10)
    a = run([cafe], [entry("cafe", amount=3), entry("cafe", "2025-02-01", amount=2)])
    assert a.points == 10
    assert all(not r.reasons for r in a.entries)  # exactly at the cap: nothing cut


def test_per_unit_points_over_the_cap_are_cut_and_explained() -> None:
    cafe = activity("cafe", {"per": "session", "each": 2}, cap=10)
    a = run([cafe], [entry("cafe", amount=4), entry("cafe", "2025-02-01", amount=2)])
    assert a.points == 10
    assert sorted(points(a)) == [2, 8]
    capped = next(r for r in a.entries if r.points == 2)
    assert capped.status == "capped"
    assert "limit of 10 points reached" in capped.reasons[0]


def test_bands_from_amount_and_from_duration() -> None:
    summer = activity(
        "summer",
        {"per": "day", "bands": [{"min": 3, "max": 6, "points": 10}, {"min": 7, "points": 15}]},
    )
    a = run(
        [summer],
        [
            entry("summer", "2025-06-02", end="2025-06-06"),  # 5 days
            entry("summer", "2025-07-01", end="2025-07-07"),  # 7 days
            entry("summer", "2025-08-01", amount=2),
        ],
    )  # below the bands
    assert points(a) == [10, 15, 0]
    assert "below the lowest band" in a.entries[2].reasons[0]


def test_per_unit_needs_an_amount() -> None:
    a = run([activity("cafe", {"per": "session", "each": 2})], [entry("cafe")])
    assert a.points == 0
    assert "add `amount:`" in a.entries[0].reasons[0]


def test_repeat_limit_keeps_the_best_and_explains_the_rest() -> None:
    vol = activity(
        "vol",
        {"per": "hour", "bands": [{"min": 10, "points": 5}, {"min": 40, "points": 15}]},
        max_times=1,
    )
    a = run([vol], [entry("vol", "2025-01-01", amount=10), entry("vol", "2025-03-01", amount=40)])
    assert points(a) == [0, 15]
    assert "over the repeat limit" in a.entries[0].reasons[0]


def test_group_of_three_counts_once_and_leftovers_are_explained() -> None:
    lecture = activity("lecture", 5, group={"size": 3})
    dates = ["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-22", "2025-01-29"]
    a = run([lecture], [entry("lecture", d) for d in dates])
    assert a.points == 5
    assert sum(r.counts for r in a.entries) == 1
    assert sum("2 left over, add 1 more" in " ".join(r.reasons) for r in a.entries) == 2


def test_group_on_distinct_dates() -> None:
    lecture = activity("lecture", 1, group={"size": 3, "distinct_dates": True})
    same_day = ["2025-01-01", "2025-01-01", "2025-01-08"]
    assert run([lecture], [entry("lecture", d) for d in same_day]).points == 0
    # Six occasions on three dates, two per date, make two complete groups.
    six = ["2025-01-01", "2025-01-01", "2025-01-08", "2025-01-08", "2025-01-15", "2025-01-15"]
    assert run([lecture], [entry("lecture", d) for d in six]).points == 2


def test_category_cap_surplus_is_not_carried_over() -> None:
    r = rules(categories=[{"id": "c1", "title": "One", "cap": 15}, {"id": "c2", "title": "Two"}])
    a = run(
        [activity("x", 10), activity("y", 10, category="c2")],
        [entry("x"), entry("x", "2025-02-01"), entry("y")],
        rules_data=r,
    )
    assert a.points == 25
    assert a.by_category == {"c1": 15, "c2": 10}
    assert any("category gives at most 15" in " ".join(x.reasons) for x in a.entries)


def test_date_window_edges_and_future_dates() -> None:
    acts = [activity("x", 1)]
    a = run(
        acts,
        [
            entry("x", "2023-12-31"),
            entry("x", "2024-01-01"),
            entry("x", "2026-06-30"),
            entry("x", "2026-07-01"),
            entry("x", "2026-12-01"),
        ],
    )
    assert points(a) == [0, 1, 1, 0, 0]
    assert "outside the date window" in a.entries[0].reasons[0]
    assert "outside the date window" in a.entries[3].reasons[0]
    assert "future" in a.entries[4].reasons[0]


def test_an_activity_ending_after_the_window_does_not_count() -> None:
    a = run([activity("x", 1)], [entry("x", "2026-06-20", end="2026-07-02")])
    assert a.points == 0


def test_window_from_registration_with_grace_days() -> None:
    r = rules(
        cohorts=[
            {
                "id": "s",
                "title": "S",
                "threshold": 1,
                "window": {"from": "registration", "days_before": 10},
            }
        ]
    )
    a = run(
        [activity("x", 1)],
        [entry("x", "2024-03-01"), entry("x", "2024-03-02")],
        rules_data=r,
        registered="2024-03-12",
    )
    assert points(a) == [0, 1]


def test_evidence_and_reflection_requirements() -> None:
    x = activity("x", 10, evidence={"kinds": ["certificate"]}, reflection={"min_words": 5})
    good = {
        "reflection": "one two three four five",
        "evidence": [{"file": "evidence/c.pdf", "kind": "certificate"}],
    }
    a = run(
        [x],
        [
            entry("x", **good),
            entry("x", "2025-02-01", reflection="too short"),
            entry(
                "x",
                "2025-03-01",
                reflection="one two three four five",
                evidence=[{"file": "evidence/p.jpg", "kind": "photo"}],
            ),
        ],
    )
    assert points(a) == [10, 0, 0]
    assert any("missing evidence" in m for m in a.entries[1].reasons)
    assert any("reflection too short: 2 words" in m for m in a.entries[1].reasons)
    assert a.entries[2].reasons == ["missing evidence: add a file showing certificate"]


def test_evidence_or_reflection_is_enough_with_proof_any() -> None:
    x = activity(
        "x", 1, evidence={"kinds": ["attendance"]}, reflection={"min_words": 3}, proof="any"
    )
    a = run(
        [x],
        [
            entry("x", reflection="a b c"),
            entry("x", "2025-02-01", evidence=[{"file": "e.pdf", "kind": "attendance"}]),
            entry("x", "2025-03-01"),
        ],
    )
    assert points(a) == [1, 1, 0]
    assert "needs either evidence" in a.entries[2].reasons[0]


def test_cohort_and_programme_limits() -> None:
    r = rules(
        cohorts=[
            {"id": "student", "title": "Student", "threshold": 10},
            {"id": "exchange", "title": "Exchange student", "threshold": 5},
        ]
    )
    acts = [activity("buddy", 5, cohorts=["student"]), activity("med", 5, programmes=["med"])]
    a = run(acts, [entry("buddy"), entry("med")], rules_data=r, cohort="exchange")
    assert points(a) == [0, 0]
    assert a.entries[0].reasons == ["not open to Exchange students"]
    assert a.entries[1].reasons == ["not on your programme's list of activities"]
    assert a.required == 5


def test_outside_country_of_origin() -> None:
    x = activity("intern", 20, location="abroad", outside_origin=True)
    a = run(
        [x],
        [entry("intern", country="DE"), entry("intern", "2025-03-01", country="NO")],
        origin_country="DE",
    )
    assert points(a) == [0, 20]


def test_own_choice_claim_is_capped_and_needs_review() -> None:
    a = run(
        [],
        [
            entry("own-choice", claim=30, category="c1", aims=["a2"], title="Mine"),
            entry(
                "own-choice", "2025-02-01", claim=10, category="c2", aims=["a1"], title="Also mine"
            ),
        ],
    )
    assert points(a) == [15, 5]
    assert all(r.needs_review for r in a.entries)
    assert "claim of 30 limited to 15" in a.entries[0].reasons[0]
    assert "own-choice limit of 20 points" in a.entries[1].reasons[0]
    assert a.by_aim == {"a2": 15, "a1": 5}


def test_location_is_taken_from_the_country_when_the_activity_allows_both() -> None:
    x = activity("conf", 5, location=["home", "abroad", "online"], max_times=3)
    a = run(
        [x],
        [
            entry("conf", country="SE"),
            entry("conf", "2025-02-01", country="FR"),
            entry("conf", "2025-03-01", location="online"),
        ],
    )
    assert [r.location for r in a.entries] == ["home", "abroad", "online"]
