"""The two issue forms, made from the rules and the catalogue.

One description serves both ends: :func:`render` writes it as a GitHub issue form
(``.github/ISSUE_TEMPLATE/*.yml``) and :mod:`cim.intake.answers` reads the filled-in issue by
the same labels, so the form and the reader can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from cim.model.catalogue import OWN_CHOICE, Catalogue
from cim.model.rules import Rules
from cim.model.texts import translated

REGISTER_LABEL = "registration"
ACTIVITY_LABEL = "activity"
REGISTER_FILE = ".github/ISSUE_TEMPLATE/register.yml"
ACTIVITY_FILE = ".github/ISSUE_TEMPLATE/add-activity.yml"
EVIDENCE_KINDS = ("certificate", "attendance", "transcript", "photo", "report", "other")
KIND_WORDS = {
    "certificate": "Certificate",
    "attendance": "Attendance (a list, a stamp card, a letter)",
    "transcript": "Transcript of records",
    "photo": "Photo",
    "report": "Report or presentation",
    "other": "Something else",
}
MAX_ATTACHMENTS = 5


@dataclass(frozen=True, slots=True)
class Field:
    """One question of a form; ``kind`` is GitHub's element type."""

    id: str
    label: str
    kind: str  # input | textarea | dropdown | checkboxes
    description: str = ""
    placeholder: str = ""
    options: tuple[str, ...] = ()
    required: bool = False
    multiple: bool = False


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    description: str
    title: str
    label: str
    intro: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)


def option(title: str, ident: str) -> str:
    """A dropdown option that shows a title and the id behind it."""
    return f"{title} ({ident})"


def cohort_options(rules: Rules) -> tuple[str, ...]:
    default = [c for c in rules.cohorts if c.id == rules.default_cohort]
    others = [c for c in rules.cohorts if c.id != rules.default_cohort]
    return tuple(c.title for c in (*default, *others))


# The forms' fields are laid out as a table (a field in two or three lines), not by the
# formatter's one-argument-a-line.
# fmt: off
def registration_form(rules: Rules) -> Form:
    """The form "Register for CIM": who you are and what you study; your GitHub account is
    known."""
    fields = [
        Field("name", "Your full name", "input", "As it should appear on your certificate.",
              "Anna Lind", required=True),
        Field("programme", "Study programme", "dropdown",
              options=tuple(p.title for p in rules.programmes), required=True),
    ]
    if len(rules.cohorts) > 1:
        fields.append(
            Field("cohort", "Which group are you in?", "dropdown",
                  "Choose the first one unless you are an exchange student.",
                  options=cohort_options(rules), required=True)
        )
    fields += [
        Field("start", "First day of your studies", "input",
              "Year-month-day, for example 2025-08-25. Activities count from this day.",
              "2025-08-25", required=True),
        Field("end", "Expected last day of your studies", "input",
              "Your graduation, or the end of your exchange semester. Year-month-day. Leave "
              "empty if you do not know yet.", "2028-06-09"),
        Field("origin", "Your country of origin", "input",
              "The country's name in English, for example Sweden. Activities abroad count "
              "from this country.", "Sweden"),
        Field("publish", "Publication", "checkboxes",
              options=("I agree that my portfolio is shown on the public CIM site. You can "
                       "change this later.",)),
    ]
    return Form(
        name=f"Register for {rules.short_name or rules.name}",
        description=f"Take part in the {rules.name}: your portfolio is created for you.",
        title="Register: ",
        label=REGISTER_LABEL,
        intro=(
            "Welcome! Fill in this form and press **Submit new issue**. A portfolio is "
            "created for you within a few minutes and this page tells you what happens next. "
            "Your GitHub account is recorded as the portfolio's owner; you never need to type "
            "it.\n\nPlease do not write a personal identity number anywhere."
        ),
        fields=tuple(fields),
    )
# fmt: on


def _minimum_words(catalogue: Catalogue) -> str:
    lines = [
        f"- {a.title}: at least {a.proof.min_words} words"
        for a in catalogue.activities
        if a.proof.min_words
    ]
    return "\n".join(lines)


def _counted_per_unit(catalogue: Catalogue) -> str:
    lines = [
        f"- {a.title}: {a.describe_points()}"
        for a in catalogue.activities
        if a.points.kind in ("per_unit", "bands")
    ]
    return "\n".join(lines)


def activity_options(catalogue: Catalogue) -> dict[str, str]:
    """The activity dropdown: each option (title and id) → the activity id; own choice last."""
    result = {
        option(_both(a.title, translated(a, "title", "sv")), a.id): a.id
        for a in catalogue.activities
        if a.id != OWN_CHOICE
    }
    if catalogue.get(OWN_CHOICE):
        own = _both("An activity of my own design", "En aktivitet som jag har utformat själv")
        result[option(own, OWN_CHOICE)] = OWN_CHOICE
    return result


def _both(english: str, swedish: str) -> str:
    """A title in English and, when it differs, in Swedish."""
    return english if swedish == english else f"{english} · {swedish}"


