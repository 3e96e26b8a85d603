"""Build small rule sets, catalogues and portfolios in memory for engine tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cim.model.catalogue import catalogue_from
from cim.model.portfolio import portfolio_from
from cim.model.rules import rules_from
from cim.scoring.verdict import Assessment, assess

TODAY = dt.date(2026, 11, 28)


def rules(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "scheme": {"name": "Test", "institution": "Test University", "country": "SE"},
        "aims": [{"id": "a1", "title": "Aim one"}, {"id": "a2", "title": "Aim two"}],
        "categories": [{"id": "c1", "title": "One"}, {"id": "c2", "title": "Two"}],
        "cohorts": [{"id": "student", "title": "Student", "threshold": 100}],
        "own_choice": {"allowed": True, "max_points": 15, "cap": 20},
    }
    data.update(overrides)
    return data


def activity(id: str, points: Any = 10, **extra: Any) -> dict[str, Any]:
    data = {
        "id": id,
        "title": id.title(),
        "category": "c1",
        "aims": ["a1"],
        "location": "home",
        "points": points,
    }
    data.update(extra)
    return data


def entry(activity: str, date: str = "2025-01-10", **extra: Any) -> dict[str, Any]:
    return {"activity": activity, "date": date, **extra}


def run(
    activities: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    rules_data: dict[str, Any] | None = None,
    **portfolio: Any,
) -> Assessment:
    r = rules_from(rules_data or rules())
    c = catalogue_from({"activities": activities}, r)
    data = {
        "id": "s",
        "name": "S",
        "programme": "p",
        "studies": {"start": "2024-01-01", "end": "2026-06-30"},
        "entries": entries,
    }
    data.update(portfolio)
    return assess(portfolio_from(data, r.default_cohort), c, r, TODAY)


def points(a: Assessment) -> list[int]:
    return [r.points for r in a.entries]
