"""Many credentials signed at once: spread over worker processes (RDF canonicalisation takes
about 10 ms a credential), or over the workers of a :class:`~cim.speed.Meanwhile` while the
pages are written, with each finished text kept so that an unchanged credential is one file
read. The result is byte for byte what :func:`cim.credentials.badge.sign` makes of each."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cim.credentials.badge import Issuing, dumps, kept_proofs, sign, stamp
from cim.speed import Meanwhile


def sign_all(
    jobs: Sequence[tuple[dict[str, Any], dt.date]],
    issuing: Issuing,
    cache: Path | None = None,
    workers: int | None = None,
) -> list[dict[str, Any]]:
    """Each ``(document, day)`` signed as :func:`sign` signs it, in order. Documents whose
    proofs a build made before come from ``cache``; the others are spread over ``workers``
    processes (default: one per CPU) when there are enough of them: RDF canonicalisation takes
    about 13 ms a credential, the rest of signing well under one."""
    key, method = issuing.signer.key, issuing.method
    todo = [
        i
        for i, (document, day) in enumerate(jobs)
        if cache is None or not _already_signed(document, key, method, stamp(day), cache)
    ]
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 2 or len(todo) < PARALLEL_SIGNING or "fork" not in mp.get_all_start_methods():
        return [sign(document, issuing, day, cache) for document, day in jobs]
    # Forked workers inherit the key (it is never pickled); each signs a contiguous chunk.
    _SIGNING.update(issuing=issuing, cache=cache)
    size = max(4, len(todo) // (count * 8))
    chunks = [[jobs[i] for i in todo[n : n + size]] for n in range(0, len(todo), size)]
    try:
        with ProcessPoolExecutor(count, mp_context=mp.get_context("fork")) as pool:
            made = [signed for chunk in pool.map(_sign_chunk, chunks) for signed in chunk]
    finally:
        _SIGNING.clear()
    done = dict(zip(todo, made, strict=True))
    return [
        done[i] if i in done else sign(document, issuing, day, cache)
        for i, (document, day) in enumerate(jobs)
    ]


def signed_texts(
    jobs: Sequence[tuple[dict[str, Any], dt.date]], issuing: Issuing, cache: Path | None = None
) -> list[bytes]:
    """Each ``(document, day)`` signed as :func:`sign_all` signs it, as :func:`dumps` writes
    it. With a ``cache`` the finished text of each is kept beside its proofs, so that an
    unchanged credential is one file read: no proofs joined, no JSON written again."""
    return signing_texts(jobs, issuing, cache)()


def signing_texts(
    jobs: Sequence[tuple[dict[str, Any], dt.date]],
    issuing: Issuing,
    cache: Path | None = None,
    meanwhile: Meanwhile | None = None,
) -> Callable[[], list[bytes]]:
    """What :func:`signed_texts` returns, to be collected by calling the function returned.
    With ``meanwhile`` the credentials not kept are signed by its workers (which inherit the
    key when they start) while this process goes on; without, they are signed at once."""
    key, method = issuing.signer.key, issuing.method
    kept: list[Path | None] = []
    for document, day in jobs:
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        proofs_file = kept_proofs(unsecured, key, method, stamp(day), cache)
        kept.append(proofs_file.with_suffix(".text") if proofs_file is not None else None)
    texts: list[bytes | None] = [p.read_bytes() if p and p.is_file() else None for p in kept]
    todo = [i for i, text in enumerate(texts) if text is None]
    if meanwhile is None:
        made = sign_all([jobs[i] for i in todo], issuing, cache)
        signing: Callable[[], list[dict[str, Any]]] = lambda: made  # noqa: E731
    else:
        _SIGNING.update(issuing=issuing, cache=cache)
        signing = meanwhile.hand(_sign_chunk, [jobs[i] for i in todo], size=16)

    def collect() -> list[bytes]:
        made = signing()
        if meanwhile is not None:
            _SIGNING.clear()
        for i, signed in zip(todo, made, strict=True):
            text = texts[i] = dumps(signed)
            where = kept[i]
            if where is not None:  # written whole or not at all
                partial = where.with_name(f".{where.name}.{os.getpid()}")
                partial.write_bytes(text)
                os.replace(partial, where)
        return [text for text in texts if text is not None]

    return collect


def _already_signed(
    document: dict[str, Any], key: Ed25519PrivateKey, method: str, created: str, cache: Path
) -> bool:
    """Whether both proofs of ``document`` are kept, so that signing it is a file read."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    kept = kept_proofs(unsecured, key, method, created, cache)
    return kept is not None and kept.is_file()


PARALLEL_SIGNING = 24  # below this, starting processes costs more than it saves
_SIGNING: dict[str, Any] = {}


def _sign_chunk(jobs: list[tuple[dict[str, Any], dt.date]]) -> list[dict[str, Any]]:
    return [sign(document, _SIGNING["issuing"], day, _SIGNING["cache"]) for document, day in jobs]
