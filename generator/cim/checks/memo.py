"""Checked once: a portfolio's report is kept, and reused while nothing it depends on changed.

A portfolio's report depends on its own folder and on the scheme, nothing else (what
compares portfolios with each other, such as the same evidence in two folders, is checked
afresh every time). So its key is the hash of:

* the **scheme key**: this package's own files (code and schemas, so its version too),
  ``rules.yml``, ``activities.yml``, ``assessments.yml`` and the day the dates are judged by;
* where the folder is and whether its evidence is checked deeply;
* the **folder key**: the content of every file in it (:mod:`cim.checks.contents`; in a Git
  work tree taken from Git's index, so a fresh clone has the same keys).

A changed scheme changes every key, so everything is checked again. What is kept lives in a
few files of ``<cache>/checks/``:

* ``plain.pickle`` and ``deep.pickle``: the reports of the latest check at each depth (the
  build's, and the one that decodes every image), each file a small index of keys followed
  by the reports in a few chunks, read only when a report is reused; when one portfolio
  changed, only its chunk is written again (:mod:`cim.checks.store`);
* ``outcome-*.pickle``: what ``cim validate`` printed (one file per set of options, such as
  ``--format``), with the key of everything it read (scheme, ``issuer.yml``, ``awards.yml``,
  every folder's key), so that a run where nothing changed prints it again without loading a
  single report;
* ``hashes.pickle``: outside a Git work tree, each file's content hash with its size, times
  and inode, so that unchanged files are not read again; in one, each portfolio folder's
  listing with its times and inode, so that unchanged folders are not listed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from cim.checks.contents import (
    Files,
    Found,
    Hashes,
    Listings,
    folder_files,
    folder_key,
    portfolio_names,
)
from cim.checks.shared import shared_by_id, shared_files
from cim.checks.store import ReportFile, read_header, read_parts, write_file
from cim.model.layout import AWARDS_FILE, ISSUER_FILE

# Bump when what a report holds changes shape, so that older pickles are never read.
MEMO_VERSION = "2"
PACKAGE = Path(__file__).resolve().parents[1]  # generator/cim


def add_folder(digest: Any, folder: Path) -> None:
    """Every file's path and content under ``folder`` (hidden ones too: a theme's icons live
    in ``.icons/``), Python's byte-code caches left out."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        digest.update(b"\0file\0" + relative.encode() + b"\0")
        digest.update(path.read_bytes())


@cache
def package_key() -> str:
    """The hash of this package's own files (its code, templates and schemas)."""
    digest = hashlib.sha256()
    add_folder(digest, PACKAGE)
    return digest.hexdigest()


