"""``cim statement``: a signed statement of one student's points and requirements as of a day."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    date_argument,
    repository_of,
    signing_key,
    site_url,
)


def cmd_statement(args: argparse.Namespace) -> int:
    from cim.credentials import badge, statement
    from cim.pipeline import check_repository
    from cim.site.pages import SiteError
    from cim.site.statements import issuing_for

    root = repository_of(args)
    today: dt.date = args.today or dt.date.today()
    day: dt.date = args.as_of or today
    if day > today:
        raise UsageError(f"--as-of {day} is after today ({today}); a statement tells the past")
    report = check_repository(root, today=today, only=[args.id])
    found = next((r for r in report.portfolios if r.id == args.id), None)
    if found is None:
        raise UsageError(f"no portfolio '{args.id}' in portfolios/; check the id (`cim points`)")
    rules, catalogue = report.scheme.rules, report.scheme.catalogue
    if not found.valid or found.portfolio is None or rules is None or catalogue is None:
        for problem in found.problems:
            print(problem, file=sys.stderr)
        print(
            f"cim: {found.file} has errors, so no statement is made; fix them first "
            f"(`cim validate {found.folder.relative_to(root).as_posix()}`).",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if report.awards is None:
        raise UsageError("issuer.yml or awards.yml cannot be read; run `cim validate`")
    programme = rules.programme(found.portfolio.programme)
    try:
        issuing = issuing_for(report.awards, rules, site_url(root), signing_key())
    except SiteError as exc:
        raise UsageError(str(exc)) from None
    then, a = statement.as_of(
        found.portfolio, catalogue, rules, report.scheme.judgements.of(args.id), day
    )
    title = programme.title if programme else then.programme
    document = statement.signed(then, a, issuing, title, day)
    out = Path(args.out or f"statement-{args.id}-{day.isoformat()}.json")
    out.write_bytes(badge.dumps(document))
    print(f"{found.portfolio.name}: {a.points} of {a.required} {rules.unit} as of {day}.")
    print(f"Signed statement written to {out}. Check it with `cim verify {out}`.")
    if not issuing.signer.official:
        print(
            "It is signed with the development key (no CIM_SIGNING_KEY given): it is NOT "
            "official; give the School's key to sign one for real."
        )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim statement` to the command line."""
    p = sub.add_parser(
        "statement",
        parents=[common],
        help="a signed statement of a student's points (for a study-abroad application)",
        description="Write a signed, dated statement of one student's points and requirements "
        "as of a day: an Open Badges 3.0 credential of its own kind (never the certificate), "
        "checked by `cim verify` like a certificate. Signed with $CIM_SIGNING_KEY (or "
        "$CIM_SIGNING_KEY_FILE); without it, with the development key (not official).",
    )
    p.add_argument("id", help="the student's portfolio id (their folder under portfolios/)")
    p.add_argument(
        "--as-of",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="the statement's day (default: --today, or today)",
    )
    p.add_argument(
        "--out", metavar="FILE", help="where to write it (default: statement-ID-DAY.json)"
    )
    p.set_defaults(func=cmd_statement)
