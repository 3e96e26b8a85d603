"""``cim activities``: the activity catalogue, as a list."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    repository_of,
)
from cim.model.catalogue import LOCATIONS, OWN_CHOICE
from cim.model.texts import DEFAULT, LANGUAGES
from cim.pipeline import load_scheme
from cim.problems import Severity


def _title(activity: Any, language: str) -> str:
    """The activity's title in ``language`` (as written when it has no translation)."""
    found = [t for f, lang, t in activity.texts if f == "title" and lang == language and t]
    return found[0] if found else str(activity.title)


def cmd_activities(args: argparse.Namespace) -> int:
    root = repository_of(args)
    scheme = load_scheme(root)
    for problem in scheme.problems:
        print(problem, file=sys.stderr)
    if scheme.catalogue is None:
        return EXIT_INVALID
    activities = [
        a for a in scheme.catalogue.activities if not args.location or args.location in a.locations
    ]
    if args.format == "json":
        data = [
            {
                "id": a.id,
                "title": _title(a, args.language),
                "titles": {lang: _title(a, lang) for lang in LANGUAGES},
                "category": a.category,
                "aims": list(a.aims),
                "location": list(a.locations),
                "points": a.describe_points(),
            }
            for a in activities
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(a.id) for a in activities) if activities else 0
    for a in activities:
        where = "/".join(a.locations)
        print(f"{a.id:<{width}}  {_title(a, args.language)}")
        print(f"{'':<{width}}  {where} · {a.describe_points()}")
    if any(a.id == OWN_CHOICE for a in activities):
        print(
            f"\nUse '{OWN_CHOICE}' for an activity you design yourself "
            "(with title, category, aims and claim)."
        )
    errors = [p for p in scheme.problems if p.severity == Severity.ERROR]
    return EXIT_OK if not errors else EXIT_INVALID


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim activities` to the command line."""
    p = sub.add_parser(
        "activities",
        parents=[common],
        help="list the activity catalogue",
        description="List the activities in activities.yml with their points.",
    )
    p.add_argument(
        "--location",
        choices=LOCATIONS,
        help="only activities that can take place there",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        default=DEFAULT,
        help="show the titles in this language (sv: Swedish) where activities.yml gives them",
    )
    p.set_defaults(func=cmd_activities)
