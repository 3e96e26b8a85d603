"""The files the validation cache keeps (:mod:`cim.checks.memo`): a small header, then parts.

A file of reports holds every report of one depth of check in ``CHUNKS`` pickles, each
portfolio in the chunk its folder name falls in. All of them are read with one read and
few loads (a pickle per portfolio would repeat the scheme's objects in every one, and
load many times slower); when one portfolio changed, only its chunk is pickled again and
the others are copied as they are. A file is replaced whole, so a half-written one is
never seen under its name.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import Any

CHUNKS = 64
_UNREADABLE = (EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError)
_KEPT = object()  # a report the file already holds, in its chunk as it is


def read_header(path: Path, version: str) -> tuple[dict[str, Any], int] | None:
    """A kept file's header and where its parts start (None when the file is absent,
    unreadable or written by another version)."""
    try:
        with open(path, "rb") as handle:
            header = pickle.load(handle)
            start = handle.tell()
    except (OSError, *_UNREADABLE):
        return None
    if isinstance(header, dict) and header.get("version") == version:
        return header, start
    return None


def read_parts(path: Path, start: int, sizes: list[int]) -> list[bytes] | None:
    """The parts of a kept file, as bytes (None when it changed or went away meanwhile)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            data = handle.read()
    except OSError:
        return None
    if len(data) != sum(sizes):
        return None
    parts, at = [], 0
    for size in sizes:
        parts.append(data[at : at + size])
        at += size
    return parts


def write_file(path: Path, header: dict[str, Any], parts: list[bytes]) -> None:
    """Write ``header`` (its parts' sizes added) and the parts, replacing the file at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            header = {**header, "sizes": [len(p) for p in parts]}
            pickle.dump(header, out, pickle.HIGHEST_PROTOCOL)
            for part in parts:
                out.write(part)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def chunk_of(name: str) -> int:
    """The chunk of the portfolio folder called ``name`` (the same in every run)."""
    return zlib.crc32(name.encode()) % CHUNKS


class ReportFile:
    """The reports of one depth of check, by key: which keys it holds is read at once, the
    reports themselves only when asked for (:meth:`load`)."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        found = read_header(path, version)
        self.chunks: list[tuple[str, ...]] = found[0]["chunks"] if found else []
        self._where = (found[1], found[0]["sizes"]) if found else (0, [])
        self._raw: list[bytes] | None = None
        self._reports: dict[str, Any] | None = None

    def holds(self) -> set[str]:
        return {key for chunk in self.chunks for key in chunk}

    def _parts(self) -> list[bytes]:
        if self._raw is None:
            raw = read_parts(self.path, *self._where) if self.chunks else None
            self._raw = raw if raw is not None and len(raw) == len(self.chunks) else []
            if not self._raw:
                self.chunks = []
        return self._raw

    def load(self) -> dict[str, Any]:
        """Every report the file holds, by key."""
        if self._reports is None:
            self._reports = {}
            for keys, raw in zip(self.chunks, self._parts(), strict=False):
                try:
                    reports = pickle.loads(raw)
                except _UNREADABLE:
                    reports = None
                if not isinstance(reports, list) or len(reports) != len(keys):
                    self.chunks, self._raw, self._reports = [], [], {}  # all checked again
                    break
                self._reports.update(zip(keys, reports, strict=True))
        return self._reports

    def write(self, entries: list[tuple[str, str, Any]], complete: bool) -> None:
        """Keep ``entries`` (folder name, key, report); ``complete``: they are all the file
        is to hold, else they are added to what it holds."""
        buckets: list[dict[str, Any]] = [{} for _ in range(CHUNKS)]
        if not complete:
            self.load()
            for i, keys in enumerate(self.chunks):
                buckets[i].update(dict.fromkeys(keys, _KEPT))
        known = self._reports or {}
        for name, key, report in entries:
            buckets[chunk_of(name)][key] = _KEPT if known.get(key) is report else report
        old = self._parts() if self.chunks else []
        parts: list[bytes] = []
        for i, bucket in enumerate(buckets):
            keys = tuple(bucket)
            if i < len(old) and keys == self.chunks[i] and all(v is _KEPT for v in bucket.values()):
                parts.append(old[i])  # the same reports: copied as they are
                continue
            if any(v is _KEPT for v in bucket.values()):
                known = self.load()
            reports = [known[k] if v is _KEPT else v for k, v in bucket.items()]
            parts.append(pickle.dumps(reports, pickle.HIGHEST_PROTOCOL))
        chunks = [tuple(b) for b in buckets]
        if chunks == self.chunks and parts == old:
            return  # nothing new: the file stays as it is
        write_file(self.path, {"version": self.version, "chunks": chunks}, parts)
        self.chunks, self._raw, self._where = chunks, parts, (0, [])
