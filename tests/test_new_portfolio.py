"""`cim new` with the owner's GitHub account, the quoted-id message and the template's bio."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cim.cli import main
from cim.model.portfolio import portfolio_from
from cim.read.source import read

from conftest import ROOT, TODAY


@pytest.fixture
def scheme(tmp_path: Path) -> Path:
    for name in ("rules.yml", "activities.yml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def new(scheme: Path, *extra: str) -> int:
    return main(["new", "anna-b", "--repo", str(scheme), "--name", "Anna B", *extra])


def test_new_writes_the_owner(scheme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(scheme, "--github", "anna-b", "--github-id", "12345678") == 0
    path = scheme / "portfolios/anna-b/portfolio.yml"
    doc = read(str(path), "portfolio.yml")
    assert doc.data["github"] == "anna-b" and doc.data["github_id"] == 12345678
    capsys.readouterr()
    assert main(["validate", "--repo", str(scheme), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert "`bio` is still the template's example" in out
    path.write_text(path.read_text().replace("github_id: 12345678", "github_id: '12345678'"))
    assert main(["validate", "--repo", str(scheme), "--today", TODAY]) == 1
    assert "github_id: write the number without quotes: github_id: 12345678" in (
        capsys.readouterr().out
    )


def test_new_needs_both_or_neither(scheme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(scheme, "--github", "anna-b") == 2
    assert "give both --github LOGIN and --github-id NUMBER" in capsys.readouterr().err
    assert new(scheme, "--github", "anna-b", "--github-id", "abc") == 2
    assert new(scheme, "--github", "anna b", "--github-id", "5") == 2
    assert not (scheme / "portfolios").exists()


def test_new_refuses_a_programme_the_rules_do_not_list(
    scheme: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(scheme, "--programme", "nursng") == 2
    err = capsys.readouterr().err
    assert "unknown programme 'nursng' (did you mean 'nursing'?); choose one of: nursing," in err
    assert not (scheme / "portfolios").exists()
    assert new(scheme, "--programme", "social-work") == 0
    doc = read(str(scheme / "portfolios/anna-b/portfolio.yml"), "portfolio.yml")
    assert doc.data["programme"] == "social-work"


def test_new_without_a_programme_takes_one_the_rules_list(scheme: Path) -> None:
    rules = scheme / "rules.yml"
    rules.write_text(rules.read_text().replace("id: nursing", "id: nursing-bsc"))
    assert new(scheme) == 0
    doc = read(str(scheme / "portfolios/anna-b/portfolio.yml"), "portfolio.yml")
    assert doc.data["programme"] == "nursing-bsc"  # the first listed, since none is 'nursing'


def test_the_template_bio_is_never_published() -> None:
    data = {
        "id": "x",
        "name": "X",
        "programme": "nursing",
        "studies": {"start": "2025-01-01", "end": "2026-01-01"},
        "entries": [],
        "bio": "A few sentences about yourself and why\n intercultural merits matter to you.",
    }
    assert portfolio_from(data, "programme").bio == ""
    data["bio"] = "My own words."
    assert portfolio_from(data, "programme").bio == "My own words."


@pytest.mark.parametrize("name", ['Anna: "B" #1', "- Anna", "NO", "Åsa Öberg-Lind", "{Anna}"])
def test_any_name_is_written_so_that_it_reads_back(
    scheme: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cim new` writes with a round-trip YAML library, never by pasting text into the
    template: a name with YAML's own characters is still the same name when read back."""
    assert main(["new", "anna-b", "--repo", str(scheme), "--name", name]) == 0
    doc = read(str(scheme / "portfolios/anna-b/portfolio.yml"), "portfolio.yml")
    assert doc.problems == [] and doc.data["name"] == name
    assert "# see `programmes:` in rules.yml" in doc.text  # the template's help is kept
