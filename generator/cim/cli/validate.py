"""``cim validate`` and ``cim points``: check every portfolio, or explain one student's points."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    portfolio_ids,
    repository_of,
)
from cim.model.layout import PORTFOLIOS_DIR
from cim.speed import no_cyclic_gc

# The reporters' names (cim.cli.reporters.REPORTERS): written out, so that a run answered
# from the cache never imports the checks at all.
FORMATS = ("github", "json", "text")


def cmd_validate(args: argparse.Namespace) -> int:
    from cim.checks.memo import CheckMemo

    # The reports of a whole repository hold no reference cycles; a cyclic collection would
    # only walk them again and again while the summary is written.
    with no_cyclic_gc():
        root = repository_of(args)
        only = portfolio_ids(root, args.paths)
        cache = args.cache or os.environ.get("CIM_CACHE")
        deep = frozenset(_changed_since(root, args.deep_since)) if args.deep_since else args.deep
        memo = CheckMemo(Path(cache), root, args.today or dt.date.today()) if cache else None
        where = None
        if memo is not None:  # nothing read has changed: print what was printed then
            request = repr((args.format, sorted(only) if only is not None else None))
            where = memo.outcome_key(
                request, lambda name: deep if isinstance(deep, bool) else name in deep
            )
            kept = memo.outcome(where)
            if kept is not None:
                sys.stdout.write(kept[0])
                return kept[1]
        text, code = _validate(root, args, only, deep, memo)
        if memo is not None and where is not None:
            memo.keep_outcome(where, text, code)
        sys.stdout.write(text)
        return code


def _validate(
    root: Path, args: argparse.Namespace, only: set[str] | None, deep: Any, memo: Any
) -> tuple[str, int]:
    """What ``cim validate`` prints, and its exit code."""
    from cim.cli.reporters import REPORTERS
    from cim.pipeline import check_repository

    report = check_repository(root, today=args.today, only=only, deep=deep, cache=memo)
    if only is not None:
        missing = only - {r.id for r in report.portfolios}
        if missing:
            raise UsageError(f"no portfolio folder for: {', '.join(sorted(missing))}")
    return REPORTERS[args.format](report), EXIT_OK if report.ok else EXIT_INVALID


def _changed_since(root: Path, base: str) -> set[str]:
    """The portfolios with a file changed between ``base`` and the current commit."""
    from cim.github import git
    from cim.github.ownership import portfolios_touched

    try:
        changes = git.changed(root, git.resolve(root, base), git.resolve(root, "HEAD"))
    except git.GitError:
        raise UsageError(
            f"--deep-since: '{base}' is not a commit of the repository at {root}; give the "
            "branch or commit the pull request starts from (fetch it first)"
        ) from None
    return portfolios_touched(changes)


def cmd_points(args: argparse.Namespace) -> int:
    from cim.cli.reporters import render_points
    from cim.pipeline import check_repository

    root = repository_of(args)
    report = check_repository(root, today=args.today, only=[args.id])
    if not report.portfolios:
        print(f"cim: no portfolio '{args.id}' in {root / PORTFOLIOS_DIR}", file=sys.stderr)
        return EXIT_INVALID
    for problem in report.problems:
        print(problem, file=sys.stderr)
    sys.stdout.write(render_points(report.portfolios[0], report.scheme.rules))
    return EXIT_OK if report.ok else EXIT_INVALID


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim validate`, `cim points` to the command line."""
    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check portfolios, catalogue and rules",
        description="Check every portfolio (or the ones given) against the schema, "
        "the catalogue and the rules, and score it. Exit 0 when all is valid, "
        "1 when anything is invalid, 2 on a usage or internal error.",
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="portfolio folders or files (default: all)"
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people (default), json for programs, github for annotations",
    )
    p.add_argument(
        "--deep", action="store_true", help="also decode every image and scan every PDF (slower)"
    )
    p.add_argument(
        "--deep-since",
        metavar="REF",
        help="check deeply only the portfolios changed since the commit REF (a pull "
        "request's base): unchanged evidence was checked when it was merged",
    )
    p.add_argument(
        "--cache",
        metavar="DIR",
        help="keep each portfolio's result in DIR and check again only what changed "
        "(default: $CIM_CACHE when set; otherwise nothing is kept)",
    )
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser(
        "points",
        parents=[common],
        help="explain one student's points",
        description="Show how every entry of one portfolio is scored and what is still missing.",
    )
    p.add_argument("id", help="the portfolio id (its folder name)")
    p.set_defaults(func=cmd_points)
