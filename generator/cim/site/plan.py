"""The public site as plain data: which pages exist, what each one shows, which files to copy.

This module knows nothing about MkDocs. :func:`plan` checks the repository, decides what may be
published (only valid portfolios of students who consented; never private evidence) and
processes the evidence; :meth:`Site.render` turns one page into HTML. Every piece of student
text goes through Jinja's autoescaping, so it is shown as text and never run as markup.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

import jinja2

from cim.site import card

from cim.site import charts

from cim.credentials import badge

from cim.scoring import stats
from cim.model.awards import Award, Awards
from cim.model.catalogue import OWN_CHOICE, Catalogue
from cim.credentials.badge import Issuing
from cim.site.evidence import EvidenceStore, Published, publish, site_files
from cim.credentials.keys import Signer, did_web, signer_for
from cim.pipeline import PortfolioReport, RepositoryReport, check_repository
from cim.model.rules import Rules
from cim.model.semesters import semester_of, semester_title
from cim.scoring.verdict import Assessment

Progress = Callable[[str], None]

LOCATION_WORDS = {"home": "At home", "abroad": "Abroad", "online": "Online"}


def url_of(src_uri: str) -> str:
    """The directory-style URL MkDocs gives a Markdown source path."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def rel(from_url: str, to: str) -> str:
    """A link from the page at ``from_url`` to ``to`` (a page URL or a file URI).

    Every page URL is a folder ("students/anna-lind/"), so the way up is one "../" per level;
    this is called for every link on every page, so it avoids path arithmetic."""
    up = "../" * from_url.count("/")
    return (up + to) or "./"


@dataclass(frozen=True, slots=True)
class Page:
    src_uri: str
    title: str
    kind: str
    key: str = ""
    template: str = ""
    search: bool = True
    hide: tuple[str, ...] = ()
    description: str = ""
    image: str = ""  # absolute URL of the picture a shared link shows
    noindex: bool = False  # ask search engines not to index the page

    @property
    def url(self) -> str:
        return url_of(self.src_uri)

    def front_matter(self) -> str:
        """The Markdown source MkDocs reads: front matter only (the body comes from render)."""
        meta: dict[str, Any] = {"title": escape(self.title)}
        if self.template:
            meta["template"] = self.template
        if self.hide:
            meta["hide"] = list(self.hide)
        if not self.search:
            meta["search"] = {"exclude": True}
        if self.description:
            meta["description"] = escape(self.description)
        if self.image:
            meta["og_image"] = escape(self.image)
        if self.noindex:
            meta["robots"] = "noindex"
        lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()]
        return "---\n" + "\n".join(lines) + "\n---\n"


