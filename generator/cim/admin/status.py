"""The administrators' overview: one row per student, with what the administrators act on.

A pure function of the pipeline's :class:`RepositoryReport` (points, verdict, awards) and the
date each portfolio last changed; the command line and the deployment's job summary render it.
The award state comes from ``awards.yml`` and never from the points alone: a student with
enough points is "met, not yet awarded" until an administrator records the award.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from cim.pipeline import PortfolioReport, RepositoryReport

AWARDED = "awarded"
REVOKED = "revoked"
MET = "met, not yet awarded"
ON_THE_WAY = "on the way"
HAS_ERRORS = "has errors"
STATES = (MET, AWARDED, REVOKED, ON_THE_WAY, HAS_ERRORS)  # the order of the summary

COLUMNS = (
    "id",
    "name",
    "programme",
    "cohort",
    "points",
    "required",
    "requirements_met",
    "award",
    "certificate",
    "graduation",
    "waiting",
    "missing",
    "last_change",
)


@dataclass(frozen=True, slots=True)
class StudentStatus:
    """Where one student stands."""

    id: str
    name: str
    programme: str
    cohort: str
    points: int | None
    required: int | None
    met: bool
    state: str
    certificate: str
    graduation: dt.date | None
    waiting: tuple[str, ...]
    missing: tuple[str, ...]
    last_change: str

    def row(self) -> dict[str, str]:
        """The status as text cells (for CSV and the tables)."""
        return {
            "id": self.id,
            "name": self.name,
            "programme": self.programme,
            "cohort": self.cohort,
            "points": "" if self.points is None else str(self.points),
            "required": "" if self.required is None else str(self.required),
            "requirements_met": "yes" if self.met else "no",
            "award": self.state,
            "certificate": self.certificate,
            "graduation": self.graduation.isoformat() if self.graduation else "",
            "waiting": "; ".join(self.waiting),
            "missing": "; ".join(self.missing),
            "last_change": self.last_change,
        }


@dataclass(frozen=True, slots=True)
class Filters:
    """Which students to show; every filter given must hold."""

    near: int | None = None  # at least this many points, requirements not yet met
    graduating: tuple[int, int | None] | None = None  # (year, month or None for the whole year)
    waiting: bool = False  # something waits for a reviewer
    cohort: str | None = None

    def keep(self, s: StudentStatus) -> bool:
        if self.near is not None and (
            s.points is None or s.points < self.near or s.met or s.state in (AWARDED, REVOKED)
        ):
            return False
        if self.graduating is not None:
            year, month = self.graduating
            day = s.graduation
            if day is None or day.year != year or (month is not None and day.month != month):
                return False
        if self.waiting and not s.waiting:
            return False
        return self.cohort is None or s.cohort == self.cohort


def _waiting(report: PortfolioReport) -> tuple[str, ...]:
    """What waits for a reviewer's decision (recorded in ``assessments.yml``): own-choice
    entries and activities that count only once approved."""
    a = report.assessment
    if a is None:
        return ()
    items = []
    for r in sorted(a.entries, key=lambda r: r.entry.sort_key()):
        if r.review == "waiting":
            kind = "own choice" if r.own_choice else "approval"
            claim = f", claims {r.entry.claim}" if r.own_choice and r.entry.claim else ""
            day = r.entry.date.isoformat() if r.entry.date else "no date"
            items.append(f"{kind}: {r.title} ({day}{claim})")
    return tuple(items)


def student_status(
    report: RepositoryReport, r: PortfolioReport, last_change: str = ""
) -> StudentStatus:
    """One student's row."""
    p, a = r.portfolio, r.assessment
    award = report.awards.of(r.id) if report.awards else None
    rules = report.scheme.rules
    if award is not None and not award.revoked:
        state, certificate = AWARDED, award.number
    elif award is not None:
        state, certificate = REVOKED, award.number
    elif a is None or not r.valid:
        state, certificate = HAS_ERRORS, ""
    else:
        state, certificate = (MET if a.met else ON_THE_WAY), ""
    programme = ""
    if p is not None:
        found = rules.programme(p.programme) if rules else None
        programme = found.title if found else p.programme
    return StudentStatus(
        id=r.id,
        name=p.name if p else "",
        programme=programme,
        cohort=a.cohort.id if a else (p.cohort if p else ""),
        points=a.points if a else None,
        required=a.required if a else None,
        # A revoked certificate is never shown as "requirements met": the revocation stands
        # until an administrator awards a new one.
        met=bool(a and a.met and r.valid and state != REVOKED),
        state=state,
        certificate=certificate,
        graduation=p.end if p else None,
        waiting=_waiting(r),
        missing=tuple(a.unmet) if a and state not in (AWARDED, REVOKED) else (),
        last_change=last_change,
    )


