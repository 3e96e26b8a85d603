"""The pure core of intake: a filled-in form, its author and the base branch in; the change to
propose (files on a branch named from ids) or the reason why not, in plain words, out.

Nothing here reads the network, the disk or git. What a student may change is decided here:
a registration creates ``portfolios/<new id>/portfolio.yml`` for someone who owns no portfolio
(owners by numeric GitHub id, read from the base branch); an activity is appended to the
author's own portfolio and its evidence goes into that portfolio's ``evidence/`` folder under
names made from ids. Every path this module returns lies inside that one folder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cim.github.ownership import INTAKE_BRANCH
from cim.intake import forms, names
from cim.intake.answers import Answers, Issue
from cim.intake.yamltext import WriteError, append_entry, new_portfolio
from cim.model.catalogue import OWN_CHOICE, Catalogue
from cim.model.layout import PORTFOLIO_FILE, PORTFOLIOS_DIR
from cim.model.rules import Rules

BRANCH_PREFIX = "intake/"
BRANCH = INTAKE_BRANCH
_OPTION_ID = re.compile(r"\(([a-z0-9][a-z0-9-]*)\)$")
MAX_LINE = 200


def branch_name(portfolio: str, issue: int) -> str:
    """The branch of one issue's proposal, made from ids only."""
    name = f"{BRANCH_PREFIX}{portfolio}/issue-{issue}"
    if not BRANCH.fullmatch(name):
        raise ValueError(f"not a valid branch name: {name!r}")
    return name


@dataclass(frozen=True, slots=True)
class Attachment:
    """An evidence file fetched from the issue and made safe, ready to commit."""

    data: bytes
    suffix: str  # jpg | png | webp | pdf
    done: tuple[str, ...] = ()  # what was done to it, in plain words


@dataclass(frozen=True, slots=True)
class Base:
    """What intake needs to know of the base branch."""

    rules: Rules
    catalogue: Catalogue
    owners: Mapping[str, int | None]  # every portfolio id → its owner's numeric id
    pending: Mapping[str, int] = field(default_factory=dict)  # id → issue of an open proposal
    texts: Mapping[str, str] = field(default_factory=dict)  # portfolio id → its portfolio.yml


@dataclass(slots=True)
class Plan:
    """The change to propose, or why there is none."""

    kind: str  # register | activity
    issue: int
    portfolio: str = ""
    branch: str = ""
    title: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)  # what was created or changed
    refused: list[str] = field(default_factory=list)  # what the student must do first

    @property
    def ok(self) -> bool:
        return not self.refused and bool(self.files)


def _line(answers: Answers, field_id: str, label: str, problems: list[str]) -> str:
    value = " ".join(answers.get(field_id).split())
    if len(value) > MAX_LINE:
        problems.append(f"“{label}” is longer than {MAX_LINE} characters; shorten it.")
    return value


def _date(answers: Answers, field_id: str, label: str, problems: list[str]) -> str:
    value = answers.get(field_id).strip()
    if not value:
        return ""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        problems.append(
            f"“{label}” should be a date written year-month-day, for example 2025-02-12 "
            f"(it says “{value[:40]}”)."
        )
        return ""


def _chosen(value: str, options: Mapping[str, str]) -> str | None:
    """The id behind a dropdown answer (by the whole option, or the id in its brackets)."""
    if value in options:
        return options[value]
    match = _OPTION_ID.search(value)
    return match.group(1) if match and match.group(1) in options.values() else None


def owned_by(base: Base, author_id: int) -> list[str]:
    return sorted(pid for pid, owner in base.owners.items() if owner == author_id)


