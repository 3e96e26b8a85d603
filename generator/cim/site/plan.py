"""The site plan: which pages and files the public site has, decided once and then fixed.

:func:`plan` takes the pipeline's report (every portfolio checked and scored), decides what may
be published (only valid portfolios of students who consented; never private evidence),
processes the evidence, issues the certificates and lists every page. The result, a frozen
:class:`SitePlan`, is all a renderer (``site.render``) and a writer (``cim.writers``) need.
This package knows nothing about MkDocs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cim.model.awards import Award, Awards
from cim.model.catalogue import Catalogue
from cim.model.rules import Rules
from cim.model.semesters import semester_of
from cim.pipeline import PortfolioReport, RepositoryReport
from cim.scoring import stats
from cim.site import certificates, directory, language, statements
from cim.site.certificates import Certificates
from cim.site.evidence import EvidenceStore, Published, publish, site_files
from cim.site.i18n import gettext_for
from cim.site.language import semester_title, translated
from cim.site.pages import Page, SiteError, site_url_of
from cim.site.statements import Statements
from cim.speed import Meanwhile, frozen_heap
from cim.site.views import is_exchange

Progress = Callable[[str], None]
WIDE = ("navigation", "toc")  # pages that use the whole width: no side navigation or contents


@dataclass(frozen=True, slots=True)
class SitePlan:
    """Every page and file of the public site, and what the pages show."""

    root: Path
    report: RepositoryReport
    rules: Rules
    catalogue: Catalogue
    today: dt.date
    published: tuple[PortfolioReport, ...]  # valid portfolios of students who consented
    by_id: Mapping[str, PortfolioReport]
    pages: Mapping[str, Page]  # by source path
    files: Mapping[str, Path]  # site URI → a file to place there (evidence copies, cards)
    data: Mapping[str, bytes]  # site URI → content (credentials, DID document, directory)
    evidence: Mapping[Path, Published]  # a student's file → its published copies
    located: Mapping[tuple[str, str], Path]  # (portfolio id, evidence name) → the real file
    notes: tuple[str, ...]  # what the build should say (portfolios left out, evidence refused)
    awards: Awards
    certificates: Certificates
    statistics: stats.Statistics
    store: EvidenceStore
    timings: Mapping[str, float]  # seconds per stage of the build
    statements: Statements = Statements()  # statements of points students asked for
    # The same pages in each other language (cim.site.language), each at the same src_uri.
    translated: Mapping[str, Mapping[str, Page]] = dataclasses.field(default_factory=dict)

    def pages_in(self, lang: str) -> Mapping[str, Page]:
        """Every page in one language (``pages`` for the default one)."""
        return self.pages if lang == language.DEFAULT else self.translated.get(lang, {})

    def title_of(self, kind: str, key: str, lang: str = language.DEFAULT) -> str:
        """The title of an aim, category, programme or activity in ``lang`` (its id when
        unknown)."""
        found: Any = None
        if kind == "aim":
            found = next((a for a in self.rules.aims if a.id == key), None)
        elif kind == "category":
            found = self.rules.category(key)
        elif kind == "programme":
            found = self.rules.programme(key)
        else:
            found = self.catalogue.get(key)
        return translated(found, "title", lang) if found is not None else key

    def award_of(self, student: str) -> Award | None:
        return self.awards.of(student)

    def statement_of(self, student: str) -> str:
        """The page of the student's statement of points ('' when they have none)."""
        return f"statements/{student}/" if student in self.statements.days else ""

    def standing(self, student: str) -> str:
        """Awarded, certificate revoked, requirements met but not yet awarded, or ''."""
        report = self.by_id.get(student)
        return directory.standing(report, self.awards) if report is not None else ""

    def noindex_urls(self) -> list[str]:
        """The pages search engines are asked to skip (left out of the sitemap too)."""
        return [page.url for page in self.pages.values() if page.noindex]

    def render(self, src_uri: str, lang: str = language.DEFAULT) -> str:
        """The HTML body of one page in ``lang`` (see :func:`cim.site.render.render`)."""
        from cim.site.render import render

        return render(self, self.pages_in(lang)[src_uri])


