"""Plain data from a composed YAML node tree, built directly — the validator's hot path.

A speed trick, kept honest: the result equals PyYAML's own constructor for the plain-data tags
the reader allows (``tests/test_source.py`` compares both on every YAML file of the
repository, the examples and the fixtures), in about half its time.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from cim.read.guards import refuse

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class NeedsFullConstructor(Exception):
    """A merge key (``<<``): let PyYAML's own constructor handle the whole document."""


def data(node: yaml.Node, loader: Any, memo: dict[int, Any] | None) -> Any:
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
                raise NeedsFullConstructor
            loader.construct_mapping(node)  # raises "not text"
        result = {k.value: data(v, loader, memo) for k, v in pairs}
        if len(result) != len(pairs):
            loader.construct_mapping(node)  # records duplicates
        if memo is not None:
            memo[id(node)] = result
        return result
    if tag == _SEQ:
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        items = [data(v, loader, memo) for v in node.value]
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


def _scalar(node: yaml.Node, loader: Any) -> Any:
    """A number the fast path above does not handle; a malformed one (``!!int xyz``, thousands
    of digits) is refused at its line instead of escaping as a ValueError."""
    if isinstance(node, yaml.ScalarNode) and len(node.value) > _MAX_DIGITS and node.tag != _STR:
        raise refuse(node, "this number is far too long; write a short number or quote it")
    try:
        value = loader.construct_object(node)
    except ValueError:
        shown = node.value[:40] if isinstance(node, yaml.ScalarNode) else "…"
        raise refuse(
            node, f"{shown!r} is marked as a number but is not one; write a plain number"
        ) from None
    # .nan and .inf are numbers to YAML but no amount, date or count: nan compares false with
    # every limit, so a schema's maximum would let it through.
    if isinstance(value, float) and not math.isfinite(value):
        raise refuse(node, f"{node.value!r} is not a number you can use here; write a number")
    return value
