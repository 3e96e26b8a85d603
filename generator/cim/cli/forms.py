"""``cim forms``: write the issue forms from rules.yml and activities.yml."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cim.cli.common import EXIT_INVALID, EXIT_OK, repository_of
from cim.intake.forms import forms
from cim.pipeline import load_scheme


def cmd_forms(args: argparse.Namespace) -> int:
    root = repository_of(args)
    scheme = load_scheme(root)
    if scheme.rules is None or scheme.catalogue is None:
        for problem in scheme.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    stale = []
    for path, text in forms(scheme.rules, scheme.catalogue).items():
        target = root / path
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"Wrote {path}.")
    if args.check and stale:
        for path in stale:
            print(f"{path} is out of date with rules.yml and activities.yml; run `cim forms`.")
        return EXIT_INVALID
    if not stale:
        print("The issue forms are up to date.")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim forms` to the command line."""
    p = sub.add_parser(
        "forms",
        parents=[common],
        help="write the issue forms from the rules and the catalogue",
        description="Write .github/ISSUE_TEMPLATE/register.yml and add-activity.yml from "
        "rules.yml and activities.yml (programmes, groups, activities, minimum words, "
        "evidence kinds). With --check, change nothing and exit 1 when they are out of date.",
    )
    p.add_argument("--check", action="store_true", help="only check that they are up to date")
    p.set_defaults(func=cmd_forms)
