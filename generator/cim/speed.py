"""The speed tricks, in one place: each one, where it works, and what it is worth.

The general tricks live here; the ones bound to one stage are listed with the module that
holds them. Every figure comes from ``benchmarks/run.py`` at 10,000 demo students on two cores
(the README's performance section), or from the measurement that introduced it; a trick whose
result must equal the plain way has a test that says so.

=====================================  ======================================  ===============
trick                                  where                                   worth
=====================================  ======================================  ===============
compact pickling of reports            :func:`compact_pickle` (here)           ≈3× faster to
                                                                               write and read
no cyclic GC while reports pile up,    :func:`no_cyclic_gc` (here); the build  GC scans grow
then frozen; the plan made frozen      freezes its objects (writers.mkdocs,    quadratically;
                                       :func:`frozen_heap` around the plan)    2.7 s + 2.9 s
                                                                               of a rebuild
worker processes from 400 portfolios   :mod:`cim.pipeline` (``PARALLEL_FROM``) both cores
fast YAML constructor, tag table       :mod:`cim.read.construct`,              ≈2× parsing;
                                       :mod:`cim.read.source`                  equal: tests
byte-shape scan for identity numbers   :mod:`cim.checks.text`                  one pass per
and control characters                                                         file; equal:
                                                                               hypothesis
compiled schema for valid documents    :mod:`cim.read.schema` (fastjsonschema) jsonschema only
                                                                               when invalid;
                                                                               equal: tests
evidence encoded once, by content      :mod:`cim.site.evidence` (cache),       rebuilds skip
hash; hard links into the site         :mod:`cim.writers.folder`               every image
theme parts rendered once per folder   :mod:`cim.writers.mkdocs`               (SharedParts)
unchanged pages reused as finished     :mod:`cim.site.reuse` (keys),           46 s → 21 s at
HTML, keyed by everything they show    :mod:`cim.writers.mkdocs`               1,000, loaded;
                                                                               equal: tests
a written page is the cache's very     :class:`cim.site.reuse.PageCache`       first rebuild
file (a hard link, not a second copy)                                          after a full
                                                                               one 10.6 →
                                                                               6.1 s at 10,000
the plan's pages outside the           :class:`cim.writers.mkdocs.PlannedPage` full build at
navigation made without YAML or                                                10,000: 83.9 →
Markdown (their meta is known)                                                 79.4 s; equal:
                                                                               golden, tests
a folder written anew is not taken     :func:`cim.writers.folder.settle`       full build over
over from the previous site                                                    a site: 12.5 →
                                                                               1.7 s of it
unchanged portfolios' check results    :mod:`cim.checks.memo`,                 nothing changed:
kept, keyed by folder content (Git's   :mod:`cim.checks.contents`,             0.13× the
blob ids) and scheme, in 64 chunks;    :mod:`cim.checks.store`,                all-cores floor
validate's output kept as printed      :mod:`cim.cli.validate`                 at 3,000; equal:
                                                                               tests
credentials signed in worker           :mod:`cim.credentials.signing`          both cores;
processes, heap frozen while forking   (``sign_all``), :func:`frozen_heap`     equal: tests
a page's body held only while it is    :mod:`cim.writers.mkdocs`               peak memory
written (a mark stands in for it)      (``BODY_MARK``)                         1,286 → 525 MB
                                                                               at 10,000
certificates signed and share cards    :class:`Meanwhile` (here),              the pages'
drawn in worker processes while the    :mod:`cim.site.certificates`,           time hides
pages are written                      :mod:`cim.writers.mkdocs`               theirs; equal:
                                                                               tests
contexts remembered between            :class:`cim.credentials.rdfc.           5.5 → 2.1 ms a
credentials (PyLD worked each type-    _Remembering`                           credential;
scoped context out again per object)                                           equal: tests
QR codes drawn by Pillow from segno's  :func:`cim.site.card._qr`               6.1 → 4.9 ms a
modules                                                                        code; equal:
                                                                               tests
share cards written in their palette's  :func:`cim.site.card.draw`              6.3 → 3.3 ms a
shades (no full-colour card quantised)                                         card; the same
and compressed as runs (Z_RLE)                                                 look: tests
=====================================  ======================================  ===============

Only the module of the command given is imported (:mod:`cim.cli`): ``cim keys new`` starts in
0.15 s instead of 0.51 s (median of five whole-process runs). ``cim`` ends with ``os._exit``
once everything is written (:func:`cim.cli.run`): freeing a build's objects one by one took
4.8 s of a 38 s rebuild at 10,000 students (measured at 0.6 % when the build's objects were
fewer, and left out then).
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # multiprocessing takes 40 ms to import: only work handed to workers needs it
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


def compact_pickle(cls: type[T]) -> type[T]:
    """Pickle instances of a dataclass as a call of its constructor with its fields in order.

    With ``slots=True`` a dataclass pickles through Python-level state functions; a
    constructor call is about three times faster to write and to read, which counts when the
    reports of thousands of portfolios come back from worker processes."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if not all(f.init for f in fields(cls)):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__}: every field must be a constructor argument")
    values = attrgetter(*names)
    if len(names) == 1:

        def reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return cls, (values(self),)
    else:

        def reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return cls, values(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of reports pile up: it would scan
    them again and again although they hold no cycles (reference counting frees the rest).
    What the block made is then left out of collection (frozen, as :func:`frozen_heap`
    does): otherwise the first collection after it walks every one of those objects at once
    (2.7 s after the checks at 10,000 students)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


_FROZEN = [0]  # how many frozen_heap blocks are open


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave every object that exists now out of garbage collection, until the outermost such
    block ends: the site's plan is made beside the reports of thousands of portfolios, which
    the collector would otherwise walk again and again (locating and publishing evidence took
    4.9 s instead of 2.0 s at 10,000 students), and worker processes forked meanwhile
    (evidence copies, signatures, cards) would walk, and so copy page by page, all they
    inherited (about a tenth of the signing stage)."""
    # Only the outermost block thaws, and only when nothing was frozen before it (what
    # no_cyclic_gc froze, the reports, is as long-lived as what is frozen here).
    thaw = _FROZEN[0] == 0 and gc.get_freeze_count() == 0
    gc.freeze()
    _FROZEN[0] += 1
    try:
        yield
    finally:
        _FROZEN[0] -= 1
        if thaw:
            gc.unfreeze()


class Meanwhile:
    """Work handed to worker processes, done while this process goes on with something else
    (a build writes its pages meanwhile), and collected when it is needed.

    Work is only queued by :meth:`hand`; :meth:`start` starts the workers and gives it to
    them. The workers are new processes (``spawn``), not copies of this one: a copy would
    share this process's memory only until this process changed it, and a build changes all
    of it while it writes the pages (at 20,000 students a forked worker came to hold 650 MB of
    its own). What the work needs besides its pieces is put in :attr:`inherit` before the
    start and read there with :func:`inherited`. One CPU is left to this process: with
    ``workers`` (default: one per CPU) below two, nothing is started and each piece is done
    when it is collected."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = (workers if workers is not None else (os.cpu_count() or 1)) - 1
        self.inherit: dict[str, Any] = {}  # sent to each worker as it starts (pickled)
        self._queued: list[tuple[Callable[[Any], list[Any]], Any, bool]] = []
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[int, Future[list[Any]]] = {}
        self._helped: dict[int, list[Any]] = {}  # pieces done here (help)
        self._order: list[int] = []  # the pieces in the order they were given out

    def hand(
        self,
        work: Callable[[list[T]], list[R]],
        items: Sequence[T],
        size: int,
        *,
        urgent: bool = False,
    ) -> Callable[[], list[R]]:
        """Queue ``work`` over ``items`` in pieces of ``size``; the function returned gives
        every result in order, waiting for the workers (or doing the work) as needed.
        ``work`` must be a module's function: it is sent to the workers by name. ``urgent``
        work is given to the workers before the rest (the pages wait for it)."""
        first = len(self._queued)
        self._queued += [
            (work, list(items[i : i + size]), urgent) for i in range(0, len(items), size)
        ]
        last = len(self._queued)

        def collect() -> list[R]:
            self.start()
            return [result for n in range(first, last) for result in self._result(n)]

        return collect

    def start(self) -> None:
        """Give the queued work to the workers (once; nothing when there is none to give)."""
        if self._pool is not None or self.workers < 1 or not self._queued:
            return
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=mp.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(), self.inherit),
        )
        pool = self._pool
        order = sorted(range(len(self._queued)), key=lambda n: not self._queued[n][2])
        self._order = order
        for n in order:
            work, piece, _ = self._queued[n]
            self._futures[n] = future = pool.submit(work, piece)
            future.add_done_callback(functools.partial(self._let_go, n))

    def _let_go(self, n: int, future: Future[list[Any]]) -> None:
        """Once a worker has done a piece, nothing keeps what it was handed."""
        if not future.cancelled():
            work, _, urgent = self._queued[n]
            self._queued[n] = (work, None, urgent)

    def help(self) -> None:
        """Do here the pieces no worker has begun, the last first, while the workers go on
        from the first (for when this process has nothing else left to do)."""
        for n in reversed(self._order):
            if not self._futures[n].cancel():
                break  # a worker has it, and every piece given out before it
            self._helped[n] = self._here(n)

    def _result(self, n: int) -> list[Any]:
        if n in self._helped:
            return self._helped.pop(n)
        if n in self._futures:
            return self._futures[n].result()
        return self._here(n)  # work handed after start(), or with no worker

    def _here(self, n: int) -> list[Any]:
        """Piece ``n`` done in this process, with what a worker would have inherited."""
        work, piece, _ = self._queued[n]
        _INHERITED.update(self.inherit)
        return work(piece)

    def close(self, *, cancel: bool = False) -> None:
        """End the workers, once everything is collected or (``cancel``) when the build
        failed and nothing will be: then only the pieces begun are finished."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)


_INHERITED: dict[str, Any] = {}  # in a worker: what its Meanwhile was given to inherit


def inherited(name: str) -> Any:
    """What the :class:`Meanwhile` that handed this work put in its ``inherit`` as ``name``."""
    return _INHERITED[name]


def _start_worker(parent: int, inherit: dict[str, Any]) -> None:
    """In a new worker: take what it inherits, and end it when the process that started it
    has ended (it would otherwise wait for work for ever, holding its parent's output open)."""
    import threading
    import time

    _INHERITED.update(inherit)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="cim-end-with-parent", daemon=True).start()
