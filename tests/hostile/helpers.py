"""Helpers for the hostile suite: a writable demo repository and quick checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from cim.pipeline import RepositoryReport, check_repository

TODAY = dt.date(2026, 11, 28)


def portfolio(repo: Path, pid: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((repo / "portfolios" / pid / "portfolio.yml").read_text())
    return data


def save(repo: Path, pid: str, data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)
    (repo / "portfolios" / pid / "portfolio.yml").write_text(text, encoding="utf-8")


def check(repo: Path, pid: str | None = None, deep: bool = False) -> RepositoryReport:
    return check_repository(repo, today=TODAY, only=[pid] if pid else None, deep=deep)


def messages(report: RepositoryReport, pid: str) -> str:
    [r] = [r for r in report.portfolios if r.id == pid]
    return "\n".join(p.message for p in r.problems if p.severity == "error")


def everything(report: RepositoryReport, pid: str) -> str:
    """Errors and warnings: advisory findings are warnings."""
    [r] = [r for r in report.portfolios if r.id == pid]
    return "\n".join(p.message for p in r.problems)
