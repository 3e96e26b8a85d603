"""Semesters, as the School counts them: spring (January–June) and autumn (July–December)."""

from __future__ import annotations

import datetime as dt


def semester_of(day: dt.date) -> str:
    """The semester key of a day, e.g. ``2026-autumn``."""
    return f"{day.year}-{'autumn' if day.month >= 7 else 'spring'}"


def semester_title(key: str) -> str:
    """``2026-autumn`` as people write it: ``Autumn 2026``."""
    year, season = key.split("-")
    return f"{season.title()} {year}"
