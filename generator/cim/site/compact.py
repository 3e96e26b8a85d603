"""Smaller generated pages: the whitespace a browser would collapse anyway, taken out.

The theme's templates indent every line of their markup; on a portfolio page that indentation
is about a sixth of the HTML, repeated on thousands of pages. In HTML, outside preformatted
text, a run of spaces and line breaks between words or tags shows exactly as one space does,
so each run becomes one line break (when it held one) or one space. What the browser does
not collapse is left exactly as written: ``<pre>``, ``<textarea>``, and ``<script>`` and
``<style>`` (an inline script's bytes are what the Content-Security-Policy hashes).
"""

from __future__ import annotations

import re

# Elements whose content is kept byte for byte.
_KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
# HTML's own whitespace (not Python's \s, which would also take no-break spaces).
_RUN = re.compile(r"[ \t\n\r\f]{2,}|[\t\r\f]")


def _one(match: re.Match[str]) -> str:
    return "\n" if "\n" in match.group() else " "


def compact(html: str) -> str:
    """``html`` with every run of collapsible whitespace made one character; the page looks
    and reads the same."""
    parts = _KEPT.split(html)
    # split() with two groups gives: text, whole kept element, its tag name, text, ...
    out = []
    for i in range(0, len(parts), 3):
        out.append(_RUN.sub(_one, parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)
