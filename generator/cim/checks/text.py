"""Checks of every text in a file: no personal identity numbers, no control characters."""

from __future__ import annotations

import re
import unicodedata

from cim.problems import Problem
from cim.read.source import Document

# --- portfolio.yml ------------------------------------------------------------------------


# Personal identity numbers: [cc]yymmdd, four digits, and separators where people put them
# (1981-12-18-9876, 81.12.18-9876, 811218/9876); a run of digits longer than that is not one.
# The pattern reads normalised text (see `normalised`).
_PERSONNUMMER = re.compile(
    r"(?:19|20)?([0-9]{2})[-./ ]?([0-9]{2})[-./ ]?([0-9]{2})[-+./_ ]?([0-9]{4})(?![0-9])"
)
_RUN_START = re.compile(r"(?<![0-9])[0-9]")  # where a number can start
# Unicode's dashes (category Pd) and the minus sign, spaces (Zs) and invisible format
# characters (Cf: zero-width, soft hyphen, bidi marks), as Python 3.11's Unicode 14 lists them;
# tests/hostile/test_privacy.py checks these tables against unicodedata.
_DASHES = (
    "\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c"
    "\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212"
)
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_INVISIBLE = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
_FOLD = re.compile(f"(?![\\x00-\\x7f])(?:(\\d)|([{_DASHES}])|([{_SPACES}])|([{_INVISIBLE}]))")


def _fold(m: re.Match[str]) -> str:
    digit, dash, space, _ = m.groups()
    return str(unicodedata.decimal(digit)) if digit else "-" if dash else " " if space else ""


def normalised(text: str) -> str:
    """``text`` as the identity-number scan reads it: compatibility forms folded (NFKC: full-
    width digits and dashes), every decimal digit as 0-9, every dash and the minus sign as
    '-', every space as ' ', and invisible format characters dropped. ASCII is left as it is."""
    if text.isascii():
        return text
    return _FOLD.sub(_fold, unicodedata.normalize("NFKC", text))


# Bidirectional overrides and isolates can make text display in another order than it is
# written (a name that reads differently from what it says); other control characters have no
# place in portfolio text.
_CONTROL = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
# The shape of UTF-8 text, one byte for each byte: digits become "0", ASCII control
# characters "!", the first byte of every character that could be one of the other control
# characters above (U+0080–U+009F, U+061C, U+200E–U+2069) "?", and everything else a space.
# Substring searches in the shape (at the speed of a copy) rule out almost every text.
_SHAPE = bytes(
    0x30
    if 0x30 <= b <= 0x39
    else 0x21
    if b < 0x80 and _CONTROL.match(chr(b))
    else 0x3F
    if b in (0xC2, 0xD8, 0xE2)
    else 0x20
    for b in range(256)
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _utf8(text: str) -> tuple[bytes, bytes]:
    data = text.encode("utf-8", "surrogatepass")  # digits and separators are single bytes
    return data, data.translate(_SHAPE)


def _identity_number_in(text: str) -> bool:
    """The scan of normalised text: the pattern tried where each run of digits starts."""
    if sum(map(text.count, "0123456789")) < 10:  # too few digits: almost every text
        return False
    for start in _RUN_START.finditer(text):
        m = _PERSONNUMMER.match(text, start.start())
        if m:
            yy, mm, dd, tail = m.groups()
            day = int(dd) - 60 if int(dd) > 60 else int(dd)  # coordination numbers add 60
            if 1 <= int(mm) <= 12 and 1 <= day <= 31 and _luhn(yy + mm + dd + tail):
                return True
    return False


def _control_character_in(data: bytes, shape: bytes) -> bool:
    if b"!" in shape:
        return True
    at = shape.find(b"?")
    while at != -1:
        if _CONTROL.match(data[at : at + 3].decode("utf-8", "ignore")):
            return True
        at = shape.find(b"?", at + 1)
    return False


def looks_like_identity_number(text: str) -> bool:
    """True when ``text`` holds something shaped like a Swedish personal identity number."""
    return _identity_number_in(normalised(text))


def _check_text(doc: Document, path: list[str | int], text: str) -> list[Problem]:
    if not text:
        return []
    if looks_like_identity_number(text):
        return [
            doc.problem(
                path,
                "this looks like a personal identity number (personnummer "
                "or samordningsnummer); remove it — it must never be stored "
                "or published.",
            )
        ]
    bad = _CONTROL.search(text)
    if bad:
        return [
            doc.problem(
                path,
                f"the text contains the invisible control character "
                f"U+{ord(bad.group()):04X}, which can disguise what it "
                "says; remove it.",
            )
        ]
    return []


def check_strings(doc: Document) -> list[Problem]:
    """Every text value in the file: identity numbers and control characters.

    The whole file's text is scanned once first; only when something is found are the values
    walked one by one to say where."""
    problems: list[Problem] = []
    strings: list[tuple[list[str | int], str]] = []
    raw = doc.text
    # The file's own text is scanned first, in one pass; YAML escapes (\\u…) could hide a
    # character from that scan, so a file that has any is always looked at value by value.
    if raw and "\\" not in raw:
        data, shape = _utf8(raw)
        if not _control_character_in(data, shape) and not looks_like_identity_number(raw):
            return problems

    def walk(value: object, path: list[str | int]) -> None:
        if isinstance(value, str):
            strings.append((path, value))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, [*path, k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, [*path, i])

    walk(doc.data, [])
    for path, text in strings:
        problems.extend(_check_text(doc, path, text))
    return problems