# Long because it sequences the site's stages and names each of the plan's parts once.
@frozen_heap()  # the reports it is handed are never garbage: the collector leaves them be
def plan(
    report: RepositoryReport,
    *,
    today: dt.date | None = None,
    cache: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    site_url: str = "https://cim.example.org/",
    signing_key: str | None = None,
    separate_search: bool = False,
    checking_time: float = 0.0,
    sign_later: bool = False,
    meanwhile: bool = False,
) -> SitePlan:
    """Decide every page and file of the public site from the pipeline's ``report``.

    ``signing_key`` (multibase or PEM) signs the credentials; it must be listed as active in
    issuer.yml. Without it a development key signs them and the pages say they are not
    official. With ``separate_search`` the portfolio pages are left out of the page-by-page
    search indexing and :func:`cim.site.directory.search_entries` describes them instead (much
    smaller and faster at scale). With ``meanwhile`` the credentials are signed and the share
    cards drawn by worker processes while the caller writes the pages: they are in
    ``certificates.later`` until collected (:class:`cim.site.certificates.Later`)."""
    say = progress or (lambda _msg: None)
    today = today or dt.date.today()
    root = report.root
    rules, catalogue = report.scheme.rules, report.scheme.catalogue
    if rules is None or catalogue is None:
        problems = "\n".join(str(p) for p in report.problems)
        raise SiteError(f"rules.yml or activities.yml has errors; fix them first:\n{problems}")
    started = time.perf_counter()
    published, notes = _publishable(report)
    store = EvidenceStore(cache or root / ".cache" / "cim")
    located = _locate_evidence(published)
    sources = list(dict.fromkeys(located.values()))
    say(f"preparing {len(sources)} evidence file(s)")
    with frozen_heap():
        ids = _content_ids(published, located, report.content_ids)
        evidence = publish(store, sources, workers=workers, ids=ids)
    notes += [f"evidence not published: {failure}" for failure in store.failed]
    evidenced = time.perf_counter()

    awards = report.awards
    if awards is None:
        raise SiteError("issuer.yml or awards.yml could not be read; run `cim validate`")
    for later in (a for a in awards.awards if a.date > today):
        say(
            f"{later.number} is dated {later.date.isoformat()}, after the build's day "
            f"({today.isoformat()}): its certificate is published from that day"
        )
    awards = awards.as_of(today)  # nothing published is valid only in the future
    pages = {
        lang: _pages(published, awards, rules, site_url_of(site_url), separate_search, lang)
        for lang in language.LANGUAGES
    }
    programmes = {p.id: p.title for p in rules.programmes}
    background = Meanwhile(workers) if meanwhile else None
    with frozen_heap():
        issued = certificates.issue(
            awards,
            {r.id: r for r in report.portfolios},
            {r.id for r in published},
            rules,
            programme_title=lambda pid: programmes.get(pid, pid),
            site_url=site_url_of(site_url),
            signing_key=signing_key,
            cache=store.cache,
            today=today,
            say=say,
            sign_later=sign_later,
            meanwhile=background,
        )
        stated = statements.issue(
            statements.wanted(published),
            issued.issuing,
            day=today,
            programme_title=lambda pid: programmes.get(pid, pid),
            cache=store.cache,
            sign_later=sign_later,
            meanwhile=background,
        )
        if background is not None:  # after the other stages' own worker processes are done
            background.start()
    files = {**site_files(store, evidence.values()), **issued.files}
    site = SitePlan(
        root=root,
        report=report,
        rules=rules,
        catalogue=catalogue,
        today=today,
        published=published,
        by_id={r.id: r for r in published},
        pages=pages[language.DEFAULT],
        translated={k: v for k, v in pages.items() if k != language.DEFAULT},
        files=files,
        data={
            **issued.data,
            **stated.data,
            "students/index.json": json.dumps(
                directory.rows(published, awards), ensure_ascii=False, separators=(",", ":")
            ).encode(),
            "certificates/index.json": json.dumps(
                certificates.index(awards, {r.id for r in published}), separators=(",", ":")
            ).encode(),
        },
        evidence=evidence,
        located=located,
        notes=tuple(notes),
        awards=awards,
        certificates=issued,
        statistics=_statistics(report, published, rules, catalogue),
        store=store,
        timings={
            "checking": checking_time,
            "evidence": evidenced - started,
            "certificates": time.perf_counter() - evidenced,
        },
        statements=stated,
    )
    say(f"{len(site.pages)} pages per language planned for {len(published)} published portfolio(s)")
    return site


def _publishable(report: RepositoryReport) -> tuple[tuple[PortfolioReport, ...], list[str]]:
    """The portfolios that may be published (valid, and the student consented), and a note
    for each one left out because it has errors."""
    published = tuple(
        r
        for r in report.portfolios
        if r.valid and r.portfolio and r.assessment and r.portfolio.public
    )
    notes = [
        f"{r.file} has errors and is not published; run "
        f"`cim validate {r.folder.relative_to(report.root).as_posix()}`"
        for r in report.portfolios
        if not r.valid
    ]
    return published, notes


def _statistics(
    report: RepositoryReport,
    published: tuple[PortfolioReport, ...],
    rules: Rules,
    catalogue: Catalogue,
) -> stats.Statistics:
    titles = {a.id: a.title for a in catalogue.activities}
    titles.update({p.id: p.title for p in rules.programmes})
    titles.update({a.id: a.title for a in rules.aims})
    everyone = [r.assessment for r in report.portfolios if r.valid and r.assessment]
    return stats.gather(everyone, [r.assessment for r in published if r.assessment], titles)


