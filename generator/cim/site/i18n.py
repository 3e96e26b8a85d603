"""The translations of the site's own words: gettext catalogues, kept as ``.po`` text.

The templates mark their words with ``_()`` / ``{% trans %}`` (Jinja's ``i18n`` extension); a
few page titles in ``plan.py`` and ``statements.py``, the sentences of the rules page
(``guidelines.py``) and the labels of mkdocs.yml's navigation are marked too. Each
language has one catalogue, ``locale/<language>/LC_MESSAGES/cim.po``, read with Babel and turned
into gettext translations in memory when the site is built: nothing is compiled ahead, so a
fresh clone builds without an extra step.

To refresh the Swedish catalogue after changing a template's words::

    .venv/bin/python -m cim.site.i18n

adds each new word to ``cim.po`` (with an empty translation to fill in), marks words no longer
used as obsolete, and lists what still needs a translation. ``tests/test_i18n.py`` fails while
any word lacks one.
"""

from __future__ import annotations

import functools
import gettext
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from cim.read import source
from cim.site.language import DEFAULT

HERE = Path(__file__).resolve().parent
LOCALE = HERE / "locale"
DOMAIN = "cim"
# The functions that mark a word for translation (``other`` gives a word in the page's second
# language, for the bilingual certificate).
KEYWORDS = {"_": None, "gettext": None, "other": None, "N_": None}
# What Babel reads, and how: the same options as the site's Jinja environment.
METHODS = [
    ("templates/**.html", "jinja2"),
    ("plan.py", "python"),
    ("views.py", "python"),
    ("certificates.py", "python"),
    ("statements.py", "python"),
    ("guidelines.py", "python"),
]
OPTIONS = {
    "templates/**.html": {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
    }
}
Gettext = Callable[[str], str]


def catalogue_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(language: str) -> Catalog:
    """The ``.po`` catalogue of ``language`` (empty for the default language)."""
    path = catalogue_file(language)
    if language == DEFAULT or not path.is_file():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """gettext translations for ``language``, compiled in memory from its catalogue."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalogue(language))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str) -> Gettext:
    """The ``_`` function of one language."""
    return translations(language).gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name of a deferred mark
    """Marks a word for translation where it is written; ``gettext_for`` translates it later."""
    return message


def config_strings(config: Path) -> list[str]:
    """The words of mkdocs.yml a reader sees: the site's name and the navigation's labels."""
    doc = source.parse(config.read_text(encoding="utf-8"), config.name, foreign_tags=True)
    data = doc.data if isinstance(doc.data, dict) else {}
    found: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                found.append(str(key))
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(data.get("nav") or [])
    for key in ("site_name", "site_description", "copyright"):
        if isinstance(data.get(key), str):
            found.append(data[key].strip())
    extra = data.get("extra")
    if isinstance(extra, dict) and isinstance(extra.get("programme"), str):
        found.append(extra["programme"])
    return found


def extract(config: Path | None = None) -> dict[str, list[str]]:
    """Every marked word of the templates and modules (and of ``config``, mkdocs.yml), with
    where it is used: ``{msgid: ["templates/home.html:12", ...]}``."""
    found: dict[str, list[str]] = {}
    messages: Iterator[tuple[str, int, object, list[str], object]] = extract_from_dir(
        str(HERE), METHODS, OPTIONS, keywords=KEYWORDS, comment_tags=()
    )
    for filename, line, message, _comments, _context in messages:
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if isinstance(msgid, str) and msgid:
                found.setdefault(msgid, []).append(f"{filename}:{line}")
    if config is not None and config.is_file():
        for msgid in config_strings(config):
            found.setdefault(msgid, []).append(f"{config.name}")
    return found


def update(language: str, config: Path | None = None) -> list[str]:
    """Bring ``language``'s catalogue up to date with the marked words; return the words that
    still need a translation."""
    words = extract(config)
    template = Catalog(domain=DOMAIN)
    for msgid, places in words.items():
        template.add(msgid, locations=[(p.rsplit(":", 1)[0], 0) for p in places[:1]])
    current = catalogue(language)
    current.update(template, no_fuzzy_matching=True)
    path = catalogue_file(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, current, width=100, omit_header=False, ignore_obsolete=True, no_location=True)
    catalogue.cache_clear()
    translations.cache_clear()
    return [str(m.id) for m in current if m.id and not m.string]


def main(argv: list[str] | None = None) -> int:
    """Refresh the Swedish catalogue and list what still needs translating."""
    args = argv if argv is not None else sys.argv[1:]
    config = Path(args[0]) if args else HERE.parents[2] / "mkdocs.yml"
    missing = update("sv", config)
    for msgid in missing:
        print(f"{catalogue_file('sv')}: needs a Swedish translation: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
