"""Requirements and the verdict, including the wording students read."""

from __future__ import annotations

from engine import activity, entry, rules, run


def test_threshold_99_is_not_100() -> None:
    acts = [activity("x", 33, max_times=3), activity("y", 1)]
    ninety_nine = run(acts, [entry("x"), entry("x", "2025-02-01"), entry("x", "2025-03-01")])
    assert (ninety_nine.points, ninety_nine.met) == (99, False)
    assert ninety_nine.unmet == ["100 points in total — 99 points: 1 to go"]
    hundred = run(
        acts, [entry("x"), entry("x", "2025-02-01"), entry("x", "2025-03-01"), entry("y")]
    )
    assert (hundred.points, hundred.met, hundred.unmet) == (100, True, [])


def test_location_and_distinct_requirements_in_words() -> None:
    r = rules(
        cohorts=[
            {
                "id": "s",
                "title": "S",
                "threshold": 1,
                "requirements": [
                    {"activities": 1, "where": {"location": "abroad"}},
                    {"distinct": 2, "by": "activity"},
                ],
            }
        ]
    )
    a = run([activity("x", 1)], [entry("x")], rules_data=r)
    assert a.unmet == [
        "1 activity abroad — needs 1 more activity abroad",
        "2 different types of activity — 1 so far: 1 more needed",
    ]


def test_any_of_is_met_by_the_second_path() -> None:
    r = rules(
        cohorts=[
            {
                "id": "s",
                "title": "S",
                "threshold": 1,
                "requirements": [
                    {
                        "text": "two x, or one x and one y",
                        "any_of": [
                            {"activities": 2, "where": {"activity": "x"}},
                            {
                                "all_of": [
                                    {"activities": 1, "where": {"activity": "x"}},
                                    {"activities": 1, "where": {"activity": "y"}},
                                ]
                            },
                        ],
                    },
                ],
            }
        ]
    )
    acts = [activity("x", 1), activity("y", 1)]
    a = run(acts, [entry("x"), entry("y")], rules_data=r)
    assert a.met
    path = a.requirements[1]
    assert [p.met for p in path.parts] == [False, True]
    assert not run(acts, [entry("y")], rules_data=r).met


def test_k_of_n_one_short() -> None:
    r = rules(
        categories=[{"id": f"c{i}", "title": f"Block {i}", "cap": 10} for i in (1, 2, 3)],
        cohorts=[
            {
                "id": "s",
                "title": "S",
                "threshold": 1,
                "requirements": [
                    {
                        "at_least": 2,
                        "of": [{"points": 10, "where": {"category": f"c{i}"}} for i in (1, 2, 3)],
                    }
                ],
            }
        ],
    )
    acts = [activity(f"x{i}", 10, category=f"c{i}") for i in (1, 2, 3)]
    one = run(acts, [entry("x1"), entry("x1", "2025-02-01")], rules_data=r)  # block 1 capped
    assert not one.met
    assert one.requirements[1].detail == (
        "1 of 2 met: add any 1 of: 10 more points in Block 2; 10 more points in Block 3"
    )
    assert run(acts, [entry("x1"), entry("x3")], rules_data=r).met


def test_soft_rule_only_warns() -> None:
    r = rules(
        cohorts=[
            {
                "id": "s",
                "title": "S",
                "threshold": 1,
                "requirements": [
                    {"activities": 1, "where": {"location": "abroad"}, "level": "warning"}
                ],
            }
        ]
    )
    a = run([activity("x", 1)], [entry("x")], rules_data=r)
    assert a.met
    assert a.soft_unmet == ["1 activity abroad — needs 1 more activity abroad"]


def test_category_min_and_required_are_requirements() -> None:
    r = rules(
        categories=[
            {"id": "c1", "title": "One", "min": 20},
            {"id": "c2", "title": "Two", "required": True},
        ]
    )
    a = run([activity("x", 10)], [entry("x")], rules_data=r)
    assert a.unmet[1:] == [
        "20 points in One — 10 points: 10 to go",
        "1 activity in Two — needs 1 more activity in Two",
    ]


def test_may_apply_only_when_everything_else_is_met() -> None:
    r = rules(cohorts=[{"id": "s", "title": "S", "threshold": 100, "may_apply": 95}])
    a = run([activity("x", 95)], [entry("x")], rules_data=r)
    assert (a.met, a.may_apply) == (False, True)
    r["categories"][1]["required"] = True
    b = run([activity("x", 95)], [entry("x")], rules_data=r)
    assert (b.met, b.may_apply) == (False, False)


def test_ineligible_programme_never_meets_the_requirements() -> None:
    r = rules(
        programmes=[
            {
                "id": "p",
                "title": "Programme P",
                "eligible": False,
                "reason": "it has a semester abroad built in",
            }
        ]
    )
    a = run([activity("x", 100)], [entry("x")], rules_data=r)
    assert not a.met
    assert a.unmet == ["the Programme P cannot take part: it has a semester abroad built in"]
