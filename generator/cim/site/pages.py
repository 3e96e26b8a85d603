"""The pages of the site: where each lives, what MkDocs (or any writer) reads as its front
matter, and links between pages.

Every page URL is a folder ("students/anna-lind/"), the directory-style URLs MkDocs and most
static hosts use; :func:`url_of` is that rule, stated once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any


def url_of(src_uri: str) -> str:
    """The directory-style URL of a Markdown source path (``students/anna.md`` →
    ``students/anna/``)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def rel(from_url: str, to: str) -> str:
    """A link from the page at ``from_url`` to ``to`` (a page URL or a file URI).

    Every page URL is a folder, so the way up is one "../" per level; this is called for every
    link on every page, so it avoids path arithmetic."""
    up = "../" * from_url.count("/")
    return (up + to) or "./"


def site_url_of(value: str) -> str:
    """The site's address with its closing slash."""
    return value if value.endswith("/") else value + "/"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the site: its source path, title and kind (which view and template show
    it), and what its front matter says to the theme and to search engines."""

    src_uri: str
    title: str
    kind: str
    key: str = ""
    template: str = ""
    search: bool = True
    hide: tuple[str, ...] = ()
    description: str = ""
    image: str = ""  # absolute URL of the picture a shared link shows
    noindex: bool = False  # ask search engines not to index the page
    language: str = "en"  # the language of the page's own words (see cim.site.language)

    @property
    def url(self) -> str:
        """The page's URL within its language's part of the site."""
        return url_of(self.src_uri)

    @property
    def language_depth(self) -> int:
        """How many folders the page's language puts between it and the site's root."""
        return 0 if self.language == "en" else 1

    @property
    def path(self) -> str:
        """The page's URL from the site's root (``sv/students/anna/`` for Swedish)."""
        return ("" if self.language == "en" else f"{self.language}/") + self.url

    def front_matter(self) -> str:
        """The Markdown source a writer reads: front matter only (the body comes from the
        renderer). It reads back as :meth:`meta`."""
        return front_matter_of(self.meta())

    def meta(self) -> dict[str, Any]:
        """What the page's front matter says to the theme and to search engines."""
        meta: dict[str, Any] = {"title": escape(self.title)}
        if self.template:
            meta["template"] = self.template
        if self.hide:
            meta["hide"] = list(self.hide)
        if not self.search:
            meta["search"] = {"exclude": True}
        if self.description:
            meta["description"] = escape(self.description)
        if self.image:
            meta["og_image"] = escape(self.image)
        if self.noindex:
            meta["robots"] = "noindex"
        return meta


def front_matter_of(meta: dict[str, Any]) -> str:
    """A page's front matter that reads back as ``meta`` (:meth:`Page.meta`)."""
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


class SiteError(Exception):
    """The site cannot be built; the message says why and what to do."""
