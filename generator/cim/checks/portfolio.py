"""Checks of one portfolio.yml against the scheme, with a location and what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cim.checks.design import check_design
from cim.checks.files import check_folder, judge_evidence
from cim.checks.languages import written_in
from cim.checks.text import check_strings
from cim.hints import did_you_mean
from cim.model.catalogue import LOCATION_WORDS, OWN_CHOICE, Catalogue
from cim.model.portfolio import Portfolio, is_template_bio
from cim.model.rules import Rules
from cim.problems import Problem, Severity
from cim.read.source import Document
from cim.scoring.points import amount_of


# Long because a checklist read top to bottom, one short check per field of portfolio.yml.
def check_portfolio(
    doc: Document,
    portfolio: Portfolio,
    folder: Path,
    catalogue: Catalogue,
    rules: Rules,
    today: dt.date,
    deep: bool = False,
) -> list[Problem]:
    """Problems in one schema-valid portfolio; ``folder`` is the portfolio's own folder.

    ``deep`` also decodes every image and scans every PDF (slower; for pull requests)."""
    problems: list[Problem] = []
    if portfolio.id != folder.name:
        problems.append(
            doc.problem(
                ["id"],
                f"id '{portfolio.id}' does not match the folder name "
                f"'{folder.name}'; they must be the same.",
            )
        )
    if rules.programmes and rules.programme(portfolio.programme) is None:
        known = [p.id for p in rules.programmes]
        problems.append(
            doc.problem(
                ["programme"],
                f"unknown programme '{portfolio.programme}'"
                f"{did_you_mean(portfolio.programme, known)}; choose one of: "
                f"{', '.join(known)}.",
            )
        )
    cohort = rules.cohort(portfolio.cohort)
    if cohort is None and "cohort" in doc.data:
        known = [c.id for c in rules.cohorts]
        problems.append(
            doc.problem(
                ["cohort"],
                f"unknown cohort '{portfolio.cohort}'"
                f"{did_you_mean(portfolio.cohort, known)}; choose one of: "
                f"{', '.join(known)}.",
            )
        )
    elif cohort and cohort.window.start == "registration" and portfolio.registered is None:
        problems.append(
            doc.problem(
                [],
                "add `registered:` (the date you registered for CIM): "
                "activities count from that day.",
                severity=Severity.WARNING,
            )
        )
    if is_template_bio(doc.data.get("bio")):
        problems.append(
            doc.problem(
                ["bio"],
                "`bio` is still the template's example; write a few sentences of your own, "
                "or remove it (it is not published as it is).",
                severity=Severity.WARNING,
            )
        )
    for key, value in (("start", portfolio.start), ("end", portfolio.end)):
        if value is None:
            problems.append(
                doc.problem(["studies", key], "not a real calendar date; write YYYY-MM-DD.")
            )
    if portfolio.start and portfolio.end and portfolio.end < portfolio.start:
        problems.append(
            doc.problem(["studies", "end"], "the end of studies is before their start.")
        )
    if doc.data.get("registered") is not None and portfolio.registered is None:
        problems.append(doc.problem(["registered"], "not a real calendar date; write YYYY-MM-DD."))
    entries = [["entries", e.index, "written_in"] for e in portfolio.entries]
    problems += written_in(doc, [["written_in"], *entries])
    problems += check_strings(doc)
    problems += check_design(doc, portfolio)
    found, files = check_folder(doc, folder, rules)
    problems += found
    seen: dict[str, list[tuple[str, Severity]]] = {}  # each evidence file is judged once
    for entry in portfolio.entries:
        problems += _check_entry(
            doc, portfolio, entry.index, folder, catalogue, rules, today, deep, seen, files
        )
    return problems


# Long because a checklist read top to bottom, one short check per field of an entry.
def _check_entry(
    doc: Document,
    portfolio: Portfolio,
    index: int,
    folder: Path,
    catalogue: Catalogue,
    rules: Rules,
    today: dt.date,
    deep: bool,
    seen: dict[str, list[tuple[str, Severity]]],
    files: dict[str, int],
) -> list[Problem]:
    entry = next(e for e in portfolio.entries if e.index == index)  # may be a salvaged part
    raw = doc.data["entries"][index]
    at: list[str | int] = ["entries", index]
    problems: list[Problem] = []
    activity = catalogue.get(entry.activity)
    if activity is None:
        hint = did_you_mean(entry.activity, catalogue.by_id)
        if entry.activity == OWN_CHOICE:
            hint = " (own-choice activities are not allowed in this scheme)"
        problems.append(
            doc.problem(
                [*at, "activity"],
                f"unknown activity '{entry.activity}'{hint}; `cim activities` lists the catalogue.",
            )
        )
    for key, value in (("date", entry.date), ("end", entry.end)):
        if raw.get(key) is not None and value is None:
            problems.append(
                doc.problem(
                    [*at, key], f"'{raw[key]}' is not a real calendar date; write YYYY-MM-DD."
                )
            )
    if entry.date and entry.date > today:
        problems.append(
            doc.problem(
                [*at, "date"],
                f"{entry.date} is in the future; add an activity once it has taken place.",
            )
        )
    if entry.date and entry.end and entry.end < entry.date:
        problems.append(doc.problem([*at, "end"], "the last day is before the first day."))
    if activity is not None:
        if activity.own_choice:
            problems += _check_own_choice(doc, at, raw, rules)
        else:
            for key in ("claim", "category", "aims"):
                if key in raw:
                    problems.append(
                        doc.problem(
                            [*at, key],
                            f"`{key}` is only for own-choice "
                            "activities; remove it (the catalogue sets it).",
                            key=True,
                        )
                    )
            if entry.location and entry.location not in activity.locations:
                problems.append(
                    doc.problem(
                        [*at, "location"],
                        f"'{activity.title}' takes place "
                        f"{' or '.join(LOCATION_WORDS[x] for x in activity.locations)}, not "
                        f"{LOCATION_WORDS[entry.location]}.",
                    )
                )
            if activity.points.needs_amount and amount_of(entry, activity) is None:
                problems.append(
                    doc.problem(
                        at,
                        f"'{activity.title}' earns points per "
                        f"{activity.points.per}: add `amount:` (or `end:` for "
                        "a duration).",
                    )
                )
    for j, item in enumerate(entry.evidence):
        found = seen.get(item.file)
        if found is None:
            found = seen[item.file] = judge_evidence(doc, item.file, folder, rules, deep, files)
        problems += [
            doc.problem([*at, "evidence", j, "file"], message, severity=severity)
            for message, severity in found
        ]
    return problems


def _check_own_choice(
    doc: Document, at: list[str | int], raw: dict[str, object], rules: Rules
) -> list[Problem]:
    problems = []
    for key, what in (
        ("title", "a title saying what you did"),
        ("claim", "the points you propose"),
        ("category", "a category"),
        ("aims", "the aims it develops"),
    ):
        if key not in raw:
            problems.append(doc.problem(at, f"an own-choice activity needs `{key}:` ({what})."))
    category = raw.get("category")
    allowed = list(rules.own_choice.categories) or [c.id for c in rules.categories]
    if isinstance(category, str) and category not in allowed:
        problems.append(
            doc.problem(
                [*at, "category"],
                f"category '{category}' is not open to "
                f"own-choice activities{did_you_mean(category, allowed)}; "
                f"choose one of: {', '.join(allowed)}.",
            )
        )
    aims = [a.id for a in rules.aims]
    given = raw.get("aims")
    for j, aim in enumerate(given if isinstance(given, list) else []):
        if aim not in aims:
            problems.append(
                doc.problem(
                    [*at, "aims", j],
                    f"unknown aim '{aim}'"
                    f"{did_you_mean(aim, aims)}; choose from: "
                    f"{', '.join(aims)}.",
                )
            )
    return problems
