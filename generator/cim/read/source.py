"""Reading YAML files so that every value can be traced back to its line and column.

PyYAML's C parser is used where it is available (it is many times faster than the pure-Python
one). The document is composed once into a node tree and constructed from that same tree, so
keeping the nodes for error locations costs no second parse.

Deliberate departures from PyYAML's defaults:

* dates stay strings (``2024-05-01`` would otherwise become a ``datetime.date`` and the
  validator could not tell a typo from a date);
* only ``true``/``false`` are booleans, so a country code such as ``NO`` stays ``"NO"``;
* a key given twice in one mapping is recorded instead of silently overwriting the first;
* keys must be text, and only plain data (text, numbers, booleans, lists, mappings) is
  constructed: any other tag (``!!binary``, ``!!set``, ``!!python/…``) is refused.

Hostile files (over a size limit, a byte-order mark, too deep, alias bombs) are refused before
they cost time or memory; the structural guards are in :mod:`cim.read.guards`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - only on a PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from cim.problems import Problem, Severity
from cim.read import construct
from cim.read.guards import (
    MAX_DEPTH,
    Refused,
    check_depth,
    check_expansion,
    looks_deep,
    refuse,
)

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
MAX_BYTES = 1 << 20  # a portfolio of 500 long entries fits easily in 1 MiB
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


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


def _undefined(loader: Any, node: yaml.Node) -> Any:
    raise refuse(
        node,
        f"the tag {node.tag} is not allowed here; write plain text, numbers, lists and mappings",
    )


_RESOLVED: dict[str, str] = {}  # plain scalar text -> its tag
_REMEMBERED_LENGTH = 40
_REMEMBERED_TEXTS = 100_000


class _Loader(_BaseLoader):
    yaml_implicit_resolvers = _resolvers()
    yaml_constructors: ClassVar[dict[Any, Any]] = {
        tag: f for tag, f in _BaseLoader.yaml_constructors.items() if tag in _PLAIN
    }
    yaml_constructors[None] = _undefined

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []

    # The composer asks for the tag of every node (hundreds per portfolio). This loader has no
    # path resolvers, so a tag depends only on the kind of node and a plain scalar's text;
    # the answers for short texts (keys, kinds, numbers) are remembered across files.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return _SEQ if kind is yaml.SequenceNode else _MAP
        if not implicit[0]:
            return _STR  # quoted text
        short = len(value) <= _REMEMBERED_LENGTH
        if short:
            tag = _RESOLVED.get(value)
            if tag is not None:
                return tag
        tag = _STR
        for candidate, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
            if pattern.match(value):
                tag = candidate
                break
        if short and len(_RESOLVED) < _REMEMBERED_TEXTS:
            _RESOLVED[value] = tag
        return tag

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        pairs = node.value
        # The common case costs two quick passes: every key is text, and none repeats.
        if not all(k.tag == _STR for k, _ in pairs):
            for key_node, _ in pairs:
                if key_node.tag not in (_STR, _MERGE):
                    shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "…"
                    raise refuse(
                        key_node,
                        f"the key {shown!r} is not text; write keys as words "
                        "(quote it if it looks like a number)",
                    )
        keys = [k.value for k, _ in pairs]
        if len(set(keys)) != len(keys):
            first: dict[object, int] = {}
            for key_node, _ in pairs:
                mark = key_node.start_mark
                if key_node.value in first:
                    self.duplicates.append(
                        Duplicate(
                            str(key_node.value),
                            mark.line + 1,
                            mark.column + 1,
                            first[key_node.value],
                        )
                    )
                else:
                    first[key_node.value] = mark.line + 1
        return super().construct_mapping(node, deep=deep)


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its data, its node tree (for locations) and its problems."""

    path: str
    data: Any = None
    node: yaml.Node | None = None
    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    _index: dict[int, dict[object, tuple[yaml.Node, yaml.Node]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def ok(self) -> bool:
        return self.node is not None

    def _keys_of(self, node: yaml.MappingNode) -> dict[object, tuple[yaml.Node, yaml.Node]]:
        """The mapping's first key node and value node for each key, indexed once: locating
        every one of thousands of unknown keys by a walk each would take quadratic time."""
        index = self._index.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                index.setdefault(key_node.value, (key_node, value_node))
            self._index[id(node)] = index
        return index

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
                pair = self._keys_of(node).get(step)
                if pair is not None:
                    found = pair[1]
                    mark = pair[0].start_mark if key else pair[1].start_mark
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


def _advice(exc: yaml.MarkedYAMLError, text: str) -> str:
    what = exc.problem or "not valid YAML"
    mark = exc.problem_mark or exc.context_mark
    if isinstance(exc, Refused):
        return what + "."
    if "expected a single document" in str(exc.problem or "") + str(exc.context or ""):
        return "the file holds more than one YAML document (separated by ---); keep a single one."
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        start = exc.context_mark
        what += f" ({exc.context} that starts on line {start.line + 1}, column {start.column + 1})"
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "\t" in line:
        return f"YAML syntax error: {what}. Indent with spaces, not tabs."
    return (
        f"YAML syntax error: {what}. Check the indentation and quoting on this line "
        "(text containing ': ' or starting with a symbol must be in quotes)."
    )


class _ForeignTagsLoader(_Loader):
    """The same loader, reading tags it does not know as empty values (never constructing
    anything they name)."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {
        **_Loader.yaml_constructors,
        None: lambda loader, node: None,
    }


# Long because each way a file can be refused has its own message for the student.
def parse(text: str, path: str, *, foreign_tags: bool = False) -> Document:
    """Parse one YAML document; syntax errors, hostile structure and duplicate keys become
    problems. ``foreign_tags`` reads the tags another tool's configuration uses (mkdocs.yml's
    ``!ENV``, ``!!python/name:``) as empty values instead of refusing them."""
    doc = Document(path)
    if text.startswith("\ufeff"):
        doc.problems.append(
            Problem(
                path,
                1,
                1,
                "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM.",
            )
        )
        return doc
    loader = _ForeignTagsLoader(text) if foreign_tags else _Loader(text)
    try:
        if looks_deep(text):
            check_depth(text)
        node = loader.get_single_node()
        if node is not None and "&" in text and "*" in text:
            check_expansion(node)
        data = None
        if node is not None:
            try:
                data = construct.data(node, loader, {} if "&" in text else None)
            except construct.NeedsFullConstructor:
                loader.duplicates.clear()
                data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(path, line, column, _advice(exc, text)))
        return doc
    except ValueError as exc:  # a constructor inside a merge (<<) refused a malformed value
        doc.problems.append(Problem(path, 1, 1, f"a value cannot be read: {exc}; fix it."))
        return doc
    except RecursionError:
        doc.problems.append(
            Problem(
                path,
                1,
                1,
                f"the data is nested too deeply (more than {MAX_DEPTH} levels); simplify it.",
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
    doc.text = text
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


def read(path: str, display: str, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a file; an unreadable or oversized file is a problem, not a crash."""
    try:
        with open(path, "rb") as handle:
            # Check the size first: reading with a huge buffer would allocate it every time.
            too_big = os.fstat(handle.fileno()).st_size > max_bytes
            raw = b"" if too_big else handle.read()
        if too_big:
            return Document(
                display,
                problems=[
                    Problem(
                        display,
                        1,
                        1,
                        f"the file is larger than {max_bytes // 1024} KB; shorten it "
                        "(large texts and evidence belong in separate files).",
                    )
                ],
            )
        text = raw.decode("utf-8")
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
