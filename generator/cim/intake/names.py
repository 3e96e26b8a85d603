"""Names made safe: portfolio ids from people's names, country names to ISO codes.

An id is what a folder, a branch and a web address are built from, so it holds only lowercase
ASCII letters, digits and single hyphens. Letters are transliterated rather than dropped
(``Åsa Öberg`` becomes ``asa-oberg``): Unicode's compatibility decomposition (NFKD) splits
``é`` into ``e`` and an accent that is then left out; the few letters it does not split
(``ø``, ``æ``, ``ß`` …) come from a small table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

import pycountry

ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
MAX_ID = 48  # room for a "-2" suffix and a readable web address

# Letters that NFKD leaves whole, spelled as they are usually written without them.
_LETTERS = {
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ł": "l",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ſ": "s",
}


def transliterate(text: str) -> str:
    """``text`` in plain ASCII letters where a Latin spelling exists; other scripts dropped."""
    out = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(char):
            continue
        out.append(_LETTERS.get(char, char))
    return "".join(out).encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    """Lowercase ASCII words joined by single hyphens (may be empty)."""
    words = re.findall(r"[a-z0-9]+", transliterate(text))
    result = "-".join(words)[:MAX_ID].strip("-")
    return result


def portfolio_id(name: str, login: str, taken: Collection[str]) -> str:
    """A new portfolio id for ``name``: its transliteration, or the GitHub login when the name
    has no Latin letters; ``-2``, ``-3`` … when the id is already taken."""
    base = slug(name) or slug(login) or "student"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# Names that people write and ISO 3166 does not list (ISO lists "Netherlands", "Türkiye" …).
_COUNTRY_NAMES = {
    "holland": "NL",
    "the netherlands": "NL",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "turkey": "TR",
    "russia": "RU",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "ivory coast": "CI",
    "palestine": "PS",
    "kosovo": "XK",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "deutschland": "DE",
    "island": "IS",
    "iceland": "IS",
    "czech republic": "CZ",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
}


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country written by name (or already as a code)."""
    text = " ".join(name.split()).strip(" .")
    if not text or len(text) > 80:
        return None
    known = _COUNTRY_NAMES.get(text.lower())
    if known:
        return known
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        return None
    code = getattr(country, "alpha_2", None)
    return code if isinstance(code, str) else None


def country_name(code: str) -> str:
    """The English name of an ISO code (the code itself when unknown)."""
    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or getattr(country, "name", None)
    return name if isinstance(name, str) else code
