"""The sitemap lists only pages search engines may index: a student who asked for `noindex`
is not announced to them in sitemap.xml either."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_URL = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)


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
