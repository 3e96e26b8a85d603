"""Checks of a portfolio folder and its evidence files: what is there, and what each file holds."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from cim.checks import evidence
from cim.model.evidence import KIND_OF_SUFFIX, sniff
from cim.model.rules import Rules
from cim.problems import Problem, Severity
from cim.read.source import Document

_DRIVE = re.compile(r"[A-Za-z]:")


# Long because one evidence reference goes through an ordered checklist (name, place, type, size,
# content) where each step decides whether the next can run.
def judge_evidence(
    doc: Document,
    name: str,
    folder: Path,
    rules: Rules,
    deep: bool,
    files: dict[str, int],
) -> list[tuple[str, Severity]]:
    """What is wrong with one referenced evidence file (empty when nothing).

    ``files`` is the folder's listing from :func:`check_folder`: the regular files reached
    without a link, by relative path, with their sizes."""
    error, warning = Severity.ERROR, Severity.WARNING
    parts = name.split("/")
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or "\\" in name:
        return [
            (
                f"'{name}' must be a relative path inside your portfolio folder, e.g. "
                "evidence/certificate.pdf, with forward slashes.",
                error,
            )
        ]
    if ".." in parts or "." in parts or "" in parts:
        return [
            (
                f"'{name}' may not contain '..', '.' or '//'; refer to the file inside "
                f"{Path(doc.path).parent.as_posix()}/ directly, e.g. evidence/photo.jpg.",
                error,
            )
        ]
    if any(p.startswith(".") for p in parts):
        return [(f"'{name}' is a hidden file; give it a normal name.", error)]
    size = files.get(name)
    # With no '..' and no symbolic link on the way, the path cannot leave the folder; a listed
    # file was reached without one.
    if size is None and any(
        folder.joinpath(*parts[:depth]).is_symlink() for depth in range(1, len(parts) + 1)
    ):
        return [
            (f"'{name}' is or passes through a symbolic link; add the file itself instead.", error)
        ]
    target = os.path.join(folder, name)
    suffix = os.path.splitext(parts[-1])[1].lower().lstrip(".")
    if suffix not in rules.evidence_types:
        return [
            (
                f"'{name}' is a .{suffix or '(none)'} file; allowed evidence types are "
                f"{', '.join(rules.evidence_types)}.",
                error,
            )
        ]
    if size is None:
        try:
            info = os.stat(target)
        except OSError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode):
            size = info.st_size
    if size is None:
        return [
            (
                f"evidence file '{name}' does not exist; add it to "
                f"{(Path(doc.path).parent / name).parent.as_posix()}/ or fix the name.",
                error,
            )
        ]
    if size > rules.evidence_max_mb * 1024 * 1024:
        return [
            (
                f"'{name}' is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{rules.evidence_max_mb:g} MB — export a smaller copy.",
                error,
            )
        ]
    expected = KIND_OF_SUFFIX.get(suffix)
    with open(target, "rb") as handle:
        actual = sniff(handle.read(16))
        gps = actual in ("jpeg", "png", "webp") and evidence.image_has_gps(handle)
    if expected is None or actual != expected:
        shown = f"a {actual.upper()} file" if actual else "not an image or PDF"
        return [
            (
                f"'{name}' is named .{suffix} but its content is {shown}; save it in the "
                "format its name says.",
                error,
            )
        ]
    found: list[tuple[str, Severity]] = []
    if gps:
        found.append(
            (
                f"'{name}' contains the GPS position where it was taken; it is removed "
                "when published, but remove it from the file in the repository too (most "
                "phones have a setting to save photos without location).",
                warning,
            )
        )
    if deep:
        problem = evidence.inspect(Path(target), actual)
        if problem:
            found.append((f"'{name}' cannot be accepted: {problem}.", error))
        else:
            hint = evidence.advice(Path(target), actual)
            if hint:
                found.append((f"'{name}': {hint}.", warning))
    return found


def check_folder(doc: Document, folder: Path, rules: Rules) -> tuple[list[Problem], dict[str, int]]:
    """Everything inside the portfolio folder: no links, hidden files, case clashes or files
    that are not allowed evidence. Also returns its regular files reached without a link
    (relative path → size in bytes), for the evidence checks."""
    problems: list[Problem] = []
    files: dict[str, int] = {}
    shown_base = Path(doc.path).parent.as_posix()
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        lowered: dict[str, str] = {}
        for entry in entries:
            name = entry.name
            rel = prefix + name
            shown = f"{shown_base}/{rel}"
            if entry.is_symlink():
                problems.append(
                    doc.problem([], f"{shown} is a symbolic link; replace it with the file itself.")
                )
            elif name.startswith(".") and name != ".gitkeep":
                problems.append(doc.problem([], f"{shown} is a hidden file or folder; remove it."))
            elif name.lower() in lowered:
                problems.append(
                    doc.problem(
                        [],
                        f"{shown} and {lowered[name.lower()]} differ only "
                        "in upper and lower case; rename one.",
                    )
                )
            elif entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), rel + "/"))
            elif rel != "portfolio.yml" and name != ".gitkeep":
                if entry.is_file(follow_symlinks=False):
                    files[rel] = entry.stat(follow_symlinks=False).st_size
                suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if suffix not in rules.evidence_types:
                    problems.append(
                        doc.problem(
                            [],
                            f"{shown} is not an allowed evidence type "
                            f"({', '.join(rules.evidence_types)}); "
                            "remove it.",
                        )
                    )
            lowered.setdefault(name.lower(), name)
    return problems, files
