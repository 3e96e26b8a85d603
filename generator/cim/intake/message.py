"""What intake says: the comment on the student's issue and the pull request's description,
in plain words. Anything a student typed that is quoted back is escaped, so it shows as text
(no links, mentions, images or HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cim.intake.plan import Plan

_MARKUP = str.maketrans({c: "\\" + c for c in "\\`*_[]#|!~"})


def escape(text: str) -> str:
    """``text`` as literal Markdown text: no markup, links, mentions or HTML."""
    text = " ".join(text.translate(_MARKUP).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "&#64;").replace("://", ":&#47;&#47;")


@dataclass(slots=True)
class Outcome:
    """A plan and what checking its result found."""

    plan: Plan
    login: str
    points: str = ""  # e.g. "28 → 43 points (100 needed)"
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def _items(lines: Sequence[str]) -> list[str]:
    return [f"- {escape(line)}" for line in lines]


def comment(o: Outcome) -> str:
    """The reply on the issue."""
    plan = o.plan
    hello = f"Hello @{o.login}!"  # the login comes from GitHub, not from the form
    if not plan.ok:
        return (
            "\n".join(
                [
                    hello,
                    "",
                    "**Nothing was created yet.** Please fix this first:",
                    "",
                    *_items(plan.refused),
                    "",
                    "To fix it, edit this issue (the ⋯ menu at the top right of your text → "
                    "Edit) and save: it is read again every time you save.",
                ]
            )
            + "\n"
        )
    what = "registration" if plan.kind == "register" else "activity"
    lines = [hello, "", f"**Your {what} is ready for an administrator to approve.**", ""]
    lines += _items(plan.done)
    if o.points and plan.kind == "activity":
        lines += ["", f"**If it is approved:** {escape(o.points)}."]
    if o.errors:
        lines += ["", "**To fix before it can be approved:**", "", *_items(o.errors)]
    if o.warnings and plan.kind == "activity":  # a new portfolio is all "still to do"
        lines += ["", "**Good to know:**", "", *_items(o.warnings)]
    lines += [
        "",
        "**What happens next:** an administrator reviews the proposal (the pull request "
        "linked below) and approves it by merging it. This issue then closes by itself.",
        "",
        "Want to change something? Edit this issue (⋯ → Edit) and save: the proposal is "
        "updated. You can also change your portfolio later in the browser; the students' "
        "guide shows how.",
    ]
    if plan.kind == "register":
        lines += [
            "",
            "Once your registration is approved, add your activities with the form "
            "“Add an activity”.",
        ]
    return "\n".join(lines) + "\n"


def pull_request(o: Outcome, issue_number: int, author_id: int) -> str:
    """The pull request's description; it closes the issue when merged."""
    plan = o.plan
    lines = [
        f"Made from the form in #{issue_number} by @{o.login} (GitHub user id {author_id}).",
        "Changes only `portfolios/" + plan.portfolio + "/`.",
        "",
        f"Closes #{issue_number}",
        "",
        "### What changes",
        "",
        *_items(plan.done),
    ]
    if o.points:
        lines += ["", f"**Points if merged:** {escape(o.points)}"]
    if o.review:
        lines += ["", "### Needs your judgement (own choice)", "", *_items(o.review)]
    if o.errors:
        lines += ["", "### Problems the student must fix", "", *_items(o.errors)]
    if o.warnings:
        lines += ["", "### Warnings", "", *_items(o.warnings)]
    lines += [
        "",
        "### Reviewing",
        "",
        "- [ ] The evidence shows the activity (open the files under Files changed).",
        "- [ ] The reflection is the student's own and fits the activity.",
        "- [ ] Approve by merging; ask for changes with a comment on the issue.",
    ]
    return "\n".join(lines) + "\n"
