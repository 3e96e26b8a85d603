"""The reviewers' judgements on record (``assessments.yml``), owned by the administrators.

A judgement names one entry of one portfolio by its activity, date and (for own choice)
title, and says whether its reflection, report or presentation is approved or rejected, or
at how many points an own-choice claim is granted, with a short reason the student reads.
The student's own file can never say "approved": only this file can.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cim.model.portfolio import Entry, parse_date


@dataclass(frozen=True, slots=True)
class Judgement:
    student: str
    activity: str
    date: dt.date | None
    decision: str  # "approved" | "rejected"
    reason: str
    title: str = ""
    points: int | None = None
    reviewer: str = ""
    decided: dt.date | None = None
    index: int = -1  # position in assessments.yml, for error locations
    line: int = 1
    column: int = 1

    @property
    def approved(self) -> bool:
        return self.decision == "approved"

    def by(self) -> str:
        """Who decided and when, in words (" (CIM coordinator, 2026-05-15)"), or ""."""
        parts = [x for x in (self.reviewer, self.decided.isoformat() if self.decided else "") if x]
        return f" ({', '.join(parts)})" if parts else ""

    def about(self, entry: Entry) -> bool:
        """Whether this judgement is about ``entry``."""
        return (
            self.activity == entry.activity
            and self.date == entry.date
            and (not self.title or self.title == entry.title)
        )


@dataclass(frozen=True, slots=True)
class Judgements:
    items: tuple[Judgement, ...] = ()
    by_student: dict[str, tuple[Judgement, ...]] = field(default_factory=dict, compare=False)

    def of(self, student: str) -> tuple[Judgement, ...]:
        return self.by_student.get(student, ())


def judgements_from(
    data: dict[str, Any] | None, where: Callable[[int], tuple[int, int]] = lambda i: (1, 1)
) -> Judgements:
    """Build :class:`Judgements` from a schema-valid ``assessments.yml`` mapping; ``where``
    gives the line and column of the i-th decision."""
    items = tuple(
        Judgement(
            student=a["student"],
            activity=a["activity"],
            date=parse_date(a["date"]),
            decision=a["decision"],
            reason=a["reason"],
            title=a.get("title", ""),
            points=a.get("points"),
            reviewer=a.get("reviewer", ""),
            decided=parse_date(a.get("decided")),
            index=i,
            line=where(i)[0],
            column=where(i)[1],
        )
        for i, a in enumerate((data or {}).get("assessments") or ())
    )
    grouped: dict[str, list[Judgement]] = {}
    for j in items:
        grouped.setdefault(j.student, []).append(j)
    return Judgements(items, {k: tuple(v) for k, v in grouped.items()})
