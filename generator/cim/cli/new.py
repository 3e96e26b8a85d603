"""``cim new``: a new portfolio from the template."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from importlib import resources
from typing import Any

from cim.cli.common import (
    EXIT_OK,
    UsageError,
    date_argument,
    repository_of,
)
from cim.model.layout import PORTFOLIO_FILE, PORTFOLIOS_DIR

GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")


def _user_id(value: str) -> int:
    text = value.strip().strip("'\"")
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a GitHub user id (a number)")
    return int(text)


def cmd_new(args: argparse.Namespace) -> int:
    root = repository_of(args)
    if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", args.id):
        raise UsageError(
            f"'{args.id}' is not a valid id: use lowercase letters, digits and "
            "hyphens, e.g. anna-lind"
        )
    folder = root / PORTFOLIOS_DIR / args.id
    if folder.exists():
        raise UsageError(f"{folder} already exists; edit its {PORTFOLIO_FILE} instead")
    if (args.github is None) != (args.github_id is None):
        raise UsageError(
            "give both --github LOGIN and --github-id NUMBER (find the number at "
            "https://api.github.com/users/LOGIN, as \"id\")"
        )
    if args.github is not None and not GITHUB_LOGIN.fullmatch(args.github):
        raise UsageError(f"'{args.github}' is not a GitHub username")
    template = resources.files("cim").joinpath("templates/portfolio.yml").read_text("utf-8")
    start = args.start or dt.date.today()
    text = (
        template.replace("{id}", args.id)
        .replace("{name}", args.name or "Your Name")
        .replace("{programme}", args.programme or "nursing")
        .replace("{start}", start.isoformat())
        .replace("{end}", (start + dt.timedelta(days=3 * 365)).isoformat())
    )
    if args.github is not None:
        # Both come from the command line's checked values, never from free text.
        owner = f"github: {args.github}\ngithub_id: {args.github_id}\n"
        text = text.replace("\nprogramme:", f"\n{owner}programme:", 1)
    (folder / "evidence").mkdir(parents=True)
    (folder / PORTFOLIO_FILE).write_text(text, encoding="utf-8")
    (folder / "evidence" / ".gitkeep").write_text("", encoding="utf-8")
    rel = folder.relative_to(root).as_posix()
    print(f"Created {rel}/{PORTFOLIO_FILE} and {rel}/evidence/.")
    print(f"Edit it, then check it with: cim validate {rel}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim new` to the command line."""
    p = sub.add_parser(
        "new",
        parents=[common],
        help="create a portfolio from the template",
        description="Create portfolios/ID/portfolio.yml and an evidence folder.",
    )
    p.add_argument("id", help="the new portfolio id, e.g. anna-lind")
    p.add_argument("--name", help="your full name")
    p.add_argument("--programme", help="your programme id (see rules.yml)")
    p.add_argument("--start", type=date_argument, help="first day of your studies (YYYY-MM-DD)")
    p.add_argument("--github", metavar="LOGIN", help="your GitHub username")
    p.add_argument(
        "--github-id",
        type=_user_id,
        metavar="N",
        help="your numeric GitHub user id (it makes the portfolio yours)",
    )
    p.set_defaults(func=cmd_new)
