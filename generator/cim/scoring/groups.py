"""Occasions that count together ("three lectures count as one"), and what to add when some
are left over.

Entries of a grouped activity are dealt into complete groups, each on different dates when the
activity asks for it and, with ``reflection: per_group``, each carrying one reflection. The
occasions left over earn nothing and say how many more are needed, and on which dates not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from cim.model.catalogue import Activity

if TYPE_CHECKING:  # points imports this module; the type is only named here
    from cim.scoring.points import EntryResult


def units(results: list[EntryResult], activity: Activity) -> list[list[EntryResult]]:
    """Split one activity's eligible entries into units that each count as one activity."""
    units = _group(results, activity)
    if not (activity.reflection_per_group and activity.group_size > 1):
        return units
    kept = []
    for unit in units:
        if any(r.reflected for r in unit):
            kept.append(unit)
            continue
        for r in unit:
            r.reasons.append(
                f"these {activity.group_size} occasions count as one activity once one of them "
                "has a reflection: write it under any one of them"
            )
            r.raw = 0
    return kept


def _group(results: list[EntryResult], activity: Activity) -> list[list[EntryResult]]:
    # Occasions with a reflection first, so that as many groups as possible carry one.
    ordered = sorted(results, key=lambda r: (not r.reflected, r.entry.sort_key()))
    size = activity.group_size
    if size <= 1:
        return [[r] for r in ordered]
    if activity.distinct_dates:
        per_date: dict[dt.date | None, list[EntryResult]] = defaultdict(list)
        for r in ordered:
            per_date[r.entry.date].append(r)
        groups = len(ordered) // size
        while groups and sum(min(len(v), groups) for v in per_date.values()) < size * groups:
            groups -= 1

        # Deal each date's occasions round-robin so no group gets one date twice; dates with a
        # reflected occasion first, so that the groups dealt first carry a reflection (an added
        # occasion without one must never push a reflected one out of the groups).
        def first(day: dt.date | None) -> tuple[bool, dt.date]:
            return (not any(r.reflected for r in per_date[day]), day or dt.date.min)

        dealt = [r for day in sorted(per_date, key=first) for r in per_date[day][:groups]]
    else:
        groups = len(ordered) // size
        dealt = ordered
    units: list[list[EntryResult]] = [[] for _ in range(groups)]
    for i, r in enumerate(dealt[: groups * size]):
        units[i % groups].append(r)
    used = {id(r) for unit in units for r in unit}
    leftovers = [r for r in ordered if id(r) not in used]
    if not leftovers:
        return units
    title = f"‘{activity.title}’"
    if activity.distinct_dates:
        days = sorted({r.entry.date for r in leftovers if r.entry.date})
        missing = max(1, size - len(days))
        more = "one more" if missing == 1 else f"{missing} more"
        on = "on a date" if missing == 1 else "on different dates"
        why = (
            f"{size} occasions on {size} different dates count as one activity: "
            f"{len(leftovers)} left over; add {more} {title} {on} other than {spell_dates(days)}"
        )
    else:
        missing = size - len(leftovers) % size
        why = (
            f"{size} occasions count as one activity: "
            f"{len(leftovers)} left over, add {missing} more {title}"
        )
    for r in leftovers:
        r.reasons.append(why)
        r.raw = 0
    return units


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def spell_dates(days: list[dt.date]) -> str:
    """Dates in words, each month and year said once: "4 and 11 March 2025"."""
    words = []
    for i, day in enumerate(days):
        following = days[i + 1] if i + 1 < len(days) else None
        text = str(day.day)
        if following is None or (following.year, following.month) != (day.year, day.month):
            text += f" {MONTHS[day.month - 1]}"
        if following is None or following.year != day.year:
            text += f" {day.year}"
        words.append(text)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
