"""Student text in GitHub's outputs: workflow commands and Markdown job summaries.

A file name or title may hold line breaks, `::` and Markdown or HTML. In a workflow log, a
line that starts with `::` is a command (`::stop-commands::`, a fake `::notice`); in a job
summary, raw HTML and new lines can hide what follows. Everything a student wrote passes
through one of these before it reaches GitHub.
"""

from __future__ import annotations

import html
import re

# Line breaks of every kind, and other control characters, as a workflow log or a Markdown
# line would read them.
_BREAKS = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029]+")
# Punctuation that means something inside a line of GitHub-flavoured Markdown (emphasis, code,
# links and images, which need [ ], tables, strikethrough) and the starts of autolinks; a
# backslash before it makes it literal (CommonMark: any ASCII punctuation may be escaped).
# Student text never starts a line here, so # - + . (which matter only there) stay as they are.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~]|(?<=:)/|(?<=www)\.)")


def command_data(value: str) -> str:
    """The message of a workflow command (``::error ...::message``), escaped as GitHub's
    runner reads it: % as %25, CR as %0D, LF as %0A. Other line breaks, which a log viewer
    may still show as new lines, become spaces."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace("\u2028", " ").replace("\u2029", " ").replace("\u0085", " ")


def command_property(value: str) -> str:
    """A property of a workflow command (``file=...``): as data, and also : as %3A and , as
    %2C."""
    return command_data(value).replace(":", "%3A").replace(",", "%2C")


def markdown(value: str) -> str:
    """Student text inside a Markdown line: one line, no HTML (< > & as entities) and no
    Markdown (every punctuation mark that could mean something escaped)."""
    value = _BREAKS.sub(" ", value)
    value = html.escape(value, quote=False)  # & < > first: the escapes below add no &
    return _MARKDOWN.sub(r"\\\1", value)
