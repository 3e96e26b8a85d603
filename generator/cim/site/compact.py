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


# Runs of two or more spaces, once every line break has taken the spaces around it.
_SPACES = re.compile("  +")


def _collapse(text: str) -> str:
    """Every run of collapsible whitespace in ``text`` made one character: a line break when
    the run held one, else a space. Theme output holds only spaces and line breaks, which
    string methods handle a line at a time (several times faster than one regular expression
    stepping through every character); text with a tab, carriage return or form feed takes
    the regular expression."""
    if "\t" in text or "\r" in text or "\f" in text:
        return _RUN.sub(_one, text)
    lines = text.split("\n")
    last = len(lines) - 1
    if last:
        # A run with a line break is the spaces ending one line, the blank lines after it
        # and the spaces starting the next: it becomes the one break that joins them.
        lines = [
            line.strip(" ") if 0 < i < last else line.rstrip(" ") if i == 0 else line.lstrip(" ")
            for i, line in enumerate(lines)
        ]
        lines = [line for i, line in enumerate(lines) if line or i == 0 or i == last]
    joined = "\n".join(lines)
    return _SPACES.sub(" ", joined) if "  " in joined else joined


def compact(html: str) -> str:
    """``html`` with every run of collapsible whitespace made one character; the page looks
    and reads the same."""
    parts = _KEPT.split(html)
    # split() with two groups gives: text, whole kept element, its tag name, text, ...
    out = []
    for i in range(0, len(parts), 3):
        out.append(_collapse(parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)
