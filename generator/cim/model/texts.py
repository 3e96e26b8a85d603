"""Texts in more than one language: ``title: {en: Language café, sv: Språkcafé}``.

rules.yml and activities.yml may give a title, a description, a name or a note as a plain
string (one language, shown to every reader) or as a mapping of language tags to texts. The
model keeps the default language's text in the usual field (``title``), so everything that
reads one text goes on working, and every translation beside it (``texts``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT = "en"  # the language a text falls back to, and the site's default
LANGUAGES = ("en", "sv")  # the site's languages: each text should exist in each
Texts = tuple[tuple[str, str, str], ...]  # (field, language, text)


def plain(value: Any, default: str = "") -> str:
    """The text to show when no language is asked for: the default language's, else the first
    one given."""
    if isinstance(value, Mapping):
        if isinstance(value.get(DEFAULT), str):
            return str(value[DEFAULT])
        return next((str(v) for v in value.values() if isinstance(v, str)), default)
    return value if isinstance(value, str) else default


def texts(data: Mapping[str, Any], *fields: str) -> Texts:
    """Every translation of ``fields`` in ``data`` (none for plain strings)."""
    out: list[tuple[str, str, str]] = []
    for name in fields:
        value = data.get(name)
        if isinstance(value, Mapping):
            out += [(name, str(k), v) for k, v in value.items() if isinstance(v, str)]
    return tuple(out)


def missing(value: Any) -> tuple[str, ...]:
    """The site's languages a translated text leaves out (none for a plain string)."""
    if not isinstance(value, Mapping):
        return ()
    return tuple(x for x in LANGUAGES if not value.get(x))


def translated(item: object, field: str, language: str) -> str:
    """An item's ``field`` (a title, a description) in ``language``: its translation when
    the data gives one, else the text as written (the default language's)."""
    for name, lang, text in getattr(item, "texts", ()):
        if name == field and lang == language and text:
            return str(text)
    return str(getattr(item, field, ""))
