"""Checks of every text in a file: no personal identity numbers, no control characters."""

from __future__ import annotations

import re

from cim.problems import Problem
from cim.read.source import Document

# --- portfolio.yml ------------------------------------------------------------------------


# Personal identity numbers are written in ASCII digits: [cc]yymmdd, an optional -, + or
# space, and four digits; a run of digits longer than that is not one.
_PERSONNUMMER = re.compile(
    rb"(?<![0-9])(?:19|20)?([0-9]{2})([0-9]{2})([0-9]{2})[-+ ]?([0-9]{4})(?![0-9])"
)
_PERSONNUMMER_LENGTH = 14  # at most 12 digits and a separator, and one character after them
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
_NOT_A_DIGIT = re.compile(rb"[^0]")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _utf8(text: str) -> tuple[bytes, bytes]:
    data = text.encode("utf-8", "surrogatepass")  # digits and separators are single bytes
    return data, data.translate(_SHAPE)


def _identity_number_in(data: bytes, shape: bytes) -> bool:
    start = shape.find(b"000000")
    while start != -1:  # a number starts where a run of six or more digits starts
        for m in _PERSONNUMMER.finditer(data, start, start + _PERSONNUMMER_LENGTH):
            yy, mm, dd, tail = (g.decode() for g in m.groups())
            day = int(dd) - 60 if int(dd) > 60 else int(dd)  # coordination numbers add 60
            if 1 <= int(mm) <= 12 and 1 <= day <= 31 and _luhn(yy + mm + dd + tail):
                return True
        after = _NOT_A_DIGIT.search(shape, start)  # the end of this run of digits
        start = -1 if after is None else shape.find(b"000000", after.start())
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
    return _identity_number_in(*_utf8(text))


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
        if not _control_character_in(data, shape) and not _identity_number_in(data, shape):
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
