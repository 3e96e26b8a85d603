"""W3C Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (Ed25519 over JCS).

Signing: canonicalize the document without its proof (RFC 8785), canonicalize the proof
options (with the document's ``@context``), hash both with SHA-256, sign
``hash(proofConfig) + hash(document)`` with Ed25519 and write the signature as base58btc
multibase. Verification repeats the hashing and checks the signature; the W3C test vector is
checked in the test suite.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cim.credentials.keys import KeyError_, b58encode, multibase_decode

CRYPTOSUITE = "eddsa-jcs-2022"


class ProofError(ValueError):
    """The proof is missing, malformed or does not match; the message says which."""


def canonical(value: Any) -> bytes:
    return bytes(rfc8785.dumps(value))


def _hash_data(unsecured: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    if proof_config.get("type") != "DataIntegrityProof" or (
        proof_config.get("cryptosuite") != CRYPTOSUITE
    ):
        raise ProofError(f"the proof is not a DataIntegrityProof with {CRYPTOSUITE}")
    return (
        hashlib.sha256(canonical(proof_config)).digest()
        + hashlib.sha256(canonical(unsecured)).digest()
    )


def sign(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of ``document`` with an ``eddsa-jcs-2022`` proof added."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    signature = key.sign(_hash_data(unsecured, proof))
    proof["proofValue"] = "z" + b58encode(signature)
    return {**unsecured, "proof": proof}


def all_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every proof of ``document`` (``proof`` is one object or a set of them)."""
    proof = document.get("proof")
    found = proof if isinstance(proof, list) else [proof]
    if not found or not all(isinstance(p, dict) for p in found):
        raise ProofError("the credential has no proof")
    return [p for p in found if isinstance(p, dict)]


def proof_of(document: dict[str, Any], cryptosuite: str = CRYPTOSUITE) -> dict[str, Any]:
    """The document's proof made with ``cryptosuite`` (``eddsa-jcs-2022`` unless named)."""
    matching = [p for p in all_of(document) if p.get("cryptosuite") == cryptosuite]
    if len(matching) != 1:
        raise ProofError(f"the credential has no single {cryptosuite} proof")
    return matching[0]


def signature_of(proof: dict[str, Any]) -> bytes:
    """The signature a proof carries (its multibase ``proofValue``), or ProofError."""
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise ProofError("the proof has no proofValue")
    try:
        return multibase_decode(value)
    except KeyError_ as exc:
        raise ProofError(f"the proofValue cannot be read: {exc}") from None


def verify(document: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """Raise :class:`ProofError` unless ``document``'s proof was made with ``public_key``."""
    proof = proof_of(document)
    signature = signature_of(proof)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" in options:
        context = options["@context"]
        doc_context = unsecured.get("@context")
        as_list = context if isinstance(context, list) else [context]
        doc_list = doc_context if isinstance(doc_context, list) else [doc_context]
        if doc_list[: len(as_list)] != as_list:
            raise ProofError("the proof's @context does not match the credential's")
        unsecured["@context"] = context
    try:
        public_key.verify(signature, _hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofError(
            "the signature does not match: the credential has been changed "
            "or was signed with another key"
        ) from None