@dataclass
class Site:
    root: Path
    report: RepositoryReport
    rules: Rules
    catalogue: Catalogue
    today: dt.date
    published: list[PortfolioReport]
    pages: dict[str, Page] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    evidence: dict[Path, Published] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    store: EvidenceStore | None = None
    issuing: Issuing | None = None
    awards: Awards | None = None
    private_credentials: dict[str, bytes] = field(default_factory=dict)
    qr: dict[str, str] = field(default_factory=dict)
    located: dict[tuple[str, str], Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the build
    _env: jinja2.Environment | None = None

    # --- lookups -------------------------------------------------------------------------
    def title_of(self, kind: str, key: str) -> str:
        if kind == "aim":
            return next((a.title for a in self.rules.aims if a.id == key), key)
        if kind == "category":
            c = self.rules.category(key)
            return c.title if c else key
        if kind == "programme":
            p = self.rules.programme(key)
            return p.title if p else key
        a = self.catalogue.get(key)
        return a.title if a else key

    @property
    def assessments(self) -> list[Assessment]:
        return [r.assessment for r in self.published if r.assessment]

    @cached_property
    def statistics(self) -> stats.Statistics:
        everyone = [r.assessment for r in self.report.portfolios if r.valid and r.assessment]
        titles = {a.id: a.title for a in self.catalogue.activities}
        titles.update({p.id: p.title for p in self.rules.programmes})
        titles.update({a.id: a.title for a in self.rules.aims})
        return stats.gather(everyone, self.assessments, titles)

    # --- rendering -----------------------------------------------------------------------
    def environment(self) -> jinja2.Environment:
        if self._env is None:
            env = jinja2.Environment(
                loader=jinja2.PackageLoader("cim.site", "templates"),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters["paragraphs"] = lambda text: [
                p.strip() for p in text.split("\n\n") if p.strip()
            ]
            env.filters["kb"] = lambda n: f"{max(1, round(n / 1024))} KB"
            env.filters["date"] = lambda d: d.strftime("%-d %B %Y") if d else ""
            self._env = env
        return self._env

    def render(self, src_uri: str) -> str:
        """The HTML body of one page."""
        page = self.pages[src_uri]
        context = getattr(self, f"_context_{page.kind.replace('-', '_')}")(page)
        link: Callable[[str], str] = lambda to: rel(page.url, to)  # noqa: E731
        template = self.environment().get_template(f"{page.kind}.html")
        return template.render(
            page=page, site=self, link=link, scheme=self.rules, charts=charts, **context
        )

    # --- page contexts -------------------------------------------------------------------
    def _context_home(self, page: Page) -> dict[str, Any]:
        awarded = [(self.award_of(r.id), r) for r in self.published]
        certified = [
            r
            for award, r in sorted(
                ((aw, r) for aw, r in awarded if aw and not aw.revoked),
                key=lambda x: (x[0].date, x[0].number),
                reverse=True,
            )
        ]
        s = self.statistics
        countries = len({c for c, _ in s.countries})
        return {
            "recent": certified[:6],
            "stats": s,
            "countries": countries,
            "activities": [a for a in self.catalogue.activities if not a.own_choice],
        }

    def _context_activities(self, page: Page) -> dict[str, Any]:
        by_category = defaultdict(list)
        for a in self.catalogue.activities:
            if not a.own_choice:
                by_category[a.category].append(a)
        groups = [(c, by_category[c.id]) for c in self.rules.categories if by_category[c.id]]
        return {"groups": groups, "own": self.catalogue.get(OWN_CHOICE)}

    def _context_students(self, page: Page) -> dict[str, Any]:
        return {
            "count": len(self.published),
            "programmes": self._used("programme"),
            "countries": self._used("country"),
            "languages": self._used("language"),
            "aims": self.rules.aims,
        }

    def _used(self, what: str) -> list[tuple[str, str]]:
        values: set[str] = set()
        for r in self.published:
            p = r.portfolio
            assert p is not None
            if what == "programme":
                values.add(p.programme)
            elif what == "language":
                values.update(p.languages)
            else:
                values.update(_countries(r.assessment))
        if what == "programme":
            return sorted(((v, self.title_of("programme", v)) for v in values), key=lambda x: x[1])
        return sorted((v, v) for v in values)

    def _context_student(self, page: Page) -> dict[str, Any]:
        """What the portfolio and the certificate page of one student both show."""
        report = self._student(page.key)
        a = report.assessment
        assert a is not None and report.portfolio is not None
        aims = [(self.title_of("aim", x.id), a.by_aim.get(x.id, 0)) for x in self.rules.aims]
        return {"r": report, "p": report.portfolio, "a": a, "aims": aims}

    def _context_portfolio(self, page: Page) -> dict[str, Any]:
        context = self._context_student(page)
        report, a = context["r"], context["a"]
        shown = [r for r in a.entries if r.counts or r.points or r.grouped]
        return {
            **context,
            "counted": sorted(shown, key=lambda r: r.entry.sort_key(), reverse=True),
            "pending": [r for r in a.entries if not any(r is x for x in shown)],
            "evidence_of": self._evidence_of(report),
            "countries": _countries(a),
            "summary": self._summary(report),
            "award": self.award_of(report.id),
        }

    def _context_certificate(self, page: Page) -> dict[str, Any]:
        context = self._context_student(page)
        a = context["a"]
        award = self.award_of(page.key)
        assert award is not None and self.issuing is not None
        counted = sorted((r for r in a.entries if r.points), key=lambda r: r.entry.sort_key())
        issuing = self.issuing
        page_url = issuing.url(badge.certificate_uri(page.key))
        return {
            **context,
            "counted": counted,
            "award": award,
            "issuer": issuing.issuer,
            "official": issuing.signer.official,
            "qr": self.qr.get(page_url + "#verify", ""),
            "linkedin": linkedin_url(
                name=self.rules.name,
                organization=issuing.issuer.name,
                organization_id=issuing.issuer.linkedin_organization_id,
                issued=award.date,
                cert_url=page_url,
                cert_id=award.number,
            ),
            "did": issuing.did,
            "site_url": issuing.site_url,
        }

    def award_of(self, student: str) -> Award | None:
        return self.awards.of(student) if self.awards else None

    def _context_exchange_index(self, page: Page) -> dict[str, Any]:
        semesters = sorted(
            (p.key for p in self.pages.values() if p.kind == "exchange"), reverse=True
        )
        counts = {k: len(self._exchange_students(k)) for k in semesters}
        return {"semesters": [(k, semester_title(k), counts[k]) for k in semesters]}

    def _context_exchange(self, page: Page) -> dict[str, Any]:
        return {"students": self._exchange_students(page.key), "semester": semester_title(page.key)}

    def _context_statistics(self, page: Page) -> dict[str, Any]:
        return {"stats": self.statistics}

    # --- helpers -------------------------------------------------------------------------
    @cached_property
    def _by_id(self) -> dict[str, PortfolioReport]:
        return {r.id: r for r in self.published}

    def _student(self, pid: str) -> PortfolioReport:
        return self._by_id[pid]

    def _exchange_students(self, key: str) -> list[PortfolioReport]:
        out = [
            r
            for r in self.published
            if _is_exchange(r)
            and r.portfolio
            and r.portfolio.start
            and semester_of(r.portfolio.start) == key
        ]
        return sorted(out, key=lambda r: r.portfolio.name if r.portfolio else "")

    def _evidence_of(self, report: PortfolioReport) -> dict[int, list[tuple[Any, Any]]]:
        out: dict[int, list[tuple[Any, Any]]] = {}
        assert report.portfolio is not None
        for e in report.portfolio.entries:
            items = []
            for item in e.evidence:
                if item.private:
                    continue
                source = self.located.get((report.id, item.file))
                published = self.evidence.get(source) if source else None
                if published is not None:
                    items.append((item, published))
            out[e.index] = items
        return out

    def _summary(self, report: PortfolioReport) -> dict[str, Any]:
        a = report.assessment
        assert a is not None and report.portfolio is not None
        titles = sorted(
            {
                r.title if r.needs_review else self.title_of("activity", r.entry.activity)
                for r in a.entries
                if r.counts
            }
        )
        return {
            "activities": titles,
            "countries": _countries(a),
            "languages": list(report.portfolio.languages),
        }

    def search_entries(self) -> list[dict[str, str]]:
        """One compact search entry per published portfolio: what people search for (name,
        programme, countries, activities), never the reflections. Values are HTML-escaped,
        as the search index holds HTML."""
        entries = []
        for r in sorted(self.published, key=lambda r: r.id):
            p = r.portfolio
            assert p is not None
            summary = self._summary(r)
            facts = [self.title_of("programme", p.programme), " ".join(summary["countries"])]
            activities = ", ".join(summary["activities"])
            if len(activities) > 72:
                activities = activities[:71].rsplit(", ", 1)[0] + " …"
            text = " · ".join(x for x in (*facts, activities) if x)
            entries.append(
                {"location": f"students/{r.id}/", "title": escape(p.name), "text": escape(text)}
            )
        return entries

    def directory(self) -> list[dict[str, Any]]:
        """The data behind the "find a portfolio" page: what people filter and search by."""
        rows = []
        for r in sorted(self.published, key=lambda r: r.portfolio.name if r.portfolio else ""):
            a, p = r.assessment, r.portfolio
            assert a is not None and p is not None
            rows.append(
                {
                    "id": r.id,
                    "name": p.name,
                    "url": f"students/{r.id}/",
                    "programme": p.programme,
                    "cohort": a.cohort.id,
                    "aims": sorted(a.by_aim),
                    "countries": _countries(a),
                    "languages": list(p.languages),
                    "points": a.points,
                    "required": a.required,
                    "met": a.met,
                }
            )
        return rows


def _countries(a: Assessment | None) -> list[str]:
    if a is None:
        return []
    return sorted({r.entry.country for r in a.entries if r.counts and r.entry.country})


def _is_exchange(report: PortfolioReport) -> bool:
    return bool(report.assessment and "exchange" in report.assessment.cohort.id)


def plan(
    root: Path,
    *,
    today: dt.date | None = None,
    cache: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    site_url: str = "https://cim.example.org/",
    signing_key: str | None = None,
    separate_search: bool = False,
) -> Site:
    """Check the repository and decide every page and file of the public site.

    ``signing_key`` (multibase or PEM) signs the credentials; it must be listed as active in
    issuer.yml. Without it a development key signs them and the pages say they are not
    official. With ``separate_search`` the portfolio pages are left out of the page-by-page
    search indexing and :meth:`Site.search_entries` describes them instead (much smaller and
    faster at scale)."""
    say = progress or (lambda _msg: None)
    today = today or dt.date.today()
    say("checking portfolios")
    started = time.perf_counter()
    report = check_repository(root, today=today)
    checked = time.perf_counter()
    rules, catalogue = report.scheme.rules, report.scheme.catalogue
    if rules is None or catalogue is None:
        problems = "\n".join(str(p) for p in report.problems)
        raise SiteError(f"rules.yml or activities.yml has errors; fix them first:\n{problems}")
    published = [
        r
        for r in report.portfolios
        if r.valid and r.portfolio and r.assessment and r.portfolio.public
    ]
    site = Site(root, report, rules, catalogue, today, published)
    site.timings["checking"] = checked - started
    site.awards = report.awards
    for r in report.portfolios:
        if not r.valid:
            site.notes.append(
                f"{r.file} has errors and is not published; run "
                f"`cim validate {r.folder.relative_to(root).as_posix()}`"
            )

    site.store = EvidenceStore(cache or root / ".cache" / "cim")
    located: dict[tuple[str, str], Path] = {}  # (portfolio id, file name) → the real file
    for r in published:
        assert r.portfolio is not None
        real_folder = os.path.realpath(r.folder)
        for e in r.portfolio.entries:
            for item in e.evidence:
                where = (r.id, item.file)
                if not item.private and where not in located:
                    path = _inside(real_folder, r.folder, item.file)
                    if path is not None:
                        located[where] = path
    site.located = located
    sources = list(dict.fromkeys(located.values()))
    say(f"preparing {len(sources)} evidence file(s)")
    site.evidence = publish(site.store, sources, workers=workers)
    site.timings["evidence"] = time.perf_counter() - checked
    site.files.update(site_files(site.store, site.evidence.values()))
    for failure in site.store.failed:
        site.notes.append(f"evidence not published: {failure}")

    add = site.pages.__setitem__
    scheme = rules.short_name or rules.name
    add(
        "index.md",
        Page("index.md", rules.name, "home", hide=("navigation", "toc"), description=rules.note),
    )
    wide = ("navigation", "toc")
    add("activities.md", Page("activities.md", "Activities", "activities", hide=wide))
    add(
        "students/index.md",
        Page("students/index.md", "Find a portfolio", "students", hide=wide, search=False),
    )
    add(
        "exchange/index.md",
        Page("exchange/index.md", "Exchange students", "exchange-index", hide=wide),
    )
    add("statistics.md", Page("statistics.md", "Statistics", "statistics", hide=wide))
    for r in published:
        p, a = r.portfolio, r.assessment
        assert p is not None and a is not None
        add(
            f"students/{r.id}.md",
            Page(
                f"students/{r.id}.md",
                p.name,
                "portfolio",
                r.id,
                template="portfolio.html",
                hide=("navigation", "toc"),
                description=f"{p.name}'s {scheme} portfolio",
                noindex=p.noindex,
                search=not separate_search,
            ),
        )
        award = site.award_of(r.id)
        if award is not None:
            add(
                f"certificates/{r.id}.md",
                Page(
                    f"certificates/{r.id}.md",
                    f"{scheme} certificate — {p.name}",
                    "certificate",
                    r.id,
                    template="certificate.html",
                    hide=("navigation", "toc"),
                    search=False,
                    description=f"{p.name} — {rules.name}, {award.date.year}",
                    image=site_url_of(site_url) + f"certificates/{r.id}/card.png",
                    noindex=p.noindex,
                ),
            )
        if _is_exchange(r) and p.start:
            key = semester_of(p.start)
            add(
                f"exchange/{key}.md",
                Page(
                    f"exchange/{key}.md",
                    f"Exchange students, {semester_title(key)}",
                    "exchange",
                    key,
                    hide=wide,
                ),
            )
    issuing = time.perf_counter()
    _issue(site, site_url_of(site_url), signing_key, say)
    site.timings["certificates"] = time.perf_counter() - issuing
    site.data["students/index.json"] = json.dumps(
        site.directory(), ensure_ascii=False, separators=(",", ":")
    ).encode()
    say(f"{len(site.pages)} pages planned for {len(published)} published portfolio(s)")
    return site


def _inside(real_folder: str, folder: Path, name: str) -> Path | None:
    """The evidence file, only if it really is a regular file inside the student's own folder
    once every link is followed (the validator refuses links and '..' outright; this is the
    second lock on the same door)."""
    real = os.path.realpath(os.path.join(folder, name))
    if not real.startswith(real_folder + os.sep) or not os.path.isfile(real):
        return None
    return Path(real)


def site_url_of(value: str) -> str:
    return value if value.endswith("/") else value + "/"


def _issue(site: Site, site_url: str, signing_key: str | None, say: Progress) -> None:
    """Sign a credential for every award; publish those of consenting students, the status
    list and the DID document; keep the others apart for private delivery."""
    awards = site.awards
    assert awards is not None
    listed = {k.public: (k.id, k.status) for k in awards.issuer.keys}
    try:
        signer: Signer = signer_for(signing_key, listed)
        did = did_web(site_url)
    except ValueError as exc:
        raise SiteError(f"cannot sign the certificates: {exc}") from None
    if not signer.official:
        say(
            "no signing key given: certificates are signed with the development key and "
            "marked as not official"
        )
    issuing = Issuing(site_url, did, signer, awards.issuer, site.rules)
    site.issuing = issuing
    reports = {r.id: r for r in site.report.portfolios}
    published = {r.id for r in site.published}
    students = sorted({a.student for a in awards.awards})
    say(
        f"signing {len(students)} credential(s) with the "
        f"{'official' if signer.official else 'development'} key"
    )
    card_jobs: list[tuple[str, tuple[str, ...]]] = []
    for student in students:
        award = awards.of(student)
        report = reports.get(student)
        if award is None or report is None or not report.portfolio or not report.assessment:
            continue
        programme = site.title_of("programme", report.portfolio.programme)
        document = badge.open_badge(
            award, report.portfolio, report.assessment, issuing, programme
        )
        if not signer.official:
            document["name"] += " (development build: not an official certificate)"
        signed = badge.dumps(badge.sign(document, issuing, award.date))
        if student not in published:
            site.private_credentials[f"{award.number}.json"] = signed
            continue
        site.data[badge.credential_uri(student)] = signed
        note = "" if signer.official else "Development build: not an official certificate"
        card_jobs.append(
            (
                f"certificates/{student}/card.png",
                (
                    site.rules.name,
                    report.portfolio.name,
                    programme,
                    awards.issuer.name,
                    award.number,
                    note,
                ),
            )
        )
    cache = site.store.cache if site.store else site.root / ".cache" / "cim"
    drawn = card.cards([fields for _, fields in card_jobs], cache)
    site.files.update({uri: path for (uri, _), path in zip(card_jobs, drawn, strict=True)})
    site.qr = card.qr_codes(
        (
            issuing.url(badge.certificate_uri(s)) + "#verify"
            for s in sorted(published)
            if awards.of(s) is not None
        ),
        cache,
    )
    site.data[badge.STATUS_LIST_URI] = badge.dumps(
        badge.status_list(awards, issuing)
    )
    site.data[badge.REASONS_URI] = badge.dumps(badge.revocation_reasons(awards))
    did_json = badge.dumps(badge.did_document(issuing))
    site.data[".well-known/did.json"] = did_json
    site.data["did.json"] = did_json


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
    from urllib.parse import quote, urlencode

    params = {"startTask": "CERTIFICATION_NAME", "name": name}
    if organization_id:
        params["organizationId"] = organization_id
    else:
        params["organizationName"] = organization
    params.update(
        issueYear=str(issued.year), issueMonth=str(issued.month), certUrl=cert_url, certId=cert_id
    )
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def content_security_policy(html: str, *, serving: bool = False) -> str:
    """Add a Content-Security-Policy ``<meta>`` as the first element of ``<head>``.

    Scripts may come only from the site itself, plus the theme's own inline scripts, each
    allowed by its SHA-256 hash; nothing from student text can ever be among them, because
    student text is escaped. ``serving`` (``mkdocs serve``) allows inline scripts for the
    live-reload script the development server injects.
    """
    if "<head>" not in html or 'http-equiv="Content-Security-Policy"' in html:
        return html
    if serving:
        scripts = "'self' 'unsafe-inline'"
    else:
        hashes = sorted(
            {
                base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()
                for m in _INLINE_SCRIPT.finditer(html)
            }
        )
        scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in hashes)])
    policy = (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", "<head>\n    " + meta, 1)


class SiteError(Exception):
    """The site cannot be built; the message says why and what to do."""
