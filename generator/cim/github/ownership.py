"""Who may change what in a pull request: the decision, as a pure function.

A student may change only their own ``portfolios/<id>/`` folder. Ownership binds to the
student's immutable numeric GitHub user id as written in the *base* branch (never the PR's own
copy, which the PR could rewrite). A rename counts on both sides. A new folder may be created
only for oneself. Symlinks and submodules are never accepted. Administrators are exempt. When
the list of changed files is incomplete, the decision fails closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PORTFOLIOS = "portfolios/"
SYMLINK, SUBMODULE = "120000", "160000"


@dataclass(frozen=True, slots=True)
class Change:
    """One changed file as the pull request's file list gives it."""

    path: str
    status: str = "modified"  # added | modified | removed | renamed | copied | changed
    previous: str | None = None  # the old path of a rename
    mode: str | None = None  # the file's git mode in the PR head (None when removed)


@dataclass(slots=True)
class Decision:
    allowed: bool
    author_id: int
    reasons: list[str] = field(default_factory=list)
    portfolios: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.allowed:
            scope = ", ".join(self.portfolios) or "no portfolio"
            return f"Allowed: the changes stay within {scope}."
        return "Not allowed:\n" + "\n".join(f"- {r}" for r in self.reasons)


# The branches the intake workflow pushes for a form: intake/<portfolio id>/issue-<number>.
INTAKE_BRANCH = re.compile(r"intake/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)/issue-([1-9][0-9]{0,9})")
WORKFLOW_LOGIN = "github-actions[bot]"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def intake_author(pr: Mapping[str, Any], issue: Mapping[str, Any] | None) -> int | None:
    """The student a form-made pull request speaks for, or None when it is not one.

    A pull request that the intake workflow opened is authored by the workflow's bot, from a
    branch of this same repository (which only the workflow and administrators can push)
    named after the issue it came from. The student is that issue's author, as GitHub gives
    it: the decision is then made for them, exactly as for a pull request of their own."""
    user = pr.get("user") or {}
    head, base = pr.get("head") or {}, pr.get("base") or {}
    head_repo = (head.get("repo") or {}).get("full_name")
    match = INTAKE_BRANCH.fullmatch(str(head.get("ref", "")))
    if (
        user.get("login") != WORKFLOW_LOGIN
        or user.get("type") != "Bot"
        or match is None
        or head_repo is None
        or head_repo != (base.get("repo") or {}).get("full_name")
        or not isinstance(issue, Mapping)
        or _int(issue.get("number")) != int(match.group(2))
        or "pull_request" in issue  # the number of a pull request, not of an issue
    ):
        return None
    return _int((issue.get("user") or {}).get("id"))


def portfolio_of(path: str) -> str | None:
    """The portfolio id a path belongs to, or None outside ``portfolios/<id>/``."""
    if not path.startswith(PORTFOLIOS):
        return None
    parts = path[len(PORTFOLIOS) :].split("/")
    if len(parts) < 2 or not parts[0] or parts[0] in (".", ".."):
        return None
    return parts[0]


def portfolios_touched(changes: Iterable[tuple[str, str, str | None]]) -> set[str]:
    """The portfolio ids whose folders a list of changes (status, path, old path) touches,
    the old side of a rename included."""
    return {
        pid
        for _, path, old in changes
        for p in (path, old)
        if p
        for pid in [portfolio_of(p)]
        if pid
    }


def decide(
    changes: Iterable[Change],
    *,
    author_id: int,
    expected_count: int,
    base_owners: Mapping[str, int | None],
    new_owners: Mapping[str, int | None],
    admins: Iterable[int] = (),
) -> Decision:
    """Decide whether the author may make these changes.

    ``base_owners`` maps every portfolio id in the base branch to its owner's user id (None
    when it names none); ``new_owners`` maps portfolio ids that are new in the PR to the user
    id their new portfolio.yml declares; ``expected_count`` is the number of changed files the
    pull request reports, to detect an incomplete list.
    """
    changes = list(changes)
    decision = Decision(allowed=False, author_id=author_id)
    if author_id in set(admins):
        decision.allowed = True
        decision.reasons.append("the author is a CIM administrator")
        return decision
    if len(changes) != expected_count or expected_count == 0:
        decision.reasons.append(
            f"the list of changed files is incomplete ({len(changes)} listed, "
            f"{expected_count} reported); the check cannot decide and refuses"
        )
        return decision
    owned = sorted(pid for pid, owner in base_owners.items() if owner == author_id)
    touched: set[str] = set()
    for change in changes:
        for path in filter(None, (change.path, change.previous)):
            reason = _check_path(path, change, author_id, base_owners, new_owners, owned)
            if reason:
                decision.reasons.append(reason)
            else:
                touched.add(portfolio_of(path) or "")
    if len(touched) > 1:
        decision.reasons.append(
            f"the pull request touches several portfolios "
            f"({', '.join(sorted(touched))}); change only your own"
        )
    decision.portfolios = sorted(touched)
    decision.allowed = not decision.reasons
    return decision


def _check_path(
    path: str,
    change: Change,
    author_id: int,
    base_owners: Mapping[str, int | None],
    new_owners: Mapping[str, int | None],
    owned: list[str],
) -> str | None:
    pid = portfolio_of(path)
    if pid is None:
        return (
            f"{path} is outside portfolios/: only the administrators change it; a "
            "student's pull request may change only their own portfolio folder"
        )
    if change.mode in (SYMLINK, SUBMODULE) and path == change.path:
        kind = "a symbolic link" if change.mode == SYMLINK else "a submodule"
        return f"{path} is {kind}; only regular files are accepted in a portfolio"
    if pid in base_owners:
        owner = base_owners[pid]
        if owner is None:
            return (
                f"portfolios/{pid}/ names no owner (`github_id`) in the base branch; an "
                "administrator must add it first"
            )
        if owner != author_id:
            return f"{path} belongs to another student's portfolio ({pid})"
        return None
    # A folder that does not exist in the base branch: only one's own, and only one.
    declared = new_owners.get(pid)
    if declared != author_id:
        return (
            f"portfolios/{pid}/ is new and its portfolio.yml does not give your GitHub user "
            f"id ({author_id}) as `github_id`; you may create a portfolio only for yourself"
        )
    if owned:
        return (
            f"you already have portfolios/{owned[0]}/; a student keeps one portfolio, "
            f"so portfolios/{pid}/ cannot be added"
        )
    return None
