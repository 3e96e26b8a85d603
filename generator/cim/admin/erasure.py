"""Erasing a student: their folder and every mention of their id, from every commit of every
branch and tag, on a fresh mirror of the repository.

Deleting ``portfolios/<id>/`` in a new commit leaves every earlier version in the history, on
every clone. An erasure therefore rewrites the history (with ``git filter-repo``) of a fresh
mirror, so that the administrators can check the result before they replace the hosted
repository with it:

1. mirror-clone the repository (every branch, tag and other ref);
2. note every blob that was ever a file of the student's folder;
3. rewrite: drop the folder, and replace the id in every file and commit message with a
   placeholder (``erased-YYYY-MM-DD``); the awards keep their numbers, which are never reused;
4. on the default branch, revoke each of the student's awards in ``awards.yml`` (a round-trip
   edit that keeps the comments), as a new commit;
5. check that no ref reaches any of the noted blobs, any path in the folder, or the id.

What only a person can do (force-pushing, the hosting provider's purge of cached views and
pull-request refs, the build cache) is returned as a list of steps.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cim.model.awards import ERASED
from cim.read import source

ERASED_EMAIL = "erased@invalid"
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # an empty file: shared by everyone
ZERO = "0" * 40
AWARDS_FILE = "awards.yml"
REASON = "personal data erased at the student's request"
IDENTITY = {
    "GIT_AUTHOR_NAME": "CIM administrators",
    "GIT_AUTHOR_EMAIL": "cim-administrators@invalid",
    "GIT_COMMITTER_NAME": "CIM administrators",
    "GIT_COMMITTER_EMAIL": "cim-administrators@invalid",
}


class ErasureError(Exception):
    """The erasure could not be prepared; the message says why and what to do."""


@dataclass(slots=True)
class Erasure:
    """What was done, what the check found, and what is left to the administrators."""

    student: str
    placeholder: str
    mirror: Path
    refs: list[str] = field(default_factory=list)
    blobs: int = 0  # versions of the student's files found in the history
    revoked: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # who committed to the folder
    leftovers: list[str] = field(default_factory=list)  # what the check still found

    @property
    def complete(self) -> bool:
        return not self.leftovers


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise ErasureError(f"git {' '.join(args[:3])} failed: {done.stderr.strip()}")
    return done.stdout


def id_pattern(student: str) -> str:
    """The id as a whole word: `anna-lind` but not `anna-lindqvist`, `joanna-lind` or
    another student's `anna-lind-2`."""
    return rf"(?<![A-Za-z0-9-]){re.escape(student)}(?![A-Za-z0-9-])"


def ref_pattern(student: str) -> str:
    """The id in a branch or tag name, also as a part: `anna-lind-exchange`."""
    return rf"(?<![A-Za-z0-9]){re.escape(student)}(?![A-Za-z0-9])"


def _student_blobs(mirror: Path, folder: str) -> tuple[set[str], list[str]]:
    """Every blob that was ever a file in ``folder``, and who authored those commits."""
    out = _git(
        mirror,
        "log",
        "--all",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--format=%x00%an <%ae>",
        "--",
        folder,
    )
    blobs: set[str] = set()
    authors: set[str] = set()
    for line in out.splitlines():
        if line.startswith("\0"):
            authors.add(line[1:])
        elif line.startswith(":"):
            meta = line.split("\t", 1)[0].split()
            blobs.update(b for b in meta[2:4] if b != ZERO)
    return blobs, sorted(authors)


def _emails(mirror: Path, student: str) -> list[str]:
    """The e-mail addresses ``awards.yml`` (on the default branch) gives the student's awards."""
    try:
        text = _git(mirror, "show", f"HEAD:{AWARDS_FILE}")
    except ErasureError:
        return []
    data = source.parse(text, AWARDS_FILE).data
    awards = data.get("awards") if isinstance(data, dict) else None
    return sorted(
        {
            str(a["email"])
            for a in awards or []
            if isinstance(a, dict) and a.get("student") == student and a.get("email")
        }
    )


