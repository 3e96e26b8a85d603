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

Hostile files are refused before they cost time or memory: files over a size limit, a
byte-order mark, nesting deeper than :data:`MAX_DEPTH` (the C parser would overflow its stack
long before Python notices) and aliases that would expand to more than :data:`MAX_NODES`
nodes (an "alias bomb" is tiny on disk and enormous once walked).
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

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
MAX_BYTES = 1 << 20  # a portfolio of 500 long entries fits easily in 1 MiB
MAX_DEPTH = 64
MAX_NODES = 200_000
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_DEEP_INDENT = "\n" + " " * 160  # a line indented by 160 spaces: 80 levels of two


class Refused(yaml.MarkedYAMLError):
    """A file is structurally hostile (too deep, too large once expanded, an odd tag)."""


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


def _refuse(node: yaml.Node, message: str) -> Refused:
    return Refused(problem=message, problem_mark=node.start_mark)


def _undefined(loader: Any, node: yaml.Node) -> Any:
    raise _refuse(
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
                    raise _refuse(
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


_INT = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _NeedsFullConstructor(Exception):
    """A merge key (``<<``): let PyYAML's own constructor handle the whole document."""


def _data(node: yaml.Node, loader: _Loader, memo: dict[int, Any] | None) -> Any:
    """Plain Python data from a composed node: the same result as PyYAML's constructor for the
    plain-data tags this loader allows, about twice as fast (it is the validator's hot path).
    Duplicate and non-text keys are reported as the constructor above reports them."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _MAP:
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        pairs = node.value
        if not all(k.tag == _STR for k, _ in pairs):
            if any(k.tag == _MERGE for k, _ in pairs):
                raise _NeedsFullConstructor
            loader.construct_mapping(node)  # type: ignore[arg-type]  # raises "not text"
        result = {k.value: _data(v, loader, memo) for k, v in pairs}
        if len(result) != len(pairs):
            loader.construct_mapping(node)  # type: ignore[arg-type]  # records duplicates
        if memo is not None:
            memo[id(node)] = result
        return result
    if tag == _SEQ:
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        items = [_data(v, loader, memo) for v in node.value]
        if memo is not None:
            memo[id(node)] = items
        return items
    if tag == _INT:
        value = node.value
        if value.isdigit() and (value[0] != "0" or value == "0") and len(value) <= _MAX_DIGITS:
            return int(value)
        return _scalar(node, loader)  # signs, octal, hex, underscores
    if tag == _BOOL_TAG:
        return node.value in ("true", "True", "TRUE")
    if tag == _NULL:
        return None
    return _scalar(node, loader)  # floats; anything else is refused there


_MAX_DIGITS = 100  # no number in any CIM file is longer; Python refuses over 4,300 digits


def _scalar(node: yaml.Node, loader: _Loader) -> Any:
    """A number the fast path above does not handle; a malformed one (``!!int xyz``, thousands
    of digits) is refused at its line instead of escaping as a ValueError."""
    if isinstance(node, yaml.ScalarNode) and len(node.value) > _MAX_DIGITS and node.tag != _STR:
        raise _refuse(node, "this number is far too long; write a short number or quote it")
    try:
        return loader.construct_object(node)
    except ValueError:
        shown = node.value[:40] if isinstance(node, yaml.ScalarNode) else "…"
        raise _refuse(
            node, f"{shown!r} is marked as a number but is not one; write a plain number"
        ) from None


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, reading parser events (never recursing)."""
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise Refused(
                    problem=f"the data is nested more than {MAX_DEPTH} levels deep; "
                    "a portfolio never needs that",
                    problem_mark=event.start_mark,  # type: ignore[arg-type]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _looks_deep(text: str) -> bool:
    """A cheap test that rules out deep nesting for ordinary files (string methods run in C)."""
    return (
        text.count("[") + text.count("{") > 256
        or text.count("- -") > 16
        or _DEEP_INDENT in text
        or text.startswith(_DEEP_INDENT[1:])
    )


def _check_expansion(node: yaml.Node) -> None:
    """Refuse aliases that would expand beyond MAX_NODES nodes."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        known = sizes.get(id(n))
        if known is not None:
            return known
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in n.value)
        else:
            total = 1
        sizes[id(n)] = total
        if total > MAX_NODES:
            raise _refuse(
                n,
                f"aliases (*) here expand to more than {MAX_NODES:,} values; "
                "write the data out instead of repeating anchors",
            )
        return total

    size(node)


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


def parse(text: str, path: str) -> Document:
    """Parse one YAML document; syntax errors, hostile structure and duplicate keys become
    problems."""
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
    loader = _Loader(text)
    try:
        if _looks_deep(text):
            _check_depth(text)
        node = loader.get_single_node()
        if node is not None and "&" in text and "*" in text:
            _check_expansion(node)
        data = None
        if node is not None:
            try:
                data = _data(node, loader, {} if "&" in text else None)
            except _NeedsFullConstructor:
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
