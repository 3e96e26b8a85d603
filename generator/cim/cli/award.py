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
    import re

    from cim.model.awards import NUMBER
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
    used = [
        int(m.group(2))
        for m in (NUMBER.match(n) for n in re.findall(r"number:\s*([A-Z]+-\d{4}-\d{4})", text))
        if m and int(m.group(1)) == day.year
    ]
    number = f"{args.prefix}-{day.year}-{max(used, default=0) + 1:04d}"
    entry = f"  - number: {number}\n    student: {args.student}\n    ceremony: {args.ceremony}\n"
    if args.date:
        entry += f"    date: {args.date.isoformat()}\n"
    marker = "\nrevocations:"
    if "\nawards: []" in text:
        text = text.replace("\nawards: []", "\nawards:\n" + entry.rstrip("\n"), 1)
    elif marker in text:
        head, tail = text.split(marker, 1)
        text = head.rstrip("\n") + "\n" + entry + "\n" + marker.lstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n" + entry
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
