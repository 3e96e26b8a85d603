"""Checks of a student's page choices (``design:`` in portfolio.yml): the cover is one of their
own public photos, and every featured entry is one of their entries. The schema has already
checked the shape; here each reference is followed, and a refusal says why and what to do."""

from __future__ import annotations

from pathlib import PurePosixPath

from cim.hints import did_you_mean
from cim.model.evidence import IMAGE_TYPES
from cim.model.portfolio import Portfolio
from cim.problems import Problem, Severity
from cim.read.source import Document


def check_design(doc: Document, portfolio: Portfolio) -> list[Problem]:
    """Problems in the ``design`` choices of one schema-valid portfolio."""
    design = portfolio.design
    problems: list[Problem] = []
    if design.cover:
        message = _cover_refused(portfolio, design.cover)
        if message:
            problems.append(doc.problem(["design", "cover"], message))
    seen: set[tuple[str, object]] = set()
    for i, wanted in enumerate(design.featured):
        where: list[str | int] = ["design", "featured", i]
        key = (wanted.activity, wanted.date)
        if wanted.date is None:
            problems.append(
                doc.problem([*where, "date"], "not a real calendar date; write YYYY-MM-DD.")
            )
            continue
        if key in seen:
            problems.append(
                doc.problem(
                    where,
                    "this entry is already featured above; remove the second mention.",
                    severity=Severity.WARNING,
                )
            )
            continue
        seen.add(key)
        if not any((e.activity, e.date) == key for e in portfolio.entries):
            problems.append(doc.problem(where, _no_such_entry(portfolio, wanted.activity, key)))
    if portfolio.statement and not portfolio.public:
        problems.append(
            doc.problem(
                ["statement"],
                "a statement is shown on your public page, and without `publish: true` there "
                "is none; add `publish: true`, or ask an administrator for one "
                "(`cim statement`).",
                severity=Severity.WARNING,
            )
        )
    return problems


def _cover_refused(portfolio: Portfolio, cover: str) -> str:
    """Why ``cover`` cannot be the page's cover photo ('' when it can)."""
    items = [item for e in portfolio.entries for item in e.evidence if item.file == cover]
    if not items:
        files = sorted({item.file for e in portfolio.entries for item in e.evidence})
        return (
            f"cover '{cover}' is not among your evidence{did_you_mean(cover, files)}; choose a "
            "photo you list under an entry's evidence (for example evidence/my-photo.jpg)."
        )
    if PurePosixPath(cover).suffix.lower().lstrip(".") not in IMAGE_TYPES:
        return (
            f"cover '{cover}' is not a photo; choose a JPEG, PNG or WebP image from your evidence."
        )
    if all(item.private for item in items):
        return (
            f"cover '{cover}' is marked `private: true`, and a private file never appears on "
            "the public page; choose a public photo, or remove `private: true` from it if you "
            "are happy for everyone to see it."
        )
    return ""


def _no_such_entry(portfolio: Portfolio, activity: str, key: tuple[str, object]) -> str:
    same = [e for e in portfolio.entries if e.activity == activity and e.date]
    if same:
        dates = ", ".join(sorted(e.date.isoformat() for e in same if e.date))
        return (
            f"no entry of '{activity}' is dated {key[1]}; its entries are dated {dates}. Use "
            "the date of the entry you want to feature."
        )
    known = sorted({e.activity for e in portfolio.entries})
    return (
        f"no entry has the activity '{activity}'{did_you_mean(activity, known)}; feature an "
        "entry by its `activity` and `date` as written under entries."
    )
