"""Certificates on the site: a signed credential for every award, the share card and QR code of
each published one, the status list, the revocation reasons and the DID document.

Credentials of students who do not publish their portfolio are signed too, but kept apart for
private delivery (``cim export credentials``); nothing of theirs reaches the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from cim.credentials import badge, later, signing
from cim.credentials.badge import Issuing
from cim.credentials.keys import Signer, did_web, signer_for
from cim.model.awards import Award, Awards
from cim.model.portfolio import Portfolio
from cim.model.rules import Rules
from cim.pipeline import PortfolioReport
from cim.site import card, language
from cim.site.i18n import gettext_for
from cim.site.pages import SiteError
from cim.speed import Meanwhile

Progress = Callable[[str], None]
# Credentials by URI (each its text, or the file that holds it), cards by URI, private ones.
Made = tuple[dict[str, bytes | Path], dict[str, Path], dict[str, bytes]]


@dataclass(frozen=True, slots=True)
class Later:
    """Credentials still being signed and share cards still being drawn (by the workers of a
    :class:`~cim.speed.Meanwhile`) while the pages are written."""

    uris: tuple[str, ...]  # the site URIs they will fill
    collect: Callable[[], Made]  # waits for them
    cancel: Callable[[], None]  # when the build failed and they are not wanted


@dataclass(frozen=True, slots=True)
class Certificates:
    """What issuing produced: the site's credential files, share cards and QR codes."""

    issuing: Issuing
    data: Mapping[str, bytes]  # credentials, status list, reasons, DID documents, by URI
    files: Mapping[str, Path]  # share cards, by URI
    qr: Mapping[str, bytes]  # verification address → QR code (PNG)
    private: Mapping[str, bytes]  # credentials kept off the site, by file name
    later: Later | None = None  # credentials and cards made while the pages are written


# Long because signing, cards, QR codes and the issuer's files are one transaction over the same
# awards.
def issue(
    awards: Awards,
    reports: Mapping[str, PortfolioReport],
    published: Collection[str],
    rules: Rules,
    *,
    programme_title: Callable[[str], str],
    site_url: str,
    signing_key: str | None,
    cache: Path,
    today: dt.date,
    say: Progress,
    sign_later: bool = False,
    meanwhile: Meanwhile | None = None,
) -> Certificates:
    """Sign a credential for every award; publish those of consenting students (``published``),
    the status list (dated ``today``, the build's day) and the DID document; keep the others
    apart for private delivery. With ``sign_later`` the signatures are left out, for
    `cim sign` (cim.credentials.later). With ``meanwhile`` the credentials are signed and the
    cards drawn by its workers once it starts: they are in ``later`` until collected."""
    listed = {k.public: (k.id, k.status) for k in awards.issuer.keys}
    finish = later.unsigned if sign_later else bytes
    try:
        signer: Signer = signer_for(signing_key, listed)
        if sign_later:
            signer = later.placeholder_signer(listed, signer)
        did = did_web(site_url)
    except ValueError as exc:
        raise SiteError(f"cannot sign the certificates: {exc}") from None
    if not signer.official:
        say(
            "no signing key given: certificates are signed with the development key and "
            "marked as not official"
        )
    issuing = Issuing(site_url, did, signer, awards.issuer, rules)
    students = sorted({a.student for a in awards.awards})
    say(
        f"signing {len(students)} credential(s) with the "
        f"{'official' if signer.official else 'development'} key"
        + (" while the pages are written" if meanwhile is not None else "")
    )
    card_jobs: list[tuple[str, tuple[str, ...]]] = []
    unsigned: list[tuple[str, Award, dict[str, Any]]] = []
    for student in students:
        award = awards.of(student)
        report = reports.get(student)
        if award is None or report is None or not report.portfolio or not report.assessment:
            continue
        programme = programme_title(report.portfolio.programme)
        document = badge.open_badge(award, report.portfolio, report.assessment, issuing, programme)
        if not signer.official:
            document["name"] += " (development build: not an official certificate)"
        unsigned.append((student, award, document))
        if student in published:
            for lang in language.LANGUAGES:  # a card in each language, for its certificate page
                fields = _card_fields(award, report.portfolio, rules, awards, signer.official, lang)
                card_jobs.append((card_uri(student, lang), fields))
    jobs = [(d, a.date) for _, a, d in unsigned]
    # Only who and what was awarded is kept: each document is let go once it is signed.
    awarded = [(student, award) for student, award, _ in unsigned]
    del unsigned
    fields_of_cards = [fields for _, fields in card_jobs]
    if meanwhile is None:
        drawn = card.cards(fields_of_cards, cache)
        texts: list[bytes | Path] = [*signing.signed_texts(jobs, issuing, cache)]
        signed: Callable[[], list[bytes | Path]] = lambda: texts  # noqa: E731
        drawing: Callable[[], object] = lambda: None  # noqa: E731
    else:
        signed = signing.texts_meanwhile(jobs, issuing, cache, meanwhile)
        drawn, drawing = card.cards_meanwhile(fields_of_cards, cache, meanwhile)

    def collect() -> Made:
        data: dict[str, bytes | Path] = {}
        private: dict[str, bytes] = {}
        for (student, award), text in zip(awarded, signed(), strict=True):
            if student in published and isinstance(text, Path) and not sign_later:
                data[badge.credential_uri(student)] = text  # placed from the file it is in
                continue
            finished = finish(text if isinstance(text, bytes) else text.read_bytes())
            if student in published:
                data[badge.credential_uri(student)] = finished
            else:
                private[f"{award.number}.json"] = finished
        drawing()
        files = {uri: path for (uri, _), path in zip(card_jobs, drawn, strict=True)}
        return data, files, private

    verifiable = [s for s in sorted(published) if awards.of(s) is not None]
    addresses = (issuing.url(badge.certificate_uri(s)) + "#verify" for s in verifiable)
    qr = (
        card.qr_codes(addresses, cache)
        if meanwhile is None
        else card.Codes(addresses, cache, meanwhile)
    )
    data: dict[str, bytes] = {}
    data[badge.STATUS_LIST_URI] = finish(
        badge.dumps(badge.status_list(awards, issuing, today, cache))
    )
    data[badge.REASONS_URI] = badge.dumps(badge.revocation_reasons(awards))
    did_json = badge.dumps(badge.did_document(issuing))
    data[".well-known/did.json"] = did_json
    data["did.json"] = did_json
    if meanwhile is not None:
        uris = (*(badge.credential_uri(s) for s, _ in awarded if s in published),)
        workers = meanwhile

        def collected() -> Made:
            try:
                workers.help()  # the pages are written: this process lends a hand
                return collect()
            finally:
                workers.close()

        cancel = lambda: workers.close(cancel=True)  # noqa: E731
        return Certificates(issuing, data, {}, qr, {}, Later(uris, collected, cancel))
    made, files, private = collect()
    texts_made = {uri: v for uri, v in made.items() if isinstance(v, bytes)}
    return Certificates(issuing, {**texts_made, **data}, files, qr, private)


