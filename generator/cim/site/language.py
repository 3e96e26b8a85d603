"""The site's languages, and names and dates as a reader of each language writes them.

The site exists in English (the default, at the site's root) and in Swedish (under ``sv/``,
each page at the same path). Countries and languages are shown by name in the reader's
language, from the Unicode CLDR data that Babel carries; dates are written the way each
language writes them (Babel, not the C library's ``strftime``, whose ``%-d`` only glibc knows).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

import babel
import babel.dates

from cim.model.texts import DEFAULT as DEFAULT
from cim.model.texts import LANGUAGES as LANGUAGES
from cim.model.texts import translated as translated

# Each language's name in itself: what the language switch shows.
NAMES: Mapping[str, str] = {"en": "English", "sv": "Svenska"}


def prefix(language: str) -> str:
    """Where a language's pages live below the site's root ('' for the default)."""
    return "" if language == DEFAULT else f"{language}/"


def others(language: str) -> tuple[str, ...]:
    """The site's languages other than ``language``."""
    return tuple(x for x in LANGUAGES if x != language)


@functools.cache
def _locale(language: str) -> babel.Locale:
    return babel.Locale.parse(language)


def country_name(code: str, language: str) -> str:
    """A country's name in ``language`` from its two-letter code (the code when unknown)."""
    return _locale(language).territories.get(code.upper(), code) if code else ""


@functools.cache
def _codes_by_english_name() -> Mapping[str, str]:
    names = _locale("en").languages
    return {name.casefold(): code for code, name in names.items()}


def language_name(value: str, language: str) -> str:
    """A spoken language's name in ``language``: ``value`` is a code (``sv``) or an English
    name (``Swedish``, as portfolios write them). Unknown values are shown as written."""
    names = _locale(language).languages
    code = value if value in names else _codes_by_english_name().get(value.casefold(), "")
    if not code:
        return value
    name = str(names.get(code, value))
    # CLDR writes Swedish language names in lower case ("engelska"); as a list item or a
    # label they begin with a capital, as in English.
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=8192)  # a few hundred days, on thousands of pages
def date(day: dt.date | None, language: str) -> str:
    """``1 May 2024`` / ``1 maj 2024``."""
    if day is None:
        return ""
    return babel.dates.format_date(day, "d MMMM y", locale=_locale(language))


@functools.lru_cache(maxsize=8192)
def month_year(day: dt.date, language: str) -> str:
    """``May 2024`` / ``maj 2024``."""
    return babel.dates.format_date(day, "LLLL y", locale=_locale(language))


SEASONS = {"en": {"spring": "Spring", "autumn": "Autumn"}, "sv": {"spring": "våren", "autumn": "hösten"}}


def semester_title(key: str, language: str) -> str:
    """``2026-autumn`` as people write it: ``Autumn 2026`` / ``hösten 2026``."""
    year, season = key.split("-")
    word = SEASONS.get(language, SEASONS[DEFAULT]).get(season, season.title())
    return f"{word} {year}"
