"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519 over RDF
Dataset Canonicalization, RDFC-1.0 — the algorithm PyLD calls URDNA2015).

The document without its proofs, and the proof options with the document's ``@context``, are
each turned into canonical N-Quads and hashed with SHA-256; ``hash(proofConfig) +
hash(document)`` is signed with Ed25519 and written as base58btc multibase. JSON-LD needs the
contexts a document names: each is shipped in ``contexts/`` (see ``contexts/SOURCES.md``) and
read from there, never from the network, at signing and at verifying. A context that is not
shipped is an error, not a download. The W3C test vector is checked in the tests.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld  # type: ignore[import-untyped]

from cim.credentials import proofs
from cim.credentials.keys import b58encode, public_multibase
from cim.credentials.proofs import ProofError

CRYPTOSUITE = "eddsa-rdfc-2022"

# Every context a credential of ours names, and the shipped file that holds it.
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.jsonld",
}


@cache
def _shipped(name: str) -> str:
    return (resources.files("cim.credentials") / "contexts" / name).read_text("utf-8")


def loader(extra: Mapping[str, Any] | None = None, refused: list[str] | None = None) -> Any:
    """A JSON-LD document loader that answers only from the shipped contexts (and
    ``extra``: URL → parsed context, for tests, never one of the shipped); anything else is
    refused (and its URL added to ``refused``).

    A shipped context is answered as ``static``: PyLD then keeps it, resolved, for every later
    document (it never changes), instead of resolving it again for each credential."""
    if extra and CONTEXTS.keys() & extra.keys():
        raise ValueError("a shipped JSON-LD context cannot be replaced")

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if extra and url in extra:
            document = copy.deepcopy(extra[url])
        elif url in CONTEXTS:
            # A fresh copy for each load (PyLD may change what it is given): parsing the
            # text again is several times faster than copying the parsed context.
            document = json.loads(_shipped(CONTEXTS[url]))
        else:
            if refused is not None:
                refused.append(url)
            raise jsonld.JsonLdError(
                f"the JSON-LD context {url} is not shipped with cim",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        answer = {"contextUrl": None, "documentUrl": url, "document": document}
        return {**answer, "tag": "static"} if url in CONTEXTS else answer

    return load


class _Remembering(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """PyLD's processor, remembering each context it works out from an active context and
    a local one. PyLD keeps what a context gives the active context it was first applied to,
    but a type-scoped context (the Open Badges context has one for every type) is applied to
    a new copy each time, so it was worked out again for every object of every credential:
    half of the canonicalisation time. An active context is never changed once made (PyLD's
    own cache relies on that too), so the same inputs give the same context; each input is
    kept alive beside its result, so that an object's id names it while it is remembered.
    Only the shipped contexts are read this way (:func:`canonical` without ``extra``)."""

    LIMIT = 512  # a credential of ours needs about 10; the rest are another's contexts

    def __init__(self) -> None:
        super().__init__()
        self._worked_out: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        flags = (override_protected, propagate, validate_scoped)
        local = None if cycles else _name_of(local_ctx)
        if local is None:
            return super()._process_context(active_ctx, local_ctx, options, *flags, cycles)
        key = (id(active_ctx), local, *flags)
        found = self._worked_out.get(key)
        if found is not None:
            return found[2]
        made = super()._process_context(active_ctx, local_ctx, options, *flags, cycles)
        if len(self._worked_out) >= self.LIMIT:
            self._worked_out.clear()
        self._worked_out[key] = (active_ctx, local_ctx, made)
        return made


def _name_of(local_ctx: Any) -> int | str | None:
    """What names a local context while it is remembered: an object by its id (it is kept
    alive), a URL or a list of them by its JSON; None for anything else (PyLD's own frozen
    contexts), which is worked out as PyLD does."""
    if isinstance(local_ctx, dict):
        return id(local_ctx)
    if not isinstance(local_ctx, str | list):
        return None
    try:
        return json.dumps(local_ctx)
    except TypeError:
        return None


_PROCESSOR: list[_Remembering] = []  # one per process, made when first needed


def _processor(extra: Mapping[str, Any] | None) -> Any:
    """The processor for a document: the remembering one for the shipped contexts, a fresh
    one of PyLD's for test contexts (which may differ from one call to the next)."""
    if extra:
        return jsonld.JsonLdProcessor()
    if not _PROCESSOR:
        _PROCESSOR.append(_Remembering())
    return _PROCESSOR[0]


def canonical(document: dict[str, Any], extra: Mapping[str, Any] | None = None) -> str:
    """The document as canonical N-Quads (RDFC-1.0)."""
    refused: list[str] = []
    try:
        text = _processor(extra).normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader(extra, refused),
                "safe": True,  # a term no context defines is an error, not silently dropped
            },
        )
    except jsonld.JsonLdError as exc:
        if refused:
            raise ProofError(f"the JSON-LD context {refused[0]} is not shipped with cim") from None
        raise ProofError(f"the credential cannot be read as JSON-LD: {exc}") from None
    return str(text)


