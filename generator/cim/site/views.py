"""What each kind of page shows: one view function per page kind, in :data:`VIEWS`.

A view takes the site plan and the page and returns the values its template
(``templates/<kind>.html``) shows. Views only select and arrange; every figure was computed by
the pipeline, and every piece of student text is escaped by the template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cim.credentials import badge
from cim.model.catalogue import OWN_CHOICE
from cim.model.semesters import semester_of
from cim.pipeline import PortfolioReport
from cim.scoring.verdict import Assessment
from cim.site import card, design
from cim.site import guidelines, language
from cim.site.i18n import N_
from cim.site.certificates import linkedin_url
from cim.site.pages import Page

if TYPE_CHECKING:
    from cim.site.plan import SitePlan

Context = dict[str, Any]
View = Callable[["SitePlan", Page], Context]
# Words the pages show that are made below the site (in the model and the scoring), marked
# here so the catalogues have them.
SHOWN_WORDS = (
    N_("At home"),
    N_("Abroad"),
    N_("Online"),
    N_("fewer than 5"),
    N_("points"),
    N_("awarded"),
    N_("certificate revoked"),
    N_("requirements met, not yet awarded"),
)


def home(site: SitePlan, page: Page) -> Context:
    awarded = [(site.award_of(r.id), r) for r in site.published]
    live = sorted(
        ((aw, r) for aw, r in awarded if aw and not aw.revoked),
        key=lambda x: (x[0].date, x[0].number),
        reverse=True,
    )
    s = site.statistics
    return {
        "recent": [r for _, r in live][:6],
        "stats": s,
        "countries": len({c for c, _ in s.countries}),
        "activities": [a for a in site.catalogue.activities if not a.own_choice],
    }


def activities(site: SitePlan, page: Page) -> Context:
    by_category = defaultdict(list)
    for a in site.catalogue.activities:
        if not a.own_choice:
            by_category[a.category].append(a)
    groups = [(c, by_category[c.id]) for c in site.rules.categories if by_category[c.id]]
    return {"groups": groups, "own": site.catalogue.get(OWN_CHOICE)}


def students(site: SitePlan, page: Page) -> Context:
    return {
        "count": len(site.published),
        "programmes": _used(site, "programme", page.language),
        "countries": _used(site, "country", page.language),
        "languages": _used(site, "language", page.language),
        "aims": site.rules.aims,
    }


def portfolio(site: SitePlan, page: Page) -> Context:
    context = _student(site, page)
    report, a = context["r"], context["a"]
    shown = [r for r in a.entries if r.counts or r.points or r.grouped]
    # Entries that do not count are for the student (`cim points`, the pull request),
    # never for the public page.
    shown.sort(key=lambda r: r.entry.sort_key(), reverse=True)
    return {
        **context,
        **design.context(site, report, shown, page.language),  # the student's choices: featured first …
        "evidence_of": _evidence_of(site, report),
        "countries": countries(a),
        "summary": summary(site, report, page.language),
        "award": site.award_of(report.id),
        "statement": site.statement_of(report.id),
    }


def certificate(site: SitePlan, page: Page) -> Context:
    context = _student(site, page)
    award = site.award_of(page.key)
    if award is None:
        raise LookupError(f"{page.src_uri}: no award for {page.key}")
    counted = sorted((r for r in context["a"].entries if r.points), key=lambda r: r.entry.sort_key())
    issuing = site.certificates.issuing
    page_url = issuing.url(badge.certificate_uri(page.key))
    return {
        **context,
        "counted": counted,
        "award": award,
        "issuer": issuing.issuer,
        "official": issuing.signer.official,
        "qr": card.image_uri(site.certificates.qr.get(page_url + "#verify", b"")),
        "linkedin": linkedin_url(
            name=language.translated(site.rules, "name", page.language),
            organization=issuing.issuer.name,
            organization_id=issuing.issuer.linkedin_organization_id,
            issued=award.date,
            cert_url=page_url,
            cert_id=award.number,
        ),
        "did": issuing.did,
        "site_url": issuing.site_url,
        "verify_address": (page_url + "#verify").split("://", 1)[-1],
    }


def statement(site: SitePlan, page: Page) -> Context:
    context = _student(site, page)
    a = context["a"]
    issuing = site.certificates.issuing
    page_url = issuing.url(f"statements/{page.key}/")
    return {
        **context,
        "counted": sorted((r for r in a.entries if r.points), key=lambda r: r.entry.sort_key()),
        "day": site.statements.days[page.key],
        "issuer": issuing.issuer,
        "official": issuing.signer.official,
        "qr": card.image_uri(site.statements.qr.get(page_url + "#verify", b"")),
        "did": issuing.did,
        "site_url": issuing.site_url,
        "verify_address": (page_url + "#verify").split("://", 1)[-1],
    }


def check(site: SitePlan, page: Page) -> Context:
    issuing = site.certificates.issuing
    return {"did": issuing.did, "host": issuing.site_url.split("/")[2]}


def exchange_index(site: SitePlan, page: Page) -> Context:
    semesters = sorted((p.key for p in site.pages.values() if p.kind == "exchange"), reverse=True)
    return {
        "semesters": [
            (k, language.semester_title(k, page.language), len(exchange_students(site, k)))
            for k in semesters
        ]
    }


def exchange(site: SitePlan, page: Page) -> Context:
    return {
        "students": exchange_students(site, page.key),
        "semester": language.semester_title(page.key, page.language),
    }


def statistics(site: SitePlan, page: Page) -> Context:
    s = site.statistics
    lang = page.language
    named = [(language.country_name(c, lang), n) for c, n in s.countries]
    # The statistics hold titles in the default language: each shown in the page's.
    items: list[Any] = [*site.catalogue.activities, *site.rules.programmes, *site.rules.aims]
    titles = {x.title: language.translated(x, "title", lang) for x in items}
    return {
        "stats": s,
        "countries": named,
        "activities": [(titles.get(t, t), n) for t, n in s.activities],
        "programmes": [(titles.get(t, t), n) for t, n in s.programmes],
        "aims": [(titles.get(t, t), n) for t, n in s.aims],
    }


def rules(site: SitePlan, page: Page) -> Context:
    return {"sections": guidelines.sections(site.rules, site.catalogue, page.language)}


VIEWS: dict[str, View] = {
    "home": home,
    "activities": activities,
    "students": students,
    "portfolio": portfolio,
    "certificate": certificate,
    "statement": statement,
    "exchange-index": exchange_index,
    "exchange": exchange,
    "statistics": statistics,
    "check": check,
    "rules": rules,
}


# --- what several views share ----------------------------------------------------------------


def countries(a: Assessment | None) -> list[str]:
    """The countries of the entries that count, as codes, sorted."""
    if a is None:
        return []
    return sorted({r.entry.country for r in a.entries if r.counts and r.entry.country})


def summary(site: SitePlan, report: PortfolioReport, lang: str = language.DEFAULT) -> Context:
    """What a portfolio is about, in a line: activities, countries and languages."""
    a, p = report.assessment, report.portfolio
    if a is None or p is None:
        return {"activities": [], "countries": [], "languages": []}
    titles = sorted(
        {
            r.title if r.own_choice else site.title_of("activity", r.entry.activity, lang)
            for r in a.entries
            if r.counts
        }
    )
    return {"activities": titles, "countries": countries(a), "languages": list(p.languages)}


def is_exchange(report: PortfolioReport) -> bool:
    """A student of an exchange cohort (as rules.yml declares it)."""
    return bool(report.assessment and report.assessment.cohort.exchange)


def exchange_students(site: SitePlan, key: str) -> list[PortfolioReport]:
    """The published exchange students who started in semester ``key``, by name."""
    out = [
        r
        for r in site.published
        if is_exchange(r) and r.portfolio and r.portfolio.start
        and semester_of(r.portfolio.start) == key
    ]
    return sorted(out, key=lambda r: r.portfolio.name if r.portfolio else "")


def _student(site: SitePlan, page: Page) -> Context:
    """What the portfolio and the certificate page of one student both show."""
    report = site.by_id[page.key]
    a, p = report.assessment, report.portfolio
    if a is None or p is None:
        raise LookupError(f"{page.src_uri}: {page.key} is not a published portfolio")
    aims = [(site.title_of("aim", x.id, page.language), a.by_aim.get(x.id, 0)) for x in site.rules.aims]
    return {"r": report, "p": p, "a": a, "aims": aims}


def _used(site: SitePlan, what: str, lang: str) -> list[tuple[str, str]]:
    values: set[str] = set()
    for r in site.published:
        if r.portfolio is None:
            continue
        if what == "programme":
            values.add(r.portfolio.programme)
        elif what == "language":
            values.update(r.portfolio.languages)
        else:
            values.update(countries(r.assessment))
    if what == "programme":
        named = [(v, site.title_of("programme", v, lang)) for v in values]
    elif what == "language":
        named = [(v, language.language_name(v, lang)) for v in values]
    else:
        named = [(v, language.country_name(v, lang)) for v in values]
    return sorted(named, key=lambda x: x[1])


def _evidence_of(site: SitePlan, report: PortfolioReport) -> dict[int, list[tuple[Any, Any]]]:
    out: dict[int, list[tuple[Any, Any]]] = {}
    if report.portfolio is None:
        return out
    for e in report.portfolio.entries:
        items = []
        for item in e.evidence:
            if item.private:
                continue
            source = site.located.get((report.id, item.file))
            published = site.evidence.get(source) if source else None
            if published is not None:
                items.append((item, published))
        out[e.index] = items
    return out
