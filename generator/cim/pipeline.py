"""The one place where the stages are sequenced: load → check → score, for a whole repository.

    rules.yml       parse → schema → build Rules → check
    activities.yml  parse → schema → build Catalogue → check (against the rules)
    portfolios/*/   parse → schema → build Portfolio → check → assess (points and verdict)

Every problem is collected; a broken portfolio never stops the others from being checked and
scored, and broken rules never stop the portfolios from being checked.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cim.checks import awards as awards_file
from cim.checks import scheme
from cim.checks.assessments import unmatched
from cim.checks.contents import Files, portfolio_folders
from cim.checks.memo import CheckMemo
from cim.checks.portfolio import check_portfolio as check_portfolio_file
from cim.checks.salvage import readable_part
from cim.checks.shared import check_shared, shared_files
from cim.model.assessments import Judgements, judgements_from
from cim.model.awards import Awards
from cim.model.catalogue import Catalogue, catalogue_from
from cim.model.layout import (
    ASSESSMENTS_FILE,
    CATALOGUE_FILE,
    PORTFOLIO_FILE,
    RULES_FILE,
)
from cim.model.portfolio import Portfolio, portfolio_from
from cim.model.rules import Rules, rules_from
from cim.problems import Problem, Severity
from cim.read import schema, source
from cim.scoring.points import NOT_COUNTED
from cim.scoring.verdict import Assessment, assess
from cim.speed import compact_pickle, no_cyclic_gc


@compact_pickle
@dataclass(slots=True)
class PortfolioReport:
    """One portfolio's outcome: its problems and, when it could be read, its assessment."""

    id: str
    file: str
    folder: Path
    portfolio: Portfolio | None = None
    assessment: Assessment | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


@dataclass(slots=True)
class Scheme:
    """The administrators' files: rules and catalogue, with their problems."""

    rules: Rules | None
    catalogue: Catalogue | None
    problems: list[Problem]
    judgements: Judgements = field(default_factory=Judgements)


@dataclass(slots=True)
class RepositoryReport:
    root: Path
    scheme: Scheme
    portfolios: list[PortfolioReport]
    awards: Awards | None = None
    # The key each portfolio's report is kept under, by id, when a check cache was used
    # (cim.checks.memo): its folder's content, the scheme, the package and the day. The same
    # key, the same report (before the checks across portfolios).
    kept_keys: dict[str, str] = field(default_factory=dict)
    # Each portfolio folder's files and the ids of their contents (Git's blob ids), by folder
    # name, when a check cache knew them (so that the site need not read every file again).
    content_ids: dict[str, Files] | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.scheme.problems

    @property
    def ok(self) -> bool:
        scheme_ok = not any(p.severity is Severity.ERROR for p in self.scheme.problems)
        return scheme_ok and all(p.valid for p in self.portfolios)


def _load(root: Path, name: str, kind: schema.Kind) -> tuple[source.Document, list[Problem], bool]:
    path = root / name
    if not path.is_file():
        missing = Problem(
            name, 1, 1, f"{name} is missing; every CIM repository needs one at its top level."
        )
        return source.Document(name), [missing], False
    return schema.load(str(path), name, kind)


def load_scheme(root: Path) -> Scheme:
    """Load and check ``rules.yml`` and ``activities.yml``."""
    rules: Rules | None = None
    rules_doc, problems, usable = _load(root, RULES_FILE, "rules")
    if usable:
        rules = rules_from(rules_doc.data)
        problems += scheme.check_rules(rules_doc, rules)
    catalogue: Catalogue | None = None
    catalogue_doc, found, usable = _load(root, CATALOGUE_FILE, "activities")
    problems += found
    if usable:
        catalogue = catalogue_from(catalogue_doc.data, rules)
        problems += scheme.check_catalogue(catalogue_doc, catalogue, rules)
    if rules is not None and catalogue is not None:
        problems += scheme.check_references(rules_doc, rules, catalogue)
    judgements = Judgements()
    if (root / ASSESSMENTS_FILE).is_file():  # optional: only once a reviewer decided something
        assessments_doc, found, usable = _load(root, ASSESSMENTS_FILE, "assessments")
        problems += found
        if usable:
            judgements = judgements_from(
                assessments_doc.data, lambda i: assessments_doc.locate(["assessments", i])
            )
    return Scheme(rules, catalogue, problems, judgements)


