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

from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cim.model.catalogue import OWN_CHOICE
from cim.model.rules import Rules

if TYPE_CHECKING:  # points imports this module; the type is only named here
    from cim.scoring.points import EntryResult

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


# Long because the network is built and then augmented in one place, so that the two halves
# visibly agree on the nodes (entry, activity limit, category limits, sink).
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


def limits_of(r: EntryResult, rules: Rules) -> tuple[str, ...]:
    assert r.activity is not None
    own = ("activity",) if r.activity.cap is not None else ()
    family = rules.family(r.category)
    return own + tuple(c for c in family if (x := rules.category(c)) and x.cap is not None)


def share_out(counted: list[tuple[int, tuple[object, ...], EntryResult]], rules: Rules) -> None:
    """Where one activity's cap spans several categories (own choice), let
    :mod:`cim.scoring.limits` find the sharing with the highest total."""
    spans: dict[str, set[str]] = defaultdict(set)
    for _, _, r in counted:
        if r.activity is not None and r.activity.cap is not None:
            spans[r.activity.id].add(r.category)
    if all(len(c) <= 1 for c in spans.values()):
        return  # the limits nest: keeping the highest points first is already the best
    ordered = [r for _, _, r in sorted(counted, key=lambda k: (-k[2].raw, k[1]))]

    def name(r: EntryResult, limit: str) -> str:
        assert r.activity is not None
        return f"activity:{r.activity.id}" if limit == "activity" else f"category:{limit}"

    claims = []
    for r in ordered:
        limits = tuple(name(r, x) for x in limits_of(r, rules))
        own = limits[0] if limits and limits[0].startswith("activity:") else ""
        claims.append(Claim(r.raw, r.points, own, limits[1:] if own else limits))
    caps: dict[str, int] = {}
    for r in ordered:
        assert r.activity is not None
        if r.activity.cap is not None:
            caps[f"activity:{r.activity.id}"] = r.activity.cap
        for c in rules.family(r.category):
            category = rules.category(c)
            if category is not None and category.cap is not None:
                caps[f"category:{c}"] = category.cap
    shared = improve(claims, caps.__getitem__)
    if shared == [c.points for c in claims]:
        return
    used: dict[str, int] = defaultdict(int)
    for claim, points in zip(claims, shared, strict=True):
        for limit in (claim.activity, *claim.categories):
            used[limit] += points
    for r, claim, points in zip(ordered, claims, shared, strict=True):
        r.points = points
        r.reasons[:] = [x for x in r.reasons if not x.startswith("capped:")]
        if points >= r.raw:
            continue
        limits = (claim.activity, *claim.categories) if claim.activity else claim.categories
        full = next((x for x in limits if used[x] >= caps[x]), "")
        if full.startswith("activity:"):
            assert r.activity is not None
            label = "own-choice" if r.activity.id == OWN_CHOICE else "this activity's"
            r.reasons.append(f"capped: {label} limit of {r.activity.cap} points reached")
        elif full:
            category = rules.category(full.removeprefix("category:"))
            assert category is not None
            r.reasons.append(
                f"capped: the {category.title} category gives at most {category.cap} points"
            )