# fmt: off
def activity_form(rules: Rules, catalogue: Catalogue) -> Form:
    """The form "Add an activity": one entry of the student's portfolio, with its evidence."""
    activities = tuple(activity_options(catalogue))
    fields = [
        Field("activity", "Activity", "dropdown",
              "Choose the activity from the catalogue. Not listed? Choose the last option "
              "and fill in the questions about your own activity at the end.",
              options=activities, required=True),
        Field("date", "Date", "input",
              "Year-month-day, for example 2025-02-12. The first day if it lasted longer.",
              "2025-02-12", required=True),
        Field("end", "Last day", "input",
              "Only if it lasted longer than a day. Year-month-day.", "2025-04-30"),
        Field("amount", "How many", "input",
              "Only for activities that count per session, hour, day, week or credit:\n\n"
              + _counted_per_unit(catalogue), "6"),
        Field("place", "Place", "input", "The city, institution or organisation.",
              "Jönköping University"),
        Field("country", "Country", "input",
              "Where it took place, the country's name in English.", "Sweden"),
        Field("language", "Language", "input", "The language it was held in.", "English"),
        Field("reflection", "Reflection", "textarea",
              "What did you learn? How will it shape you as a professional? The activities "
              "that ask for a reflection need this many words:\n\n"
              + _minimum_words(catalogue)),
        Field("evidence", "Evidence", "textarea",
              "Drag your certificate, attendance list or photo into this box (JPEG, PNG, WebP "
              f"or PDF, at most {MAX_ATTACHMENTS} files of {rules.evidence_max_mb:g} MB). "
              "Photos are saved without their location and other hidden data, and very large "
              "photos are made smaller."),
        Field("caption", "What the evidence shows", "input",
              "One sentence, shown under the evidence.", "Stamp card from the language café"),
        Field("kind", "Kind of evidence", "dropdown",
              options=tuple(option(KIND_WORDS[k], k) for k in EVIDENCE_KINDS)),
        Field("private", "Privacy", "checkboxes",
              options=("Keep the evidence private: reviewers see it, the public site never "
                       "does.",)),
    ]
    if catalogue.get(OWN_CHOICE):
        fields += _own_choice_fields(rules)
    return Form(
        name="Add an activity",
        description="Add one activity and its evidence to your CIM portfolio.",
        title="Activity: ",
        label=ACTIVITY_LABEL,
        intro=(
            "Fill in one form for each activity and press **Submit new issue**. The activity "
            "is added to your portfolio as a proposal that an administrator approves; this "
            "page then shows your points before and after. To change something, edit this "
            "issue: the proposal follows.\n\nPlease do not write a personal identity number "
            "anywhere."
        ),
        fields=tuple(fields),
    )


def _own_choice_fields(rules: Rules) -> list[Field]:
    """The questions only an activity of the student's own design needs."""
    own = rules.own_choice
    allowed = own.categories or tuple(c.id for c in rules.categories)
    categories = tuple(option(c.title, c.id) for c in rules.categories if c.id in allowed)
    return [
        Field("title", "Own activity: what you did", "input",
              "Only for an activity of your own design: a short title.",
              "Interpreter for a refugee family"),
        Field("category", "Own activity: category", "dropdown",
              "Only for an activity of your own design.", options=categories),
        Field("aims", "Own activity: the aims it develops", "dropdown",
              "Only for an activity of your own design; choose one or more.",
              options=tuple(option(a.title, a.id) for a in rules.aims), multiple=True),
        Field("claim", "Own activity: the points you propose", "input",
              "Only for an activity of your own design. "
              + (f"At most {own.max_points}; " if own.max_points else "")
              + "the reviewer decides.", "10"),
    ]
# fmt: on


def _element(f: Field) -> dict[str, Any]:
    attributes: dict[str, Any] = {"label": f.label}
    if f.description:
        attributes["description"] = f.description
    if f.placeholder:
        attributes["placeholder"] = f.placeholder
    if f.kind == "dropdown":
        attributes["options"] = list(f.options)
        if f.multiple:
            attributes["multiple"] = True
    if f.kind == "checkboxes":
        attributes["options"] = [{"label": text} for text in f.options]
    element: dict[str, Any] = {"type": f.kind, "id": f.id, "attributes": attributes}
    if f.required and f.kind != "checkboxes":
        element["validations"] = {"required": True}
    return element


HEADER = (
    "# Made by `cim forms` from rules.yml and activities.yml: change those files and run\n"
    "# `cim forms` again instead of editing this one (a test fails when it is out of date).\n"
)


def render(form: Form) -> str:
    """The form as GitHub's issue-form YAML, its explanations in English and Swedish."""
    from cim.intake.swedish import bilingual

    form = bilingual(form)
    data: dict[str, Any] = {
        "name": form.name,
        "description": form.description,
        "title": form.title,
        "labels": [form.label],
        "body": [
            {"type": "markdown", "attributes": {"value": form.intro}},
            *(_element(f) for f in form.fields),
        ],
    }
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + text


class _Dumper(yaml.SafeDumper):
    """Readable forms: lists indented under their key, texts of several lines as blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def forms(rules: Rules, catalogue: Catalogue) -> dict[str, str]:
    """Every form file (path → content)."""
    return {
        REGISTER_FILE: render(registration_form(rules)),
        ACTIVITY_FILE: render(activity_form(rules, catalogue)),
    }