def check_portfolio(
    root: Path, folder: Path, scheme: Scheme, today: dt.date, deep: bool = False
) -> PortfolioReport:
    """Parse, check and (when possible) score one portfolio folder."""
    display = (folder / PORTFOLIO_FILE).relative_to(root).as_posix()
    report = PortfolioReport(folder.name, display, folder)
    path = folder / PORTFOLIO_FILE
    if not path.is_file():
        report.problems.append(
            Problem(
                display,
                1,
                1,
                f"{folder.relative_to(root).as_posix()}/ "
                f"has no {PORTFOLIO_FILE}; create it with `cim new "
                f"{folder.name}` or remove the folder.",
            )
        )
        return report
    doc, found, usable = schema.load(str(path), display, "portfolio")
    report.problems += found
    rules, catalogue = scheme.rules, scheme.catalogue
    if not usable:
        part = readable_part(doc, rules.default_cohort) if doc.ok and rules else None
        if part is not None and rules is not None and catalogue is not None:
            report.problems += check_portfolio_file(
                doc, part, folder, catalogue, rules, today, deep
            )
            report.problems.sort(key=lambda x: (x.line, x.column))
        return report
    portfolio = portfolio_from(doc.data, rules.default_cohort if rules else "")
    report.portfolio = portfolio
    if rules is None or catalogue is None:
        return report
    report.problems += check_portfolio_file(doc, portfolio, folder, catalogue, rules, today, deep)
    report.assessment = assess(
        portfolio, catalogue, rules, today, scheme.judgements.of(portfolio.id)
    )
    report.problems += _explain(doc, report)
    return report


def _explain(doc: source.Document, report: PortfolioReport) -> list[Problem]:
    """Warnings for entries that count for nothing, unless an error already covers them."""
    assert report.assessment is not None
    flagged = {p.line for p in report.problems if p.severity is Severity.ERROR}
    starts = [doc.locate(["entries", r.entry.index]) for r in report.assessment.entries]
    ends = [s[0] for s in starts[1:]] + [1 << 30] if starts else []
    warnings = []
    for result, (line, column), end in zip(report.assessment.entries, starts, ends, strict=True):
        if any(line <= f < end for f in flagged):
            continue  # an error on this entry already says what to fix
        if result.status == NOT_COUNTED:
            why = "; ".join(r for r in result.reasons if not r.startswith("counted together"))
            if why:
                warnings.append(
                    Problem(
                        doc.path,
                        line,
                        column,
                        f"'{result.title}' does not count: {why}.",
                        Severity.WARNING,
                    )
                )
    if not any(r.counts for r in report.assessment.entries):
        warnings.append(
            doc.problem(
                ["entries"],
                "nothing in this portfolio counts yet: "
                + (
                    f"each entry says why under `cim points {report.id}`."
                    if report.assessment.entries
                    else "add your first activity under `entries:` (`cim activities` lists them)."
                ),
                key=True,
                severity=Severity.WARNING,
            )
        )
    for text in report.assessment.soft_unmet:
        warnings.append(
            doc.problem(["entries"], f"recommended: {text}.", key=True, severity=Severity.WARNING)
        )
    return warnings


T = TypeVar("T")
Depth = bool | frozenset[str]  # every portfolio, none, or the ids in the set


def is_deep(deep: Depth, folder: Path) -> bool:
    """Whether the portfolio in ``folder`` gets the deep evidence checks."""
    return deep if isinstance(deep, bool) else folder.name in deep


PARALLEL_FROM = 400  # below this, starting processes costs more than it saves
_WORKER: dict[str, Any] = {}


def _check_chunk(folders: list[Path]) -> list[PortfolioReport]:
    w = _WORKER
    return [
        check_portfolio(w["root"], f, w["scheme"], w["today"], is_deep(w["deep"], f))
        for f in folders
    ]


