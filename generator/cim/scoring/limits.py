"""Sharing out capped points so that adding an entry never lowers the total.

Each counted entry's points pass through its limits in turn: its activity's cap, its
category's cap, and the cap of the category that one sits within. When every entry of an
activity sits in the same category the limits nest, and keeping the highest points first
(what :mod:`cim.scoring.points` does) is already the best sharing. Own-choice entries break
the nesting: one own-choice cap spans several categories, so a greedy pass can spend the
own-choice room on an entry that its category then cuts, and adding an entry could lower the
total. This module finishes the job as a maximum flow: points flow from the entries through
their limits, and every path that can still carry points is used (Edmonds–Karp on a graph of a
few dozen nodes). Where the greedy pass was already best, nothing changes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Node = tuple[str, str]  # ("entry", "3"), ("in", limit), ("out", limit), ("source"|"sink", "")
SOURCE: Node = ("source", "")
SINK: Node = ("sink", "")


@dataclass(slots=True)
class Claim:
    """One counted entry: the points it could earn, what it has now, its activity's limit
    (or "" without a cap) and its categories' limits, innermost first."""

    raw: int
    points: int
    activity: str
    categories: tuple[str, ...]


def improve(claims: Sequence[Claim], capacity: Callable[[str], int]) -> list[int]:
    """The points of each claim once every augmenting path is used (the highest total).

    The network: source → activity limit → entry (its raw points) → category limit →
    enclosing category's limit → sink. Each entry is the only link between its activity and
    its category, so any path with room left is a real way to count more points. ``claims``
    come with a sharing that respects every limit; ``capacity`` gives a limit's cap."""
    residual: dict[Node, dict[Node, int]] = {}
    flows: dict[tuple[Node, Node], int] = {}

    def add(u: Node, v: Node, flow: int) -> None:
        flows[(u, v)] = flows.get((u, v), 0) + flow

    unlimited = sum(c.raw for c in claims) + 1
    caps: dict[tuple[Node, Node], int] = {}
    for i, claim in enumerate(claims):
        entry: Node = ("entry", str(i))
        if claim.activity:
            act: Node = ("in", claim.activity)
            add(SOURCE, act, claim.points)
            caps[(SOURCE, act)] = capacity(claim.activity)
            add(act, entry, claim.points)
            caps[(act, entry)] = claim.raw
        else:
            add(SOURCE, entry, claim.points)
            caps[(SOURCE, entry)] = claim.raw
        here = entry
        for category in claim.categories:
            inner: Node = ("in", category)
            outer: Node = ("out", category)
            add(here, inner, claim.points)
            caps.setdefault((here, inner), unlimited)
            add(inner, outer, claim.points)
            caps[(inner, outer)] = capacity(category)
            here = outer
        add(here, SINK, claim.points)
        caps.setdefault((here, SINK), unlimited)
    for (u, v), flow in flows.items():
        residual.setdefault(u, {})
        residual.setdefault(v, {})
        residual[u][v] = residual[u].get(v, 0) + caps[(u, v)] - flow
        residual[v][u] = residual[v].get(u, 0) + flow

    while True:
        parent = _path(residual)
        if parent is None:
            break
        step, v = unlimited, SINK
        while v != SOURCE:
            u = parent[v]
            step = min(step, residual[u][v])
            v = u
        v = SINK
        while v != SOURCE:
            u = parent[v]
            residual[u][v] -= step
            residual[v][u] += step
            v = u
    shared = []
    for i, claim in enumerate(claims):
        entry = ("entry", str(i))
        feed = ("in", claim.activity) if claim.activity else SOURCE
        shared.append(claim.raw - residual[feed][entry])
    return shared


def _path(residual: dict[Node, dict[Node, int]]) -> dict[Node, Node] | None:
    """A shortest path with room left from the source to the sink, as parent links."""
    parent: dict[Node, Node] = {}
    queue = deque([SOURCE])
    seen = {SOURCE}
    while queue:
        u = queue.popleft()
        for v, room in residual.get(u, {}).items():
            if room > 0 and v not in seen:
                seen.add(v)
                parent[v] = u
                if v == SINK:
                    return parent
                queue.append(v)
    return None
