"""`cim erase` end to end on a real repository with several commits, branches and a tag."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from cim.admin import erasure

from conftest import ROOT, TODAY, copy_repo, git

STUDENT = "anna-lind"
EMAIL = "anna.lind@student.ju.se"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository as an administrator's clone sees it: the demo content, committed in
    steps, a feature branch that changes the student again, a tag, and commit messages and
    other files that name her."""
    repo = tmp_path_factory.mktemp("erase") / "hosted"
    copy_repo(ROOT, repo)
    awards = repo / "awards.yml"  # her certificate is also issued to her e-mail address
    awards.write_text(
        awards.read_text(encoding="utf-8").replace(
            f"    student: {STUDENT}\n", f"    student: {STUDENT}\n    email: {EMAIL}\n", 1
        ),
        encoding="utf-8",
    )
    keep = repo / "portfolios" / STUDENT
    shutil.move(keep, repo.parent / "held")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Scheme and the first students")
    shutil.move(repo.parent / "held", keep)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"Register {STUDENT}")
    (repo / "notes.txt").write_text(f"Ceremony seating: {STUDENT}; anna-lindqvist is another\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Seating plan")
    git(repo, "tag", "v2026")
    git(repo, "checkout", "-q", "-b", f"{STUDENT}-exchange")
    portfolio = keep / "portfolio.yml"
    portfolio.write_text(portfolio.read_text() + "\n# reflection draft\n")
    (keep / "evidence" / "draft.pdf").write_bytes(b"%PDF-1.4 a draft only she has\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{STUDENT}: draft of the exchange report")
    git(repo, "checkout", "-q", "main")
    return repo


def test_erasure_leaves_no_trace_in_any_ref(hosted: Path, tmp_path: Path) -> None:
    assert EMAIL in (hosted / "awards.yml").read_text(encoding="utf-8")
    out = tmp_path / "erasure.git"
    result = erasure.erase(str(hosted), STUDENT, out, dt.date.fromisoformat(TODAY))
    assert result.complete, result.leftovers
    assert result.blobs >= 5 and result.revoked == ["CIM-2026-0001"]
    assert set(result.refs) == {
        "refs/heads/main",
        f"refs/heads/{result.placeholder}-exchange",
        "refs/tags/v2026",
    }
    # An independent look at every object of every ref: nothing of hers, by path or by content.
    objects = subprocess.run(
        ["git", "-C", str(out), "rev-list", "--all", "--objects"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"portfolios/{STUDENT}" not in objects
    for path in (hosted / "portfolios" / STUDENT).rglob("*"):
        if path.is_file() and path.stat().st_size:
            oid = git(hosted, "hash-object", str(path)).strip()
            assert oid not in objects, path
    dump = git(out, "log", "--all", "-p", "--format=%an %ae %s%n%b")
    assert STUDENT not in dump.replace("anna-lindqvist", "") and EMAIL not in dump
    assert "anna-lindqvist is another" in git(out, "show", "main:notes.txt")
    # The award keeps its number and is revoked on main; the others are untouched.
    awards = git(out, "show", "main:awards.yml")
    assert f"student: {result.placeholder}" in awards
    assert "number: CIM-2026-0001" in awards and "personal data erased" in awards
    assert "# Awarded certificates." in awards  # a round-trip edit keeps the comments
    assert "student: fatima-hassan" in awards
    # The source is untouched until the administrators push.
    assert (hosted / "portfolios" / STUDENT).is_dir()


def test_the_erased_main_branch_is_valid(hosted: Path, tmp_path: Path) -> None:
    from cim.cli import main

    out = tmp_path / "erasure.git"
    erasure.erase(str(hosted), STUDENT, out, dt.date.fromisoformat(TODAY))
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(out), str(checkout)], check=True)
    assert not (checkout / "portfolios" / STUDENT).exists()
    assert main(["validate", "--repo", str(checkout), "--today", TODAY]) == 0


def test_an_unknown_id_is_refused(hosted: Path, tmp_path: Path) -> None:
    with pytest.raises(erasure.ErasureError, match="check the id"):
        erasure.erase(str(hosted), "anna-lindd", tmp_path / "x.git", dt.date(2026, 11, 28))


def test_the_command_prints_what_is_left_to_do(
    hosted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cim.cli import main

    out = tmp_path / "erasure.git"
    args = ["erase", STUDENT, "--repo", str(hosted), "--out", str(out), "--today", TODAY]
    assert main([*args, "--author", "t@example.org"]) == 0
    text = capsys.readouterr().out
    assert f"{STUDENT} is erased from 3 ref(s)" in text and "CIM-2026-0001 revoked" in text
    for step in ("push --force --mirror", "GitHub Support", "Actions → Caches", "clones again"):
        assert step in text
    assert "t@example.org" not in git(out, "log", "--all", "--format=%ae")
    assert main([*args]) == 2  # the mirror's folder is not empty
    assert "is not empty" in capsys.readouterr().err
