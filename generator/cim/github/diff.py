"""What merging would change: each changed portfolio's points before and after, its entries
added, changed or removed, and the own-choice activities that need the reviewer's judgement."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cim.github import escape, git
from cim.github.ownership import portfolios_touched
from cim.model.layout import SCHEME_FILES
from cim.pipeline import PortfolioReport, RepositoryReport, check_repository
from cim.scoring.points import EntryResult


@dataclass(slots=True)
class EntryChange:
    kind: str  # added | changed | removed
    title: str
    date: str
    points_before: int | None
    points_after: int | None
    why: str = ""  # why an entry counts for nothing now (e.g. evidence of the wrong kind)


@dataclass(slots=True)
class PortfolioDiff:
    id: str
    status: str  # added | changed | removed
    before: int | None
    after: int | None
    required: int | None
    met_before: bool
    met_after: bool
    valid: bool
    unmet: list[str] = field(default_factory=list)
    entries: list[EntryChange] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def headline(self) -> str:
        before = "—" if self.before is None else str(self.before)
        after = "—" if self.after is None else str(self.after)
        if self.status == "removed":
            return f"{self.id}: {before} → removed"
        if not self.valid:
            verdict = "has errors (see the annotations)"
        elif self.met_after:
            verdict = "requirements met"
        elif self.required is not None and self.after is not None and self.after < self.required:
            verdict = f"{self.required - self.after} to go"
        else:
            verdict = "; ".join(self.unmet) or "requirements not yet met"
        return f"{self.id}: {before} → {after} — {verdict}"


@dataclass(slots=True)
class Diff:
    base: str
    head: str
    portfolios: list[PortfolioDiff]
    scheme_changed: list[str]


def _key(r: EntryResult) -> tuple[str, str, str]:
    e = r.entry
    return (e.activity, e.date.isoformat() if e.date else "", e.title)


def _content(r: EntryResult) -> tuple[Any, ...]:
    return r.entry.sort_key()


def _why(r: EntryResult) -> str:
    """The reasons an entry earns no points, as the points engine gave them."""
    if r.points or r.grouped:
        return ""
    return "; ".join(x for x in r.reasons if not x.startswith("counted together"))


def compare(pid: str, old: PortfolioReport | None, new: PortfolioReport | None) -> PortfolioDiff:
    """Compare one portfolio in the base and the head."""
    a_old = old.assessment if old else None
    a_new = new.assessment if new else None
    status = "added" if old is None else "removed" if new is None else "changed"
    diff = PortfolioDiff(
        pid,
        status,
        before=a_old.points if a_old else (0 if old is None else None),
        after=a_new.points if a_new else None,
        required=a_new.required if a_new else None,
        met_before=bool(a_old and a_old.met),
        met_after=bool(a_new and a_new.met),
        valid=bool(new and new.valid),
        unmet=list(a_new.unmet) if a_new else [],
    )
    before = {_key(r): r for r in a_old.entries} if a_old else {}
    after = {_key(r): r for r in a_new.entries} if a_new else {}
    for key, r in after.items():
        date = key[1]
        if key not in before:
            diff.entries.append(EntryChange("added", r.title, date, None, r.points, _why(r)))
        elif _content(before[key]) != _content(r) or before[key].points != r.points:
            diff.entries.append(
                EntryChange("changed", r.title, date, before[key].points, r.points, _why(r))
            )
        if r.needs_review and (key not in before or _content(before[key]) != _content(r)):
            diff.review.append(
                f"{r.title} ({date}): claims {r.entry.claim}, counted {r.points} — "
                f"category {r.category}, aims {', '.join(r.aims)}"
                if r.own_choice
                else f"{r.title} ({date}): counts once approved — record the decision in "
                "assessments.yml"
            )
    for key, r in before.items():
        if key not in after:
            diff.entries.append(EntryChange("removed", r.title, key[1], r.points, None))
    diff.entries.sort(key=lambda c: (c.date, c.title))
    return diff


def compare_reports(
    old: RepositoryReport, new: RepositoryReport, ids: set[str]
) -> list[PortfolioDiff]:
    before = {r.id: r for r in old.portfolios}
    after = {r.id: r for r in new.portfolios}
    return [
        compare(pid, before.get(pid), after.get(pid))
        for pid in sorted(ids)
        if pid in before or pid in after
    ]


def diff(repo: Path, base: str, head: str, today: dt.date | None = None) -> Diff:
    """Compare two revisions of any git repository holding CIM data."""
    base_sha, head_sha = git.resolve(repo, base), git.resolve(repo, head)
    changes = git.changed(repo, base_sha, head_sha)
    ids = portfolios_touched(changes)
    scheme = sorted({path for _, path, _ in changes if path in SCHEME_FILES})
    with tempfile.TemporaryDirectory(prefix="cim-diff-") as tmp:
        old_root = git.materialise(repo, base_sha, Path(tmp) / "base")
        new_root = git.materialise(repo, head_sha, Path(tmp) / "head")
        old = check_repository(old_root, today=today)
        new = check_repository(new_root, today=today)
        if scheme:  # new rules can move anyone's points
            ids |= {r.id for r in old.portfolios} | {r.id for r in new.portfolios}
        portfolios = compare_reports(old, new, ids)
    if scheme:
        portfolios = [
            p
            for p in portfolios
            if p.before != p.after
            or p.status != "changed"
            or p.met_before != p.met_after
            or p.entries
        ]
    return Diff(base, head, portfolios, scheme)


def render_markdown(d: Diff) -> str:
    lines = [f"## CIM: what merging would change ({d.base} → {d.head})", ""]
    if d.scheme_changed:
        lines += [f"**Administrator files changed:** {', '.join(d.scheme_changed)}.", ""]
    if not d.portfolios:
        lines.append("No portfolio changes.")
    for p in d.portfolios:
        lines.append(f"### {escape.markdown(p.headline())}")
        for e in p.entries:
            pts = {
                "added": f"+{e.points_after}",
                "removed": f"was {e.points_before}",
                "changed": f"{e.points_before} → {e.points_after}",
            }[e.kind]
            why = f" ({escape.markdown(e.why)})" if e.why else ""
            lines.append(f"- {e.kind}: {escape.markdown(e.title)} ({e.date}) — {pts} points{why}")
        if p.review:
            lines.append("")
            lines.append(
                "**Needs the reviewer's judgement (own choice, or approval in assessments.yml):**"
            )
            lines += [f"- {escape.markdown(item)}" for item in p.review]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_text(d: Diff) -> str:
    out = []
    if d.scheme_changed:
        out.append(f"administrator files changed: {', '.join(d.scheme_changed)}")
    for p in d.portfolios:
        out.append(p.headline())
        out += [
            f"  {e.kind}: {e.title} ({e.date})" + (f" — 0 points: {e.why}" if e.why else "")
            for e in p.entries
        ]
        out += [f"  review: {item}" for item in p.review]
    return "\n".join(out or ["no portfolio changes"]) + "\n"


def render_json(d: Diff) -> str:
    return (
        json.dumps(
            {
                "base": d.base,
                "head": d.head,
                "scheme_changed": d.scheme_changed,
                "portfolios": [
                    {
                        "id": p.id,
                        "status": p.status,
                        "before": p.before,
                        "after": p.after,
                        "required": p.required,
                        "met_before": p.met_before,
                        "met_after": p.met_after,
                        "valid": p.valid,
                        "headline": p.headline(),
                        "review": p.review,
                        "entries": [
                            {
                                "kind": e.kind,
                                "title": e.title,
                                "date": e.date,
                                "points_before": e.points_before,
                                "points_after": e.points_after,
                                "why": e.why,
                            }
                            for e in p.entries
                        ],
                    }
                    for p in d.portfolios
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
