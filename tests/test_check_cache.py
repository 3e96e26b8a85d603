"""The validation cache: a kept result equals a fresh one, and only what changed is checked
again — counted, never timed. Folder keys come from content, so a fresh clone reuses them."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cim.checks.memo import MEMO_VERSION, CheckMemo
from cim.checks.store import ReportFile
from cim.cli.reporters import render_json, render_text
from cim.pipeline import RepositoryReport, check_repository

from conftest import ROOT, TODAY, copy_repo, git

DAY = dt.date.fromisoformat(TODAY)
CIM = [sys.executable, "-m", "cim"]


def _check(repo: Path, cache: Path) -> tuple[RepositoryReport, CheckMemo]:
    memo = CheckMemo(cache, repo, DAY)
    return check_repository(repo, today=DAY, cache=memo), memo


def _same(kept: RepositoryReport, fresh: RepositoryReport) -> None:
    """Problems (in order), assessments and what every reporter shows are equal."""
    assert render_json(kept) == render_json(fresh)
    assert render_text(kept) == render_text(fresh)
    assert [str(p) for p in kept.problems] == [str(p) for p in fresh.problems]
    for a, b in zip(kept.portfolios, fresh.portfolios, strict=True):
        assert (a.id, a.folder, a.problems) == (b.id, b.folder, b.problems)
        assert a.portfolio == b.portfolio and a.assessment == b.assessment


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("source", [ROOT, ROOT / "tests/fixtures/broken"], ids=["demo", "broken"])
def test_a_kept_result_equals_a_fresh_one(tmp_path: Path, source: Path) -> None:
    repo = copy_repo(source, tmp_path / "repo")
    cache = tmp_path / "cache"
    fresh = check_repository(repo, today=DAY)
    first, memo = _check(repo, cache)
    assert (memo.reused, memo.checked) == (0, len(fresh.portfolios))
    _same(first, fresh)
    again, memo = _check(repo, cache)
    assert (memo.reused, memo.checked) == (len(fresh.portfolios), 0)
    _same(again, fresh)
    # A few files, not one per portfolio.
    kept = {p.name for p in (cache / "checks").iterdir()}
    assert "plain.pickle" in kept and kept <= {"plain.pickle", "hashes.pickle"}


def test_only_what_changed_is_checked_again(tmp_path: Path) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    cache = tmp_path / "cache"
    everyone = len(_check(repo, cache)[0].portfolios)
    before = ReportFile(cache / "checks/plain.pickle", MEMO_VERSION).parts()
    # One portfolio edited: only it is checked again, and only its chunk written again.
    _edit(repo / "portfolios/jonas-berg/portfolio.yml", "date: 2025-07-14", "date: 2031-07-14")
    report, memo = _check(repo, cache)
    assert (memo.checked, memo.reused) == (1, everyone - 1)
    _same(report, check_repository(repo, today=DAY))
    after = ReportFile(cache / "checks/plain.pickle", MEMO_VERSION).parts()
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1
    # One evidence file changed: only its portfolio.
    (repo / "portfolios/anna-lind/evidence/guest-lectures.jpg").write_bytes(b"not a picture")
    assert _check(repo, cache)[1].checked == 1
    # A scheme change is seen by every portfolio.
    _edit(repo / "rules.yml", "threshold: 100", "threshold: 105")
    report, memo = _check(repo, cache)
    assert (memo.checked, memo.reused) == (everyone, 0)
    _same(report, check_repository(repo, today=DAY))
    # Checking a few keeps the others' results.
    memo = CheckMemo(cache, repo, DAY)
    check_repository(repo, today=DAY, cache=memo, only=["mei-chen"])
    assert _check(repo, cache)[1].checked == 0
    # A damaged cache is not trusted: everything is checked again, with the same result.
    kept = cache / "checks/plain.pickle"
    kept.write_bytes(kept.read_bytes()[:-100])
    report, memo = _check(repo, cache)
    assert memo.checked == everyone
    _same(report, check_repository(repo, today=DAY))


def _validate(repo: Path, *options: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "CIM_CACHE"}
    return subprocess.run(
        [*CIM, "validate", "--repo", str(repo), "--today", TODAY, *options],
        capture_output=True,
        env=env,
        check=False,
    )


def test_validate_prints_the_same_bytes_with_and_without_the_cache(tmp_path: Path) -> None:
    repo = copy_repo(ROOT / "tests/fixtures/broken", tmp_path / "repo")
    cache = str(tmp_path / "cache")
    for fmt in ("text", "github"):
        plain = _validate(repo, "--format", fmt)
        assert plain.returncode == 1 and plain.stdout
        for _ in range(2):  # filling the cache, then answered from it
            kept = _validate(repo, "--format", fmt, "--cache", cache)
            assert (kept.returncode, kept.stdout, kept.stderr) == (1, plain.stdout, b"")
    _edit(repo / "portfolios/mixed/portfolio.yml", "name:", "name: Changed")
    assert _validate(repo, "--cache", cache).stdout == _validate(repo).stdout


def _keys(repo: Path) -> dict[str, str]:
    memo = CheckMemo(repo / "unused", repo, DAY)
    return {f.name: memo.key_of(f) for f in sorted((repo / "portfolios").iterdir())}


def _outcome(repo: Path, cache: Path) -> str:
    return CheckMemo(cache, repo, DAY).outcome_key("text", lambda name: False)[1]


def _same_size_and_time(path: Path) -> None:
    """Replace the file's content keeping its size and modification time."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_fresh_clone_reuses_the_cache_and_sees_every_change(tmp_path: Path) -> None:
    origin = copy_repo(ROOT, tmp_path / "origin")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "all")
    clone, cache = tmp_path / "clone", tmp_path / "cache"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    everyone = len(_check(clone, cache)[0].portfolios)
    saved = tmp_path / "saved"
    shutil.copytree(cache, saved)  # what the deployment keeps between runs
    keys, outcome = _keys(clone), _outcome(clone, cache)
    # The next run: a fresh clone (every file's time is new), the cache restored.
    shutil.rmtree(clone)
    shutil.rmtree(cache)
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    shutil.copytree(saved, cache)
    assert _keys(clone) == keys
    assert _outcome(clone, cache) == outcome  # cim validate prints its kept output
    report, memo = _check(clone, cache)
    assert (memo.checked, memo.reused) == (0, everyone)
    # A file touched (a new time, the same content) is no change.
    touched = clone / "portfolios/jonas-berg/portfolio.yml"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**10))
    assert (_keys(clone), _outcome(clone, cache)) == (keys, outcome)
    # Evidence rewritten with the same size and time is still a change.
    _same_size_and_time(clone / "portfolios/jonas-berg/evidence/medical-tent.jpg")
    changed = _keys(clone)
    assert {k for k in keys if keys[k] != changed[k]} == {"jonas-berg"}
    assert _outcome(clone, cache) != outcome
    report, memo = _check(clone, cache)
    assert memo.checked == 1
    _same(report, check_repository(clone, today=DAY))
    # New and ignored files count as well.
    (clone / ".gitignore").write_text("*.tmp\n")
    (clone / "portfolios/mei-chen/notes.tmp").write_text("hidden from git")
    (clone / "portfolios/anna-lind/new.txt").write_text("not committed")
    assert {k for k, v in _keys(clone).items() if v != changed[k]} == {"mei-chen", "anna-lind"}


