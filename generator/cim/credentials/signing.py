"""Many credentials signed at once: spread over worker processes (RDF canonicalisation takes
about 2 ms a credential), or over the workers of a :class:`~cim.speed.Meanwhile` while the
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
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from cim.credentials.badge import Issuing, dumps, kept_proofs, sign, sign_with, stamp
from cim.credentials.keys import public_multibase
from cim.speed import Meanwhile, inherited


def sign_all(
    jobs: Sequence[tuple[dict[str, Any], dt.date]],
    issuing: Issuing,
    cache: Path | None = None,
    workers: int | None = None,
) -> list[dict[str, Any]]:
    """Each ``(document, day)`` signed as :func:`sign` signs it, in order. Documents whose
    proofs a build made before come from ``cache``; the others are spread over ``workers``
    processes (default: one per CPU) when there are enough of them: RDF canonicalisation takes
    about 2 ms a credential, the rest of signing well under one."""
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
    kept = _text_files(jobs, issuing, cache)
    texts: list[bytes | None] = [p.read_bytes() if p and p.is_file() else None for p in kept]
    todo = [i for i, text in enumerate(texts) if text is None]
    for i, signed in zip(todo, sign_all([jobs[i] for i in todo], issuing, cache), strict=True):
        texts[i] = _keep(dumps(signed), kept[i])
    return [text for text in texts if text is not None]


def texts_meanwhile(
    jobs: Sequence[tuple[dict[str, Any], dt.date]],
    issuing: Issuing,
    cache: Path | None,
    meanwhile: Meanwhile,
) -> Callable[[], list[bytes | Path]]:
    """What :func:`signed_texts` returns, collected by calling the function returned: the
    credentials not kept are signed by ``meanwhile``'s workers (which inherit the key when
    they start) while this process goes on. A text kept in ``cache`` is given as its file,
    so that thousands of credentials are never all in this process's memory."""
    kept = _text_files(jobs, issuing, cache)
    missing = [n for n, where in enumerate(kept) if where is None or not where.is_file()]
    # The key reaches the worker through the pipe between the two processes, never a file.
    private = issuing.signer.key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    meanwhile.inherit["signing"] = (private, issuing.method, cache)
    signing = meanwhile.hand(_sign_and_keep, [(*jobs[n], kept[n]) for n in missing], size=16)

    def collected() -> list[bytes | Path]:
        made = dict(zip(missing, signing(), strict=True))
        texts: list[bytes | Path] = []
        for n, where in enumerate(kept):
            text = made.get(n) or where
            assert text is not None  # without a file to keep it in, the worker gave the text
            texts.append(text)
        return texts

    return collected


def _text_files(
    jobs: Sequence[tuple[dict[str, Any], dt.date]], issuing: Issuing, cache: Path | None
) -> list[Path | None]:
    """Where each credential's finished text is kept (None without a ``cache``)."""
    if cache is None:
        return [None] * len(jobs)
    key, method = issuing.signer.key, issuing.method
    public = public_multibase(key.public_key())  # once, not once a credential
    kept: list[Path | None] = []
    for document, day in jobs:
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        proofs_file = kept_proofs(unsecured, key, method, stamp(day), cache, public)
        kept.append(proofs_file.with_suffix(".text") if proofs_file is not None else None)
    return kept


def _keep(text: bytes, where: Path | None) -> bytes:
    """``text``, kept at ``where`` when there is one (written whole or not at all)."""
    if where is not None:
        partial = where.with_name(f".{where.name}.{os.getpid()}")
        partial.write_bytes(text)
        os.replace(partial, where)
    return text


def _sign_and_keep(
    jobs: list[tuple[dict[str, Any], dt.date, Path | None]],
) -> list[bytes | None]:
    """In a worker: each credential signed and its text kept (then None: the file is read
    where it is needed), or the text itself when there is nowhere to keep it."""
    private, method, cache = inherited("signing")
    key = Ed25519PrivateKey.from_private_bytes(private)
    made: list[bytes | None] = []
    for document, day, where in jobs:
        text = _keep(dumps(sign_with(document, key, method, stamp(day), cache)), where)
        made.append(None if where is not None else text)
    return made


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
