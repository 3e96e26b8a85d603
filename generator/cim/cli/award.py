"""``cim award``: record an award in awards.yml."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    date_argument,
    repository_of,
)
from cim.pipeline import check_repository


def cmd_award(args: argparse.Namespace) -> int:
    from cim.admin import awarding
    from cim.model.layout import AWARDS_FILE

    root = repository_of(args)
    path = root / AWARDS_FILE
    report = check_repository(root, today=args.today, only=[args.student])
    if not report.portfolios:
        raise UsageError(f"no portfolio '{args.student}'")
    a = report.portfolios[0].assessment
    if a is None or not a.met:
        print(
            f"cim: {args.student} does not meet the requirements"
            + (f": {'; '.join(a.unmet)}" if a else ""),
            file=sys.stderr,
        )
        return EXIT_INVALID
    awards = report.awards
    if awards is None or args.ceremony not in awards.ceremonies:
        raise UsageError(
            f"unknown ceremony '{args.ceremony}'; add it under `ceremonies:` in {AWARDS_FILE}"
        )
    current = awards.of(args.student)
    if current and not current.revoked:
        raise UsageError(f"{args.student} already has the certificate {current.number}")
    ceremony = awards.ceremonies[args.ceremony]
    day = args.date or ceremony.date
    text = path.read_text(encoding="utf-8")
    try:
        number = awarding.next_number(text, args.prefix, day.year)
        text = awarding.add_award(
            text, number=number, student=args.student, ceremony=args.ceremony, day=args.date
        )
    except awarding.EditError as exc:
        raise UsageError(f"{AWARDS_FILE}: {exc}") from None
    path.write_text(text, encoding="utf-8")
    print(f"Awarded {number} to {args.student} ({ceremony.title}, {day.isoformat()}).")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim award` to the command line."""
    p = sub.add_parser(
        "award",
        parents=[common],
        help="record an award in awards.yml",
        description="Give a student who meets the requirements the next free certificate "
        "number at a ceremony listed in awards.yml.",
    )
    p.add_argument("student", help="the portfolio id")
    p.add_argument("--ceremony", required=True, help="a ceremony id from awards.yml")
    p.add_argument("--date", type=date_argument, help="award date (default: the ceremony's date)")
    p.add_argument("--prefix", default="CIM", help="certificate number prefix (default: CIM)")
    p.set_defaults(func=cmd_award)
