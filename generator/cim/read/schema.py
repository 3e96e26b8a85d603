"""JSON Schema checks for the three kinds of file, with errors mapped back to YAML lines.

The schemas ship inside the package (``cim/schemas/*.schema.json``) so that editors can use
them through a ``# yaml-language-server: $schema=...`` modeline. A compiled fastjsonschema
validator answers "valid?" quickly for the common case; only an invalid document is walked by
jsonschema to collect every error with its path.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import fastjsonschema

from cim.problems import Problem
from cim.read import source
from cim.read.source import Document

if TYPE_CHECKING:  # jsonschema is imported only when a document is invalid
    import jsonschema
    from jsonschema.exceptions import ValidationError

Kind = Literal["portfolio", "activities", "rules", "awards", "issuer", "assessments"]

_FORBIDDEN = {
    "points": "points are computed from rules.yml and activities.yml, never written by hand",
    "total": "points are computed from rules.yml and activities.yml, never written by hand",
    "awarded": "awards are recorded by the administrators, not in the portfolio",
    "award": "awards are recorded by the administrators, not in the portfolio",
    "approved": "approval is given by merging the pull request, not in the portfolio",
    "certificate": "certificates are issued by the administrators, not in the portfolio",
    "personnummer": "a personal identity number must never be stored here",
}


# The pattern of every single-line field (names, titles, codes, ids, captions): no control
# characters, line or paragraph separators or non-characters, which break the card drawing,
# the pages' front matter and line-based outputs. Every pattern ends in `(?!\n)$`: in
# Python's re (which jsonschema uses) a bare `$` also matches before a final line break.
ONE_LINE = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufdd0-\\ufdef\\ufffe\\uffff]*(?!\\n)$"
_NOT_ONE_LINE = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")


def schema_text(kind: Kind) -> str:
    return resources.files("cim").joinpath(f"schemas/{kind}.schema.json").read_text("utf-8")


@cache
def schema(kind: Kind) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


@cache
def _fast(kind: Kind) -> Any:
    return fastjsonschema.compile(schema(kind))


@cache
def _full(kind: Kind) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(schema(kind))


def valid(data: object, kind: Kind) -> bool:
    """Whether ``data`` passes the schema (no locations; for trying parts of a document)."""
    try:
        _fast(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def check(doc: Document, kind: Kind) -> list[Problem]:
    """Every schema violation in ``doc``, each located at its YAML line and column."""
    try:
        _fast(kind)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    found = sorted(_full(kind).iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    return [problem for error in found for problem in _problems(doc, error)]


def load(path: str, display: str, kind: Kind) -> tuple[Document, list[Problem], bool]:
    """Read a file and check it against its schema: the document, every problem found, and
    whether its data can be used (it parsed and the schema found nothing)."""
    doc = source.read(path, display)
    problems = list(doc.problems)
    if not doc.ok:
        return doc, problems, False
    found = check(doc, kind)
    return doc, problems + found, not found


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _problems(doc: Document, error: ValidationError) -> list[Problem]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        deepest = best_match(error.context)
        if deepest is not None:
            error = deepest
    path = list(error.absolute_path)
    where = ".".join(str(p) for p in path) or "the top level"
    if error.validator == "additionalProperties":
        allowed = sorted(_schema_of(error).get("properties", {}))
        found = []
        for key in _extra_keys(error):
            reason = _FORBIDDEN.get(key)
            hint = (
                f"{reason}; remove it"
                if reason
                else ("remove it or fix its spelling; allowed here: " + ", ".join(allowed))
            )
            found.append(
                doc.problem([*path, key], f"unknown key '{key}' in {where}: {hint}.", key=True)
            )
        return found
    if error.validator == "required":
        return [
            doc.problem(
                path,
                f"{where} is missing {error.message.split(' is a required')[0]}: "
                "add it (see the template in the README).",
            )
        ]
    if error.validator == "pattern" and _schema_of(error).get("pattern", "").startswith(
        "^[0-9]{4}"
    ):
        return [
            doc.problem(
                path,
                f"{where}: '{error.instance}' is not a date; "
                "write dates as YYYY-MM-DD, e.g. 2025-03-14.",
            )
        ]
    if error.validator == "pattern" and _schema_of(error).get("pattern") == ONE_LINE:
        return [doc.problem(path, _not_one_line(where, str(error.instance)))]
    if error.validator == "pattern" and "A-Z]{2}" in _schema_of(error).get("pattern", ""):
        return [
            doc.problem(
                path,
                f"{where}: '{error.instance}' is not a two-letter country "
                "code; use ISO 3166-1 alpha-2 in capitals, e.g. SE, DE, KE.",
            )
        ]
    if _quoted_number(error):
        key = str(path[-1]) if path else where
        number = str(error.instance).strip()
        return [doc.problem(path, f"{where}: write the number without quotes: {key}: {number}")]
    return [doc.problem(path, f"{where}: {error.message}.")]


def _not_one_line(where: str, value: str) -> str:
    bad = _NOT_ONE_LINE.search(value)
    what = (
        "a line break"
        if bad is None or bad.group() in "\n\r\u0085\u2028\u2029"
        else f"the invisible character U+{ord(bad.group()):04X}"
    )
    return (
        f"{where} must be one line of text, but it contains {what}; remove it "
        "(in YAML, write the value on one line without | or >)."
    )


def _quoted_number(error: ValidationError) -> bool:
    """A whole number written in quotes (``github_id: '12345678'``), which YAML reads as text."""
    return (
        error.validator == "type"
        and error.validator_value == "integer"
        and isinstance(error.instance, str)
        and error.instance.strip().isdigit()
    )


def _extra_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = set(_schema_of(error).get("properties", {}))
    return sorted(str(k) for k in instance if k not in known)
