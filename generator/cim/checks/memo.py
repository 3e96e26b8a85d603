"""Checked once: a portfolio's report is kept, and reused while nothing it depends on changed.

A portfolio's report depends on its own folder and on the scheme, nothing else (what
compares portfolios with each other, such as the same evidence in two folders, is checked
afresh every time). So its key is the hash of:

* the **scheme key**: this package's own files (code and schemas, so its version too),
  ``rules.yml``, ``activities.yml``, ``assessments.yml`` and the day the dates are judged by;
* the **folder**: where it is, whether its evidence is checked deeply, ``portfolio.yml`` byte
  for byte, and every other file's path, size and modification time (an evidence file
  replaced is a new file).

A changed scheme changes every key, so everything is checked again. Reports live in
``<cache>/checks/`` as pickles; the cache keeps only those of the latest full check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

# Bump when what a report holds changes shape, so that older pickles are never read.
MEMO_VERSION = "1"
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


def folder_key(scheme: str, folder: Path, deep: bool) -> str:
    """The key of one portfolio folder's report under the scheme key ``scheme``."""
    digest = hashlib.sha256(f"{scheme}\0{folder}\0{deep}".encode())
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(base, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            digest.update(f"\0{os.path.relpath(path, folder)}\0{st.st_size}\0".encode())
            if name == "portfolio.yml" and base == str(folder):
                with open(path, "rb") as handle:
                    digest.update(handle.read())
            else:
                digest.update(f"{st.st_mtime_ns}\0{st.st_mode}".encode())
    return digest.hexdigest()


class CheckMemo:
    """The reports of unchanged portfolios, from ``<cache>/checks/``."""

    def __init__(self, cache_dir: Path, root: Path, today: dt.date) -> None:
        self.folder = cache_dir / "checks"
        self.scheme = scheme_key(root, today)
        self.keys: dict[Path, str] = {}
        self.reused = 0

    def recall(self, folders: Iterable[Path], deep: Callable[[Path], bool]) -> dict[Path, Any]:
        """The kept report of each folder that has one (``deep``: whether a folder's evidence
        is checked deeply)."""
        found: dict[Path, Any] = {}
        for folder in folders:
            depth = deep(folder)
            key = folder_key(self.scheme, folder, depth)
            # Named by depth too: a deep check (the deployment's) and a plain one (the
            # build's) of the same folder each keep their own result.
            key = self.keys[folder] = f"{'deep' if depth else 'plain'}-{key}"
            try:
                with open(self.folder / f"{key}.pickle", "rb") as handle:
                    found[folder] = pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
                continue  # not kept, or unreadable: check it again
        self.reused = len(found)
        return found

    def remember(self, reports: Iterable[tuple[Path, Any]]) -> None:
        """Keep each new report; a half-written file is never seen under its name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for folder, report in reports:
            handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump(report, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.folder / f"{self.keys[folder]}.pickle")
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)

    def forget_others(self) -> None:
        """Delete every kept report of the depths this check used that it did not use (after
        a check of everything)."""
        used = {f"{key}.pickle" for key in self.keys.values()}
        depths = tuple({key.split("-", 1)[0] + "-" for key in self.keys.values()})
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.startswith(depths) and entry.name not in used:
                    os.unlink(entry.path)
