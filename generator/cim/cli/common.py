"""What every command shares: exit codes, the usage error, argument types, the repository."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from cim.model.layout import PORTFOLIOS_DIR

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called; printed without a traceback."""


def date_argument(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def repository_of(args: argparse.Namespace) -> Path:
    root = Path(args.repo).resolve()
    if not root.is_dir():
        raise UsageError(f"--repo {args.repo}: no such folder")
    return root


def portfolio_ids(root: Path, paths: Sequence[str]) -> set[str] | None:
    """Map paths given on the command line (folders, portfolio.yml or evidence files) to ids."""
    if not paths:
        return None
    base = (root / PORTFOLIOS_DIR).resolve()
    ids: set[str] = set()
    for raw in paths:
        path = Path(raw)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            relative = path.relative_to(base)
        except ValueError:
            if path == root or path.parent == root:
                return None  # a top-level file (rules, catalogue): check everything
            raise UsageError(f"{raw}: not inside {base}") from None
        if relative.parts:
            ids.add(relative.parts[0])
        else:
            return None
    return ids


def site_url(root: Path) -> str:
    """The public address the repository's site is configured for (in its mkdocs.yml)."""
    from cim.site import config

    return config.site_url(root)


def signing_key() -> str | None:
    """The signing key from $CIM_SIGNING_KEY or $CIM_SIGNING_KEY_FILE (None: development)."""
    from cim.credentials import keys

    try:
        return keys.from_environment()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
