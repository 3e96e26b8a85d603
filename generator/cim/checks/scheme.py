"""Checks of the scheme files (rules.yml and activities.yml) that a schema cannot see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cim.checks.translations import check_translations
from cim.hints import did_you_mean, duplicates
from cim.model.catalogue import OWN_CHOICE, Catalogue
from cim.model.rules import Requirement, Rules
from cim.problems import Problem, Severity
from cim.read.source import Document

# --- rules.yml ----------------------------------------------------------------------------


def _check_cohorts(doc: Document, rules: Rules) -> list[Problem]:
    """What each cohort says that the schema cannot check."""
    problems: list[Problem] = []
    for i, cohort in enumerate(rules.cohorts):
        if cohort.may_apply is not None and cohort.may_apply >= cohort.threshold:
            problems.append(
                doc.problem(["cohorts", i, "may_apply"], "may_apply must be below the threshold.")
            )
        if not cohort.exchange and "exchange" in f"{cohort.id} {cohort.title}".lower():
            problems.append(
                doc.problem(
                    ["cohorts", i, "id"],
                    f"cohort '{cohort.id}' looks like one for exchange students; add "
                    "`kind: exchange` to it so that they are celebrated by semester "
                    "(without it they are treated as degree students).",
                    severity=Severity.WARNING,
                )
            )
    return problems


def check_rules(doc: Document, rules: Rules) -> list[Problem]:
    problems: list[Problem] = []
    for section, items in (
        ("aims", rules.aims),
        ("categories", rules.categories),
        ("programmes", rules.programmes),
        ("cohorts", rules.cohorts),
    ):
        for i, value in duplicates([x.id for x in items]):
            problems.append(
                doc.problem(
                    [section, i, "id"], f"{section} id '{value}' is used twice; ids must be unique."
                )
            )
    cohort_ids = [c.id for c in rules.cohorts]
    if rules.default_cohort not in cohort_ids:
        problems.append(
            doc.problem(
                ["default_cohort"],
                f"default_cohort '{rules.default_cohort}' is not a cohort"
                f"{did_you_mean(rules.default_cohort, cohort_ids)}",
            )
        )
    problems += _check_cohorts(doc, rules)
    categories = [c.id for c in rules.categories]
    for i, c in enumerate(rules.categories):
        if c.all_or_nothing and c.complete_at is None:
            problems.append(
                doc.problem(
                    ["categories", i, "all_or_nothing"],
                    f"the category '{c.id}' counts only when complete, but nothing says when it "
                    "is complete: add `min:` (or `cap:`) with its points.",
                )
            )
        parent = rules.category(c.within) if c.within else None
        if c.within and (parent is None or parent.within or parent.id == c.id):
            problems.append(
                doc.problem(
                    ["categories", i, "within"],
                    f"`within: {c.within}` must name another category that is not itself within "
                    f"one{did_you_mean(c.within, categories)}.",
                )
            )
    for i, category in enumerate(rules.own_choice.categories):
        if category not in categories:
            problems.append(
                doc.problem(
                    ["own_choice", "categories", i],
                    f"unknown category '{category}'"
                    f"{did_you_mean(category, categories)}; "
                    "categories are listed under `categories:`.",
                )
            )
    problems += check_translations(doc)
    return problems


def _walk(requirements: Iterable[Requirement]) -> Iterator[Requirement]:
    for req in requirements:
        yield req
        yield from _walk(req.parts)


def check_references(rules_doc: Document, rules: Rules, catalogue: Catalogue) -> list[Problem]:
    """Every id a requirement names must exist in the rules or the catalogue."""
    problems: list[Problem] = []
    known = {
        "category": [c.id for c in rules.categories],
        "activity": [a.id for a in catalogue.activities],
        "aim": [a.id for a in rules.aims],
    }
    for cohort in rules.cohorts:
        problems += _unknown_ids(rules_doc, cohort.requirements, known)
    return problems


def _unknown_ids(
    doc: Document, requirements: Iterable[Requirement], known: dict[str, list[str]]
) -> list[Problem]:
    problems = []
    for req in _walk(requirements):
        for field in ("category", "activity", "aim"):
            for value in getattr(req.where, field):
                if value not in known[field]:
                    problems.append(
                        doc.problem(
                            [*req.path, "where", field],
                            f"requirement names an unknown {field} '{value}'"
                            f"{did_you_mean(value, known[field])}; define it or fix the id.",
                        )
                    )
    return problems


# --- activities.yml -----------------------------------------------------------------------


# Long because a checklist read top to bottom, one short check per field of an activity.
def check_catalogue(doc: Document, catalogue: Catalogue, rules: Rules | None) -> list[Problem]:
    problems: list[Problem] = []
    listed = [a for a in catalogue.activities if a.index >= 0]
    for i, value in duplicates([a.id for a in listed]):
        problems.append(
            doc.problem(
                ["activities", i, "id"],
                f"activity id '{value}' is used twice; ids must be unique "
                "and must never be reused.",
            )
        )
    for a in listed:
        at: list[str | int] = ["activities", a.index]
        if a.id == OWN_CHOICE:
            problems.append(
                doc.problem(
                    [*at, "id"],
                    f"'{OWN_CHOICE}' is reserved; own-choice "
                    "activities are configured under `own_choice:` in rules.yml.",
                )
            )
        if a.group_size > 1 and a.points.kind != "fixed":
            problems.append(
                doc.problem(
                    [*at, "points"],
                    "a grouped activity needs fixed points (the points of one complete group).",
                )
            )
        for j, band in enumerate(a.points.bands):
            if not band.holds_any():
                problems.append(
                    doc.problem(
                        [*at, "points", "bands", j],
                        f"band max {band.max:g} is below its min {band.lowest:g}."
                        if band.max is not None and band.min is not None
                        else f"the band '{band.describe(a.points.per)}' holds no amount: its "
                        "upper bound is not above its lower bound.",
                    )
                )
        if rules is None:
            continue
        if a.after is not None:
            problems += _unknown_ids(
                doc,
                (a.after,),
                {
                    "category": [c.id for c in rules.categories],
                    "activity": [x.id for x in catalogue.activities],
                    "aim": [x.id for x in rules.aims],
                },
            )
        categories = [c.id for c in rules.categories]
        if a.category not in categories:
            problems.append(
                doc.problem(
                    [*at, "category"],
                    f"unknown category '{a.category}'"
                    f"{did_you_mean(a.category, categories)}; categories are "
                    "defined in rules.yml.",
                )
            )
        aims = [x.id for x in rules.aims]
        for j, aim in enumerate(a.aims):
            if aim not in aims:
                problems.append(
                    doc.problem(
                        [*at, "aims", j],
                        f"unknown aim '{aim}'"
                        f"{did_you_mean(aim, aims)}; aims are defined in "
                        "rules.yml.",
                    )
                )
        for field, values, known in (
            ("cohorts", a.cohorts, [c.id for c in rules.cohorts]),
            ("programmes", a.programmes, [p.id for p in rules.programmes]),
        ):
            for j, value in enumerate(values):
                if value not in known:
                    problems.append(
                        doc.problem(
                            [*at, field, j],
                            f"unknown {field[:-1]} '{value}'{did_you_mean(value, known)}.",
                        )
                    )
    problems += check_translations(doc)
    return problems
