"""``cim intake``: turn an issue-form event into a proposal on a branch (see
:mod:`cim.intake.run`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from cim.cli.common import EXIT_OK, UsageError, repository_of
from cim.github.git import GitError
from cim.intake.answers import EventError
from cim.intake.attachments import DEFAULT_ALLOW
from cim.intake.run import IntakeError, Options, run


def _branch_names(path: str | None) -> list[str]:
    """Branch names from a file: `git ls-remote` output or one name per line."""
    if not path:
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[-1].strip() for line in lines if line.strip()]


def cmd_intake(args: argparse.Namespace) -> int:
    root = repository_of(args)
    try:
        event = json.loads(Path(args.event).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event {args.event}: {exc}") from None
    if not isinstance(event, dict):
        raise UsageError(f"{args.event} is not an event (a JSON object)")
    options = Options(
        repo=root,
        out=Path(args.out),
        base=args.base,
        allow=tuple(args.allow) if args.allow else DEFAULT_ALLOW,
        branches=_branch_names(args.branches),
        today=args.today or dt.date.today(),
    )
    try:
        outcome = run(event, options)
    except (EventError, IntakeError, GitError) as exc:
        raise UsageError(str(exc)) from None
    if outcome is None:
        print("Not a registration or activity form (or the issue is closed): nothing to do.")
        return EXIT_OK
    plan = outcome.plan
    if plan.ok:
        print(f"Proposal on branch {plan.branch}: {plan.title}")
        for line in (*plan.done, *outcome.errors):
            print(f"  {line}")
    else:
        print("Nothing proposed:")
        for line in plan.refused:
            print(f"  {line}")
    print(f"The reply for the issue is in {Path(args.out) / 'comment.md'}.")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim intake` to the command line."""
    p = sub.add_parser(
        "intake",
        parents=[common],
        help="turn a filled-in issue form into a proposal (for the intake workflow)",
        description="Read an `issues` event (the file in $GITHUB_EVENT_PATH) of the forms "
        "“Register for CIM” or “Add an activity”, commit the change it asks for on the branch "
        "intake/<portfolio>/issue-<n> of --repo, built from --base, and write into --out the "
        "reply for the issue (comment.md) and, when there is a proposal, branch.txt, title.txt, "
        "pull-request.md and change.bundle. Exit 0 also when the student has something to fix: "
        "the reply says what.",
    )
    p.add_argument("event", metavar="EVENT.json", help="the issue event as GitHub sends it")
    p.add_argument("--out", required=True, metavar="DIR", help="where to write the reply")
    p.add_argument("--base", default="HEAD", help="the base revision (default: HEAD)")
    p.add_argument(
        "--allow",
        action="append",
        metavar="PREFIX",
        help="fetch attachments only from addresses starting with PREFIX (repeatable; "
        "default: GitHub's attachment addresses)",
    )
    p.add_argument(
        "--branches",
        metavar="FILE",
        help="the remote's intake branches (`git ls-remote` output), so that an id waiting "
        "for approval is not given twice",
    )
    p.set_defaults(func=cmd_intake)
