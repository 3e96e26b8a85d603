"""Incremental builds are byte for byte clean builds.

A copy of the demo repository (with its own mkdocs.yml, theme overrides and guides) goes
through a series of changes; after each, `cim build` runs twice with the real MkDocs: once
reusing the cache of all earlier builds, once clean (a new cache, a new site folder). Both
sites must hold the same files with the same bytes — and the incremental one must really have
reused pages, or the comparison would prove nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, SOURCE_DATE_EPOCH, TODAY, copy_repo, git, pull_request_repository

CIM = [sys.executable, "-m", "cim"]


def _project(tmp: Path) -> Path:
    repo = copy_repo(ROOT, tmp / "repo")
    for name in ("mkdocs.yml",):
        shutil.copy2(ROOT / name, repo / name)
    for folder in ("site_theme", "docs"):
        shutil.copytree(ROOT / folder, repo / folder)
    # Start without Fatima's award (the series gives it) and without Oskar (the series adds him).
    awards = repo / "awards.yml"
    text = awards.read_text(encoding="utf-8")
    cut = (
        "  - number: CIM-2026-0002\n    student: fatima-hassan\n    ceremony: graduation-2026-06\n"
    )
    assert cut in text
    awards.write_text(text.replace(cut, ""), encoding="utf-8")
    shutil.move(repo / "portfolios" / "oskar-nilsson", tmp / "oskar-nilsson")
    return repo


def _cim(repo: Path, *args: str, cache: Path, today: str = TODAY) -> str:
    env = {
        **os.environ,
        "CIM_CACHE": str(cache),
        "CIM_TODAY": today,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
    }
    for name in ("CIM_REPO", "CIM_SIGNING_KEY", "CIM_SIGNING_KEY_FILE", "CIM_SITE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [*CIM, *args, "--repo", str(repo), "--today", today],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _new_picture(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 48), (200, 90, 40)).save(path, "JPEG")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _tamper(site: Path) -> None:
    """What a build must not carry over from the site it replaces: stray files and folders,
    a page rewritten in place of its cached copy, a link."""
    (site / "students/ghost").mkdir()
    (site / "students/ghost/index.html").write_text("<p>not a student</p>")
    (site / "certificates/anna-lind/notes.txt").write_text("left behind")
    page = site / "sv/students/jonas-berg/index.html"
    text = page.read_bytes()
    page.unlink()  # a copy with other bytes, no longer the cache's file
    page.write_bytes(text.replace(b"Jonas", b"Jonah"))
    evidence = next((site / "assets/evidence").glob("*/*"))
    evidence.unlink()
    evidence.symlink_to(site / "index.html")


def test_every_change_builds_the_same_site_incrementally_as_cleanly(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    cache = tmp_path / "cache"
    portfolios = repo / "portfolios"
    day = {"today": TODAY}  # the day the builds judge dates by
    # Every incremental build replaces the one before, as a deployment's do: the folders of
    # student pages and evidence copies are taken over from it (cim.writers.folder.settle).
    incremental = tmp_path / "incremental"
    jonas_photo = portfolios / "jonas-berg/evidence/welcome-week.jpg"
    fatima_photo = portfolios / "fatima-hassan/evidence/lisbon-visit.jpg"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("first build", lambda: None),
        (
            "one entry edited",
            lambda: _edit(portfolios / "jonas-berg/portfolio.yml", "Most of the", "Many of the"),
        ),
        (
            "a portfolio added",
            lambda: shutil.move(tmp_path / "oskar-nilsson", portfolios / "oskar-nilsson"),
        ),
        ("a portfolio removed", lambda: shutil.rmtree(portfolios / "sara-ahmed")),
        ("the previous site's folders tampered with", lambda: _tamper(incremental)),
        (
            "an award",
            lambda: _cim(
                repo, "award", "fatima-hassan", "--ceremony", "graduation-2026-06", cache=cache
            ),
        ),
        (
            "a revocation",
            lambda: _cim(
                repo, "revoke", "CIM-2025-0001", "--reason", "Given in error", cache=cache
            ),
        ),
        ("a photo replaced, its name kept", lambda: _new_picture(jonas_photo)),
        (
            "another student's identical evidence",  # refused in both: neither is published
            lambda: (
                shutil.copy(jonas_photo, fatima_photo.with_name("copy.jpg")),
                _edit(fatima_photo.parent.parent / "portfolio.yml", fatima_photo.name, "copy.jpg"),
            ),
        ),
        (
            "the identical copy taken back",
            lambda: (
                fatima_photo.with_name("copy.jpg").unlink(),
                _edit(fatima_photo.parent.parent / "portfolio.yml", "copy.jpg", fatima_photo.name),
            ),
        ),
        (
            "issuer.yml edited",
            lambda: _edit(repo / "issuer.yml", "name: School of", "name: The School of"),
        ),
        ("the next day: a statement superseded", lambda: day.update(today="2026-11-29")),
        ("rules.yml edited", lambda: _edit(repo / "rules.yml", "name: ", "name: The ")),
        (
            "a template edited",
            lambda: _edit(
                repo / "site_theme/portfolio.html", "cim-page--portfolio", "cim-page--portfolio x"
            ),
        ),
        (
            "consent withdrawn",
            lambda: _edit(
                portfolios / "anna-lind/portfolio.yml", "publish: true", "publish: false"
            ),
        ),
    ]
    reused = 0
    for number, (what, change) in enumerate(steps):
        change()
        clean = tmp_path / f"clean-{number}"
        log = _cim(repo, "build", "--out", str(incremental), cache=cache, **day)
        _cim(repo, "build", "--out", str(clean), cache=tmp_path / f"fresh-{number}", **day)
        counts = re.findall(r"(\d+) unchanged page\(s\) reused from the cache, (\d+) built", log)
        assert counts, log
        print(what, counts)
        reused += sum(int(kept) for kept, _ in counts)
        ours, theirs = _files(incremental), _files(clean)
        assert sorted(ours) == sorted(theirs), what
        different = [name for name in ours if ours[name] != theirs[name]]
        assert not different, f"after {what}: {different[:5]}"
    assert reused > 0
    # Consent withdrawn: nothing of Anna is left in the site, its sitemap, its search index,
    # its statistics — nor in the cache of finished pages and search entries.
    # (The hand-written guides name her as their example: they are not her data.)
    site = incremental
    marks = (b"anna-lind", b"Anna Lind")
    files = _files(site)
    entries = [  # each language's search index
        e
        for name in ("search/search_index.json", "sv/search/search_index.json")
        for e in json.loads(files.pop(name))["docs"]
        if not e["location"].startswith("guides/")
    ]
    traces = [name for name, data in files.items() if any(m in data for m in marks)]
    assert [t for t in traces if not t.startswith(("guides/", "sv/guides/"))] == []
    assert not [e for e in entries if any(m.decode() in json.dumps(e) for m in marks)]
    assert not any(b"anna-lind" in p.read_bytes() for p in (cache / "pages").iterdir())
    kept_search = list((cache / "search").iterdir())
    assert kept_search and not any(b"anna-lind" in p.read_bytes() for p in kept_search)


def test_a_remembered_check_equals_a_fresh_one_until_something_changes(tmp_path: Path) -> None:
    import datetime as dt

    from cim.cli.reporters import render_json
    from cim.pipeline import check_repository

    repo = copy_repo(ROOT, tmp_path / "repo")
    cache = tmp_path / "cache"
    today = dt.date.fromisoformat(TODAY)

    def same_as_fresh() -> str:
        kept = render_json(check_repository(repo, today=today, cache=cache))
        assert kept == render_json(check_repository(repo, today=today))
        return kept

    first = same_as_fresh()
    assert (cache / "checks/plain.pickle").is_file()
    assert same_as_fresh() == first  # every report from the cache
    # A scheme change (a higher threshold) is seen by every portfolio.
    _edit(repo / "rules.yml", "threshold: 100", "threshold: 105")
    assert same_as_fresh() != first
    # A portfolio changed is checked again, and so is one whose evidence changed.
    _edit(repo / "portfolios/jonas-berg/portfolio.yml", "date: 2025-07-14", "date: 2031-07-14")
    photo = repo / "portfolios/jonas-berg/evidence/medical-tent.jpg"
    photo.write_bytes(b"not a picture")
    assert "jonas-berg" in same_as_fresh()


def test_a_pull_request_checks_deeply_only_the_portfolios_it_changes(tmp_path: Path) -> None:
    root = pull_request_repository(tmp_path)
    changed = root / "portfolios/jonas-berg/evidence/medical-tent.jpg"
    changed.write_bytes(changed.read_bytes()[:300])  # a picture cut short: only decoding sees it
    git(root, "commit", "-q", "-am", "a changed photo")
    # The same fault in a portfolio the pull request does not change (as if already merged).
    untouched = root / "portfolios/anna-lind/evidence/guest-lectures.jpg"
    untouched.write_bytes(untouched.read_bytes()[:400])
    command = [*CIM, "validate", "--repo", str(root), "--today", TODAY]
    env = {k: v for k, v in os.environ.items() if k != "CIM_CACHE"}
    since = subprocess.run(
        [*command, "--deep-since", "main"], capture_output=True, text=True, env=env
    )
    assert since.returncode == 1
    assert "medical-tent.jpg' cannot be accepted: the image cannot be read" in since.stdout
    assert "guest-lectures.jpg' cannot be accepted" not in since.stdout
    everything = subprocess.run([*command, "--deep"], capture_output=True, text=True, env=env)
    assert "guest-lectures.jpg' cannot be accepted" in everything.stdout
    wrong = subprocess.run(
        [*command, "--deep-since", "nowhere"], capture_output=True, text=True, env=env
    )
    assert wrong.returncode == 2 and "'nowhere' is not a commit" in wrong.stderr


def test_the_key_of_the_shared_chrome_sees_every_theme_file(tmp_path: Path) -> None:
    from cim.site.reuse import chrome_key

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "site_theme", theme)
    before = chrome_key(settings=["a"], folders=[theme])
    assert chrome_key(settings=["a"], folders=[theme]) == before
    assert chrome_key(settings=["b"], folders=[theme]) != before
    _edit(theme / ".icons/cim/menu.svg", "#menu", "#close")  # hidden folders count too
    assert chrome_key(settings=["a"], folders=[theme]) != before


def test_header_icons_come_from_one_shared_file(built: tuple[Path, str]) -> None:
    site, _ = built
    sprite = (site / "assets/icons.svg").read_text(encoding="utf-8")
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    page = (site / "students/anna-lind/index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'<use href="\.\./\.\./assets/icons\.svg#([^"]+)"', page))
    assert used and used <= symbols
    assert "<path" not in page.split("<main", 1)[0]  # no icon drawn inline in the header


def test_a_failed_build_leaves_the_previous_site_as_it_was(tmp_path: Path) -> None:
    """The previous site's folders are taken over only once the new site is complete: a build
    that fails leaves every file of the one before in place."""
    repo = _project(tmp_path)
    cache, site = tmp_path / "cache", tmp_path / "site"
    _cim(repo, "build", "--out", str(site), cache=cache)
    before = _files(site)
    _edit(repo / "rules.yml", "programmes:", "programmes: [")  # rules.yml no longer reads
    done = subprocess.run(
        [*CIM, "build", "--repo", str(repo), "--today", TODAY, "--out", str(site)],
        env={**os.environ, "CIM_CACHE": str(cache), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "rules.yml" in done.stderr
    assert _files(site) == before
    assert not list(tmp_path.glob(".site.building-*"))


def test_the_first_rebuild_after_a_clean_build_writes_only_what_changed(tmp_path: Path) -> None:
    """A clean build's pages are the page cache's very files, so the rebuild after it takes
    every unchanged page over where it is (the same file, not written again), as every later
    rebuild does."""
    repo = _project(tmp_path)
    cache, site = tmp_path / "cache", tmp_path / "site"
    _cim(repo, "build", "--out", str(site), cache=cache)
    pages = sorted(site.glob("**/students/*/index.html")) + sorted(
        site.glob("**/certificates/*/index.html")
    )
    assert len(pages) > 10
    kept = {p.relative_to(site).as_posix(): p.stat().st_ino for p in pages}
    cached = {p.stat().st_ino for p in (cache / "pages").iterdir()}
    assert set(kept.values()) <= cached  # the site's pages are the cache's files
    _edit(repo / "portfolios/jonas-berg/portfolio.yml", "bio: ", "bio: Changed. ")
    out = _cim(repo, "build", "--out", str(site), cache=cache)
    assert re.search(r"\b[1-9]\d* unchanged page\(s\) reused", out), out
    moved = {uri for uri, inode in kept.items() if (site / uri).stat().st_ino != inode}
    assert moved == {"students/jonas-berg/index.html", "sv/students/jonas-berg/index.html"}
