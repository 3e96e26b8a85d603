"""Shared helpers: the repository's own files, copies of it, and golden-file refreshing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-28"  # a fixed "today" so that results never depend on the clock
SOURCE_DATE_EPOCH = "1795867200"  # noon UTC on that day


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected output files under tests/fixtures instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def copy_repo(source: Path, target: Path) -> Path:
    """Copy a CIM repository's content (scheme files and portfolios) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("rules.yml", "activities.yml", "awards.yml", "issuer.yml"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    shutil.copytree(source / "portfolios", target / "portfolios")
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A writable copy of this repository's demo content."""
    return copy_repo(ROOT, tmp_path / "repo")


def pull_request_repository(tmp: Path) -> Path:
    """A git repository of this repository's demo content (and its administrators' file) on
    `main`, with a branch `pr` checked out for a pull request's changes."""
    root = copy_repo(ROOT, tmp / "repo")
    (root / ".github").mkdir()
    shutil.copy2(ROOT / ".github/cim-admins.yml", root / ".github/cim-admins.yml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def site_plan(repo: Path, **options: Any) -> Any:
    """The site plan of another repository: the pipeline's report handed to the planner."""
    from cim.pipeline import check_repository
    from cim.site.plan import plan

    return plan(check_repository(repo, today=options.get("today")), **options)


def run_build(command: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    """Run a site build of this repository with a fixed day and a private evidence cache."""
    env = {
        **os.environ,
        "CIM_TODAY": TODAY,
        "CIM_CACHE": str(tmp / "cache"),
        # The sitemap's dates: fixed, or builds on either side of midnight would differ.
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }
    env.pop("CIM_REPO", None)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo site, built once per test process by the real `mkdocs build --strict`."""
    tmp = tmp_path_factory.mktemp("build")
    site = tmp / "site"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    done = run_build([str(mkdocs), "build", "--strict", "-d", str(site)], tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    return site, done.stderr


def build_copy(
    repo: Path, out: Path, tmp: Path, *, key: str | None = None, strict: bool = False
) -> Path:
    """Build the site of another repository (``repo``) with this repository's mkdocs.yml,
    as the real `mkdocs build` does, signed with ``key`` (or the development key)."""
    env = {
        **os.environ,
        "CIM_REPO": str(repo),
        "CIM_CACHE": str(tmp / "cache"),
        "CIM_TODAY": TODAY,
        "NO_MKDOCS_2_WARNING": "1",
    }
    env.pop("CIM_SIGNING_KEY", None)
    if key:
        env["CIM_SIGNING_KEY"] = key
    mkdocs = Path(sys.executable).parent / "mkdocs"
    command = [str(mkdocs), "build", *(["--strict"] if strict else []), "-d", str(out)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity and date (for reproducible commits)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": "2026-11-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-01T12:00:00Z",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout
