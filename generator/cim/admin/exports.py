"""Lists for the administrators: Ladok registration, ceremony call-up, exchange celebration.

These are internal lists (never published). They hold the university username where Ladok
needs it, and never a personal identity number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from cim.admin.status import AWARDED, MET, REVOKED, StudentStatus, student_status
from cim.model.awards import Award
from cim.model.portfolio import Portfolio
from cim.model.semesters import semester_of, semester_title
from cim.pipeline import PortfolioReport, RepositoryReport

Row = dict[str, str]

LADOK_COLUMNS = (
    "action",
    "username",
    "name",
    "programme",
    "award_date",
    "certificate_number",
    "reason",
)
REGISTER, UNDO = "register", "undo"
CEREMONY_COLUMNS = (
    "name",
    "programme",
    "graduation",
    "points",
    "state",
    "certificate_number",
    "missing",
    "published",
)
EXCHANGE_COLUMNS = (
    "name",
    "origin_country",
    "points",
    "required",
    "met",
    "certificate_number",
    "missing",
    "published",
)
QUALIFIES = "qualifies, not yet awarded"
SEMESTER = re.compile(r"(autumn|spring)-(\d{4})|(\d{4})-(autumn|spring)")
SEMESTER_FORMAT = "write the semester as autumn-2026 or spring-2027"
DATE_FORMAT = "write the date as YYYY-MM-DD, e.g. 2026-06-13"


def parse_semester(text: str) -> str:
    """``autumn-2026`` (or ``2026-autumn``) as the site's semester key ``2026-autumn``."""
    match = SEMESTER.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"'{text}' is not a semester: {SEMESTER_FORMAT}")
    season, year = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
    return f"{year}-{season}"


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date: {DATE_FORMAT}") from None


def _programme(report: RepositoryReport, programme_id: str) -> str:
    rules = report.scheme.rules
    found = rules.programme(programme_id) if rules else None
    return found.title if found else programme_id


# --- Ladok ---------------------------------------------------------------------------------


@dataclass(slots=True)
class LadokList:
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)  # numbers in `register` rows
    undone: list[str] = field(default_factory=list)  # numbers in `undo` rows


def _ladok_row(
    report: RepositoryReport, award: Award, p: Portfolio | None, action: str, reason: str = ""
) -> Row:
    return {
        "action": action,
        "username": p.username if p else "",
        "name": p.name if p else "",
        "programme": _programme(report, p.programme) if p else "",
        "award_date": award.date.isoformat(),
        "certificate_number": award.number,
        "reason": reason,
    }


def ladok(
    report: RepositoryReport,
    *,
    since: dt.date | None = None,
    exported: Collection[str] = (),
    undone: Collection[str] = (),
    today: dt.date | None = None,
) -> LadokList:
    """What to enter in Ladok: new awards to register and revoked ones to undo.

    With ``since``, every award dated (and every revocation made) on or after that day;
    otherwise every award not yet in ``exported`` and every revocation of an exported award
    not yet in ``undone``. An award dated after ``today`` waits for its day."""
    out = LadokList()
    portfolios = {r.id: r.portfolio for r in report.portfolios}
    for award in sorted(report.awards.awards if report.awards else [], key=lambda a: a.number):
        p = portfolios.get(award.student)
        revocation = award.revocation
        if revocation is not None:
            if since is not None:
                wanted = revocation.date >= since and award.date < since
            else:
                wanted = award.number in exported and award.number not in undone
            if wanted:
                out.rows.append(_ladok_row(report, award, p, UNDO, revocation.reason))
                out.undone.append(award.number)
            continue
        if p is None or (today is not None and award.date > today):
            continue
        if (since is not None and award.date < since) or (
            since is None and award.number in exported
        ):
            continue
        if not p.username:
            out.warnings.append(
                f"{award.student} has no `username:` in portfolio.yml; add it "
                "before registering the award in Ladok"
            )
        out.rows.append(_ladok_row(report, award, p, REGISTER))
        out.registered.append(award.number)
    return out


# --- ceremonies ----------------------------------------------------------------------------


@dataclass(slots=True)
class CallUp:
    """Who to call up at a ceremony, and why the list is as it is."""

    rows: list[Row]
    notes: list[str]  # why nobody is listed, who is close, a date that is no ceremony


def _ceremony_row(report: RepositoryReport, s: StudentStatus, r: PortfolioReport) -> Row:
    state = {AWARDED: AWARDED, REVOKED: REVOKED, MET: QUALIFIES}.get(s.state, "missing")
    return {
        "name": s.name,
        "programme": s.programme,
        "graduation": s.graduation.isoformat() if s.graduation else "",
        "points": "" if s.points is None else f"{s.points}/{s.required}",
        "state": state,
        "certificate_number": s.certificate,
        "missing": "; ".join(s.missing) if state == "missing" else "",
        "published": "yes" if r.portfolio and r.portfolio.public else "no",
    }


