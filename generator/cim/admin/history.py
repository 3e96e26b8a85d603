"""When each portfolio last changed, from one ``git log`` over the whole portfolios folder."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

PORTFOLIOS = "portfolios"


def last_changes(root: Path, wanted: Iterable[str] | None = None) -> dict[str, str]:
    """The date (YYYY-MM-DD) of the last commit that touched each ``portfolios/<id>/``.

    One ``git log`` walks back from the newest commit and stops as soon as every wanted id
    has a date; outside a git repository (or without git) the answer is empty."""
    remaining = set(wanted) if wanted is not None else None
    try:
        proc = subprocess.Popen(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--format=%x00%cs",
                "--name-only",
                "--no-renames",
                "--relative",
                "--",
                PORTFOLIOS,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError:
        return {}
    found: dict[str, str] = {}
    day = ""
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.startswith("\0"):
                day = line[1:].strip()
                continue
            parts = line.rstrip("\n").split("/")
            if len(parts) < 3 or parts[0] != PORTFOLIOS or parts[1] in found:
                continue
            found[parts[1]] = day
            if remaining is not None:
                remaining.discard(parts[1])
                if not remaining:
                    break
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return found
