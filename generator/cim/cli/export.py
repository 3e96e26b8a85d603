"""``cim export``: lists for Ladok, ceremonies and the exchange celebration; signed credentials."""

from __future__ import annotations

import argparse
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
from cim.model.layout import PORTFOLIOS_DIR
from cim.pipeline import check_repository


def cmd_export(args: argparse.Namespace) -> int:
    from cim.admin import exports

    root = repository_of(args)
    report = check_repository(root, today=args.today)
    for problem in report.problems:
        if problem.severity == "error":
            print(problem, file=sys.stderr)
    if args.what == "credentials":
        return _export_credentials(args, root)
    if args.what == "ladok":
        rows, warnings = exports.ladok(report)
        for warning in warnings:
            print(f"cim: warning: {warning}", file=sys.stderr)
        columns: tuple[str, ...] = exports.LADOK_COLUMNS
        fmt = args.format or "csv"
    elif args.what == "ceremony":
        if not args.date:
            raise UsageError("export ceremony needs --date YYYY-MM-DD")
        rows, columns, fmt = (
            exports.ceremony(report, args.date),
            exports.CEREMONY_COLUMNS,
            (args.format or "text"),
        )
    else:
        if not args.semester:
            raise UsageError("export exchange needs --semester, e.g. 2026-autumn")
        rows, columns, fmt = (
            exports.exchange(report, args.semester),
            exports.EXCHANGE_COLUMNS,
            (args.format or "text"),
        )
    text = exports.to_csv(rows, columns) if fmt == "csv" else exports.to_text(rows, columns)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(rows)} row(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _export_credentials(args: argparse.Namespace, root: Path) -> int:
    """Every award's signed credential, including those of students who did not consent to
    publication (for delivery to them directly)."""
    from cim.pipeline import check_repository
    from cim.site.pages import SiteError
    from cim.site.plan import plan

    if not args.out:
        raise UsageError("export credentials needs --out DIR")
    out = Path(args.out)
    if (root / PORTFOLIOS_DIR).resolve() in (out.resolve(), *out.resolve().parents):
        raise UsageError("--out must not be inside portfolios/")
    try:
        site = plan(
            check_repository(root, today=args.today),
            today=args.today,
            site_url=site_url(root),
            signing_key=signing_key(),
        )
    except SiteError as exc:
        print(f"cim: {exc}", file=sys.stderr)
        return EXIT_INVALID
    out.mkdir(parents=True, exist_ok=True)
    written = dict(site.certificates.private)
    awards = site.awards.awards
    for uri, data in site.data.items():
        if uri.endswith("/credential.json"):
            student = uri.split("/")[1]
            number = next(a.number for a in awards if a.student == student)
            written[f"{number}.json"] = data
    for name, data in sorted(written.items()):
        (out / name).write_bytes(data)
    print(f"{len(written)} credential(s) written to {out}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim export` to the command line."""
    p = sub.add_parser(
        "export",
        parents=[common],
        help="lists for Ladok, ceremonies and the exchange celebration",
        description="ladok: CSV to register awards in Ladok (username, name, programme, award "
        "date, certificate number — never an identity number). ceremony: whom to call up on "
        "--date. exchange: one semester's exchange students (--semester 2026-autumn). "
        "credentials: every award's signed credential into --out.",
    )
    p.add_argument("what", choices=["ladok", "ceremony", "exchange", "credentials"])
    p.add_argument("--date", type=date_argument, help="the ceremony date (for `ceremony`)")
    p.add_argument("--semester", help="e.g. 2026-autumn (for `exchange`)")
    p.add_argument("--format", choices=["text", "csv"], help="default: csv for ladok, else text")
    p.add_argument("--out", metavar="PATH", help="write to this file (or folder) instead")
    p.set_defaults(func=cmd_export)
