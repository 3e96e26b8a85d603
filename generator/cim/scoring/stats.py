"""Aggregate figures for the home and statistics pages. Numbers only: never a name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cim.scoring.verdict import Assessment


@dataclass(slots=True)
class Statistics:
    participants: int = 0
    certified: int = 0
    published: int = 0
    points: list[int] = field(default_factory=list)
    threshold: int = 0
    activities: list[tuple[str, int]] = field(default_factory=list)
    countries: list[tuple[str, int]] = field(default_factory=list)
    programmes: list[tuple[str, int]] = field(default_factory=list)
    aims: list[tuple[str, int]] = field(default_factory=list)


def gather(
    everyone: list[Assessment], published: list[Assessment], titles: dict[str, str], top: int = 10
) -> Statistics:
    """Totals count every valid portfolio; labelled charts use consenting students only, so no
    label can point at a student who has not agreed to publication."""
    stats = Statistics(
        participants=len(everyone), certified=sum(a.met for a in everyone), published=len(published)
    )
    main = _main_cohort(everyone)
    default = [a for a in everyone if a.cohort.id == main]
    stats.points = [a.points for a in default]
    stats.threshold = default[0].required if default else 0
    activities: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    programmes: Counter[str] = Counter()
    aims: Counter[str] = Counter()
    for a in published:
        done = {r.activity.id for r in a.entries if r.counts and r.activity}
        activities.update(done)
        countries.update({r.entry.country for r in a.entries if r.counts and r.entry.country})
        programmes[a.portfolio.programme] += 1
        aims.update(a.by_aim.keys())
    stats.activities = [(titles.get(k, k), n) for k, n in _ranked(activities, top)]
    stats.countries = [(k, n) for k, n in _ranked(countries, top)]
    stats.programmes = [(titles.get(k, k), n) for k, n in _ranked(programmes, top)]
    stats.aims = [(titles.get(k, k), n) for k, n in _ranked(aims, top)]
    return stats


def _ranked(counter: Counter[str], top: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _main_cohort(everyone: list[Assessment]) -> str:
    counts = Counter(a.cohort.id for a in everyone)
    return counts.most_common(1)[0][0] if counts else ""
