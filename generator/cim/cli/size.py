"""``cim size``: whether a built site fits its host (GitHub Pages publishes at most 1 GB).

The deployment runs it between the build and the upload: from 80 % of the limit on it warns,
and above the limit it fails, so the site online stays as it was and the administrators
read what to do instead of a deployment that "might fail"."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cim.cli.common import EXIT_INVALID, EXIT_OK, UsageError, repository_of

UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}


def size_argument(value: str) -> int:
    """A size such as 1GB, 800 MB or 500000000 (bytes)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B)?\s*", value, re.IGNORECASE)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a size: write it as 1GB or 800MB")
    return int(float(match.group(1)) * UNITS[(match.group(2) or "").upper()])


def site_files(site: Path) -> Iterator[tuple[str, int]]:
    """Every file of the site folder, as (path relative to it with "/", bytes)."""
    from cim.writers.folder import files_below

    for name in files_below(str(site)):
        yield name, os.lstat(os.path.join(site, name)).st_size


def cmd_size(args: argparse.Namespace) -> int:
    from cim.github.escape import command_data
    from cim.site.footprint import fit, measure

    site = Path(args.site) if args.site else repository_of(args) / "site"
    if not (site / "index.html").is_file():
        raise UsageError(f"{site} is not a built site; run `cim build --out {site}` first")
    verdict = fit(measure(site_files(site)), args.limit, args.host)
    if args.format == "github":  # one annotation, shown on the run's summary page
        level = {"fits": "notice", "nearing": "warning", "over": "error"}[verdict.level]
        print(f"::{level} title=Site size::{command_data(chr(10).join(verdict.lines))}")
    elif args.format == "markdown":
        print("## The site's size\n")
        print("\n".join(f"- {line}" for line in verdict.lines))
    else:
        print("\n".join(verdict.lines))
    return EXIT_INVALID if verdict.level == "over" else EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim size` to the command line."""
    from cim.site.footprint import GITHUB_PAGES_LIMIT

    p = sub.add_parser(
        "size",
        parents=[common],
        help="does the built site fit its host (GitHub Pages: 1 GB)?",
        description="Measure a built site: its size by kind of file, what each published "
        "student adds, and at about how many students it reaches the host's limit. Exit 0 "
        "when it fits (with a warning from 80 % of the limit on), 1 when it is larger than "
        "the host publishes.",
    )
    p.add_argument("--site", metavar="DIR", help="the built site (default: the repository's site/)")
    p.add_argument(
        "--limit",
        type=size_argument,
        default=GITHUB_PAGES_LIMIT,
        metavar="SIZE",
        help="the host's limit, e.g. 1GB or 800MB (default: GitHub Pages' 1GB)",
    )
    p.add_argument("--host", default="GitHub Pages", help="the host's name, for the messages")
    p.add_argument(
        "--format",
        choices=("text", "markdown", "github"),
        default="text",
        help="text for people (default), markdown for a summary, github for annotations",
    )
    p.set_defaults(func=cmd_size)
