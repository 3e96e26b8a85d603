"""``cim privacy``: fail when evidence marked private sits in a public repository."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from cim.cli.common import EXIT_INVALID, EXIT_OK, UsageError, repository_of
from cim.pipeline import check_repository


def cmd_privacy(args: argparse.Namespace) -> int:
    from cim.admin import privacy

    # The event file GitHub Actions writes for every run says whether the repository (and a
    # pull request's fork) is public; reading it here keeps every value out of the script.
    event_file = args.event or os.environ.get("GITHUB_EVENT_PATH")
    if not event_file:
        raise UsageError("give the workflow event with --event FILE (GitHub sets it for a run)")
    try:
        event = json.loads(Path(event_file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event {event_file}: {exc}") from None
    if not isinstance(event, dict):
        raise UsageError(f"{event_file} is not a workflow event (a JSON object)")
    root = repository_of(args)
    if not privacy.public_places(event):
        # The usual case: a private repository exposes nothing, so no portfolio is read.
        print("The repository is private: evidence marked private is seen by its members only.")
        return EXIT_OK
    found = privacy.exposure(event, check_repository(root, today=args.today))
    lines = privacy.explain(found)
    if not found.ok and os.environ.get("GITHUB_ACTIONS") == "true":
        message = " ".join(lines[:1] + lines[-1:]).replace("%", "%25").replace("\n", "%0A")
        print(f"::error title=Private evidence in a public repository::{message}")
    print("\n".join(lines))
    return EXIT_OK if found.ok else EXIT_INVALID


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim privacy` to the command line."""
    p = sub.add_parser(
        "privacy",
        parents=[common],
        help="fail when private evidence would be public",
        description="Read the workflow event (--event, or $GITHUB_EVENT_PATH) and fail (exit 1) "
        "when the repository, or the fork a pull request comes from, is public while any "
        "evidence is marked `private: true`; say which files and what to do.",
    )
    p.add_argument("--event", metavar="FILE", help="the workflow event JSON")
    p.set_defaults(func=cmd_privacy)