def _filter_repo(
    mirror: Path, student: str, placeholder: str, authors: list[str], emails: list[str]
) -> None:
    with tempfile.TemporaryDirectory(prefix="cim-erase-") as tmp:
        expressions = Path(tmp) / "expressions.txt"
        lines = [f"regex:{id_pattern(student)}==>{placeholder}"]
        lines += [f"literal:{address}==>{ERASED_EMAIL}" for address in emails]
        expressions.write_text("\n".join(lines) + "\n", "utf-8")
        args = [
            sys.executable,
            "-m",
            "git_filter_repo",
            "--force",
            "--quiet",
            # No refs/replace/… mapping old commit ids to new ones: nothing of the old
            # history is kept, whichever version of git filter-repo runs.
            "--replace-refs",
            "delete-no-add",
            "--invert-paths",
            "--path",
            f"portfolios/{student}/",
            "--replace-text",
            str(expressions),
            "--replace-message",
            str(expressions),
            # A branch or tag named after the student is renamed too.
            "--refname-callback",
            f"return re.sub({ref_pattern(student).encode()!r}, {placeholder.encode()!r}, refname)",
        ]
        if authors:
            mailmap = Path(tmp) / "mailmap"
            mailmap.write_text(
                "".join(f"Erased student <erased@invalid> <{a}>\n" for a in authors), "utf-8"
            )
            args += ["--mailmap", str(mailmap)]
        done = subprocess.run(args, cwd=mirror, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ErasureError(f"git filter-repo failed: {(done.stderr or done.stdout).strip()}")


def revoke_in(text: str, placeholder: str, today: dt.date) -> tuple[str, list[str]]:
    """``awards.yml`` with every unrevoked award of ``placeholder`` revoked; comments, order
    and layout are kept (a round-trip edit)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    data = yaml.load(text)
    if not isinstance(data, dict):
        return text, []
    revocations = data.get("revocations")
    if not isinstance(revocations, list):
        revocations = CommentedSeq()
        data["revocations"] = revocations
    done = {r.get("number") for r in revocations if isinstance(r, dict)}
    revoked = []
    for award in data.get("awards") or []:
        if isinstance(award, dict) and award.get("student") == placeholder:
            award.pop("email", None)
            number = str(award.get("number"))
            if number not in done:
                entry = CommentedMap()
                entry["number"] = number
                entry["date"] = today
                entry["reason"] = REASON
                revocations.append(entry)
                revoked.append(number)
    if not revoked:
        return text, []
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue(), revoked


def _revoke(mirror: Path, placeholder: str, today: dt.date) -> list[str]:
    """Revoke the erased student's awards on the default branch, as a new commit."""
    head = _git(mirror, "symbolic-ref", "--quiet", "HEAD").strip()
    branch = head.removeprefix("refs/heads/")
    try:
        text = _git(mirror, "show", f"{head}:{AWARDS_FILE}")
    except ErasureError:
        return []  # no awards.yml: nothing to revoke
    new, revoked = revoke_in(text, placeholder, today)
    if not revoked:
        return []
    with tempfile.TemporaryDirectory(prefix="cim-erase-") as tmp:
        work = Path(tmp) / "work"
        _git(mirror, "worktree", "add", "--quiet", str(work), branch)
        try:
            (work / AWARDS_FILE).write_text(new, encoding="utf-8")
            _git(work, "add", AWARDS_FILE)
            message = f"Revoke the awards of an erased student ({', '.join(revoked)})"
            _git(work, "commit", "--quiet", "--no-verify", "-m", message, env=IDENTITY)
        finally:
            _git(mirror, "worktree", "remove", "--force", str(work))
            _git(mirror, "worktree", "prune")
    return revoked


def check(mirror: Path, student: str, blobs: set[str], emails: Sequence[str] = ()) -> list[str]:
    """What of the student any ref still reaches: blobs, paths in their folder, their id."""
    found = []
    objects = _git(mirror, "rev-list", "--all", "--objects")
    folder = f"portfolios/{student}/"
    for line in objects.splitlines():
        oid, _, path = line.partition(" ")
        if oid in blobs and oid != EMPTY_BLOB:
            found.append(f"a version of the student's file is still reachable (as {path or oid})")
        elif path.startswith(folder) or path == folder.rstrip("/"):
            found.append(f"{path} is still in the history")
    pattern = "|".join([id_pattern(student), *(re.escape(e) for e in emails)])
    refs = _git(mirror, "for-each-ref", "--format=%(refname)").split()
    found += [
        f"the ref {ref} still names the student"
        for ref in refs
        if re.search(ref_pattern(student), ref)
    ]
    commits = _git(mirror, "rev-list", "--all").split()
    for start in range(0, len(commits), 200):  # one git grep per 200 commits
        chunk = commits[start : start + 200]
        done = subprocess.run(
            ["git", "-C", str(mirror), "grep", "-I", "-l", "-P", pattern, *chunk],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 1):  # 1: nothing found; anything else: could not look
            raise ErasureError(f"cannot search the rewritten history: {done.stderr.strip()}")
        found += [f"the id is still in {hit}" for hit in done.stdout.splitlines()[:20]]
    messages = _git(mirror, "log", "--all", "--format=%B%n%an%n%ae")
    if re.search(pattern, messages):
        found.append("the id is still in a commit message or author")
    return found


def erase(
    source: str,
    student: str,
    out: Path,
    today: dt.date,
    *,
    authors: list[str] | None = None,
) -> Erasure:
    """Prepare the erasure of ``student`` in a fresh mirror of ``source`` at ``out``."""
    if out.exists() and any(out.iterdir()):
        raise ErasureError(f"{out} is not empty; choose a new folder for the mirror")
    placeholder = f"{ERASED}{today.isoformat()}"
    done = subprocess.run(
        ["git", "clone", "--quiet", "--mirror", source, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ErasureError(f"cannot clone {source}: {done.stderr.strip()}")
    folder = f"portfolios/{student}/"
    blobs, committed = _student_blobs(out, folder)
    if not blobs:
        raise ErasureError(
            f"no branch or tag of {source} ever held {folder}; check the id (the folder name)"
        )
    result = Erasure(student, placeholder, out, blobs=len(blobs), authors=committed)
    emails = _emails(out, student)
    _filter_repo(out, student, placeholder, list(authors or ()), emails)
    result.revoked = _revoke(out, placeholder, today)
    result.refs = _git(out, "for-each-ref", "--format=%(refname)").split()
    result.leftovers = check(out, student, blobs, emails)
    return result


def manual_steps(result: Erasure, source: str) -> list[str]:
    """What the administrators still have to do, in order."""
    mirror = result.mirror
    return [
        f"Look at the result: git -C {mirror} log --stat -3 (the last commit revokes "
        f"{', '.join(result.revoked) or 'no award'}).",
        "Allow force pushes to main for a moment (Settings → Rules), then replace the hosted "
        f"history: git -C {mirror} push --force --mirror {source}. Refs the host keeps for "
        "itself (refs/pull/…) are refused; that is expected.",
        "Ask the hosting provider to purge what only it can remove: cached views of the old "
        "commits and the pull-request refs that still point to them (GitHub: a request to "
        "GitHub Support naming the repository, the erased folder and the pull requests).",
        "Delete the build cache (Actions → Caches → every cim-evidence-… entry) and re-run the "
        "deployment, so no processed copy of the student's evidence remains.",
        "Everyone with a clone (administrators, reviewers) deletes it and clones again; an old "
        "clone or fork still holds the erased files and would bring them back if pushed.",
        "Remove the student's pull requests and issues if they hold personal data (only the "
        "host can delete a pull request), and record the erasure in the School's register.",
    ]