def scheme_key(root: Path, today: dt.date) -> str:
    """The key of what every portfolio's check depends on besides its own folder."""
    digest = hashlib.sha256(f"cim-check-memo {MEMO_VERSION} {today}".encode())
    digest.update(package_key().encode())
    for name in ("rules.yml", "activities.yml", "assessments.yml"):
        path = root / name
        digest.update(b"\0" + name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    return digest.hexdigest()


class CheckMemo:
    """The reports of unchanged portfolios, and the last outcomes of ``cim validate``, from
    ``<cache>/checks/``. After a check, ``reused`` and ``checked`` count the portfolios taken
    from the cache and checked again."""

    def __init__(self, cache_dir: Path, root: Path, today: dt.date) -> None:
        self.folder = cache_dir / "checks"
        self.root = root
        self.scheme = scheme_key(root, today)
        self.keys: dict[Path, str] = {}
        self.reused = 0
        self.checked = 0
        self._found: Found | None = None
        self._content: dict[str, str] = {}
        self._files: dict[str, ReportFile] = {}  # by depth

    def _contents(self) -> Found:
        if self._found is None:
            opened = read_header(self.folder / "hashes.pickle", MEMO_VERSION)
            hashes: Hashes = opened[0].get("hashes", {}) if opened else {}
            listings: Listings = opened[0].get("listings", {}) if opened else {}
            found = self._found = folder_files(self.root, hashes, listings)
            if (found.hashes or {}) != hashes or (found.listings or {}) != listings:
                header = {
                    "version": MEMO_VERSION,
                    "hashes": found.hashes or {},
                    "listings": found.listings or {},
                }
                write_file(self.folder / "hashes.pickle", header, ())
        return self._found

    def content_ids(self) -> dict[str, Files] | None:
        """Each portfolio folder's files and the ids of their contents (Git's blob ids), by
        folder name, when the ids are of the files' bytes as they are (else None)."""
        found = self._contents()
        return found.files if found.exact else None

    def shared_files(self, folders: list[Path]) -> dict[str, set[str]]:
        """:func:`cim.checks.shared.shared_files`, from the content ids already known when
        they are of the files' bytes (then no file is read)."""
        found = self._contents()
        return shared_by_id(folders, found.files) if found.exact else shared_files(folders)

    def key_of(self, folder: Path) -> str:
        """The key of what the portfolio folder ``folder`` holds: every file in it, by path
        and content, and nothing else (the same in any checkout of the same commit)."""
        key = self._content.get(folder.name)
        if key is None:
            files = self._contents().files.get(folder.name, {})
            key = self._content[folder.name] = folder_key(folder.name, files)
        return key

    def _key(self, folder: Path, deep: bool) -> str:
        text = f"{self.scheme}\0{folder}\0{deep}\0{self.key_of(folder)}"
        # Named by depth too: a deep check (the deployment's) and a plain one (the build's)
        # of the same folder each keep their own result, in their own file.
        return f"{'deep' if deep else 'plain'}-{hashlib.sha256(text.encode()).hexdigest()}"

    def _file(self, depth: str) -> ReportFile:
        if depth not in self._files:
            self._files[depth] = ReportFile(self.folder / f"{depth}.pickle", MEMO_VERSION)
        return self._files[depth]

    def recall(self, folders: Iterable[Path], deep: Callable[[Path], bool]) -> dict[Path, Any]:
        """The kept report of each folder that has one (``deep``: whether a folder's evidence
        is checked deeply)."""
        by_depth: dict[str, list[Path]] = {}
        for folder in folders:
            key = self.keys[folder] = self._key(folder, deep(folder))
            by_depth.setdefault(key.split("-", 1)[0], []).append(folder)
        found: dict[Path, Any] = {}
        for depth, members in by_depth.items():
            kept = self._file(depth)
            if kept.holds() & {self.keys[f] for f in members}:  # else nothing is read
                reports = kept.load()
                found.update((f, reports[self.keys[f]]) for f in members if self.keys[f] in reports)
        self.reused = len(found)
        return found

    def remember(self, reports: Iterable[tuple[Path, Any]], complete: bool) -> None:
        """Keep the reports of this check (every recalled one too); ``complete``: every
        portfolio was checked, so what the cache holds at the depths used is replaced."""
        by_depth: dict[str, list[tuple[str, str, Any]]] = {}
        for folder, report in reports:
            key = self.keys[folder]
            by_depth.setdefault(key.split("-", 1)[0], []).append((folder.name, key, report))
        for depth, entries in by_depth.items():
            self._file(depth).write(entries, complete)
        self._forget_old_files()

    def _forget_old_files(self) -> None:
        """Delete the one-file-per-portfolio reports older versions kept."""
        try:
            with os.scandir(self.folder) as entries:
                old = [e.path for e in entries if e.name.startswith(("plain-", "deep-"))]
        except OSError:
            return
        for path in old:
            os.unlink(path)

    def outcome_key(self, request: str, deep: Callable[[str], bool]) -> tuple[str, str]:
        """Where a ``cim validate`` run keeps what it printed (one place per ``request``: the
        options that change what it prints) and the key of everything that output depends
        on: the scheme, ``issuer.yml``, ``awards.yml``, every portfolio folder's name and
        content (``deep``: whether the folder of that name is checked deeply)."""
        text = f"cim-outcome {MEMO_VERSION}\0{self.scheme}\0{self.root}\0{request}\0"
        digest = hashlib.sha256(text.encode())
        for name in (ISSUER_FILE, AWARDS_FILE):
            path = self.root / name
            digest.update(b"\0" + name.encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
        digest.update(self._contents().digest.encode())
        names = portfolio_names(self.root)
        digest.update("\0".join(f"{n}/{deep(n)}" for n in names).encode())
        slot = hashlib.sha256(f"{self.root}\0{request}".encode()).hexdigest()[:16]
        return f"outcome-{slot}.pickle", digest.hexdigest()

    def outcome(self, where: tuple[str, str]) -> tuple[str, int] | None:
        """What the ``cim validate`` run at ``where`` (from :meth:`outcome_key`) printed, and
        its exit code, when everything it read is unchanged."""
        opened = read_header(self.folder / where[0], MEMO_VERSION)
        if opened is None or opened[0].get("key") != where[1]:
            return None
        parts = list(read_parts(self.folder / where[0], opened[1]))
        if len(parts) != 1:
            return None
        try:
            return parts[0].decode("utf-8"), int(opened[0]["code"])
        except (UnicodeDecodeError, KeyError, ValueError):
            return None

    def keep_outcome(self, where: tuple[str, str], text: str, code: int) -> None:
        header = {"version": MEMO_VERSION, "key": where[1], "code": code}
        write_file(self.folder / where[0], header, [text.encode("utf-8")])
