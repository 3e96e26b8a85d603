"""Statements of points on the site: for every published student who asks for one
(``statement: true``), a signed statement as of the build's day, its printable page with a QR
code, and the list of each student's newest statement, by which a verifier tells that an older
statement has been superseded (see cim.credentials.statement)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cim.credentials import badge, later, statement
from cim.credentials.badge import Issuing
from cim.credentials.keys import KeyError_, did_web, signer_for
from cim.model.awards import Awards
from cim.model.rules import Rules
from cim.pipeline import PortfolioReport
from cim.site import card
from cim.site.i18n import gettext_for
from cim.site.language import DEFAULT
from cim.site.pages import Page, SiteError, site_url_of
from cim.speed import Meanwhile


@dataclass(frozen=True, slots=True)
class Statements:
    """What the build issued: the files by URI, the QR codes, each student's statement day."""

    data: Mapping[str, bytes] = field(default_factory=dict)
    qr: Mapping[str, bytes] = field(default_factory=dict)
    days: Mapping[str, dt.date] = field(default_factory=dict)


def wanted(published: Iterable[PortfolioReport]) -> list[PortfolioReport]:
    """The published students who ask for a statement on their page."""
    return [r for r in published if r.portfolio and r.assessment and r.portfolio.statement]


def issue(
    reports: Iterable[PortfolioReport],
    issuing: Issuing,
    *,
    day: dt.date,
    programme_title: Callable[[str], str],
    cache: Path,
    sign_later: bool = False,
    meanwhile: Meanwhile | None = None,
) -> Statements:
    """Sign a statement as of ``day`` for each of ``reports``; list the newest of each. With
    ``meanwhile`` its workers make the QR codes once it starts (the pages wait for each)."""
    finish = later.unsigned if sign_later else bytes
    data: dict[str, bytes] = {}
    days: dict[str, dt.date] = {}
    for r in reports:
        p, a = r.portfolio, r.assessment
        if p is None or a is None:
            continue
        document = statement.signed(p, a, issuing, programme_title(p.programme), day, cache)
        signed = finish(badge.dumps(document))
        data[statement.credential_uri(r.id)] = signed
        data[statement.dated_uri(r.id, day)] = signed
        days[r.id] = day
    data[statement.LIST_URI] = (
        json.dumps(statement.listing(days), indent=2, ensure_ascii=False).encode() + b"\n"
    )
    addresses = (issuing.url(statement.page_uri(s)) + "#verify" for s in days)
    qr = (
        card.qr_codes(addresses, cache)
        if meanwhile is None
        else card.Codes(addresses, cache, meanwhile)
    )
    return Statements(data, qr, days)


def page(report: PortfolioReport, scheme: str, hide: tuple[str, ...], lang: str = DEFAULT) -> Page:
    """The printable page of a student's statement, in ``lang``."""
    _ = gettext_for(lang)
    name = report.portfolio.name if report.portfolio else report.id
    words = {"scheme": scheme, "name": name}
    return Page(
        f"statements/{report.id}.md",
        _("Statement of %(scheme)s points — %(name)s") % words,
        "statement",
        report.id,
        template="certificate.html",  # the theme's page with the Verify button's script
        hide=hide,
        search=False,
        description=_("%(name)s's signed statement of %(scheme)s points") % words,
        noindex=True,
    )


def issuing_for(awards: Awards, rules: Rules, site_url: str, signing_key: str | None) -> Issuing:
    """Who signs a statement made apart from a build (`cim statement`): the same issuer and
    key a build of the site would use."""
    listed = {k.public: (k.id, k.status) for k in awards.issuer.keys}
    try:
        signer = signer_for(signing_key, listed)
        url = site_url_of(site_url)
        return Issuing(url, did_web(url), signer, awards.issuer, rules)
    except (ValueError, KeyError_) as exc:
        raise SiteError(f"cannot sign the statement: {exc}") from None
