"""Reading YAML files so that every value can be traced back to its line and column.

PyYAML's C parser is used where it is available (it is many times faster than the pure-Python
one). The document is composed once into a node tree and constructed from that same tree, so
keeping the nodes for error locations costs no second parse.

Three deliberate departures from PyYAML's defaults:

* dates stay strings (``2024-05-01`` would otherwise become a ``datetime.date`` and the
  validator could not tell a typo from a date);
* only ``true``/``false`` are booleans, so a country code such as ``NO`` stays ``"NO"``;
* a key given twice in one mapping is recorded instead of silently overwriting the first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - only on a PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from cim.problems import Problem, Severity

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in _BaseLoader.yaml_implicit_resolvers.items():
        kept = []
        for tag, regexp in entries:
            if tag == "tag:yaml.org,2002:timestamp":
                continue
            if tag == "tag:yaml.org,2002:bool":
                regexp = _BOOL
            kept.append((tag, regexp))
        if kept:
            table[first] = kept
    return table


@dataclass(frozen=True, slots=True)
class Duplicate:
    key: str
    line: int
    column: int
    first_line: int


class _Loader(_BaseLoader):
    yaml_implicit_resolvers = _resolvers()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key in seen:
                    mark = key_node.start_mark
                    self.duplicates.append(
                        Duplicate(str(key), mark.line + 1, mark.column + 1, seen[key])
                    )
                else:
                    seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its data, its node tree (for locations) and its problems."""

    path: str
    data: Any = None
    node: yaml.Node | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.node is not None

    def locate(self, path: Sequence[str | int], key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its key, with ``key=True``).

        Walks as far down the path as the document goes, so a missing value is reported at
        the mapping that should hold it.
        """
        node = self.node
        if node is None:
            return 1, 1
        mark = node.start_mark
        for step in path:
            found: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == step:
                        found = value_node
                        mark = key_node.start_mark if key else value_node.start_mark
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                found = node.value[step]
                mark = found.start_mark
            if found is None:
                break
            node = found
        return mark.line + 1, mark.column + 1

    def problem(
        self,
        path: Sequence[str | int],
        message: str,
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.path, line, column, message, severity)


def parse(text: str, path: str) -> Document:
    """Parse one YAML document; syntax errors and duplicate keys become problems."""
    doc = Document(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "not valid YAML"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            start = exc.context_mark
            what += (
                f" ({exc.context} that starts on line {start.line + 1}, column {start.column + 1})"
            )
        doc.problems.append(
            Problem(
                path,
                line,
                column,
                f"YAML syntax error: {what}. Check the indentation and quoting on this line "
                "(text containing ': ' or starting with a symbol must be in quotes).",
            )
        )
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(path, 1, 1, f"YAML syntax error: {exc}."))
        return doc
    finally:
        loader.dispose()
    if node is None:
        doc.problems.append(
            Problem(path, 1, 1, "the file is empty; see the template in the README.")
        )
        return doc
    doc.node = node
    doc.data = data
    for dup in loader.duplicates:
        doc.problems.append(
            Problem(
                path,
                dup.line,
                dup.column,
                f"duplicate key '{dup.key}' (first given on line {dup.first_line}); "
                "YAML would silently keep only the last one — merge them or remove one.",
            )
        )
    return doc


def read(path: str, display: str) -> Document:
    """Read and parse a file; an unreadable file is a problem, not a crash."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        return Document(
            display,
            problems=[Problem(display, 1, 1, "the file is not UTF-8 text; save it as UTF-8.")],
        )
    except OSError as exc:
        return Document(
            display, problems=[Problem(display, 1, 1, f"cannot read the file: {exc.strerror}.")]
        )
    return parse(text, display)
