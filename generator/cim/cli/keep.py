"""``cim export portfolio ID``: one student's own export to keep (see cim.writers.keep)."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

from cim.cli.common import EXIT_INVALID, EXIT_OK, UsageError, signing_key, site_url
from cim.model.layout import PORTFOLIOS_DIR


def export_portfolio(args: argparse.Namespace, root: Path) -> int:
    from cim.pipeline import check_repository
    from cim.site.pages import SiteError
    from cim.writers import keep

    if not args.id:
        raise UsageError("export portfolio needs the student's id: cim export portfolio ID")
    out = Path(args.out or f"export-{args.id}")
    if (root / PORTFOLIOS_DIR).resolve() in (out.resolve(), *out.resolve().parents):
        raise UsageError("--out must not be inside portfolios/")
    taken = any(out.iterdir()) if out.is_dir() else out.exists()
    if taken or (args.zip and out.with_name(out.name + ".zip").exists()):
        raise UsageError(f"{out} already exists; choose another --out or remove it first")
    today = args.today or dt.date.today()
    report = check_repository(root, today=today, only=[args.id])
    student = next((r for r in report.portfolios if r.id == args.id), None)
    if student is None:
        raise UsageError(f"no portfolio '{args.id}' in {PORTFOLIOS_DIR}/; check the id")
    try:
        kept = keep.export(
            report,
            student,
            out,
            today=today,
            site_url=site_url(root),
            signing_key=signing_key(),
            cache=root / ".cache" / "cim",
            browser=args.browser,
        )
    except SiteError as exc:
        print(f"cim: {exc}", file=sys.stderr)
        shutil.rmtree(out, ignore_errors=True)
        return EXIT_INVALID
    where = keep.zip_folder(out) if args.zip else out
    for note in kept.notes:
        print(f"cim: {note}", file=sys.stderr)
    print(f"{len(kept.files)} file(s) of {args.id} written to {where}.")
    if keep.PDF_NAME in kept.files:
        print(f"The whole portfolio as one PDF: {keep.PDF_NAME} (in {where}).")
    return EXIT_OK
