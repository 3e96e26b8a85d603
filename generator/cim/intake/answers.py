"""Reading a filled-in issue form: the event GitHub sends, and the answers in its body.

GitHub writes an issue form's answers into the issue body as Markdown: one ``### Label``
heading per question, the answer below it, ``_No response_`` for an empty one, and ``- [X]``
for a ticked box. Only the labels of the form are read; everything else in the body is text.
The author's login and numeric id come from the event (``issue.user``), never from the body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cim.intake.forms import Form

NO_RESPONSE = "_No response_"
MAX_BODY = 65_536  # GitHub's own limit for an issue body
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*#*[ \t]*$")
_TICKED = re.compile(r"^\s*[-*]\s+\[[xX]\]\s+(.*)$")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")


class EventError(Exception):
    """The event file is not an issue event this command can read."""


@dataclass(frozen=True, slots=True)
class Author:
    login: str
    id: int


@dataclass(frozen=True, slots=True)
class Issue:
    """The parts of an ``issues`` event that intake uses."""

    action: str
    number: int
    author: Author
    labels: frozenset[str]
    body: str
    url: str = ""
    state: str = "open"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def issue_from_event(event: Mapping[str, Any]) -> Issue:
    """The issue of an ``issues`` event payload (as in ``$GITHUB_EVENT_PATH``)."""
    issue = event.get("issue")
    if not isinstance(issue, dict):
        raise EventError("the event has no issue; intake runs on `issues` events only")
    user = issue.get("user")
    number = _int(issue.get("number"))
    user_id = _int(user.get("id")) if isinstance(user, dict) else None
    login = user.get("login") if isinstance(user, dict) else None
    if number is None or user_id is None or not isinstance(login, str) or not _LOGIN.match(login):
        raise EventError("the issue's number or its author (login and numeric id) is missing")
    labels = frozenset(
        label["name"]
        for label in issue.get("labels") or ()
        if isinstance(label, dict) and isinstance(label.get("name"), str)
    )
    body = issue.get("body")
    url = issue.get("html_url")
    return Issue(
        action=str(event.get("action", "")),
        number=number,
        author=Author(login, user_id),
        labels=labels,
        body=body[:MAX_BODY] if isinstance(body, str) else "",
        url=url if isinstance(url, str) and url.startswith("https://") else "",
        state=str(issue.get("state", "open")),
    )


def sections(body: str, labels: set[str]) -> dict[str, str]:
    """The text under each known ``### Label`` heading (the first one of each label).

    A heading with a label the form does not have is part of the answer above it, so a
    student's own ``###`` inside a reflection stays in the reflection.
    """
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _HEADING.match(line)
        if match and match.group(1) in labels and match.group(1) not in found:
            current = found.setdefault(match.group(1), [])
            continue
        if current is not None:
            current.append(line)
    result = {}
    for label, lines in found.items():
        text = "\n".join(lines).strip()
        result[label] = "" if text == NO_RESPONSE else text
    return result


@dataclass(slots=True)
class Answers:
    """A form's answers by field id: text, ticked boxes, and which questions were present."""

    text: dict[str, str] = field(default_factory=dict)
    ticked: dict[str, set[str]] = field(default_factory=dict)

    def get(self, field_id: str) -> str:
        return self.text.get(field_id, "")


def answers(body: str, form: Form) -> Answers:
    """Read the answers to ``form`` from an issue body."""
    by_label = sections(body, {f.label for f in form.fields})
    result = Answers()
    for f in form.fields:
        value = by_label.get(f.label, "")
        if f.kind == "checkboxes":
            ticked = {m.group(1).strip() for m in map(_TICKED.match, value.split("\n")) if m}
            result.ticked[f.id] = {text for text in f.options if text.strip() in ticked}
        else:
            result.text[f.id] = value
    return result
