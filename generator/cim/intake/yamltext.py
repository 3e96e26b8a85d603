"""Writing portfolio files for a student: new ones from the template, entries appended to
existing ones, with every comment and the layout kept (a round-trip YAML library, never text
splicing).

Values a student typed go in as data. A string is written plain only when the project's own
reader (:mod:`cim.read.source`) and a plain YAML 1.1 reader both read it back as the same
string (YAML 1.1 reads ``NO`` as false and ``1:20`` as 80); otherwise it is double-quoted.
Long texts become block scalars. Before anything is returned the whole file is read back with
the hardened reader and compared with what was meant.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from cim.model.layout import PORTFOLIO_FILE
from cim.read import source

_SAFE_PLAIN = re.compile(r"[^\W_][\w .,'()/&+-]*", re.UNICODE)
BLOCK_FROM = 80  # characters; longer texts are written as a block


class WriteError(Exception):
    """The file could not be written so that it reads back as meant (a bug, not the student's)."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 96
    yaml.preserve_quotes = True
    return yaml


def _reads_back(text: str) -> bool:
    """True when both our reader and a plain YAML 1.1 reader (editors, other tools) read
    ``v: text`` as the text itself (``NO`` is Norway, not false; ``1:20`` is not 80)."""
    doc = source.parse(f"v: {text}\n", "value")
    if not (doc.ok and not doc.problems and isinstance(doc.data, dict)):
        return False
    try:
        other = yaml.safe_load(f"v: {text}\n")
    except yaml.YAMLError:
        return False
    return doc.data.get("v") == text and isinstance(other, dict) and other.get("v") == text


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_KEYS = frozenset({"date", "end", "start", "registered"})


def scalar(value: Any, *, block: bool = False, date: bool = False) -> Any:
    """``value`` in the style that keeps it what it is when read back."""
    if not isinstance(value, str):
        return value
    if date and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)  # written plain, read back as the same text
        except ValueError:
            pass
    if block or "\n" in value or len(value) > BLOCK_FROM:
        if value == value.strip() and not re.search(r"[^\S\n ]|[\x00-\x08\x0b-\x1f\x7f]", value):
            if "\n" not in value and "  " not in value:
                return FoldedScalarString(value)  # one paragraph, wrapped like the template's
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value)
    if _SAFE_PLAIN.fullmatch(value) and value == value.strip() and _reads_back(value):
        return value
    return DoubleQuotedScalarString(value)


def _styled(value: Any, key: str = "") -> Any:
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for k, v in value.items():
            mapping[k] = _styled(v, k)
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v) for v in value)
        if all(isinstance(v, str) for v in value) and key in ("aims", "languages"):
            seq.fa.set_flow_style()
        return seq
    return scalar(value, block=key == "reflection", date=key in DATE_KEYS)


def _dump(doc: Any) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _check(text: str, expect: Mapping[str, Any], display: str) -> str:
    doc = source.parse(text, display)
    if not doc.ok or doc.problems or not isinstance(doc.data, dict):
        raise WriteError(f"{display} does not read back: {[str(p) for p in doc.problems]}")
    for key, value in expect.items():
        if doc.data.get(key) != _plain(value):
            raise WriteError(f"{display}: `{key}` does not read back as written")
    return text


def template() -> str:
    return resources.files("cim").joinpath("templates/portfolio.yml").read_text("utf-8")


def new_portfolio(
    values: Mapping[str, Any], display: str = PORTFOLIO_FILE, *, keep_examples: bool = False
) -> str:
    """A new portfolio.yml: the template with ``values`` set (keys it has) or added after the
    key before them in ``values``' order; the template's example bio, country and languages
    left out unless ``keep_examples`` (for a student who edits the file by hand)."""
    pid = str(values.get("id", "x"))
    filled = (
        template()
        .replace("portfolios/{id}", f"portfolios/{pid}")
        .replace("points {id}", f"points {pid}")
        .replace("{id}", "x")
        .replace("{name}", "x")
        .replace("{programme}", "x")
        .replace("{start}", "2000-01-01")
        .replace("{end}", "2000-01-01")
    )
    doc = _yaml().load(filled)
    if "bio" not in values and "bio" in doc and not keep_examples:
        del doc["bio"]
    previous = None
    for key, value in values.items():
        styled = _styled(value, key)
        if key in doc:
            doc[key] = styled
        else:
            at = list(doc).index(previous) + 1 if previous in doc else len(doc)
            doc.insert(at, key, styled)
        previous = key
    for key in ("origin_country", "languages"):  # the template's examples, not the student's
        if key not in values and key in doc and not keep_examples:
            del doc[key]
    return _check(_dump(doc), values, display)


def append_entry(text: str, entry: Mapping[str, Any], display: str) -> str:
    """``text`` (a portfolio.yml the hardened reader accepts) with ``entry`` added at the end
    of ``entries``; everything else, comments included, as it was."""
    checked = source.parse(text, display)
    if not checked.ok or not isinstance(checked.data, dict):
        raise WriteError(f"{display} cannot be read")
    doc = _yaml().load(text)
    entries = doc.get("entries")
    if not isinstance(entries, list):
        entries = CommentedSeq()
        doc["entries"] = entries
    if not entries:
        # `entries: []` is written in flow style; a first entry reads better as a block.
        fresh = CommentedSeq()
        fresh.fa.set_block_style()
        if hasattr(entries, "ca"):
            fresh.ca.items.update(entries.ca.items)
            fresh.ca.comment = entries.ca.comment
        doc["entries"] = entries = fresh
    entries.append(_styled(dict(entry)))
    old = checked.data.get("entries")
    expected = [*(old if isinstance(old, list) else []), _plain(entry)]
    result = _dump(doc)
    _check(result, {"entries": expected}, display)
    kept = {k: v for k, v in checked.data.items() if k != "entries"}
    return _check(result, kept, display)
