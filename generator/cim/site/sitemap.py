"""The sitemap lists only pages search engines may index: a student who asked for `noindex`
is not announced to them in sitemap.xml either."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from markupsafe import escape

_URL = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)
_ENTRY = re.compile(r"\s*<url>\s*<loc>(?P<loc>[^<]*)</loc>.*?</url>", re.S)


def without(xml: str, urls: Iterable[str]) -> str:
    """``xml`` (MkDocs' sitemap) without the entries of the pages at ``urls`` (site-relative,
    as in ``students/anna-lind/``)."""
    hidden = {u.strip("/") for u in urls}
    if not hidden:
        return xml

    def keep(match: re.Match[str]) -> str:
        loc = html.unescape(match.group(1)).split("://", 1)[-1]
        path = loc.split("/", 1)[1] if "/" in loc else ""
        path = path.strip("/")
        listed = not any(path == h or path.endswith("/" + h) for h in hidden if h)
        return match.group(0) if listed else ""

    return _URL.sub(keep, xml)


def with_pages(xml: str, urls: Iterable[str], site_url: str) -> str:
    """``xml`` (MkDocs' sitemap) with an entry for every page at ``urls`` (site-relative, in
    the order of the site's pages), those it lacks made like the ones it has.

    A page reused from an earlier build reaches MkDocs as a finished file, not a page, so
    MkDocs leaves it out of the sitemap; this puts it back where a full build has it: after
    the hand-written pages, in the order of the generated ones."""
    found = list(_ENTRY.finditer(xml))
    if not found:
        return xml
    wanted = [str(escape(site_url + url)) for url in urls]
    entries = {m.group("loc"): m.group(0) for m in found}
    pattern = found[0]
    made = [
        entries.get(loc)
        or pattern.group(0).replace(f"<loc>{pattern.group('loc')}</loc>", f"<loc>{loc}</loc>")
        for loc in wanted
    ]
    listed = set(wanted)
    others = [m.group(0) for m in found if m.group("loc") not in listed]
    start, end = found[0].start(), found[-1].end()
    return xml[:start] + "".join(others + made) + xml[end:]