def status(
    report: RepositoryReport,
    last_changes: Mapping[str, str] | None = None,
    filters: Filters | None = None,
) -> list[StudentStatus]:
    """Every student's status (those the filters keep), in the order of the portfolios."""
    changes = last_changes or {}
    keep = (filters or Filters()).keep
    rows = (student_status(report, r, changes.get(r.id, "")) for r in report.portfolios)
    return [s for s in rows if keep(s)]


def counts(rows: Iterable[StudentStatus]) -> dict[str, int]:
    """How many students are in each award state (every state listed, in a fixed order)."""
    found = Counter(s.state for s in rows)
    return {state: found.get(state, 0) for state in STATES}


def summary(rows: list[StudentStatus]) -> str:
    """One line: how many students, and how many in each state."""
    n = counts(rows)
    waiting = sum(1 for s in rows if s.waiting)
    parts = [f"{n[state]} {state}" for state in STATES if n[state]]
    tail = f"; {waiting} waiting for a reviewer" if waiting else ""
    return f"{len(rows)} student(s): {', '.join(parts) or 'none'}{tail}."


# --- renderers -----------------------------------------------------------------------------

TEXT_COLUMNS = ("id", "name", "points", "award", "graduation", "waiting", "last_change")


def _short(s: StudentStatus) -> dict[str, str]:
    row = s.row()
    row["points"] = f"{row['points'] or '-'}/{row['required'] or '-'}"
    if s.certificate:
        row["award"] = f"{s.state} {s.certificate}"
    row["waiting"] = str(len(s.waiting)) if s.waiting else ""
    return row


def render_text(rows: list[StudentStatus]) -> str:
    if not rows:
        return "No student matches.\n"
    cells = [_short(s) for s in rows]
    heads = {c: c.replace("_", " ") for c in TEXT_COLUMNS}
    widths = {c: max(len(heads[c]), *(len(r[c]) for r in cells)) for c in TEXT_COLUMNS}
    lines = ["  ".join(heads[c].ljust(widths[c]) for c in TEXT_COLUMNS)]
    lines.append("  ".join("-" * widths[c] for c in TEXT_COLUMNS))
    lines += ["  ".join(r[c].ljust(widths[c]) for c in TEXT_COLUMNS) for r in cells]
    out = [line.rstrip() for line in lines]
    return "\n".join([*out, "", summary(rows)]) + "\n"


def render_csv(rows: list[StudentStatus]) -> str:
    from cim.admin.exports import to_csv  # exports builds on this module

    return to_csv([s.row() for s in rows], COLUMNS)


def render_json(rows: list[StudentStatus]) -> str:
    data = {
        "summary": {"students": len(rows), **counts(rows)},
        "students": [
            {
                **s.row(),
                "points": s.points,
                "required": s.required,
                "requirements_met": s.met,
                "waiting": list(s.waiting),
                "missing": list(s.missing),
            }
            for s in rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


MARKDOWN_ROWS = 500  # a job summary holds at most 1 MiB; the CSV holds everyone
_ATTENTION = {MET: 0, REVOKED: 1, HAS_ERRORS: 2, ON_THE_WAY: 3, AWARDED: 4}


def _md(text: str) -> str:
    """A table cell: no pipes, no line breaks, no markup from a student's text."""
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for char in "*_`[]<>#~":
        out = out.replace(char, "\\" + char)
    return out


def render_markdown(rows: list[StudentStatus]) -> str:
    """The job summary: counts, then the students who need attention first."""
    lines = ["## CIM: the state of every student", ""]
    n = counts(rows)
    lines += ["| award state | students |", "|---|---:|"]
    lines += [f"| {state} | {n[state]} |" for state in STATES]
    waiting = sum(1 for s in rows if s.waiting)
    lines += [f"| waiting for a reviewer | {waiting} |", ""]
    if not rows:
        return "\n".join([*lines, "No students yet."]) + "\n"
    ordered = sorted(rows, key=lambda s: (_ATTENTION[s.state], not s.waiting, -(s.points or 0)))
    shown = ordered[:MARKDOWN_ROWS]
    lines += [
        "| student | name | points | award | graduation | waiting | last change |",
        "|---|---|---:|---|---|---|---|",
    ]
    for s in shown:
        c = _short(s)
        waits = "<br>".join(_md(w) for w in s.waiting)
        lines.append(
            f"| {_md(s.id)} | {_md(s.name)} | {c['points']} | {_md(c['award'])} | "
            f"{c['graduation']} | {waits} | {c['last_change']} |"
        )
    if len(ordered) > len(shown):
        lines += [
            "",
            f"{len(ordered) - len(shown)} more student(s) are not shown here; "
            "run `cim status --format csv` for everyone.",
        ]
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[list[StudentStatus]], str]] = {
    "text": render_text,
    "csv": render_csv,
    "json": render_json,
    "markdown": render_markdown,
}
