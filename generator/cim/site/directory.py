"""Finding a portfolio: the data behind the "Find a portfolio" page and the search entries.

Both hold what people look for — name, programme, countries, activities, a certificate's
number and standing — and never the reflections.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from cim.model.awards import Awards
from cim.pipeline import PortfolioReport
from cim.site import language
from cim.site.views import countries, summary

if TYPE_CHECKING:
    from cim.site.plan import SitePlan


def standing(report: PortfolioReport, awards: Awards) -> str:
    """A student's standing in words, from the award (never from the points alone): awarded,
    revoked, or requirements met but not yet awarded ('' otherwise)."""
    award = awards.of(report.id)
    if award is not None:
        return "certificate revoked" if award.revoked else "awarded"
    met = report.assessment is not None and report.assessment.met
    return "requirements met, not yet awarded" if met else ""


def rows(published: Iterable[PortfolioReport], awards: Awards) -> list[dict[str, Any]]:
    """One row per published portfolio, by name: what the directory filters and searches by."""
    out = []
    for r in sorted(published, key=lambda r: r.portfolio.name if r.portfolio else ""):
        a, p = r.assessment, r.portfolio
        if a is None or p is None:
            continue
        out.append(
            {
                "id": r.id,
                "name": p.name,
                "url": f"students/{r.id}/",
                "programme": p.programme,
                "cohort": a.cohort.id,
                "aims": sorted(a.by_aim),
                "countries": countries(a),
                "languages": list(p.languages),
                "points": a.points,
                "required": a.required,
                "met": a.met,
                "standing": standing(r, awards),
            }
        )
    return out


def search_entries(site: SitePlan, lang: str = language.DEFAULT) -> list[dict[str, str]]:
    """One compact search entry per published portfolio (and one per certificate), in
    ``lang``: :func:`student_entries` of every published student, by id."""
    return [
        entry
        for r in sorted(site.published, key=lambda r: r.id)
        for entry in student_entries(site, r, lang)
    ]


def student_entries(site: SitePlan, r: PortfolioReport, lang: str) -> list[dict[str, str]]:
    """A published student's search entries: name, programme, countries and activities, in
    ``lang`` (countries by their name in every language of the site, so that "Kenya" and
    "Kenia" both find them), and their certificate by its number. Values are HTML-escaped,
    as a search index holds HTML."""
    p = r.portfolio
    if p is None:
        return []
    about = summary(site, r, lang)
    names = {language.country_name(c, x) for c in about["countries"] for x in language.LANGUAGES}
    facts = [site.title_of("programme", p.programme, lang), " ".join(sorted(names))]
    activities = ", ".join(about["activities"])
    if len(activities) > 72:
        activities = activities[:71].rsplit(", ", 1)[0] + " …"
    text = " · ".join(x for x in (*facts, activities) if x)
    entries = [{"location": f"students/{r.id}/", "title": escape(p.name), "text": escape(text)}]
    award = site.award_of(r.id)
    if award is not None:  # a certificate is found by its number
        state = "revoked" if award.revoked else f"awarded {award.date.isoformat()}"
        entries.append(
            {
                "location": f"certificates/{r.id}/",
                "title": escape(f"Certificate {award.number} — {p.name}"),
                "text": escape(f"Certificate number {award.number}, {state}"),
            }
        )
    return entries
