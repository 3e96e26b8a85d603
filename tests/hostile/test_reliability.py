"""Reliability: atomic builds, portfolios never written, reproducible output, and a broken
portfolio never takes the others down (while broken rules stop the build)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git
from helpers import TODAY

CIM = str(Path(sys.executable).parent / "cim")


@pytest.fixture
def gitrepo(repo: Path) -> Path:
    import shutil

    from conftest import ROOT, git

    for name in ("mkdocs.yml", "docs", "site_theme"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "demo")
    return repo


def cim_build(repo: Path, out: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CIM_CACHE": str(tmp / "cache"), "CIM_TODAY": TODAY.isoformat()}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        [CIM, "build", "--repo", str(repo), "--out", str(out), "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_generator_never_writes_into_portfolios(gitrepo: Path, tmp_path: Path) -> None:
    before = git(gitrepo, "status", "--porcelain", "--ignored")
    assert cim_build(gitrepo, tmp_path / "site", tmp_path).returncode == 0
    assert git(gitrepo, "status", "--porcelain", "--ignored", "--", "portfolios") == ""
    assert git(gitrepo, "status", "--porcelain", "--ignored") == before
    assert cim_build(gitrepo, gitrepo / "portfolios/out", tmp_path).returncode == 2


def test_two_builds_of_a_commit_are_byte_identical(gitrepo: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert cim_build(gitrepo, a, tmp_path / "ca").returncode == 0
    assert cim_build(gitrepo, b, tmp_path / "cb").returncode == 0
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert [f for f in files if (a / f).read_bytes() != (b / f).read_bytes()] == []
    assert b"2026-11-01" in __import__("gzip").decompress((a / "sitemap.xml.gz").read_bytes())


def test_a_failed_build_leaves_the_previous_site(gitrepo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cim_build(gitrepo, out, tmp_path).returncode == 0
    marker = (out / "index.html").read_bytes()
    rules = gitrepo / "rules.yml"
    rules.write_text(rules.read_text().replace("threshold: 100", "threshold: [100]", 1))
    failed = cim_build(gitrepo, out, tmp_path)
    assert failed.returncode == 1 and "rules.yml or activities.yml has errors" in failed.stderr
    assert (out / "index.html").read_bytes() == marker
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_invalid_portfolio_is_left_out_and_reported(gitrepo: Path, tmp_path: Path) -> None:
    erik = gitrepo / "portfolios/erik-johansson/portfolio.yml"
    erik.write_text(erik.read_text().replace("programme: social-work", "programme: [x"))
    done = cim_build(gitrepo, tmp_path / "site", tmp_path)
    assert done.returncode == 0
    assert "erik-johansson/portfolio.yml has errors and is not published" in done.stderr
    assert not (tmp_path / "site/students/erik-johansson").exists()
    assert (tmp_path / "site/students/anna-lind/index.html").exists()
