"""Evidence is each student's own: the same file content in two students' folders is refused.

A student could copy another student's private transcript into their own folder; the ownership
check allows it (it is their folder) and the build would publish it. Files are compared by size
first and hashed only when another student's folder holds a file of the same size, so a
repository of thousands of students hashes almost nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from cim.problems import Problem

_SKIPPED = {"portfolio.yml", ".gitkeep"}


def _files(folder: Path) -> list[tuple[str, int]]:
    """Regular files below ``folder`` (not through links, not hidden): path and size."""
    found: list[tuple[str, int]] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink():
                continue  # refused by the folder check already
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and entry.name not in _SKIPPED:
                found.append((entry.path, entry.stat(follow_symlinks=False).st_size))
    return found


def _digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def shared_files(folders: list[Path]) -> dict[str, set[str]]:
    """Each file (by path) whose exact content is also in another portfolio folder, with the
    ids of the other portfolios."""
    by_size: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for folder in folders:
        for path, size in _files(folder):
            if size:
                by_size[size].append((folder.name, path))
    shared: dict[str, set[str]] = {}
    for group in by_size.values():
        if len({owner for owner, _ in group}) < 2:
            continue
        by_digest: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for owner, path in group:
            try:
                by_digest[_digest(path)].append((owner, path))
            except OSError:
                continue
        _add_shared(shared, by_digest.values())
    return shared


def _add_shared(shared: dict[str, set[str]], groups: Iterable[list[tuple[str, str]]]) -> None:
    """For each group of (owner, path) with the same content and more than one owner: each
    path with the other owners."""
    for same in groups:
        owners = {owner for owner, _ in same}
        if len(owners) > 1:
            for owner, path in same:
                shared[path] = owners - {owner}


def check_shared(root: Path, folder: Path, shared: dict[str, set[str]]) -> list[Problem]:
    """A problem for each file in ``folder`` that another student's folder also holds. The
    other student is not named: that would tell who has which document."""
    problems = []
    prefix = str(folder) + os.sep
    for path in sorted(p for p in shared if p.startswith(prefix)):
        shown = Path(path).relative_to(root).as_posix()
        problems.append(
            Problem(
                shown,
                1,
                1,
                f"{shown} is the same file as one in another student's portfolio; evidence "
                "must be your own (your own scan, photo or download) — remove it or add "
                "your own copy.",
            )
        )
    return problems


EMPTY_BLOB = "f e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # Git's id of an empty file


def shared_by_id(folders: list[Path], files: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    """:func:`shared_files` from content ids already known (``files``: each folder's files
    by path inside it, from :mod:`cim.checks.contents`): the same files are compared, by
    their ids, so nothing is read. The ids must be of the files' bytes as they are."""
    by_id: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for folder in folders:
        base = str(folder)
        for inside, value in files.get(folder.name, {}).items():
            parts = inside.split("/")
            if value[0] != "f" or value == EMPTY_BLOB or parts[-1] in _SKIPPED:
                continue
            if any(part.startswith(".") for part in parts):
                continue  # hidden, as _files leaves them out
            by_id[value].append((folder.name, os.path.join(base, *parts)))
    shared: dict[str, set[str]] = {}
    _add_shared(shared, by_id.values())
    return shared