def test_outside_git_a_same_size_and_time_change_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cim.checks import contents

    monkeypatch.setattr(contents, "RACY_NS", 0)  # trust times however recent they are
    hashed: list[str] = []
    real = contents._id_on_disk

    def counted(path: str, st: os.stat_result) -> str | None:
        hashed.append(path)
        return real(path, st)

    monkeypatch.setattr(contents, "_id_on_disk", counted)
    repo = copy_repo(ROOT, tmp_path / "repo")
    cache = tmp_path / "cache"
    _check(repo, cache)
    hashed.clear()
    assert _check(repo, cache)[1].checked == 0
    assert hashed == []  # every file known by its size, times and inode
    photo = repo / "portfolios/jonas-berg/evidence/medical-tent.jpg"
    _same_size_and_time(photo)
    assert _check(repo, cache)[1].checked == 1
    assert hashed == [str(photo)]


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_shared_evidence_is_found_from_the_kept_ids_as_by_reading(
    tmp_path: Path, in_git: bool
) -> None:
    from cim.checks.contents import portfolio_folders
    from cim.checks.shared import shared_files

    repo = copy_repo(ROOT, tmp_path / "repo")
    photo = (repo / "portfolios/jonas-berg/evidence/medical-tent.jpg").read_bytes()
    for name in ("anna-lind", "mei-chen"):
        evidence = repo / "portfolios" / name / "evidence"
        (evidence / "copy.jpg").write_bytes(photo)  # the same picture in three folders
        (evidence / ".hidden.jpg").write_bytes(photo)  # hidden: never compared
        (evidence / "empty.txt").write_bytes(b"")  # empty: never compared
        (evidence / "link.jpg").symlink_to("copy.jpg")  # a link: refused elsewhere
    if in_git:
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "all")
        (repo / "portfolios/oskar-nilsson/new.jpg").write_bytes(photo)  # not committed
    folders = portfolio_folders(repo)
    expected = shared_files(folders)
    assert len(expected) == 3 + in_git
    assert CheckMemo(tmp_path / "cache", repo, DAY).shared_files(folders) == expected
    report, _memo = _check(repo, tmp_path / "cache")
    _same(report, check_repository(repo, today=DAY))