def _check_all(
    root: Path,
    folders: list[Path],
    scheme: Scheme,
    today: dt.date,
    deep: Depth,
    workers: int | None,
    meanwhile: Callable[[], T],
) -> tuple[list[PortfolioReport], T]:
    """Every folder's report, in order, and what ``meanwhile`` returns (it runs here while
    worker processes check the portfolios)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(folders) < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        checked = [check_portfolio(root, f, scheme, today, is_deep(deep, f)) for f in folders]
        return checked, meanwhile()
    # Forked workers inherit the loaded scheme; each checks a contiguous chunk, so the order
    # of the reports is the order of the folders.
    _WORKER.update(root=root, scheme=scheme, today=today, deep=deep)
    size = max(50, len(folders) // (count * 32))
    chunks = [folders[i : i + size] for i in range(0, len(folders), size)]
    with ProcessPoolExecutor(count, mp_context=mp.get_context("fork")) as pool:
        results = pool.map(_check_chunk, chunks)
        done = meanwhile()
        reports = [report for chunk in results for report in chunk]
    return _sharing_the_scheme(reports, scheme), done


def _sharing_the_scheme(reports: list[PortfolioReport], scheme: Scheme) -> list[PortfolioReport]:
    """The reports, each pointing at this process's activities and cohorts where it names
    them. A report from a worker process comes with its own copy of every activity and of
    its cohort; shared, they are held once in memory instead of once per report, and the
    kept reports (:mod:`cim.checks.memo`) load about three times faster."""
    activities = scheme.catalogue.by_id if scheme.catalogue else {}
    cohorts = {c.id: c for c in scheme.rules.cohorts} if scheme.rules else {}
    for report in reports:
        assessment = report.assessment
        if assessment is None:
            continue
        cohort = cohorts.get(assessment.cohort.id)
        if cohort is not None and cohort == assessment.cohort:
            assessment.cohort = cohort
        ours: dict[int, tuple[Any, Any]] = {}  # id of the report's copy → (copy, ours)
        for result in assessment.entries:
            copy = result.activity
            if copy is not None:
                if id(copy) not in ours:
                    known = activities.get(copy.id)
                    ours[id(copy)] = (copy, known if known is not None and known == copy else copy)
                result.activity = ours[id(copy)][1]
    return reports


def check_repository(
    root: Path,
    today: dt.date | None = None,
    only: Iterable[str] | None = None,
    deep: Depth = False,
    workers: int | None = None,
    cache: Path | CheckMemo | None = None,
) -> RepositoryReport:
    """Check the scheme and every portfolio (or only the ids in ``only``); ``deep`` also
    decodes every image and scans every PDF. Large repositories are checked by ``workers``
    processes (default: one per CPU); the result does not depend on how many. ``deep`` may
    also be a set of portfolio ids: only those are checked deeply. With a
    ``cache`` folder (or a :class:`CheckMemo` of one, which then counts what was reused and
    checked), unchanged portfolios are not checked again (:mod:`cim.checks.memo`); the
    result is the same."""
    today = today or dt.date.today()
    scheme = load_scheme(root)
    wanted = set(only) if only is not None else None
    folders = portfolio_folders(root)
    chosen = [f for f in folders if wanted is None or f.name in wanted]
    memo = CheckMemo(cache, root, today) if isinstance(cache, Path) else cache
    with no_cyclic_gc():
        known = memo.recall(chosen, lambda f: is_deep(deep, f)) if memo is not None else {}
        todo = [f for f in chosen if f not in known]
        fresh, (files, shared) = _check_all(
            root,
            todo,
            scheme,
            today,
            deep,
            workers,
            lambda: (
                awards_file.read(root),
                memo.shared_files(folders) if memo is not None else shared_files(folders),
            ),
        )
        known.update(zip(todo, fresh, strict=True))
        if memo is not None:  # kept before the checks across portfolios add to them
            memo.checked = len(todo)
            memo.remember(((f, known[f]) for f in chosen), complete=only is None)
        reports = [known[f] for f in chosen]
        for report in reports:  # the same evidence in two students' folders
            report.problems += check_shared(root, report.folder, shared)
        scored = {r.id: r.assessment for r in reports}
        assessments = {folder.name: scored.get(folder.name) for folder in folders}
        rules = scheme.rules
        issuer = ", ".join(x for x in (rules.school, rules.institution) if x) if rules else ""
        awards, problems = awards_file.load(files, assessments, issuer)
    scheme.problems.extend(problems)
    scheme.problems.extend(
        unmatched(
            scheme.judgements, {r.id: r.portfolio for r in reports}, [f.name for f in folders]
        )
    )
    kept = {f.name: memo.keys[f] for f in chosen if f in memo.keys} if memo is not None else {}
    ids = memo.content_ids() if memo is not None else None
    return RepositoryReport(root, scheme, reports, awards, kept, ids)
