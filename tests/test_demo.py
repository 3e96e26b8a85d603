"""`cim demo`: realistic repositories of any size, the same for the same seed."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from cim.cli import main
from cim.pipeline import check_repository

from conftest import ROOT, TODAY


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_demo_is_realistic_valid_and_deterministic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b"):
        assert (
            main(
                [
                    "demo",
                    "--students",
                    "60",
                    "--out",
                    str(tmp_path / name),
                    "--seed",
                    "7",
                    "--repo",
                    str(ROOT),
                    "--today",
                    TODAY,
                ]
            )
            == 0
        )
    assert "60 portfolios and" in capsys.readouterr().out
    a, b = tmp_path / "a", tmp_path / "b"
    assert tree(a) == tree(b)
    assert all(filecmp.cmp(a / f, b / f, shallow=False) for f in tree(a))
    import datetime as dt

    report = check_repository(a, today=dt.date.fromisoformat(TODAY))
    assert report.problems == [] and len(report.portfolios) == 60
    assert all(r.valid for r in report.portfolios)
    assessments = [r.assessment for r in report.portfolios if r.assessment]
    portfolios = [r.portfolio for r in report.portfolios if r.portfolio]
    assert all(3 <= len(p.entries) <= 26 for p in portfolios)
    assert any(a.cohort.id == "exchange" for a in assessments)
    assert any(not p.public for p in portfolios) and any(p.public for p in portfolios)
    assert any(a.met for a in assessments) and any(not a.met for a in assessments)
    assert report.awards is not None and report.awards.awards
    assert list(a.glob("portfolios/*/evidence/*.jpg"))


def test_demo_with_another_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", "1"), ("b", "2")):
        assert (
            main(
                [
                    "demo",
                    "--students",
                    "5",
                    "--out",
                    str(tmp_path / name),
                    "--seed",
                    seed,
                    "--repo",
                    str(ROOT),
                    "--today",
                    TODAY,
                ]
            )
            == 0
        )
    assert tree(tmp_path / "a") != tree(tmp_path / "b")


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    assert main(["demo", "--students", "2", "--out", str(tmp_path / "x"), "--repo", str(ROOT)]) == 2
