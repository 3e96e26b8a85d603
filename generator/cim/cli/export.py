"""``cim export``: lists for Ladok, ceremonies and the exchange celebration; signed credentials."""

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
    repository_of,
    signing_key,
    site_url,
)
from cim.model.layout import PORTFOLIOS_DIR
from cim.pipeline import RepositoryReport, check_repository


def day_argument(value: str) -> dt.date:
    from cim.admin.exports import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def semester_argument(value: str) -> str:
    from cim.admin.exports import parse_semester

    try:
        return parse_semester(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_export(args: argparse.Namespace) -> int:
    from cim.admin import exports

    root = repository_of(args)
    if args.what == "portfolio":
        return _export_portfolio(args, root)
    if args.id:
        raise UsageError(f"export {args.what} takes no student id (only `export portfolio ID`)")
    if args.what == "ceremony" and not args.date:
        raise UsageError("export ceremony needs --date: " + exports.DATE_FORMAT)
    if args.what == "exchange" and not args.semester:
        raise UsageError("export exchange needs --semester: " + exports.SEMESTER_FORMAT)
    report = check_repository(root, today=args.today)
    for problem in report.problems:
        if problem.severity == "error":
            print(problem, file=sys.stderr)
    if args.what == "credentials":
        return _export_credentials(args, root)
    if args.what == "ladok":
        return _export_ladok(args, root, report)
    if args.what == "ceremony":
        found = exports.ceremony(report, args.date)
        columns: tuple[str, ...] = exports.CEREMONY_COLUMNS
    else:
        found = exports.exchange(report, args.semester)
        columns = exports.EXCHANGE_COLUMNS
    if (args.format or "text") == "csv":
        for note in found.notes:
            print(f"cim: {note}", file=sys.stderr)
        text = exports.to_csv(found.rows, columns)
    else:
        notes = "".join(f"{note}\n" for note in found.notes)
        table = exports.to_text(found.rows, columns) if found.rows else ""
        text = notes + ("\n" if notes and table else "") + table
    _write(args, text, len(found.rows))
    return EXIT_OK


def _write(args: argparse.Namespace, text: str, rows: int) -> None:
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        print(f"{rows} row(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _export_ladok(args: argparse.Namespace, root: Path, report: RepositoryReport) -> int:
    """New awards to register and revocations to undo; with --out, recorded in exports.yml."""
    from cim.admin import exports, ledger

    if args.format == "text":
        raise UsageError("export ladok writes CSV only (leave out --format)")
    done = ledger.read(root)
    for problem in done.problems:
        print(problem, file=sys.stderr)
    if done.problems and args.since is None:
        raise UsageError(
            f"{ledger.EXPORTS_FILE} cannot be read, so what is new is unknown; fix it, or "
            "give --since YYYY-MM-DD"
        )
    today = args.today or dt.date.today()
    found = exports.ladok(
        report,
        since=args.since,
        exported=done.registered,
        undone=done.undone,
        today=today,
    )
    for warning in found.warnings:
        print(f"cim: warning: {warning}", file=sys.stderr)
    if not found.rows:
        since = (
            f"since {args.since}"
            if args.since
            else (f"since the last export on {done.last}" if done.last else "")
        )
        print(f"cim: nothing new for Ladok {since}".rstrip() + ".", file=sys.stderr)
    _write(args, exports.to_csv(found.rows, exports.LADOK_COLUMNS), len(found.rows))
    if args.out and found.rows:
        path = ledger.record(root, today, found.registered, found.undone)
        print(
            f"Recorded in {path.name}: {len(found.registered)} registered, "
            f"{len(found.undone)} undone. Commit it, so the next export lists only what is new.",
            file=sys.stderr,
        )
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


def _export_portfolio(args: argparse.Namespace, root: Path) -> int:
    """One student's own export (their files, credentials and a PDF), for them to keep."""
    from cim.cli.keep import export_portfolio

    return export_portfolio(args, root)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim export` to the command line."""
    p = sub.add_parser(
        "export",
        parents=[common],
        help="lists for Ladok, ceremonies and the exchange celebration",
        description="ladok: CSV of new awards to register and revocations to undo in Ladok "
        "(username, name, programme, award date, certificate number — never an identity "
        "number); with --out the export is recorded in exports.yml. ceremony: who graduates "
        "in the term of --date, who is awarded, who qualifies and who is missing what. "
        "exchange: one semester's exchange students (--semester autumn-2026). credentials: "
        "every award's signed credential into --out. portfolio ID: one student's own "
        "export to keep (portfolio.yml, all evidence, credentials, one PDF) into --out "
        "(default: export-ID/), with --zip as one zip file.",
    )
    p.add_argument("what", choices=["ladok", "ceremony", "exchange", "credentials", "portfolio"])
    p.add_argument("id", nargs="?", help="portfolio: the student's id (their folder name)")
    p.add_argument("--zip", action="store_true", help="portfolio: write one .zip file")
    p.add_argument(
        "--browser",
        metavar="PATH",
        help="portfolio: the Chromium or Chrome that prints the PDF (default: found on PATH)",
    )
    p.add_argument(
        "--date", type=day_argument, metavar="YYYY-MM-DD", help="the ceremony date (`ceremony`)"
    )
    p.add_argument(
        "--semester",
        type=semester_argument,
        metavar="SEASON-YEAR",
        help="autumn-2026 or spring-2027 (for `exchange`)",
    )
    p.add_argument(
        "--since",
        type=day_argument,
        metavar="YYYY-MM-DD",
        help="ladok: every award and revocation from this day (default: what is new since "
        "the exports recorded in exports.yml)",
    )
    p.add_argument("--format", choices=["text", "csv"], help="default: csv for ladok, else text")
    p.add_argument("--out", metavar="PATH", help="write to this file (or folder) instead")
    p.set_defaults(func=cmd_export)
