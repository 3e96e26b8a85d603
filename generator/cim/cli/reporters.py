"""Reporters turn a :class:`RepositoryReport` into text for people, JSON for machines, or
GitHub workflow annotations for pull requests."""

from __future__ import annotations

import json
from collections.abc import Callable

from cim.github import escape
from cim.model.awards import Award, Awards
from cim.model.rules import Rules
from cim.pipeline import PortfolioReport, RepositoryReport
from cim.problems import Problem, Severity
from cim.scoring.points import EntryResult
from cim.scoring.verdict import Assessment

JSON_VERSION = 1


def progress_bar(points: int, required: int, width: int = 30, met: bool = True) -> str:
    """A text bar; it is full only when the requirements are met, never just by the points."""
    filled = min(width, round(width * points / required)) if required else width
    if not met:
        filled = min(filled, width - 1)
    return "█" * filled + "░" * (width - filled)


def percent(points: int, required: int, met: bool) -> int:
    """How far along, in percent; below 100 while anything is still missing."""
    pct = round(100 * points / required) if required else 100
    return pct if met else min(pct, 99)


def entry_dict(result: EntryResult) -> dict[str, object]:
    entry = result.entry
    return {
        "index": entry.index,
        "activity": entry.activity,
        "title": result.title,
        "date": entry.date.isoformat() if entry.date else None,
        "end": entry.end.isoformat() if entry.end else None,
        "category": result.category,
        "aims": list(result.aims),
        "location": result.location,
        "country": entry.country or None,
        "raw_points": result.raw,
        "points": result.points,
        "counts": result.counts,
        "status": result.status,
        "reasons": list(result.reasons),
        "needs_review": result.needs_review,
        "review": result.review or None,
    }


def portfolio_dict(report: PortfolioReport, awards: Awards | None = None) -> dict[str, object]:
    p, a = report.portfolio, report.assessment
    award = awards.of(report.id) if awards else None
    errors = [x for x in report.problems if x.severity is Severity.ERROR]
    warnings = [x for x in report.problems if x.severity is Severity.WARNING]
    return {
        "id": report.id,
        "file": report.file,
        "name": p.name if p else None,
        "programme": p.programme if p else None,
        "cohort": a.cohort.id if a else (p.cohort if p else None),
        "public": p.public if p else False,
        "valid": report.valid,
        "points": a.points if a else 0,
        "required": a.required if a else None,
        "met": a.met if a else False,
        "may_apply": a.may_apply if a else False,
        "unmet": list(a.unmet) if a else [],
        "categories": dict(sorted(a.by_category.items())) if a else {},
        "aims": dict(sorted(a.by_aim.items())) if a else {},
        "requirements": [r.as_dict() for r in a.requirements] if a else [],
        "entries": [entry_dict(r) for r in a.entries] if a else [],
        "award": {
            "number": award.number,
            "date": award.date.isoformat(),
            "ceremony": award.ceremony.title,
            "revoked": award.revoked,
        }
        if award
        else None,
        "errors": [x.as_dict() for x in errors],
        "warnings": [x.as_dict() for x in warnings],
    }


def as_json(report: RepositoryReport) -> dict[str, object]:
    """The documented, stable JSON contract (see README, "JSON output")."""
    portfolios = [portfolio_dict(r, report.awards) for r in report.portfolios]
    return {
        "version": JSON_VERSION,
        "valid": report.ok,
        "errors": [x.as_dict() for x in report.problems if x.severity is Severity.ERROR],
        "warnings": [x.as_dict() for x in report.problems if x.severity is Severity.WARNING],
        "summary": {
            "portfolios": len(portfolios),
            "valid": sum(1 for p in portfolios if p["valid"]),
            "met": sum(1 for p in portfolios if p["met"]),
        },
        "portfolios": portfolios,
    }


def render_json(report: RepositoryReport) -> str:
    return json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n"


def _status(a: Assessment | None, valid: bool, award: Award | None = None) -> str:
    if award is not None and award.revoked:  # never "requirements met" once revoked
        return f"certificate {award.number} revoked"
    if a is None:
        return "not scored"
    verdict = (
        "requirements met"
        if a.met
        else ("may apply" if a.may_apply else f"{len(a.unmet)} requirement(s) to go")
    )
    return verdict if valid else f"{verdict} (fix the errors first)"


def render_text(report: RepositoryReport) -> str:
    lines: list[str] = []
    for problem in report.problems:
        lines.append(str(problem))
    width = max((len(r.id) for r in report.portfolios), default=0)
    for r in report.portfolios:
        a = r.assessment
        nothing = a is not None and not any(x.counts for x in a.entries)
        mark = "✗" if not r.valid else ("!" if nothing else "✓")
        score = f"{a.points:>4}/{a.required:<4}" if a else "   -/-   "
        award = report.awards.of(r.id) if report.awards else None
        lines.append(f"{mark} {r.id:<{width}}  {score} {_status(a, r.valid, award)}")
        for problem in r.problems:
            lines.append(f"    {problem}")
    lines.append("")
    lines.append(summary(report))
    if not report.ok:
        lines.append("Fix each error at the file and line shown, then run `cim validate` again.")
    return "\n".join(lines) + "\n"


