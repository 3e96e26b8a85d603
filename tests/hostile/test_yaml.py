"""Hostile YAML: each case is refused with a message, in bounded time and memory, and never
stops the other portfolios from being checked."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from corpus import INVALID_UTF8, YAML
from helpers import check, messages


@pytest.mark.parametrize("case", sorted(YAML))
def test_hostile_yaml_is_refused_quickly(repo: Path, case: str) -> None:
    text, expected = YAML[case]
    (repo / "portfolios/sara-ahmed/portfolio.yml").write_text(text, encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    report = check(repo)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert expected in messages(report, "sara-ahmed")
    assert elapsed < 10, f"{case} took {elapsed:.1f} s"
    assert peak < 200 << 20, f"{case} used {peak >> 20} MB"
    others = [r for r in report.portfolios if r.id != "sara-ahmed"]
    assert len(others) == 7 and all(r.valid and r.assessment for r in others)


def test_invalid_utf8_is_refused(repo: Path) -> None:
    (repo / "portfolios/sara-ahmed/portfolio.yml").write_bytes(INVALID_UTF8)
    assert "not UTF-8" in messages(check(repo), "sara-ahmed")


@pytest.mark.parametrize("name", ["rules.yml", "activities.yml", "awards.yml", "issuer.yml"])
def test_hostile_administrator_files_are_errors_not_crashes(repo: Path, name: str) -> None:
    (repo / name).write_text(YAML["alias bomb"][0], encoding="utf-8")
    report = check(repo)
    assert any(p.file == name for p in report.problems)
