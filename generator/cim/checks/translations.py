"""Texts given per language in rules.yml and activities.yml (``title: {en: …, sv: …}``): a
language the site has but the text leaves out is a warning, never an error — the page shows
the other language's text meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cim.model.texts import LANGUAGES, missing
from cim.problems import Problem, Severity
from cim.read.source import Document

NAMES = {"en": "English", "sv": "Swedish"}
# Where rules.yml and activities.yml may give a text per language.
FIELDS = ("title", "description", "name", "note")
SECTIONS = ("scheme", "aims", "categories", "programmes", "cohorts", "activities")


def check_translations(doc: Document) -> list[Problem]:
    """A warning for each translated text that lacks one of the site's languages."""
    problems = []
    for path, value in _texts(doc.data):
        for lang in missing(value):
            given = (
                next(k for k in LANGUAGES if value.get(k))
                if any(value.get(k) for k in LANGUAGES)
                else next(iter(value))
            )
            problems.append(
                doc.problem(
                    path,
                    f"no {NAMES.get(lang, lang)} text: readers of the {NAMES.get(lang, lang)} "
                    f"site see the {NAMES.get(given, given)} one meanwhile. Add "
                    f"`{lang}: ...` beside `{given}:` here.",
                    severity=Severity.WARNING,
                )
            )
    return problems


def _texts(data: Any) -> Iterator[tuple[list[str | int], dict[str, Any]]]:
    if not isinstance(data, dict):
        return
    for section in SECTIONS:
        part = data.get(section)
        items = [(None, part)] if isinstance(part, dict) else list(enumerate(part or []))
        for index, item in items:
            if not isinstance(item, dict):
                continue
            for name in FIELDS:
                value = item.get(name)
                if isinstance(value, dict):
                    where: list[str | int] = [section] if index is None else [section, index]
                    yield [*where, name], value