def summary(report: RepositoryReport) -> str:
    """One line: how many portfolios, how many valid and met, how many errors and warnings."""
    n = len(report.portfolios)
    valid = sum(1 for r in report.portfolios if r.valid)
    met = sum(1 for r in report.portfolios if r.assessment and r.assessment.met)
    problems = _all(report)
    n_err = sum(1 for p in problems if p.severity is Severity.ERROR)
    return (
        f"{n} portfolio(s): {valid} valid, {n - valid} invalid, {met} met the requirements; "
        f"{n_err} error(s), {len(problems) - n_err} warning(s)."
    )


def _all(report: RepositoryReport) -> list[Problem]:
    return report.problems + [p for r in report.portfolios for p in r.problems]


def _escape(value: str, *, prop: bool = False) -> str:
    return escape.command_property(value) if prop else escape.command_data(value)


def render_github(report: RepositoryReport) -> str:
    """GitHub workflow commands: one ``::error``/``::warning`` annotation per problem."""
    lines = []
    for p in _all(report):
        lines.append(
            f"::{p.severity} file={_escape(p.file, prop=True)},line={p.line},"
            f"col={p.column}::{_escape(p.message)}"
        )
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[RepositoryReport], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}


def _waiting(a: Assessment) -> list[str]:
    """What waits for a reviewer's decision (recorded in assessments.yml)."""
    waiting = sorted(
        (r for r in a.entries if r.review == "waiting"), key=lambda r: r.entry.sort_key()
    )
    if not waiting:
        return []
    return ["  Waiting for a reviewer (the decision is recorded in assessments.yml):"] + [
        f"    • {r.title} ({r.entry.date or 'no date'})"
        + (f": {r.entry.claim} points claimed" if r.own_choice else "")
        for r in waiting
    ]


def render_points(report: PortfolioReport, rules: Rules | None = None) -> str:
    """The explained breakdown of one portfolio, for a terminal."""
    a, p = report.assessment, report.portfolio
    unit = rules.unit if rules else "points"
    titles: dict[str, str] = {}
    if rules:
        titles.update({c.id: c.title for c in rules.categories})
        titles.update({x.id: x.title for x in rules.aims})
    if a is None or p is None:
        return "\n".join(str(x) for x in report.problems) + "\nThe portfolio could not be scored.\n"
    programme = rules.programme(p.programme) if rules else None
    out = [
        f"{p.name} ({report.id}) — {a.cohort.title}, "
        f"{programme.title if programme else p.programme}",
        "",
    ]
    pct = percent(a.points, a.required, a.met)
    bar = progress_bar(a.points, a.required, met=a.met)
    out.append(f"  {bar}  {a.points}/{a.required} {unit} ({pct}%)")
    out.append("")
    for r in sorted(a.entries, key=lambda r: r.entry.sort_key()):
        date = r.entry.date.isoformat() if r.entry.date else "????-??-??"
        extra = f" (of {r.raw})" if r.points < r.raw else ""
        out.append(f"  {date}  {r.points:>3}{extra:<8} {r.title}")
        for reason in r.reasons:
            out.append(f"  {'':10}  {'':11} ↳ {reason}")
        if r.own_choice and r.review == "waiting":
            out.append(f"  {'':10}  {'':11} ↳ own choice: waits for the reviewer's judgement")
        elif r.review in ("approved", "granted") and r.judgement is not None:
            j = r.judgement
            out.append(f"  {'':10}  {'':11} ↳ approved by the reviewer{j.by()}: {j.reason}")
    if a.by_category:
        out += ["", "  Per category:"]
        out += [f"    {titles.get(k, k):<46} {v:>4}" for k, v in sorted(a.by_category.items())]
    if a.by_aim:
        out += ["", "  Per aim (an activity counts toward every aim it develops):"]
        out += [f"    {titles.get(k, k):<46} {v:>4}" for k, v in sorted(a.by_aim.items())]
    out.append("")
    award = a.cohort.award
    if a.met:
        out.append(f"  ✓ All requirements are met{': ' + award if award else ''}.")
    else:
        if a.may_apply:
            out.append(f"  You may apply now{' for the ' + award if award else ''}.")
        out.append("  Still to do:")
        out += [f"    • {u}" for u in a.unmet]
    if a.soft_unmet:
        out.append("  Recommended:")
        out += [f"    • {u}" for u in a.soft_unmet]
    out += _waiting(a)
    problems = report.problems
    if problems:
        out += ["", "  Problems:"] + [f"    {x}" for x in problems]
    return "\n".join(out) + "\n"
