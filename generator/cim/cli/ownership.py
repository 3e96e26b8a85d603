"""``cim ownership``: may this pull request's author make these changes?"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    repository_of,
)
from cim.github import escape


def _json_pages(path: str) -> list[Any]:
    """Read one JSON value, or several concatenated pages of arrays (as paginated API output
    is), into one list."""
    text = Path(path).read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    items: list[Any] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        value, i = decoder.raw_decode(text, i)
        items.extend(value if isinstance(value, list) else [value])
    return items


# Long because it reads four inputs (the pull request, its files, the administrators, the owners
# on both sides) before the one call that decides.
def cmd_ownership(args: argparse.Namespace) -> int:
    from cim.github import git, ownership
    from cim.read import source

    root = repository_of(args)
    try:
        pr = json.loads(Path(args.pr).read_text(encoding="utf-8"))
        files = _json_pages(args.files)
        author_id = int(pr["user"]["id"])
        issue_file = Path(args.intake_issue) if args.intake_issue else None
        if issue_file is not None and issue_file.is_file():
            issue = json.loads(issue_file.read_text(encoding="utf-8"))
            author_id = ownership.intake_author(pr, issue) or author_id
        expected = int(pr["changed_files"])
        head = args.head or str(pr["head"]["sha"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read the pull request data: {exc}") from None
    admins: set[int] = set()
    admins_file = root / args.admins
    if admins_file.is_file():
        doc = source.read(str(admins_file), args.admins)
        ids = doc.data.get("user_ids") if isinstance(doc.data, dict) else None
        if doc.problems or not isinstance(ids, list):
            raise UsageError(f"{args.admins}: expected a list 'user_ids:' of numeric user ids")
        admins = {x for x in ids if isinstance(x, int) and not isinstance(x, bool)}
    try:
        base_owners = git.portfolio_owners(root, args.base)
        paths = [f["filename"] for f in files if f.get("status") != "removed"]
        head_modes = git.modes(root, head, paths)
    except git.GitError as exc:
        raise UsageError(str(exc)) from None
    changes = [
        ownership.Change(
            f["filename"],
            f.get("status", "modified"),
            f.get("previous_filename"),
            head_modes.get(f["filename"]),
        )
        for f in files
    ]
    new_ids = {
        pid
        for c in changes
        for p in (c.path, c.previous)
        if p
        for pid in [ownership.portfolio_of(p)]
        if pid and pid not in base_owners
    }
    new_owners = {
        pid: git.owner_in(git.blob(root, head, f"portfolios/{pid}/portfolio.yml"))
        for pid in new_ids
    }
    decision = ownership.decide(
        changes,
        author_id=author_id,
        expected_count=expected,
        base_owners=base_owners,
        new_owners=new_owners,
        admins=admins,
    )
    # Reasons name files from the pull request: each is kept to one log line, so that no
    # file name can start a workflow command in this privileged job's log.
    shown = dataclasses.replace(
        decision,
        reasons=[escape.command_data(r) for r in decision.reasons],
        portfolios=[escape.command_data(p) for p in decision.portfolios],
    )
    print(shown.summary())
    if not decision.allowed:
        for reason in decision.reasons:
            print(f"::error title=Ownership::{escape.command_data(reason)}")
    return EXIT_OK if decision.allowed else EXIT_INVALID


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim ownership` to the command line."""
    p = sub.add_parser(
        "ownership",
        parents=[common],
        help="may this pull request's author make these changes?",
        description="Decide from the pull request (GitHub API JSON) whether its author changes "
        "only their own portfolio. Owners are read from the base revision; the file list must "
        "be complete. Exit 0 allowed, 1 not allowed.",
    )
    p.add_argument("--pr", required=True, metavar="FILE", help="the pull request as JSON")
    p.add_argument(
        "--files",
        required=True,
        metavar="FILE",
        help="its changed files as JSON (paginated pages may be concatenated)",
    )
    p.add_argument("--base", default="HEAD", help="the base revision (default: HEAD)")
    p.add_argument("--head", help="the PR head commit (default: from --pr)")
    p.add_argument(
        "--admins",
        default=".github/cim-admins.yml",
        help="the administrators' user ids (YAML `user_ids:`), read from the base",
    )
    p.add_argument(
        "--intake-issue",
        metavar="FILE",
        help="for a pull request the intake workflow opened: its issue (GitHub API JSON), "
        "whose author the decision is made for (ignored when the file does not exist)",
    )
    p.set_defaults(func=cmd_ownership)
