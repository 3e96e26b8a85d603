"""``cim status``: the administrators' overview of every student."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from cim.cli.common import EXIT_OK, UsageError, repository_of
from cim.pipeline import check_repository
from cim.speed import no_cyclic_gc

MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
MONTH_FORMAT = "write the month as YYYY-MM (e.g. 2026-06) or a whole year as YYYY"


def month_argument(value: str) -> tuple[int, int | None]:
    """``2026-06`` as (2026, 6); ``2026`` as (2026, None)."""
    match = MONTH.fullmatch(value.strip())
    month = int(match.group(2)) if match and match.group(2) else None
    if match is None or (month is not None and not 1 <= month <= 12):
        raise argparse.ArgumentTypeError(f"'{value}' is not a month: {MONTH_FORMAT}")
    return int(match.group(1)), month


def points_argument(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of points, e.g. 80")
    return int(value)


def cmd_status(args: argparse.Namespace) -> int:
    from cim.admin import history, status
    from cim.hints import did_you_mean

    with no_cyclic_gc():
        root = repository_of(args)
        report = check_repository(root, today=args.today)
        rules = report.scheme.rules
        if args.cohort and rules is not None:
            known = [c.id for c in rules.cohorts]
            if args.cohort not in known:
                raise UsageError(
                    f"--cohort {args.cohort}: no such cohort{did_you_mean(args.cohort, known)} "
                    f"(the cohorts: {', '.join(known)})"
                )
        filters = status.Filters(
            near=args.near, graduating=args.graduating, waiting=args.waiting, cohort=args.cohort
        )
        changes = history.last_changes(root, [r.id for r in report.portfolios])
        rows = status.status(report, changes, filters)
        sys.stdout.write(status.RENDERERS[args.format](rows))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim status` to the command line."""
    p = sub.add_parser(
        "status",
        parents=[common],
        help="the state of every student, for the administrators",
        description="One row per student: points, whether the requirements are met, the award "
        "state from awards.yml (awarded, revoked, met but not yet awarded, on the way), "
        "graduation date, what waits for a reviewer and the date of the last change.",
    )
    p.add_argument(
        "--near",
        type=points_argument,
        metavar="POINTS",
        help="only students with at least this many points who do not yet meet the requirements",
    )
    p.add_argument(
        "--graduating",
        type=month_argument,
        metavar="YYYY-MM",
        help="only students whose studies end in this month (or year: YYYY)",
    )
    p.add_argument(
        "--waiting", action="store_true", help="only students with something for a reviewer"
    )
    p.add_argument("--cohort", metavar="ID", help="only this cohort (e.g. exchange)")
    p.add_argument("--format", choices=["text", "csv", "json", "markdown"], default="text")
    p.set_defaults(func=cmd_status)
