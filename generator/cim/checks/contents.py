"""What each portfolio folder holds, by content: one key per folder that changes whenever any
file in it changes, and that is the same again in a fresh clone of the repository.

* In a Git work tree (the repository's top folder holds ``.git``) the ids come from Git:
  ``git ls-files -s`` gives every tracked file's blob id (the hash of its content, kept in
  Git's index), and only the files ``git diff-files`` reports as changed and those not in
  Git's index (new or ignored) are read and hashed here, the way Git hashes them. Git tells
  a changed file by its size, times and inode, so a file rewritten with the same size and
  modification time is seen too (its change time is new). A fresh clone has the same blob
  ids, so its keys are the same. The files not in the index are found as
  ``git ls-files --others`` finds them, but from folder listings kept from the last time:
  a folder whose times and inode are unchanged holds the same names (adding, removing or
  renaming anything in a folder changes its times), so only changed folders are read again
  (:func:`_on_disk`; Git's own "untracked cache" works the same way).
* Elsewhere every file is hashed once and its hash kept with the file's size, times and inode
  (as Git's own index does); a file is read again only when one of those changed. A file
  changed within two seconds of being hashed is hashed again the next time (the clock may not
  tell two writes that close apart).

A folder's key covers every file below it, hidden ones too, each by its path and content
(and whether it is a link): :func:`folder_key`. Nothing else goes into it, so two checkouts
of the same commit give the same keys wherever they are.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from cim.model.layout import PORTFOLIOS_DIR

Files = dict[str, str]  # path inside the folder → "f <blob id>" (a file) or "l <id>" (a link)
RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen
# path → (size, modification and change times, inode) and the id of its content
Hashes = dict[str, tuple[tuple[int, int, int, int], str]]
# folder (relative to the repository) → (modification and change times, inode), the names of
# what it holds other than folders, and the names of its folders
Listings = dict[bytes, tuple[tuple[int, int, int], tuple[bytes, ...], tuple[bytes, ...]]]


def portfolio_folders(root: Path) -> list[Path]:
    """Every portfolio folder (``portfolios/*/``, hidden ones left out), in name order."""
    base = root / PORTFOLIOS_DIR
    if not base.is_dir():
        return []
    with os.scandir(base) as entries:  # the directory listing tells folders apart: no stat
        names = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    return [base / name for name in names]


def blob_id(data: bytes) -> str:
    """The id Git gives a file with this content."""
    header = b"blob %d\0" % len(data)
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def file_blob_id(path: str | os.PathLike[str]) -> str:
    """:func:`blob_id` of the file at ``path``, read a piece at a time."""
    with open(path, "rb") as handle:
        h = hashlib.sha1(b"blob %d\0" % os.fstat(handle.fileno()).st_size, usedforsecurity=False)
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _id_on_disk(path: str, st: os.stat_result) -> str | None:
    """The id of a file or link as it is now (None for anything else, or when it is gone)."""
    try:
        if stat.S_ISLNK(st.st_mode):
            return "l " + blob_id(os.fsencode(os.readlink(path)))
        if stat.S_ISREG(st.st_mode):
            return "f " + file_blob_id(path)
    except OSError:
        return None
    return None


def folder_key(name: str, files: Files) -> str:
    """The key of a portfolio folder called ``name`` holding ``files``."""
    digest = hashlib.sha256(f"cim-folder 1\0{name}\0".encode())
    for path in sorted(files):
        digest.update(f"{path}\0{files[path]}\0".encode())
    return digest.hexdigest()


def _git(
    root: Path, commands: list[list[str]], meanwhile: Callable[[], None] = lambda: None
) -> list[bytes | None]:
    """The output of each git command in ``root``, run side by side while ``meanwhile`` runs
    here (None for one that failed, or when git is missing)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    running = []
    try:
        for args in commands:
            running.append(
                subprocess.Popen(
                    ["git", "-C", str(root), *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        meanwhile()
    except OSError:
        for process in running:
            process.kill()
            process.wait()
        return [None] * len(commands)
    outputs: list[bytes | None] = []
    for process in running:
        out, _ = process.communicate()
        outputs.append(out if process.returncode == 0 else None)
    return outputs


def _on_disk(root: Path, listings: Listings) -> tuple[list[bytes], Listings]:
    """Every file and link below the portfolios folder (paths as Git writes them), a folder
    holding ``.git`` (another repository) as itself with a ``/`` after it, as
    ``git ls-files --others`` gives them; with the listings to keep for the next time.

    A folder whose times and inode are those kept in ``listings`` is not read again: its
    names are the kept ones. A folder changed within ``RACY_NS`` is not kept (the clock may
    not tell that change from the next one apart)."""
    top = os.fsencode(root) + b"/"
    settled = time.time_ns() - RACY_NS  # a folder last changed before this is kept
    found: list[bytes] = []
    kept: Listings = {}
    pending = [PORTFOLIOS_DIR.encode()]
    while pending:
        folder = pending.pop()
        try:
            st = os.lstat(top + folder)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue
        times = (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = listings.get(folder)
        if known is not None and known[0] == times:
            names, folders = known[1], known[2]
        else:
            try:
                with os.scandir(top + folder) as listing:
                    entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in listing]
            except OSError:
                continue
            names = tuple(name for name, is_folder in entries if not is_folder)
            folders = tuple(name for name, is_folder in entries if is_folder)
        if st.st_mtime_ns < settled and st.st_ctime_ns < settled:
            kept[folder] = (times, names, folders)
        if b".git" in names or b".git" in folders:
            found.append(folder + b"/")
            continue
        found.extend(folder + b"/" + name for name in names)
        pending.extend(folder + b"/" + name for name in folders)
    return found, kept


def _add(found: dict[str, Files], path: str, value: str | None) -> None:
    """Record (or, with None, drop) the id of ``portfolios/<name>/<rest>``."""
    parts = path.split("/", 2)
    if len(parts) < 3 or parts[0] != PORTFOLIOS_DIR or not parts[2]:
        return
    files = found.setdefault(parts[1], {})
    if value is None:
        files.pop(parts[2], None)
    else:
        files[parts[2]] = value


def _converts(root: Path, listed: bytes, config: bytes) -> bool:
    """Whether Git may store a file other than byte for byte (line endings, filters such as
    Git LFS): then its blob id is not the id of the file's bytes as they are."""
    for line in config.decode(errors="replace").splitlines():
        name, _, value = line.partition(" ")
        if name == "core.attributesfile" or value.strip().lower() in ("true", "input"):
            return True
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    places = (root / ".gitattributes", root / ".git/info/attributes")
    return (
        b".gitattributes\0" in listed
        or any(p.exists() for p in places)
        or os.path.exists(os.path.join(home, "git", "attributes"))
    )


def _from_git(
    root: Path, listings: Listings
) -> tuple[bytes, dict[str, str | None], bool, Listings] | None:
    """Git's index of the portfolio folders (``git ls-files -s``), the files that differ
    from it as they are now (None: gone), whether the index's ids are of the files' bytes as
    they are, and the folder listings to keep (None when ``root`` is not the top of a Git
    work tree)."""
    if not (root / ".git").exists():
        return None
    # The index's blob ids; the tracked files that differ from them (by size, times and
    # inode, or by content when those cannot tell); every other file, ignored ones too
    # (found on disk while Git runs).
    walked: list[tuple[list[bytes], Listings]] = []
    listed, changed, config = _git(
        root,
        [
            ["ls-files", "-s", "-z", "--", PORTFOLIOS_DIR],
            ["diff-files", "--name-only", "-z", "--", PORTFOLIOS_DIR],
            ["config", "--get-regexp", r"^core\.(autocrlf|attributesfile)$"],  # 1: none set
        ],
        lambda: walked.append(_on_disk(root, listings)),
    )
    if listed is None or changed is None or not walked:
        return None
    on_disk, kept = walked[0]
    indexed = {record.split(b"\t", 1)[-1] for record in listed.split(b"\0")}
    others = [path for path in on_disk if path.rstrip(b"/") not in indexed]
    now: dict[str, str | None] = {}
    for record in [*changed.split(b"\0"), *others]:
        if record:
            _from_disk(root, os.fsdecode(record).rstrip("/"), now)
    return listed, now, not _converts(root, listed, config or b""), kept


def _index(listed: bytes) -> Iterator[tuple[str, str]]:
    """Each path in Git's index (``git ls-files -s -z``) and the id of its content."""
    for record in listed.split(b"\0"):
        if record:
            info, path = record.split(b"\t", 1)
            mode, blob = info.split(b" ")[:2]
            kind = "l" if mode == b"120000" else ("f" if mode.startswith(b"100") else "g")
            yield os.fsdecode(path), f"{kind} {blob.decode()}"


def _indexed(listed: bytes, path: str) -> str | None:
    """The id Git's index (``git ls-files -s -z``) gives ``path``, as :func:`_index` gives it
    (None when it is not in the index): found without reading the other records."""
    wanted = b"\t" + os.fsencode(path) + b"\0"
    end = len(listed)
    while (at := listed.rfind(wanted, 0, end)) >= 0:  # the last, as dict(_index(...)) has it
        start = listed.rfind(b"\0", 0, at) + 1
        if listed.find(b"\t", start) == at:  # not the end of a longer name holding a tab
            return next(_index(listed[start : at + len(wanted)]))[1]
        end = at + len(wanted) - 1
    return None


def _parse_index(listed: bytes, now: dict[str, str | None]) -> dict[str, Files]:
    """Each folder's files and ids from Git's index, with the files that differ as they are."""
    found: dict[str, Files] = {}
    for path, value in _index(listed):
        _add(found, path, value)
    for changed, id_now in now.items():
        _add(found, changed, id_now)
    return found


def _from_disk(root: Path, path: str, now: dict[str, str | None]) -> None:
    """Record what ``path`` (relative to ``root``) holds now: a file, a link, or a folder of
    them (each file below it), or nothing."""
    full = os.path.join(root, path)
    try:
        st = os.lstat(full)
    except OSError:
        now[path] = None
        return
    if stat.S_ISDIR(st.st_mode):
        for base, _dirs, names in os.walk(full):
            for name in names:
                inner = os.path.join(base, name)
                _from_disk(root, os.path.relpath(inner, root).replace(os.sep, "/"), now)
        return
    now[path] = _id_on_disk(full, st)


def _walked(root: Path, hashes: Hashes) -> tuple[dict[str, Files], Hashes]:
    """Every portfolio folder's files and their ids, hashing only files not seen before as
    they are (``hashes`` from the last time); with the hashes to keep for the next time."""
    found: dict[str, Files] = {}
    kept: Hashes = {}
    now = time.time_ns()
    for folder in portfolio_folders(root):
        files: Files = found.setdefault(folder.name, {})
        pending = [(str(folder), "")]
        while pending:
            current, prefix = pending.pop()
            try:
                with os.scandir(current) as listing:
                    entries = list(listing)
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                known = hashes.get(entry.path)
                value = known[1] if known is not None and known[0] == sig else None
                value = value or _id_on_disk(entry.path, st)
                if value is None:
                    continue
                files[prefix + entry.name] = value
                if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
                    kept[entry.path] = (sig, value)
    return found, kept


class Found:
    """What the portfolio folders hold: ``digest``, one hash of every file's path and id
    (cheap: Git's index is hashed as it comes); ``files``, each folder's files by folder
    name (read out only when asked for); ``hashes``, the hashes to keep for the next time
    (None: Git gave the ids); ``exact``: every id is of the file's bytes as they are (not so
    when Git converts line endings or filters files); ``listings``, the folder listings to
    keep for the next time (None: not a Git work tree)."""

    def __init__(
        self,
        digest: str,
        files: Callable[[], dict[str, Files]],
        hashes: Hashes | None,
        exact: bool,
        listings: Listings | None = None,
    ) -> None:
        self.digest, self._make, self.hashes, self.exact = digest, files, hashes, exact
        self.listings = listings
        self._files: dict[str, Files] | None = None

    @property
    def files(self) -> dict[str, Files]:
        if self._files is None:
            self._files = self._make()
        return self._files


def folder_files(root: Path, hashes: Hashes, listings: Listings | None = None) -> Found:
    """What every portfolio folder holds (``hashes`` and ``listings``: those kept from the
    last time)."""
    found = _from_git(root, listings or {})
    if found is not None:
        listed, now, exact, listed_folders = found
        digest = hashlib.sha256(b"git\0" + listed)
        if now:  # only what differs in content: a file merely touched is the same
            for path in sorted(p for p in now if now[p] != _indexed(listed, p)):
                digest.update(f"\0{path}\0{now[path]}".encode())
        return Found(
            digest.hexdigest(), lambda: _parse_index(listed, now), None, exact, listed_folders
        )
    walked, kept = _walked(root, hashes)
    digest = hashlib.sha256(b"walked")
    for name in sorted(walked):
        digest.update(f"\0{name}\0{folder_key(name, walked[name])}".encode())
    return Found(digest.hexdigest(), lambda: walked, kept, True)


def portfolio_names(root: Path) -> list[str]:
    """The names of :func:`portfolio_folders`, without making a path of each."""
    try:
        with os.scandir(root / PORTFOLIOS_DIR) as entries:
            return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []


def folder_keys(root: Path, hashes: Hashes | None = None) -> dict[str, str]:
    """The key of every portfolio folder of the repository at ``root``, by folder name."""
    found = folder_files(root, hashes or {}).files
    return {name: folder_key(name, found.get(name, {})) for name in portfolio_names(root)}