def test_files_git_does_not_track_are_found_as_git_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files not in Git's index are those `git ls-files --others` gives, after every kind
    of change, found from the folder listings kept from the run before; a run where nothing
    changed reads no folder again."""
    from cim.checks import contents

    monkeypatch.setattr(contents, "RACY_NS", 0)  # trust times however recent they are
    repo = copy_repo(ROOT, tmp_path / "repo")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "all")
    listings: contents.Listings = {}
    reads: list[bytes] = []
    real_scandir = os.scandir

    def counted(path: Any) -> Any:
        if isinstance(path, bytes):  # the listings' folders (other callers give text)
            reads.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counted)

    def same_as_git() -> None:
        nonlocal listings
        on_disk, listings = contents._on_disk(repo, listings)
        tracked = set(git(repo, "ls-files", "-z", "--", "portfolios").split("\0"))
        ours = {os.fsdecode(p) for p in on_disk if os.fsdecode(p).rstrip("/") not in tracked}
        theirs = set(git(repo, "ls-files", "--others", "-z", "--", "portfolios").split("\0"))
        assert ours == theirs - {""}

    same_as_git()
    assert reads  # the first time every folder is read
    reads.clear()
    same_as_git()
    assert reads == []  # nothing changed: no folder read again
    folder = repo / "portfolios/anna-lind"
    for change in (
        lambda: (folder / "evidence/new.jpg").write_bytes(b"new"),
        lambda: (repo / ".gitignore").write_text("*.tmp\n"),
        lambda: (folder / "notes.tmp").write_text("ignored by Git, still found"),
        lambda: (repo / "portfolios/new-student/evidence/deep").mkdir(parents=True),
        lambda: (repo / "portfolios/new-student/evidence/deep/a b ä.txt").write_text("x"),
        lambda: (repo / "portfolios/new-student/portfolio.yml").write_text("name: N\n"),
        lambda: (folder / "evidence/new.jpg").unlink(),
        lambda: (repo / "portfolios/new-student/evidence").rename(
            repo / "portfolios/new-student/proof"
        ),
        lambda: git(repo, "init", "-q", str(repo / "portfolios/mei-chen/inner")),
        lambda: (repo / "portfolios/mei-chen/inner/file.txt").write_text("another repository"),
        lambda: (repo / "portfolios/jonas-berg/linked").symlink_to("evidence"),
        lambda: git(repo, "add", "portfolios/new-student/portfolio.yml"),
        lambda: shutil.rmtree(repo / "portfolios/new-student/proof"),
    ):
        change()
        same_as_git()
    reads.clear()
    same_as_git()
    assert reads == []


def test_a_path_is_looked_up_in_the_index_as_the_whole_index_reads_it(tmp_path: Path) -> None:
    from cim.checks import contents

    repo = tmp_path / "repo"
    names = ["a", "a\tb", "b", "x\ta", "c\td\te", "d\te", "é ö"]
    for name in names:
        (repo / "portfolios/p").mkdir(parents=True, exist_ok=True)
        (repo / "portfolios/p" / name).write_text(name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-s", "-z"], check=True, capture_output=True
    ).stdout
    whole = dict(contents._index(listed))
    for path in [*whole, "portfolios/p/e", "portfolios/p/d", "p/a", "a", "portfolios/p"]:
        assert contents._indexed(listed, path) == whole.get(path), path


def test_reports_from_worker_processes_share_the_schemes_activities_and_cohorts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked by two worker processes, the reports equal those checked here, and point at
    this process's activities and cohorts (each came back with its own copy); an activity
    that differs from the catalogue's stays the report's own."""
    from cim import pipeline

    repo = copy_repo(ROOT, tmp_path / "repo")
    here = check_repository(repo, today=DAY, workers=1)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    apart = check_repository(repo, today=DAY, workers=2)
    _same(apart, here)
    catalogue, rules = apart.scheme.catalogue, apart.scheme.rules
    assert catalogue is not None and rules is not None
    shared = 0
    for report in apart.portfolios:
        assessment = report.assessment
        assert assessment is not None
        assert any(assessment.cohort is c for c in rules.cohorts)
        for result in assessment.entries:
            if result.activity is not None:
                assert result.activity is catalogue.get(result.activity.id)
                shared += 1
    assert shared > 20
    # A copy that differs (as if from another catalogue) is not swapped for ours.
    copied = pickle.loads(pickle.dumps(here.portfolios[0]))
    first = copied.assessment.entries[0]
    first.activity.title += " (changed)"
    pipeline._sharing_the_scheme([copied], apart.scheme)
    assert first.activity.title.endswith("(changed)")
    assert all(
        r.activity is catalogue.get(r.activity.id)
        for r in copied.assessment.entries[1:]
        if r.activity is not None and r.activity is not first.activity
    )
