"""``cim demo``: a realistic repository of any size."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_OK,
    UsageError,
    repository_of,
)


def cmd_demo(args: argparse.Namespace) -> int:
    from cim.demo.repository import generate

    root = repository_of(args)
    out = Path(args.out)
    if args.students < 0:
        raise UsageError("--students must be 0 or more")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} is not an empty folder; choose a new folder")
    try:
        awards = generate(
            root,
            out,
            args.students,
            args.seed,
            today=args.today,
            progress=lambda message: print(message, file=sys.stderr),
            photos=args.photos,
        )
    except ValueError as exc:  # no usable rules.yml and activities.yml to take the scheme from
        raise UsageError(
            f"{exc}; run cim demo inside a CIM repository or name one with --repo"
        ) from None
    print(f"{args.students} portfolios and {awards} awards written to {out}.")
    print(f"Check them with: cim validate --repo {out}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim demo` to the command line."""
    p = sub.add_parser(
        "demo",
        parents=[common],
        help="generate a realistic repository of any size",
        description="Write a demo repository with the catalogue and rules of --repo and N "
        "generated students (3–25 activities each, reflections, evidence images, exchange "
        "students, students without consent, awards). The same seed gives the same result.",
    )
    p.add_argument("--students", type=int, required=True, metavar="N")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument(
        "--photos",
        choices=("small", "phone"),
        default="small",
        help="small: tiny drawn images, quick to build (the default); phone: evidence as "
        "students submit it — 1600 × 1200 phone photos with EXIF and PDFs of a few pages, "
        "8–40 entries, reflections of 80–600 words",
    )
    p.set_defaults(func=cmd_demo)
