"""What a student's page choices (``design:`` in portfolio.yml) change on their page: the order
of the activities (featured first), the sections shown, the cover photo, the countries.

Without choices every value here leaves the page exactly as it was: the same activities in the
same order, the same sections, nothing added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cim.pipeline import PortfolioReport
from cim.scoring.points import EntryResult
from cim.site import language

if TYPE_CHECKING:
    from cim.site.plan import SitePlan


def arrange(report: PortfolioReport, shown: list[EntryResult]) -> tuple[list[EntryResult], set[int]]:
    """The activities in the order the page lists them, and the indexes of the featured ones.

    ``shown`` is in the page's usual order (newest first); the featured entries come first, in
    the student's order; with the timeline switched off only they remain."""
    p = report.portfolio
    if p is None or not p.design.chosen:
        return shown, set()
    by_key = {(r.entry.activity, r.entry.date): r for r in shown}
    featured: list[EntryResult] = []
    indexes: set[int] = set()
    for f in p.design.featured:
        found = by_key.get((f.activity, f.date))
        if found is not None and found.entry.index not in indexes:
            featured.append(found)
            indexes.add(found.entry.index)
    rest = [r for r in shown if r.entry.index not in indexes] if p.design.timeline else []
    return featured + rest, indexes


def cover(site: SitePlan, report: PortfolioReport) -> tuple[Any, Any] | None:
    """The cover photo (the evidence item and its published copies), when it was published."""
    p = report.portfolio
    if p is None or not p.design.cover:
        return None
    for e in p.entries:
        for item in e.evidence:
            if item.file == p.design.cover and not item.private:
                source = site.located.get((report.id, item.file))
                published = site.evidence.get(source) if source else None
                if published is not None and published.kind == "image":
                    return item, published
    return None


def countries(
    site: SitePlan, shown: list[EntryResult], lang: str = language.DEFAULT
) -> list[tuple[str, list[str]]]:
    """Each country of the counted activities (by its name in ``lang``, as every other page
    names countries) with the activities done there (titled in ``lang`` too)."""
    titles: dict[str, set[str]] = {}
    for r in shown:
        if r.counts and r.entry.country:
            title = r.entry.title or (
                language.translated(r.activity, "title", lang) if r.activity else r.entry.activity
            )
            titles.setdefault(r.entry.country, set()).add(title)
    named = [(language.country_name(code, lang), sorted(t)) for code, t in titles.items()]
    return sorted(named)


def context(
    site: SitePlan, report: PortfolioReport, shown: list[EntryResult], lang: str = language.DEFAULT
) -> dict[str, Any]:
    """What the portfolio template needs for the student's choices, in ``lang``."""
    p = report.portfolio
    assert p is not None
    counted, featured = arrange(report, shown)
    return {
        "counted": counted,
        "design": p.design,
        "featured": featured,
        "cover": cover(site, report),
        "country_list": countries(site, shown, lang) if p.design.countries else [],
    }
