"""``cim revoke``: record in awards.yml that a certificate is revoked, and why."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from cim.cli.common import EXIT_OK, UsageError, date_argument, repository_of


def cmd_revoke(args: argparse.Namespace) -> int:
    from cim.admin import awarding
    from cim.model.layout import AWARDS_FILE

    path = repository_of(args) / AWARDS_FILE
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    day = args.date or args.today or dt.date.today()
    try:
        text = awarding.add_revocation(
            path.read_text(encoding="utf-8"), number=args.number, day=day, reason=args.reason
        )
    except awarding.EditError as exc:
        raise UsageError(f"{AWARDS_FILE}: {exc}") from None
    path.write_text(text, encoding="utf-8")
    print(
        f"Revoked {args.number} on {day.isoformat()}. Commit {AWARDS_FILE} and rebuild the "
        "site: the certificate page, the portfolio, the directory and the revocation list then "
        "say it is revoked. Undo its Ladok entry too."
    )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim revoke` to the command line."""
    p = sub.add_parser(
        "revoke",
        parents=[common],
        help="revoke an awarded certificate in awards.yml",
        description="Record in awards.yml that a certificate is revoked, with the reason shown "
        "to everyone who checks it. The number stays listed and is never given again.",
    )
    p.add_argument("number", help="the certificate number, e.g. CIM-2026-0002")
    p.add_argument("--reason", required=True, help="why, in plain words (it is published)")
    p.add_argument("--date", type=date_argument, help="revocation date (default: today)")
    p.set_defaults(func=cmd_revoke)