def _hash_data(
    unsecured: dict[str, Any], options: dict[str, Any], extra: Mapping[str, Any] | None
) -> bytes:
    if options.get("type") != "DataIntegrityProof" or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a DataIntegrityProof with {CRYPTOSUITE}")
    config = {**options, "@context": copy.deepcopy(unsecured.get("@context"))}
    return (
        _config_hash(config, extra) + hashlib.sha256(canonical(unsecured, extra).encode()).digest()
    )


def _config_hash(config: dict[str, Any], extra: Mapping[str, Any] | None) -> bytes:
    """The hash of the canonical proof options. One build signs every credential with the same
    options (date, key, context), so the hash is worked out once for each (a quarter of the
    canonicalisation time per credential); test contexts (``extra``) are never remembered."""
    if extra:
        return hashlib.sha256(canonical(config, extra).encode()).digest()
    text = json.dumps(config, sort_keys=True, ensure_ascii=False)
    found = _CONFIG_HASHES.get(text)
    if found is None:
        found = _CONFIG_HASHES[text] = hashlib.sha256(canonical(config).encode()).digest()
    return found


_CONFIG_HASHES: dict[str, bytes] = {}


def _options(verification_method: str, created: str, proof_purpose: str) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }


def _kept(
    unsecured: dict[str, Any], options: dict[str, Any], key: Ed25519PrivateKey, cache: Path
) -> Path:
    public = public_multibase(key.public_key())
    digest = hashlib.sha256(proofs.canonical([unsecured, options, public])).hexdigest()
    return cache / "rdfc" / f"{digest}.txt"


def proof(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    extra: Mapping[str, Any] | None = None,
    cache: Path | None = None,
) -> dict[str, Any]:
    """An ``eddsa-rdfc-2022`` proof of ``document`` (whose own proofs are left out).

    RDF canonicalization takes about 2 ms per credential with the contexts remembered
    (:class:`_Remembering`; 5.5 ms without; JCS: under 1 ms), seconds for a few thousand
    awards. With a ``cache`` folder a proof is kept under the hash of everything it depends on
    (the document, the options, the key) and reused by the next build: Ed25519 is
    deterministic, so the reused proof is the one signing would make."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = _options(verification_method, created, proof_purpose)
    kept = None
    if cache is not None:
        kept = _kept(unsecured, options, key, cache)
        if kept.is_file():
            return {**options, "proofValue": kept.read_text(encoding="ascii")}
    value = "z" + b58encode(key.sign(_hash_data(unsecured, options, extra)))
    if kept is not None:  # written whole or not at all: a torn file would be a wrong proof
        kept.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=kept.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(value)
        os.replace(tmp, kept)
    return {**options, "proofValue": value}


def verify(
    document: dict[str, Any],
    public_key: Ed25519PublicKey,
    found: dict[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Raise :class:`ProofError` unless the proof ``found`` in ``document`` was made with
    ``public_key`` over the document as it is now."""
    signature = proofs.signature_of(found)
    options = {k: v for k, v in found.items() if k not in ("proofValue", "@context")}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        public_key.verify(signature, _hash_data(unsecured, options, extra))
    except InvalidSignature:
        raise ProofError(
            "the signature does not match: the credential has been changed "
            "or was signed with another key"
        ) from None
