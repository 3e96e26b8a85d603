"""The "Rules and guidelines" page in plain words, written from rules.yml and activities.yml.

Nothing on the page is typed by hand: thresholds, categories and their caps, the date
window, evidence and reflection, own-choice limits, the cohorts (such as one-semester
exchange students) and how to apply all come from the administrators' files, so the page is
never out of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cim.model.catalogue import OWN_CHOICE, Activity, Catalogue
from cim.model.rules import Cohort, Rules, Window
from cim.scoring.verdict import cohort_requirements, describe_requirement


@dataclass(slots=True)
class Section:
    """One heading of the page: a few sentences and a list of points."""

    id: str
    title: str
    text: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)


def _window(window: Window) -> str:
    start = {
        "study_start": "the day your studies start",
        "registration": "the day you register for the certificate",
        "any": "any date, before or during your studies",
    }[window.start]
    if window.start != "any" and window.days_before:
        start = f"{window.days_before} days before {start}"
    end = {"study_end": "the last day of your studies", "any": "any later date"}[window.end]
    if window.end != "any" and window.days_after:
        end = f"{window.days_after} days after {end}"
    return f"Activities count from {start} until {end}; activities in the future never count."


def _cohort(cohort: Cohort, rules: Rules, catalogue: Catalogue) -> Section:
    unit = rules.unit
    section = Section(f"cohort-{cohort.id}", cohort.title)
    if cohort.description:
        section.text.append(cohort.description)
    goal = f"You need {cohort.threshold} {unit}"
    if cohort.award:
        goal += f" for the {cohort.award}"
    section.text.append(goal + ".")
    if cohort.may_apply is not None:
        section.text.append(
            f"You may apply once you have {cohort.may_apply} {unit} and everything else is done"
            " except what comes after applying."
        )
    section.text.append(_window(cohort.window))
    for req in cohort_requirements(cohort, rules)[1:]:
        words = describe_requirement(req, rules, catalogue)
        if req.after_applying:
            words += " (after you apply)"
        if req.level == "warning":
            words += " (recommended, not required)"
        section.points.append(words[0].upper() + words[1:])
    return section


def _categories(rules: Rules) -> Section:
    section = Section("categories", "Categories and limits")
    section.text.append(
        f"Every activity belongs to a category. A category may give at most a number of "
        f"{rules.unit}; what goes beyond it is not carried over to another category."
    )
    for c in rules.categories:
        notes = []
        parent = rules.category(c.within) if c.within else None
        if parent is not None:
            notes.append(f"part of {parent.title}")
        if c.cap is not None:
            notes.append(f"at most {c.cap} {rules.unit}")
        if c.min is not None:
            notes.append(f"at least {c.min} {rules.unit} needed")
        if c.required:
            notes.append("at least one activity needed")
        if c.all_or_nothing:
            notes.append(
                f"counts only when complete ({c.complete_at} {rules.unit}); less gives nothing"
            )
        line = c.title + (f" — {'; '.join(notes)}" if notes else "")
        section.points.append(line + (f". {c.description}" if c.description else ""))
    return section


def _proof(rules: Rules, catalogue: Catalogue) -> Section:
    section = Section("evidence", "Evidence, reflection and approval")
    section.text.append(
        "Each activity says what you must show for it to count (see Activities). Evidence is a "
        f"file in your portfolio folder: {', '.join(rules.evidence_types)}, at most "
        f"{rules.evidence_max_mb:g} MB each. Mark a file private to keep it off the public site."
    )
    listed = [a for a in catalogue.activities if not a.own_choice]
    evidence = [a.title for a in listed if a.proof.evidence_required and a.proof.mode == "all"]
    reflection = [a.title for a in listed if a.proof.reflection_required and a.proof.mode == "all"]
    either = [a.title for a in listed if a.proof.mode == "any"]
    approval = [a.title for a in listed if a.approval]
    per_group = [a.title for a in listed if a.reflection_per_group and a.group_size > 1]
    section.points += _which("Evidence is needed", evidence, listed)
    section.points += _which("A written reflection is needed", reflection, listed)
    if either:
        section.points.append("Evidence or a reflection is enough for: " + ", ".join(either) + ".")
    if per_group:
        section.points.append(
            "One reflection per group is enough for: " + ", ".join(per_group) + "."
        )
    if approval:
        section.points.append(
            "These count only once a reviewer has approved them: " + ", ".join(approval) + "."
        )
    return section


def _which(what: str, titles: list[str], listed: list[Activity]) -> list[str]:
    """ "… for: A, B" — or, when most activities need it, "… for every activity except: C"."""
    if not titles:
        return []
    others = [a.title for a in listed if a.title not in titles]
    if len(titles) > len(listed) / 2:
        if not others:
            return [f"{what} for every activity."]
        return [f"{what} for every activity except: {', '.join(others)}."]
    return [f"{what} for: {', '.join(titles)}."]


def _own_choice(rules: Rules) -> Section | None:
    own = rules.own_choice
    if not own.allowed:
        return None
    section = Section(OWN_CHOICE, "Activities of your own choice")
    section.text.append(
        "You may design an activity yourself and propose its points; a reviewer judges them "
        "and may grant fewer."
    )
    if own.max_points is not None:
        section.points.append(f"At most {own.max_points} {rules.unit} for one activity.")
    if own.cap is not None:
        section.points.append(f"At most {own.cap} {rules.unit} from your own activities in total.")
    if own.max_times is not None:
        section.points.append(f"At most {own.max_times} of them.")
    if own.categories:
        titles = [x.title if (x := rules.category(c)) else c for c in own.categories]
        section.points.append("They may go in: " + ", ".join(titles) + ".")
    if own.proof.evidence_required:
        what = own.proof.evidence_describe or "a file that shows you took part"
        section.points.append(f"Evidence: {what}")
    if own.proof.reflection_required:
        length = f"at least {own.proof.min_words} words" if own.proof.min_words else "a reflection"
        ask = f": {own.proof.prompt}" if own.proof.prompt else "."
        section.points.append(f"A reflection of {length}{ask}")
    return section


def _abroad(rules: Rules, catalogue: Catalogue) -> Section:
    section = Section("abroad", "At home, abroad and online")
    if rules.abroad_relative_to == "origin":
        section.text.append(
            "Abroad means outside your country of origin: a stay in the country you come from "
            "does not count as abroad, and for an international student a stay elsewhere in "
            f"{rules.country or 'this country'} does."
        )
    else:
        home = f" ({rules.country})" if rules.country else ""
        section.text.append(f"At home means in the university's country{home}; abroad, outside it.")
    outside = [a.title for a in catalogue.activities if a.outside_origin]
    if outside:
        section.points.append(
            "These count only outside your country of origin: " + ", ".join(outside) + "."
        )
    return section


def _apply(rules: Rules) -> Section:
    section = Section("apply", "How to take part and apply")
    section.points += [
        "Create your portfolio (your own folder in the CIM repository) and add each activity "
        "when it has taken place, with its evidence and reflection.",
        "Check it with `cim validate` and `cim points`: they say what counts, why, and what "
        "is still missing.",
        "Open a pull request. An administrator reviews your evidence, reflections and "
        "own-choice activities and approves by merging.",
        "When every requirement is met, the certificate is recorded by the administrators "
        + (f"({rules.institution})." if rules.institution else "."),
    ]
    return section


def sections(rules: Rules, catalogue: Catalogue) -> list[Section]:
    """The page's sections, in reading order."""
    found: list[Section | None] = [
        *(_cohort(c, rules, catalogue) for c in rules.cohorts),
        _categories(rules),
        _proof(rules, catalogue),
        _own_choice(rules),
        _abroad(rules, catalogue),
        _apply(rules),
    ]
    return [s for s in found if s is not None]
