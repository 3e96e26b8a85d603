"""Editing ``awards.yml`` for `cim award` and `cim revoke`: a round trip, not text splicing.

The file is read with ruamel.yaml's round-trip loader and written back with the new entry
appended to its own list, so the administrators' comments, blank lines and key order stay as
they were, whatever order the top-level keys are in. (Reading for checks still goes through
the one hardened reader; this module only writes.)
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from cim.model.awards import NUMBER


class EditError(ValueError):
    """awards.yml cannot be edited as asked; the message says why and what to do."""


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the layout awards.yml is written in
    return yaml


def _load(text: str) -> CommentedMap:
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise EditError(f"awards.yml cannot be read: {exc}") from None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise EditError("awards.yml must be a mapping with `ceremonies:` and `awards:`")
    return data


def _append(data: CommentedMap, key: str, entry: dict[str, Any]) -> None:
    """Append ``entry`` to the list under ``key`` (created when missing, block style)."""
    items = data.get(key)
    if items is None:
        items = data[key] = CommentedSeq()
    if not isinstance(items, CommentedSeq):
        raise EditError(f"`{key}:` in awards.yml must be a list")
    items.fa.set_block_style()
    item = CommentedMap(entry)
    last = items[-1] if len(items) else None
    # What follows the list (a blank line, a comment before the next key) is kept with the
    # list's last item; move it past the new one, or the new item would land below it.
    after = None
    if isinstance(last, CommentedMap) and len(last):
        after = last.ca.items.pop(list(last.keys())[-1], None)
    items.append(item)
    if after is not None:
        item.ca.items[list(item.keys())[-1]] = after


def _dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def numbers(text: str) -> list[str]:
    """Every certificate number in awards.yml, in file order."""
    return [
        str(a.get("number"))
        for a in (_load(text).get("awards") or [])
        if isinstance(a, dict) and a.get("number")
    ]


def next_number(text: str, prefix: str, year: int) -> str:
    """The next free certificate number of ``year`` (numbers are never reused)."""
    used = [
        int(m.group(2))
        for m in (NUMBER.match(n) for n in numbers(text))
        if m and int(m.group(1)) == year
    ]
    return f"{prefix}-{year}-{max(used, default=0) + 1:04d}"


def add_award(
    text: str, *, number: str, student: str, ceremony: str, day: dt.date | None = None
) -> str:
    """awards.yml's text with the award appended under ``awards:``."""
    data = _load(text)
    if number in numbers(text):
        raise EditError(f"{number} is already in awards.yml; numbers are never reused")
    entry: dict[str, Any] = {"number": number, "student": student, "ceremony": ceremony}
    if day is not None:
        entry["date"] = day
    _append(data, "awards", entry)
    return _dump(data)


def add_revocation(text: str, *, number: str, day: dt.date, reason: str) -> str:
    """awards.yml's text with the revocation appended under ``revocations:``."""
    data = _load(text)
    if number not in numbers(text):
        raise EditError(f"no award has the number {number}; check the number in awards.yml")
    revoked = [r.get("number") for r in (data.get("revocations") or []) if isinstance(r, dict)]
    if number in revoked:
        raise EditError(f"{number} is already revoked")
    reason = " ".join(reason.split())
    if not reason:
        raise EditError("give the reason (--reason): it is shown to everyone who checks it")
    _append(data, "revocations", {"number": number, "date": day, "reason": reason})
    return _dump(data)
