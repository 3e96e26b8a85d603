"""``cim new``: a new portfolio from the template."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_OK,
    UsageError,
    date_argument,
    repository_of,
)
from cim.hints import did_you_mean
from cim.model.layout import PORTFOLIO_FILE, PORTFOLIOS_DIR

GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")


def _user_id(value: str) -> int:
    text = value.strip().strip("'\"")
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a GitHub user id (a number)")
    return int(text)


def _programme(root: Path, wanted: str | None) -> str:
    """The programme to write: ``wanted`` when rules.yml lists it (or cannot be read: then
    `cim validate` says what is wrong with it), else a clear refusal; without ``wanted``,
    nursing or the first programme listed."""
    from cim.pipeline import load_scheme

    rules = load_scheme(root).rules
    known = [p.id for p in rules.programmes] if rules is not None else []
    if wanted is None:
        return "nursing" if "nursing" in known or not known else known[0]
    if known and wanted not in known:
        raise UsageError(
            f"unknown programme '{wanted}'{did_you_mean(wanted, known)}; choose one of: "
            f"{', '.join(known)} (`programmes:` in rules.yml)"
        )
    return wanted


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
            'https://api.github.com/users/LOGIN, as "id")'
        )
    if args.github is not None and not GITHUB_LOGIN.fullmatch(args.github):
        raise UsageError(f"'{args.github}' is not a GitHub username")
    from cim.intake.yamltext import WriteError, new_portfolio

    start = args.start or dt.date.today()
    values: dict[str, Any] = {"id": args.id, "name": args.name or "Your Name"}
    if args.github is not None:
        values.update(github=args.github, github_id=args.github_id)
    values["programme"] = _programme(root, args.programme)
    values["studies"] = {
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=3 * 365)).isoformat(),
    }
    values["registered"] = start.isoformat()
    try:
        # Written by a round-trip YAML library and read back: a name with quotes, colons or
        # a leading symbol is written so that it reads as the same text.
        text = new_portfolio(
            values, f"{PORTFOLIOS_DIR}/{args.id}/{PORTFOLIO_FILE}", keep_examples=True
        )
    except WriteError as exc:
        raise UsageError(f"the portfolio could not be written: {exc}") from None
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
