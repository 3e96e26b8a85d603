"""Aggregate figures for the home and statistics pages. Numbers only: never a name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cim.scoring.verdict import Assessment

# A count below this is shown as "fewer than 5": with small numbers, a figure, a bar or a
# column can point at one student (the one who did not consent, say).
SMALL = 5


def cell(count: int) -> str:
    """A count as the site shows it: small counts (1–4) are not given exactly."""
    return f"fewer than {SMALL}" if 0 < count < SMALL else str(count)


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
    """The number taking part counts every valid portfolio; everything that describes results
    (requirements met, the points histogram, the labelled charts) uses consenting students
    only, so that no figure, taken with another, can tell what a student who did not agree to
    publication achieved. Small counts are shown as "fewer than 5" (see `cell`)."""
    stats = Statistics(
        participants=len(everyone),
        certified=sum(a.met for a in published),
        published=len(published),
    )
    main = _main_cohort(everyone)
    default = [a for a in published if a.cohort.id == main]
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
