"""Lists for the administrators: Ladok registration, ceremony call-up, exchange celebration.

These are internal lists (never published). They hold the university username where Ladok
needs it, and never a personal identity number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from cim.model.semesters import semester_of
from cim.pipeline import RepositoryReport

Row = dict[str, str]

LADOK_COLUMNS = ("username", "name", "programme", "award_date", "certificate_number")
CEREMONY_COLUMNS = ("name", "programme", "certificate_number", "ceremony", "points", "published")
EXCHANGE_COLUMNS = (
    "name",
    "origin_country",
    "points",
    "required",
    "met",
    "certificate_number",
    "published",
)


def _programme(report: RepositoryReport, programme_id: str) -> str:
    rules = report.scheme.rules
    found = rules.programme(programme_id) if rules else None
    return found.title if found else programme_id


def ladok(report: RepositoryReport) -> tuple[list[Row], list[str]]:
    """One row per awarded, unrevoked certificate; warnings for rows Ladok cannot take."""
    rows, warnings = [], []
    portfolios = {r.id: r.portfolio for r in report.portfolios}
    for award in sorted(report.awards.awards if report.awards else [], key=lambda a: a.number):
        p = portfolios.get(award.student)
        if award.revoked or p is None:
            continue
        if not p.username:
            warnings.append(
                f"{award.student} has no `username:` in portfolio.yml; add it "
                "before registering the award in Ladok"
            )
        rows.append(
            {
                "username": p.username,
                "name": p.name,
                "programme": _programme(report, p.programme),
                "award_date": award.date.isoformat(),
                "certificate_number": award.number,
            }
        )
    return rows, warnings


def ceremony(report: RepositoryReport, day: dt.date) -> list[Row]:
    """Whom to call up at the ceremonies held on ``day``, by programme and name."""
    by_id = {r.id: r for r in report.portfolios}
    rows = []
    for award in report.awards.awards if report.awards else []:
        r = by_id.get(award.student)
        if award.revoked or award.ceremony.date != day or r is None or r.portfolio is None:
            continue
        rows.append(
            {
                "name": r.portfolio.name,
                "programme": _programme(report, r.portfolio.programme),
                "certificate_number": award.number,
                "ceremony": award.ceremony.title,
                "points": str(r.assessment.points if r.assessment else ""),
                "published": "yes" if r.portfolio.public else "no",
            }
        )
    return sorted(rows, key=lambda row: (row["programme"], row["name"]))


def exchange(report: RepositoryReport, semester: str) -> list[Row]:
    """The exchange students of one semester (e.g. 2026-autumn) and what they achieved."""
    rows = []
    for r in report.portfolios:
        a, p = r.assessment, r.portfolio
        if not a or not p or not p.start or not a.cohort.exchange:
            continue
        if semester_of(p.start) != semester:
            continue
        award = report.awards.of(r.id) if report.awards else None
        rows.append(
            {
                "name": p.name,
                "origin_country": p.origin_country,
                "points": str(a.points),
                "required": str(a.required),
                "met": "yes" if a.met else "no",
                "certificate_number": award.number if award and not award.revoked else "",
                "published": "yes" if p.public else "no",
            }
        )
    return sorted(rows, key=lambda row: row["name"])


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ (or a tab or return) as a formula; a
    leading apostrophe makes it plain text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(rows: list[Row], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
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
