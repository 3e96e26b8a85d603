"""Reading a git repository's history without running anything from it.

Blobs and trees are read with plain git plumbing commands; a revision is materialised by
unpacking ``git archive`` with tarfile's safe ``data`` filter (no links out, no devices).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from cim.model.layout import PORTFOLIO_FILE, PORTFOLIOS_DIR, SCHEME_FILES
from cim.read import source


class GitError(Exception):
    """A git command failed; the message says which and why."""


def git(repo: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def resolve(repo: Path, rev: str) -> str:
    return git(repo, "rev-parse", "--verify", f"{rev}^{{commit}}").decode().strip()


def blob(repo: Path, rev: str, path: str) -> bytes | None:
    try:
        return git(repo, "show", f"{rev}:{path}")
    except GitError:
        return None


def modes(repo: Path, rev: str, paths: list[str]) -> dict[str, str]:
    """The git mode of each path that exists at ``rev`` (100644, 100755, 120000, 160000)."""
    if not paths:
        return {}
    out = git(repo, "ls-tree", "-z", rev, "--", *paths).decode()
    found = {}
    for record in filter(None, out.split("\0")):
        meta, path = record.split("\t", 1)
        found[path] = meta.split()[0]
    return found


def changed(repo: Path, base: str, head: str) -> list[tuple[str, str, str | None]]:
    """(status letter, path, old path for renames) between two revisions."""
    out = git(repo, "diff", "--name-status", "-z", "-M", base, head).decode()
    fields = out.split("\0")
    result: list[tuple[str, str, str | None]] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[0] in "RC":
            result.append((status[0], fields[i + 2], fields[i + 1]))
            i += 3
        else:
            result.append((status[0], fields[i + 1], None))
            i += 2
    return result


def owner_in(text: bytes | None) -> int | None:
    """The ``github_id`` a portfolio.yml declares (None when unreadable, absent or doubtful).

    Read with the same hardened reader as every other YAML file: whatever a merged portfolio
    holds (an impossible date, deep nesting, a malformed number), this answers and never
    raises, so one portfolio can never stop the ownership check for everybody. A file with any
    structural problem (a duplicate ``github_id`` among them) names no owner: fail closed.
    """
    if text is None or len(text) > source.MAX_BYTES:
        return None
    try:
        doc = source.parse(text.decode("utf-8"), PORTFOLIO_FILE)
    except UnicodeDecodeError:
        return None
    data = doc.data if doc.ok and not doc.problems else None
    value = data.get("github_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def portfolio_owners(repo: Path, rev: str) -> dict[str, int | None]:
    """Every portfolio id at ``rev`` and the user id its portfolio.yml names."""
    out = (
        git(repo, "ls-tree", "-d", "--name-only", "-z", f"{rev}:{PORTFOLIOS_DIR}")
        if blob(repo, rev, PORTFOLIOS_DIR) is not None
        else b""
    )
    owners = {}
    for name in filter(None, out.decode().split("\0")):
        owners[name] = owner_in(blob(repo, rev, f"{PORTFOLIOS_DIR}/{name}/{PORTFOLIO_FILE}"))
    return owners


def materialise(repo: Path, rev: str, dest: Path) -> Path:
    """Unpack the CIM data of ``rev`` (scheme files and portfolios) into ``dest``."""
    present = [p for p in (*SCHEME_FILES, PORTFOLIOS_DIR) if blob(repo, rev, p) is not None]
    dest.mkdir(parents=True, exist_ok=True)
    if not present:
        return dest
    archive = git(repo, "archive", "--format=tar", rev, "--", *present)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest
