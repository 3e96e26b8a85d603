"""``cim erase``: prepare the erasure of a student from the whole history, on a fresh mirror."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

from cim.cli.common import EXIT_INVALID, EXIT_OK, UsageError, repository_of


def _source_of(root: Path) -> str:
    """The hosted repository a clone came from (its ``origin``), else the clone itself."""
    done = subprocess.run(
        ["git", "-C", str(root), "remote", "get-url", "origin"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else str(root)


def cmd_erase(args: argparse.Namespace) -> int:
    from cim.admin import erasure

    root = repository_of(args)
    source = args.source or _source_of(root)
    out = Path(args.out).resolve()
    if root == out or root in out.parents:
        raise UsageError("--out must be outside the repository, e.g. ../erasure.git")
    print(f"Mirroring {source} into {out} and rewriting every branch and tag …", file=sys.stderr)
    try:
        result = erasure.erase(
            source, args.id, out, args.today or dt.date.today(), authors=args.author
        )
    except erasure.ErasureError as exc:
        raise UsageError(str(exc)) from None
    print(
        f"{args.id} is erased from {len(result.refs)} ref(s) of the mirror {out}: "
        f"{result.blobs} version(s) of their files removed, the id replaced by "
        f"'{result.placeholder}'"
        + (f", {', '.join(result.revoked)} revoked" if result.revoked else "")
        + "."
    )
    if result.authors:
        print(
            "Commits to the folder were made by: "
            + "; ".join(result.authors)
            + ". If one of them is the student, run again with --author ADDRESS to anonymise "
            "it too."
        )
    if not result.complete:
        print("\nThe check still found the student — do not push this mirror:")
        print("\n".join(f"  {item}" for item in result.leftovers))
        return EXIT_INVALID
    print("\nThe check found nothing of the student in any ref. What is left to do:")
    for n, step in enumerate(erasure.manual_steps(result, source), 1):
        print(f"{n}. {step}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim erase` to the command line."""
    p = sub.add_parser(
        "erase",
        parents=[common],
        help="prepare a student's erasure from the whole history",
        description="Mirror the repository into --out, remove portfolios/ID/ and every mention "
        "of the id from every commit of every branch and tag (git filter-repo), revoke the "
        "student's awards (numbers are never reused), check that nothing of the student is "
        "left in any ref, and print the steps that remain (force-push, the host's purge, the "
        "build cache). Your clone and the hosted repository are not changed.",
    )
    p.add_argument("id", help="the portfolio id (its folder name)")
    p.add_argument("--out", required=True, metavar="DIR", help="a new folder for the mirror")
    p.add_argument(
        "--source",
        metavar="URL_OR_PATH",
        help="the repository to mirror (default: the origin of --repo, else --repo itself)",
    )
    p.add_argument(
        "--author",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="an e-mail address of the student's commits, to anonymise (may be repeated)",
    )
    p.set_defaults(func=cmd_erase)
