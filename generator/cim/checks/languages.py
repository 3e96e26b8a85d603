"""Language tags a student gives (``written_in: sv``): each must be a language the Unicode
CLDR knows. The tag is the student's word; nothing is ever guessed from the text."""

from __future__ import annotations

from typing import Any

import babel

from cim.problems import Problem
from cim.read.source import Document


def is_known(tag: str) -> bool:
    """Whether ``tag`` names a language CLDR knows (``sv``, ``en``, ``pt-BR``, ``fa``)."""
    try:
        babel.Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return False
    return True


def written_in(doc: Document, paths: list[list[Any]]) -> list[Problem]:
    """A problem for each ``written_in`` at ``paths`` that is not a known language tag."""
    problems = []
    for path in paths:
        value = _at(doc.data, path)
        if isinstance(value, str) and value and not is_known(value):
            problems.append(
                doc.problem(
                    path,
                    f"'{value}' is not a language tag this site knows; write a tag such as "
                    "`sv` (Swedish), `en` (English) or `ar` (Arabic), or remove the line.",
                )
            )
    return problems


def _at(data: Any, path: list[Any]) -> Any:
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data