def _locate_evidence(
    published: tuple[PortfolioReport, ...],
) -> dict[tuple[str, str], Path]:
    """(portfolio id, file name) → the real file, for every public evidence file."""
    located: dict[tuple[str, str], Path] = {}
    real_dirs: dict[str, str] = {}  # each folder met, and where it really is
    for r in published:
        if r.portfolio is None:
            continue
        folder = os.fspath(r.folder)
        real_folder = _real_dir(folder, real_dirs)
        for e in r.portfolio.entries:
            for item in e.evidence:
                where = (r.id, item.file)
                if not item.private and where not in located:
                    path = _inside(real_folder, folder, item.file, real_dirs)
                    if path is not None:
                        located[where] = Path(path)
    return located


def _content_ids(
    published: tuple[PortfolioReport, ...],
    located: dict[tuple[str, str], Path],
    known: dict[str, dict[str, str]] | None,
) -> dict[Path, str]:
    """The id of each located evidence file's content (its Git blob id), where the check
    knew it: a plain file at the same place in its portfolio folder."""
    if known is None:
        return {}
    folders = {r.id: r.folder.name for r in published}
    ids: dict[Path, str] = {}
    for (student, name), path in located.items():
        value = known.get(folders[student], {}).get(name, "")
        if value.startswith("f "):
            ids[path] = value[2:]
    return ids


def _real_dir(folder: str, known: dict[str, str]) -> str:
    """Where ``folder`` really is once every link is followed, as os.path.realpath says, from
    the folders already resolved: one look at the folder itself, not at each folder above."""
    real = known.get(folder)
    if real is None:
        parent, name = os.path.split(folder)
        try:
            plain = name not in ("", ".", "..") and not stat.S_ISLNK(os.lstat(folder).st_mode)
        except OSError:
            plain = False
        if plain and parent and parent != folder:
            real = os.path.join(_real_dir(parent, known), name)
        else:
            real = os.path.realpath(folder)
        known[folder] = real
    return real


def _inside(real_folder: str, folder: str, name: str, known: dict[str, str]) -> str | None:
    """The evidence file, only if it really is a regular file inside the student's own folder
    once every link is followed (the validator refuses links and '..' outright; this is the
    second lock on the same door)."""
    parent, base = os.path.split(os.path.join(folder, name))
    if ".." in name.split("/") or base in ("", ".", ".."):
        real = os.path.realpath(os.path.join(folder, name))
    else:
        real = os.path.join(_real_dir(parent, known), base)
        try:
            if stat.S_ISLNK(os.lstat(real).st_mode):
                real = os.path.realpath(real)
        except OSError:
            return None
    if not real.startswith(real_folder + os.sep) or not os.path.isfile(real):
        return None
    return real


# Long because it lists every kind of page once, in the order of the site's navigation.
def _pages(
    published: tuple[PortfolioReport, ...],
    awards: Awards,
    rules: Rules,
    site_url: str,
    separate_search: bool,
    lang: str = language.DEFAULT,
) -> dict[str, Page]:
    """Every page in ``lang``: the fixed ones, then each published student's portfolio and
    certificate, and one page per semester that had exchange students."""
    _ = gettext_for(lang)
    scheme = rules.short_name or rules.name
    name = translated(rules, "name", lang)
    listed = [
        Page("index.md", name, "home", hide=WIDE, description=translated(rules, "note", lang)),
        Page("activities.md", _("Activities"), "activities", hide=WIDE),
        Page("rules.md", _("Rules and guidelines"), "rules", hide=("navigation",)),
        Page("students/index.md", _("Find a portfolio"), "students", hide=WIDE, search=False),
        Page("exchange/index.md", _("Exchange students"), "exchange-index", hide=WIDE),
        Page("statistics.md", _("Statistics"), "statistics", hide=WIDE),
        Page(
            "check.md",
            _("Check a certificate"),
            "check",
            template="check.html",
            hide=WIDE,
            description=_("Check a CIM certificate by its number or its credential file."),
        ),
    ]
    for r in published:
        p = r.portfolio
        if p is None:
            continue
        listed.append(
            Page(
                f"students/{r.id}.md",
                p.name,
                "portfolio",
                r.id,
                template="portfolio.html",
                hide=WIDE,
                description=_("%(name)s's %(scheme)s portfolio") % {"name": p.name, "scheme": scheme},
                noindex=p.noindex,
                search=not separate_search,
            )
        )
        award = awards.of(r.id)
        if award is not None:
            listed.append(
                Page(
                    f"certificates/{r.id}.md",
                    _("%(scheme)s certificate — %(name)s") % {"scheme": scheme, "name": p.name},
                    "certificate",
                    r.id,
                    template="certificate.html",
                    hide=WIDE,
                    search=False,
                    description=f"{p.name} — {name}, {award.date.year}",
                    image=site_url + certificates.card_uri(r.id, lang),
                    noindex=p.noindex,
                )
            )
        if p.statement:
            listed.append(statements.page(r, scheme, WIDE, lang))
        if is_exchange(r) and p.start:
            key = semester_of(p.start)
            title = _("Exchange students, %(semester)s") % {
                "semester": semester_title(key, lang)
            }
            listed.append(Page(f"exchange/{key}.md", title, "exchange", key, hide=WIDE))
    return {page.src_uri: dataclasses.replace(page, language=lang) for page in listed}
