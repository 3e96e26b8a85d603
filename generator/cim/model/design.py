"""A student's choices for their public page (``design:`` in portfolio.yml), as plain data.

Every choice is a choice among fixed options — a line of text, one of their own photos, some of
their own entries, sections on or off, a colour from the School's palette — never CSS or HTML:
student text is data, shown as text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cim.speed import compact_pickle

# The School's palette: the names a portfolio may choose as its accent. The colours of each,
# for the light and the dark scheme, are the site's (cim.site.palette), checked for contrast.
ACCENTS = ("blue", "teal", "green", "plum", "red", "amber")


@compact_pickle
@dataclass(frozen=True, slots=True)
class Featured:
    """A reference to one entry: its activity and its first day."""

    activity: str
    date: dt.date | None


@compact_pickle
@dataclass(frozen=True, slots=True)
class Design:
    headline: str = ""
    cover: str = ""  # an evidence file of the portfolio (a public photo)
    featured: tuple[Featured, ...] = ()
    timeline: bool = True  # the list of all activities
    aims: bool = True  # the chart of points per aim
    countries: bool = False  # the list of countries
    accent: str = ""

    @property
    def chosen(self) -> bool:
        """Whether the student chose anything at all (else the page is as it always was)."""
        return self != Design()


def design_from(data: Any) -> Design:
    """A :class:`Design` from the schema-valid ``design`` mapping (or nothing)."""
    if not isinstance(data, dict):
        return Design()
    sections = data.get("sections") or {}
    return Design(
        headline=data.get("headline", ""),
        cover=data.get("cover", ""),
        featured=tuple(
            Featured(f["activity"], _day(f.get("date"))) for f in data.get("featured", ())
        ),
        timeline=sections.get("timeline", True),
        aims=sections.get("aims", True),
        countries=sections.get("countries", False),
        accent=data.get("accent", ""),
    )


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
