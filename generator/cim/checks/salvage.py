"""The readable part of a portfolio that breaks its schema, so that one mistake never hides
the others.

The schema check reports every violation at once, but the checks after it (impossible
dates, unknown activities, evidence files …) need data the schema has passed. When the
problems sit in some entries only, the rest of the file still passes on its own: those
entries are checked as usual, under their own positions in the file.
"""

from __future__ import annotations

from dataclasses import replace

from cim.model.portfolio import Portfolio, portfolio_from
from cim.read import schema
from cim.read.source import Document


def readable_part(doc: Document, default_cohort: str) -> Portfolio | None:
    """The portfolio without the entries that break the schema, or None when the rest of
    the file breaks it too (then the schema's own messages are all there is to say)."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return None
    entries: list[object] = data["entries"]
    frame = {**data, "entries": []}
    if not schema.valid(frame, "portfolio"):
        return None
    keep = [
        i for i, e in enumerate(entries) if schema.valid({**frame, "entries": [e]}, "portfolio")
    ]
    portfolio = portfolio_from({**frame, "entries": [entries[i] for i in keep]}, default_cohort)
    return replace(
        portfolio,
        entries=tuple(replace(e, index=i) for e, i in zip(portfolio.entries, keep, strict=True)),
    )
