"""Guards against hostile YAML: structure that would cost time or memory out of all proportion
to its size on disk is refused before it is walked.

* nesting deeper than :data:`MAX_DEPTH` (the C parser would overflow its stack long before
  Python notices), found by reading parser events, never by recursing;
* aliases that would expand to more than :data:`MAX_NODES` nodes (an "alias bomb" is tiny on
  disk and enormous once walked).
"""

from __future__ import annotations

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - only on a PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_DEPTH = 64
MAX_NODES = 200_000
_DEEP_INDENT = "\n" + " " * 160  # a line indented by 160 spaces: 80 levels of two


class Refused(yaml.MarkedYAMLError):
    """A file is structurally hostile (too deep, too large once expanded, an odd tag)."""


def refuse(node: yaml.Node, message: str) -> Refused:
    return Refused(problem=message, problem_mark=node.start_mark)


def check_depth(text: str) -> None:
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


def looks_deep(text: str) -> bool:
    """A cheap test that rules out deep nesting for ordinary files (string methods run in C)."""
    return (
        text.count("[") + text.count("{") > 256
        or text.count("- -") > 16
        or _DEEP_INDENT in text
        or text.startswith(_DEEP_INDENT[1:])
    )


def check_expansion(node: yaml.Node) -> None:
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
            raise refuse(
                n,
                f"aliases (*) here expand to more than {MAX_NODES:,} values; "
                "write the data out instead of repeating anchors",
            )
        return total

    size(node)
