"""What changes from one language's build of the site to the next, said without MkDocs: the
words of mkdocs.yml (the navigation's labels, the site's name), which guide files a language
reads (``guides/students.sv.md`` is the Swedish ``guides/students.md``), and the links between
the languages of one page (``hreflang`` and the language switch)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cim.site import language
from cim.site.i18n import Gettext

TRANSLATION = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2})\.md$")


def translate_nav(nav: Any, _: Gettext) -> Any:
    """The ``nav`` setting with each label translated (paths unchanged)."""
    if isinstance(nav, list):
        return [translate_nav(item, _) for item in nav]
    if isinstance(nav, dict):
        return {_(str(key)): translate_nav(value, _) for key, value in nav.items()}
    return nav


def sources(src_uris: Iterable[str], lang: str) -> tuple[dict[str, str], set[str]]:
    """For one language's build: which file gives each page its text (``{"guides/x.md":
    "guides/x.sv.md"}``) and which files to leave out (every other language's copy)."""
    replace: dict[str, str] = {}
    leave_out: set[str] = set()
    for uri in src_uris:
        found = TRANSLATION.match(uri)
        if found is None or found["lang"] not in language.LANGUAGES:
            continue
        leave_out.add(uri)
        if found["lang"] == lang:
            replace[found["stem"] + ".md"] = uri
    return replace, leave_out


def alternates(site_url: str, lang: str) -> list[dict[str, str]]:
    """Each language of the site (and ``x-default``): its root address, and how a page of
    ``lang``'s build reaches the same page in it (a prefix after going up to ``lang``'s
    root)."""
    out = []
    up = "../" * language.prefix(lang).count("/")
    for other in language.LANGUAGES:
        out.append(
            {
                "lang": other,
                "name": language.NAMES[other],
                "root": site_url + language.prefix(other),
                "prefix": up + language.prefix(other),
                "current": "1" if other == lang else "",
            }
        )
    return out
