"""``cim diff``: what merging a pull request would change."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cim.cli.common import (
    EXIT_OK,
    UsageError,
    repository_of,
)


def cmd_diff(args: argparse.Namespace) -> int:
    from cim.github import diff, git

    root = repository_of(args)
    try:
        result = diff.diff(root, args.base, args.head, today=args.today)
    except git.GitError as exc:
        raise UsageError(str(exc)) from None
    render = {
        "text": diff.render_text,
        "markdown": diff.render_markdown,
        "json": diff.render_json,
    }[args.format]
    sys.stdout.write(render(result))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim diff` to the command line."""
    p = sub.add_parser(
        "diff",
        parents=[common],
        help="what merging would change",
        description="Compare the CIM data of two git revisions: each changed portfolio's "
        "points before and after, its entries added, changed or removed, and own-choice "
        "activities that need the reviewer's judgement.",
    )
    p.add_argument("base", help="the base revision (e.g. origin/main)")
    p.add_argument("head", help="the revision to compare (e.g. HEAD)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.set_defaults(func=cmd_diff)