def _registration_answers(answers: Answers, base: Base, plan: Plan) -> dict[str, Any] | None:
    """Name, programme, group, studies and origin from the form (in the portfolio's key
    order), or None with what to fix added to ``plan.refused``."""
    form = forms.registration_form(base.rules)
    problems = plan.refused
    name = _line(answers, "name", form.field("name").label, problems)
    if not name:
        problems.append("Write your full name in “Your full name”.")
    programmes = {p.title: p.id for p in base.rules.programmes}
    programme = _chosen(answers.get("programme").strip(), programmes)
    if programme is None:
        problems.append("Choose your study programme from the list in “Study programme”.")
    cohort = base.rules.default_cohort
    if any(f.id == "cohort" for f in form.fields):
        cohorts = {c.title: c.id for c in base.rules.cohorts}
        chosen = _chosen(answers.get("cohort").strip(), cohorts)
        if chosen is None:
            problems.append("Choose your group in “Which group are you in?”.")
        cohort = chosen or cohort
    start = _date(answers, "start", form.field("start").label, problems)
    if not start and not any("First day" in p for p in problems):
        problems.append("Write the first day of your studies, for example 2025-08-25.")
    end = _date(answers, "end", form.field("end").label, problems)
    if start and not end:
        days = 3 * 365 if cohort == base.rules.default_cohort else 183
        end = (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()
        plan.done.append(
            f"Your expected last day of studies was set to {end}; change it if you know "
            "better (edit this issue)."
        )
    origin = _country(answers, "origin", "Your country of origin", "Sweden", problems)
    if problems:
        return None
    given: dict[str, Any] = {"name": name, "programme": programme}
    if cohort and cohort != base.rules.default_cohort:
        given["cohort"] = cohort
    if origin:
        given["origin_country"] = origin
    given["studies"] = {"start": start, "end": end}
    return given


def _country(
    answers: Answers, field_id: str, label: str, example: str, problems: list[str]
) -> str | None:
    text = _line(answers, field_id, label, problems)
    code = names.country_code(text) if text else None
    if text and code is None:
        problems.append(
            f"“{text[:40]}” in “{label}” is not a country we know; write its English name, "
            f"for example {example}."
        )
    return code


def plan_registration(
    issue: Issue,
    answers: Answers,
    base: Base,
    *,
    today: dt.date,
    keep_id: str | None = None,
) -> Plan:
    """A new portfolio for the issue's author, or why not.

    ``keep_id`` is the id of this issue's earlier proposal (an edited issue keeps its id).
    """
    plan = Plan("register", issue.number)
    own = owned_by(base, issue.author.id)
    if own:
        plan.portfolio = own[0]
        plan.refused.append(
            f"You already have a portfolio: {PORTFOLIOS_DIR}/{own[0]}/. A student keeps one "
            "portfolio, so nothing new was created. To add an activity, open a new issue with "
            "the form “Add an activity”."
        )
        return plan
    given = _registration_answers(answers, base, plan)
    if given is None:
        return plan
    name = given.pop("name")
    taken = set(base.owners) | {pid for pid, n in base.pending.items() if n != issue.number}
    if keep_id and keep_id not in base.owners:
        pid = keep_id
    else:
        pid = names.portfolio_id(name, issue.author.login, taken)
    values: dict[str, Any] = {
        "id": pid,
        "name": name,
        "github": issue.author.login,
        "github_id": issue.author.id,
        **given,
        "registered": today.isoformat(),
    }
    values["publish"] = bool(answers.ticked.get("publish"))
    path = f"{PORTFOLIOS_DIR}/{pid}/{PORTFOLIO_FILE}"
    try:
        text = new_portfolio(values, path)
    except WriteError as exc:
        plan.refused.append(f"Your answers could not be written as a portfolio ({exc}).")
        return plan
    plan.portfolio = pid
    plan.branch = branch_name(pid, issue.number)
    plan.title = f"Register {name}"[:120]
    plan.files = {path: text.encode("utf-8"), f"{PORTFOLIOS_DIR}/{pid}/evidence/.gitkeep": b""}
    plan.done.insert(0, f"Your portfolio {PORTFOLIOS_DIR}/{pid}/ was created.")
    if values["publish"]:
        plan.done.append("You agreed to publication: your page appears once you have points.")
    return plan


def _number(text: str, label: str, problems: list[str], *, whole: bool) -> float | int | None:
    value = text.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not (0 < number <= 10_000) or (whole and number != int(number)):
        kind = "a whole number" if whole else "a number"
        problems.append(f"“{label}” should be {kind}, for example 6 (it says “{value[:20]}”).")
        return None
    return int(number) if number == int(number) else number


def _own_choice_answers(answers: Answers, base: Base, problems: list[str]) -> dict[str, Any]:
    """Title, claim, category and aims of an activity of the student's own design."""
    found: dict[str, Any] = {}
    title = _line(answers, "title", "Own activity: what you did", problems)
    if not title:
        problems.append("Write what you did in “Own activity: what you did”.")
    found["title"] = title
    label = "Own activity: the points you propose"
    claim = _number(answers.get("claim"), label, problems, whole=True)
    if claim is not None:
        found["claim"] = int(claim)
    categories = {c.title: c.id for c in base.rules.categories}
    category = _chosen(answers.get("category").strip(), categories)
    if category:
        found["category"] = category
    aims = {a.title: a.id for a in base.rules.aims}
    chosen = [_chosen(a.strip(), aims) for a in answers.get("aims").split(",") if a.strip()]
    if chosen:
        found["aims"] = sorted({a for a in chosen if a})
    return found


def _entry_answers(answers: Answers, base: Base, problems: list[str]) -> dict[str, Any]:
    """The entry the form describes (without evidence), in the portfolio's key order."""
    activity = _chosen(answers.get("activity").strip(), forms.activity_options(base.catalogue))
    if activity is None or base.catalogue.get(activity) is None:
        problems.append("Choose the activity from the list in “Activity”.")
    entry: dict[str, Any] = {"activity": activity}
    own = _own_choice_answers(answers, base, problems) if activity == OWN_CHOICE else {}
    if "title" in own:
        entry["title"] = own.pop("title")
    date = _date(answers, "date", "Date", problems)
    if not date and not any("“Date”" in p for p in problems):
        problems.append("Write the date of the activity, for example 2025-02-12.")
    entry["date"] = date
    end = _date(answers, "end", "Last day", problems)
    if end:
        entry["end"] = end
    amount = _number(answers.get("amount"), "How many", problems, whole=False)
    if amount is not None:
        entry["amount"] = amount
    entry.update(own)
    country = _country(answers, "country", "Country", "Netherlands", problems)
    if country:
        entry["country"] = country
    for key, label in (("place", "Place"), ("language", "Language")):
        value = _line(answers, key, label, problems)
        if value:
            entry[key] = value
    reflection = answers.get("reflection").strip()
    if reflection:
        entry["reflection"] = "\n".join(line.rstrip() for line in reflection.split("\n"))
    return entry


def _add_evidence(
    plan: Plan, entry: dict[str, Any], answers: Answers, attachments: list[Attachment]
) -> None:
    """The attachments as files of the plan (names from ids only) and items of the entry."""
    kinds = {forms.option(forms.KIND_WORDS[k], k): k for k in forms.EVIDENCE_KINDS}
    photos = bool(attachments) and all(a.suffix != "pdf" for a in attachments)
    kind = _chosen(answers.get("kind").strip(), kinds) or ("photo" if photos else "other")
    caption = " ".join(answers.get("caption").split())
    evidence = []
    for n, attachment in enumerate(attachments, 1):
        name = (
            f"evidence/{entry['activity']}-{entry['date']}-issue{plan.issue}-{n}"
            f".{attachment.suffix}"
        )
        plan.files[f"{PORTFOLIOS_DIR}/{plan.portfolio}/{name}"] = attachment.data
        item: dict[str, Any] = {"file": name, "kind": kind}
        if caption:
            item["caption"] = caption if len(attachments) == 1 else f"{caption} ({n})"
        if answers.ticked.get("private"):
            item["private"] = True
        evidence.append(item)
        plan.done.extend(f"{name}: {what}" for what in attachment.done)
    if evidence:
        entry["evidence"] = evidence


def _not_registered(base: Base) -> str:
    if base.pending:
        return (
            "We could not find an accepted portfolio of yours yet. When an administrator has "
            "accepted your registration, make any small edit to this issue to try again."
        )
    return (
        "We could not find a portfolio of yours. Register first with the form “Register for "
        "CIM”. If you have registered already, wait until an administrator has accepted the "
        "registration, then make any small edit to this issue to try again."
    )


def plan_activity(
    issue: Issue,
    answers: Answers,
    base: Base,
    attachments: list[Attachment],
    *,
    refused_files: list[str] | None = None,
) -> Plan:
    """The author's portfolio with one more entry (and its evidence), or why not."""
    plan = Plan("activity", issue.number)
    own = owned_by(base, issue.author.id)
    if not own:
        plan.refused.append(_not_registered(base))
        return plan
    plan.portfolio = pid = own[0]
    text = base.texts.get(pid)
    if text is None:
        plan.refused.append(f"{PORTFOLIOS_DIR}/{pid}/{PORTFOLIO_FILE} cannot be read.")
        return plan
    plan.refused.extend(refused_files or ())
    entry = _entry_answers(answers, base, plan.refused)
    _line(answers, "caption", "What the evidence shows", plan.refused)
    if plan.refused:
        return plan
    _add_evidence(plan, entry, answers, attachments)
    path = f"{PORTFOLIOS_DIR}/{pid}/{PORTFOLIO_FILE}"
    try:
        plan.files[path] = append_entry(text, entry, path).encode("utf-8")
    except WriteError as exc:
        plan.files.clear()
        plan.refused.append(f"The activity could not be added to your portfolio ({exc}).")
        return plan
    activity = base.catalogue.get(entry["activity"])
    shown = entry.get("title") or (activity.title if activity else entry["activity"])
    count = len(entry.get("evidence", ()))
    with_files = f" with {count} evidence file{'s' if count > 1 else ''}" if count else ""
    plan.branch = branch_name(pid, issue.number)
    plan.title = f"{pid}: add {shown} ({entry['date']})"[:120]
    plan.done.insert(0, f"“{shown}” ({entry['date']}) was added to {path}{with_files}.")
    return plan
