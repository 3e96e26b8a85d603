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
from collections.abc import Iterable, Iterator
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


def read_parts(path: Path, start: int) -> Iterator[bytes]:
    """The parts of a kept file, one at a time (each after its length); a file cut short
    ends them early."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            while len(size := handle.read(8)) == 8:
                part = handle.read(int.from_bytes(size, "little"))
                if len(part) != int.from_bytes(size, "little"):
                    return
                yield part
    except OSError:
        return


def write_file(path: Path, header: dict[str, Any], parts: Iterable[bytes]) -> None:
    """Write ``header`` and the parts (each after its length), replacing the file at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(header, out, pickle.HIGHEST_PROTOCOL)
            for part in parts:
                out.write(len(part).to_bytes(8, "little"))
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
    reports themselves only when asked for (:meth:`load`), and never kept as bytes (a part
    that is copied is read again while the new file is written)."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        found = read_header(path, version)
        self.chunks: list[tuple[str, ...]] = found[0]["chunks"] if found else []
        self._start = found[1] if found else 0
        self._reports: dict[str, Any] | None = None

    def holds(self) -> set[str]:
        return {key for chunk in self.chunks for key in chunk}

    def parts(self) -> list[bytes]:
        """The file's parts as bytes (for tests; none when they do not match its header)."""
        parts = list(read_parts(self.path, self._start)) if self.chunks else []
        return parts if len(parts) == len(self.chunks) else []

    def load(self) -> dict[str, Any]:
        """Every report the file holds, by key (none when any part cannot be read)."""
        if self._reports is None:
            self._reports = {}
            parts = read_parts(self.path, self._start) if self.chunks else iter(())
            for keys in self.chunks:
                try:
                    reports = pickle.loads(next(parts))
                except (StopIteration, *_UNREADABLE):
                    reports = None
                if not isinstance(reports, list) or len(reports) != len(keys):
                    self.chunks, self._reports = [], {}  # all checked again
                    break
                self._reports.update(zip(keys, reports, strict=True))
        return self._reports

    def write(self, entries: list[tuple[str, str, Any]], complete: bool) -> None:
        """Keep ``entries`` (folder name, key, report); ``complete``: they are all the file
        is to hold, else they are added to what it holds."""
        # Only what was read already can be the same (nothing is read to find that out).
        known = self.load() if not complete else (self._reports or {})
        buckets: list[dict[str, Any]] = [{} for _ in range(CHUNKS)]
        if not complete:
            for i, keys in enumerate(self.chunks):
                buckets[i].update(dict.fromkeys(keys, _KEPT))
        for name, key, report in entries:
            buckets[chunk_of(name)][key] = _KEPT if known.get(key) is report else report
        chunks = [tuple(b) for b in buckets]
        same = [
            i < len(self.chunks) and c == self.chunks[i] and all(v is _KEPT for v in b.values())
            for i, (c, b) in enumerate(zip(chunks, buckets, strict=True))
        ]
        if all(same) and len(chunks) == len(self.chunks):
            return  # nothing new: the file stays as it is
        old = read_parts(self.path, self._start) if self.chunks else iter(())

        def parts() -> Iterator[bytes]:
            for i, bucket in enumerate(buckets):
                previous = next(old, b"") if i < len(self.chunks) else b""
                if same[i]:
                    yield previous  # the same reports: copied as they are
                else:
                    reports = [known[k] if v is _KEPT else v for k, v in bucket.items()]
                    yield pickle.dumps(reports, pickle.HIGHEST_PROTOCOL)

        write_file(self.path, {"version": self.version, "chunks": chunks}, parts())
        self.chunks, self._start = chunks, self._start_of_parts()

    def _start_of_parts(self) -> int:
        found = read_header(self.path, self.version)
        return found[1] if found else 0