def linkedin_url(
    *,
    name: str,
    organization: str,
    organization_id: str,
    issued: dt.date,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's documented "add to profile" link, every parameter percent-encoded."""
    params = {"startTask": "CERTIFICATION_NAME", "name": name}
    if organization_id:
        params["organizationId"] = organization_id
    else:
        params["organizationName"] = organization
    params.update(
        issueYear=str(issued.year), issueMonth=str(issued.month), certUrl=cert_url, certId=cert_id
    )
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


def index(awards: Awards, published: Collection[str]) -> dict[str, dict[str, str]]:
    """Published certificates by number (revoked ones included: they say so), for the
    "Check a certificate" page."""
    found = {}
    for student in sorted(published):
        award = awards.of(student)
        if award is not None:
            found[award.number] = {
                "page": badge.certificate_uri(student),
                "credential": badge.credential_uri(student),
            }
    return found


def card_uri(student: str, lang: str) -> str:
    """Where the share card of a student's certificate page in ``lang`` lives."""
    suffix = "" if lang == language.DEFAULT else f".{lang}"
    return f"certificates/{student}/card{suffix}.png"


def _card_fields(
    award: Award, portfolio: Portfolio, rules: Rules, awards: Awards, official: bool, lang: str
) -> tuple[str, ...]:
    """What the share card says, in ``lang``: title, name, programme, issuer, number, note
    and the word "Certificate"."""
    _ = gettext_for(lang)
    programme = rules.programme(portfolio.programme)
    note = "" if official else _("Development build: not an official certificate")
    if award.revocation is not None:
        note = _("Revoked on %(date)s: no longer valid") % {
            "date": language.date(award.revocation.date, lang)
        }
    return (
        language.translated(rules, "name", lang),
        portfolio.name,
        language.translated(programme, "title", lang) if programme else portfolio.programme,
        awards.issuer.name,
        award.number,
        note,
        _("Certificate"),
    )