_ORDER = {AWARDED: 0, QUALIFIES: 1, "missing": 2, REVOKED: 3}


def ceremony(report: RepositoryReport, day: dt.date) -> CallUp:
    """Everyone whose studies end in the term of ``day`` (and everyone awarded at a ceremony
    held that day): who is awarded, who qualifies but has no award yet, who is missing what."""
    term = semester_of(day)
    awards = report.awards
    held = [c for c in (awards.ceremonies.values() if awards else []) if c.date == day]
    awarded_here = {a.student for a in (awards.awards if awards else []) if a.ceremony.date == day}
    rows, graduations = [], Counter[dt.date]()
    for r in report.portfolios:
        p = r.portfolio
        if p is None:
            continue
        if p.end:
            graduations[p.end] += 1
        if r.id not in awarded_here and (p.end is None or semester_of(p.end) != term):
            continue
        award = awards.of(r.id) if awards else None
        if r.id not in awarded_here and award is not None and not award.revoked:
            continue  # awarded at another ceremony already
        rows.append(_ceremony_row(report, student_status(report, r), r))
    rows.sort(key=lambda x: (_ORDER[x["state"]], x["programme"], x["name"]))
    notes = []
    if not held and awards is not None:
        listed = ", ".join(f"{c.date} ({c.title})" for c in awards.ceremonies.values())
        notes.append(
            f"awards.yml lists no ceremony on {day}"
            + (f" (its ceremonies: {listed})" if listed else "")
            + f"; the list is everyone who graduates in {semester_title(term).lower()}."
        )
    if not rows:
        nearest = sorted(graduations, key=lambda d: (abs((d - day).days), d))[:5]
        dates = ", ".join(f"{d} ({graduations[d]})" for d in sorted(nearest))
        notes.append(
            f"Nobody graduates in {semester_title(term).lower()} (the term of {day})."
            + (f" The nearest graduation dates: {dates}." if dates else "")
        )
    elif not any(x["state"] in (AWARDED, QUALIFIES) for x in rows):
        close = sorted(rows, key=lambda x: -int(x["points"].split("/")[0] or 0))[:5]
        names = ", ".join(f"{x['name']} ({x['points']})" for x in close)
        notes.append(f"Nobody qualifies yet. The closest: {names}.")
    return CallUp(rows, notes)


def exchange(report: RepositoryReport, semester: str) -> CallUp:
    """The exchange students of one semester (key ``2026-autumn``) and what they achieved."""
    rows, semesters = [], Counter[str]()
    for r in report.portfolios:
        a, p = r.assessment, r.portfolio
        if not a or not p or not p.start or not a.cohort.exchange:
            continue
        semesters[semester_of(p.start)] += 1
        if semester_of(p.start) != semester:
            continue
        s = student_status(report, r)
        rows.append(
            {
                "name": p.name,
                "origin_country": p.origin_country,
                "points": str(a.points),
                "required": str(a.required),
                "met": "yes" if s.met else "no",
                "certificate_number": s.certificate if s.state == AWARDED else "",
                "missing": "; ".join(s.missing),
                "published": "yes" if p.public else "no",
            }
        )
    rows.sort(key=lambda row: row["name"])
    notes = []
    title = semester_title(semester).lower()
    if not rows:
        others = ", ".join(
            f"{semester_title(k).lower()} ({n})" for k, n in sorted(semesters.items())[-6:]
        )
        notes.append(
            f"No exchange student started in {title}."
            + (f" Semesters with exchange students: {others}." if others else "")
        )
    elif not any(row["met"] == "yes" for row in rows):
        close = sorted(rows, key=lambda x: -int(x["points"]))[:5]
        names = ", ".join(f"{x['name']} ({x['points']}/{x['required']})" for x in close)
        notes.append(f"Nobody qualifies yet in {title}. The closest: {names}.")
    return CallUp(rows, notes)


# --- writing -------------------------------------------------------------------------------

# A cell a spreadsheet could read as a formula: = + - @ first, also after leading spaces or
# tabs, or at the start of any line inside the cell.
_FORMULA = re.compile(r"(?:^|[\r\n])\s*[=+\-@]")


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula (some also after spaces,
    a tab or a line break); a leading apostrophe makes it plain text."""
    return "'" + value if value[:1] in ("\t", "\r", "\n") or _FORMULA.search(value) else value


def to_csv(rows: list[Row], columns: Sequence[str]) -> str:
    """RFC 4180 CSV: lines end in CR LF, so every field that holds a CR or LF is quoted (with
    LF alone as the line end, a bare CR inside a name was written unquoted and started a new
    row in a spreadsheet)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def to_text(rows: list[Row], columns: Sequence[str]) -> str:
    if not rows:
        return "(nobody)\n"
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    head = "  ".join(c.replace("_", " ").ljust(widths[c]) for c in columns)
    lines = [head, "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"
