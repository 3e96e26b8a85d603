"""What changes from one language's build of the site to the next, said without MkDocs: the
words of mkdocs.yml (the navigation's labels, the site's name), which guide files a language
reads (``guides/students.sv.md`` is the Swedish ``guides/students.md``), and the links between
the languages of one page (``hreflang`` and the language switch)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cim.site import language
from cim.site.config import DEFAULT_SITE_URL
from cim.site.i18n import Gettext, gettext_for

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


def settings(config: Any, lang: str) -> None:
    """One language's build: the theme's own words (mkdocs-material's ``language``), the
    navigation's labels and the site's name in that language, its address below the site's
    root, and the links every page gives to itself in the other languages."""
    root = config.site_url or DEFAULT_SITE_URL
    root = root if root.endswith("/") else root + "/"
    config.extra["cim_language"] = lang
    config.extra["cim_alternates"] = alternates(root, lang)
    if lang == language.DEFAULT:
        return
    _ = gettext_for(lang)
    config.theme["language"] = lang
    config.nav = translate_nav(config.nav, _)
    config.site_name = _(config.site_name)
    config.site_url = root + f"{lang}/"
    if config.site_description:
        config.site_description = _(config.site_description.strip())
    if config.copyright:
        config.copyright = _(config.copyright)
    if isinstance(config.extra.get("programme"), str):
        config.extra["programme"] = _(config.extra["programme"])
    for scheme in config.theme.get("palette") or []:
        toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
        if isinstance(toggle, dict) and isinstance(toggle.get("name"), str):
            toggle["name"] = _(toggle["name"])
