"""eddsa-jcs-2022 proofs: the W3C test vector, round trips and tampering."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from cim.credentials import keys, proofs, rdfc

VECTORS = Path(__file__).parent / "vectors"


def vector(name: str) -> str:
    return (VECTORS / f"eddsa-jcs-2022-{name}").read_text()


def did_key_public(method: str) -> Any:
    """The public key inside a did:key verification method (the test vector's issuer)."""
    did = method.split("#", 1)[0]
    assert did.startswith("did:key:")
    return keys.public_key_from_multibase(did[len("did:key:") :])


def test_w3c_test_vector_verifies() -> None:
    signed = json.loads(vector("signedJCS.json"))
    method = signed["proof"]["verificationMethod"]
    proofs.verify(signed, did_key_public(method))


def test_w3c_test_vector_intermediate_values() -> None:
    signed = json.loads(vector("signedJCS.json"))
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    assert proofs.canonical(unsecured).decode() == vector("canonDocJCS.txt").strip()
    assert proofs.canonical(config).decode() == vector("proofCanonJCS.txt").strip()
    combined = (
        hashlib.sha256(proofs.canonical(config)).digest()
        + hashlib.sha256(proofs.canonical(unsecured)).digest()
    )
    assert combined.hex() == vector("combinedHashJCS.txt").strip()


def test_w3c_key_pair_round_trips_through_multibase() -> None:
    pair = json.loads(vector("keyPair.json"))
    private = keys.private_key_from_text(pair["privateKeyMultibase"])
    assert keys.public_multibase(private.public_key()) == pair["publicKeyMultibase"]
    assert keys.private_multibase(private) == pair["privateKeyMultibase"]


def test_signing_the_vector_document_gives_the_vector_signature() -> None:
    signed = json.loads(vector("signedJCS.json"))
    pair = json.loads(vector("keyPair.json"))
    private = keys.private_key_from_text(pair["privateKeyMultibase"])
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    again = proofs.sign(
        unsecured, private, signed["proof"]["verificationMethod"], signed["proof"]["created"]
    )
    assert again == signed  # Ed25519 is deterministic


DOC: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "https://cim.example.org/c/1",
    "type": ["VerifiableCredential"],
    "issuer": "did:web:cim.example.org",
    "validFrom": "2026-06-12T00:00:00Z",
    "credentialSubject": {"name": "Åsa Öberg-Ångström", "points": 105, "list": [1, 2.5, None]},
}


def signed_doc() -> tuple[dict[str, Any], Any]:
    key = keys.new_key()
    return proofs.sign(DOC, key, "did:web:cim.example.org#k", "2026-06-12T00:00:00Z"), key


def test_round_trip() -> None:
    doc, key = signed_doc()
    proofs.verify(doc, key.public_key())
    assert "proof" not in DOC


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaves(v, (*path, i))]
    return [path]


def _at(document: Any, path: Sequence[Any]) -> Any:
    """What ``path`` (keys and indexes, as :func:`leaves` gives them) reaches in ``document``."""
    for step in path:
        document = document[step]
    return document


@pytest.mark.parametrize("path", [p for p in leaves(signed_doc()[0]) if p[-1] != "proofValue"])
def test_changing_any_single_field_breaks_the_signature(path: tuple[Any, ...]) -> None:
    doc, key = signed_doc()
    changed = copy.deepcopy(doc)
    target = _at(changed, path[:-1])
    old = target[path[-1]]
    target[path[-1]] = "changed" if old != "changed" else "other"
    with pytest.raises(proofs.ProofError):
        proofs.verify(changed, key.public_key())


def test_another_key_fails_and_a_missing_proof_is_explained() -> None:
    doc, _ = signed_doc()
    with pytest.raises(proofs.ProofError, match="signature does not match"):
        proofs.verify(doc, keys.new_key().public_key())
    with pytest.raises(proofs.ProofError, match="no proof"):
        proofs.verify(DOC, keys.new_key().public_key())


def test_did_web_from_site_urls() -> None:
    assert keys.did_web("https://cim.example.org/") == "did:web:cim.example.org"
    assert (
        keys.did_web("https://ju.github.io/cim-portfolio/") == "did:web:ju.github.io:cim-portfolio"
    )
    assert keys.did_web("http://localhost:8000/") == "did:web:localhost%3A8000"
    assert (
        keys.did_web_url("did:web:cim.example.org")
        == "https://cim.example.org/.well-known/did.json"
    )
    assert keys.did_web_url("did:web:ju.github.io:cim-portfolio") == (
        "https://ju.github.io/cim-portfolio/did.json"
    )
    assert (
        keys.did_web_url("did:web:localhost%3A8000")
        == "https://localhost:8000/.well-known/did.json"
    )


def test_pem_and_multibase_private_keys_are_read() -> None:
    from cryptography.hazmat.primitives import serialization

    key = keys.new_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert keys.public_multibase(keys.private_key_from_text(pem).public_key()) == (
        keys.public_multibase(key.public_key())
    )
    with pytest.raises(keys.KeyError_):
        keys.private_key_from_text("zNotAKey0")


# --- eddsa-rdfc-2022: the W3C test vector, with every context read locally ---------------


def rdfc_vector(name: str) -> str:
    return (VECTORS / f"eddsa-rdfc-2022-{name}").read_text()


EXAMPLES = {
    "https://www.w3.org/ns/credentials/examples/v2": json.loads(
        (VECTORS / "credentials-examples-v2.jsonld").read_text()
    )
}


def test_rdfc_w3c_vector_canonical_forms_and_hash() -> None:
    signed = json.loads(rdfc_vector("signedDataInt.json"))
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    config = json.loads(rdfc_vector("proofConfigDataInt.json"))
    assert rdfc.canonical(unsecured, EXAMPLES) == rdfc_vector("canonDocDataInt.txt")
    assert rdfc.canonical(config, EXAMPLES) == rdfc_vector("proofCanonDataInt.txt")
    combined = (
        hashlib.sha256(rdfc.canonical(config, EXAMPLES).encode()).digest()
        + hashlib.sha256(rdfc.canonical(unsecured, EXAMPLES).encode()).digest()
    )
    assert combined.hex() == rdfc_vector("combinedHashDataInt.txt").strip()


def test_rdfc_w3c_vector_signs_and_verifies() -> None:
    signed = json.loads(rdfc_vector("signedDataInt.json"))
    pair = json.loads(vector("keyPair.json"))
    private = keys.private_key_from_text(pair["privateKeyMultibase"])
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    made = rdfc.proof(
        unsecured,
        private,
        signed["proof"]["verificationMethod"],
        signed["proof"]["created"],
        extra=EXAMPLES,
    )
    assert made == signed["proof"]  # Ed25519 is deterministic
    rdfc.verify(signed, private.public_key(), signed["proof"], EXAMPLES)
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(proofs.ProofError, match="does not match"):
        rdfc.verify(changed, private.public_key(), signed["proof"], EXAMPLES)


def test_rdfc_contexts_kept_between_documents_change_no_canonical_form() -> None:
    """The shipped contexts are resolved once and kept by PyLD for later documents: the
    canonical form is the W3C vector's on the first document, the next ones, and after the
    kept contexts are dropped. A test context may not stand in for a shipped one."""
    from pyld import jsonld  # type: ignore[import-untyped]

    signed = json.loads(rdfc_vector("signedDataInt.json"))
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    expected = rdfc_vector("canonDocDataInt.txt")
    jsonld._resolved_context_cache.clear()
    assert [rdfc.canonical(unsecured, EXAMPLES) for _ in range(3)] == [expected] * 3
    assert any("credentials/v2" in str(url) for url in jsonld._resolved_context_cache)
    jsonld._resolved_context_cache.clear()
    assert rdfc.canonical(unsecured, EXAMPLES) == expected
    with pytest.raises(ValueError, match="cannot be replaced"):
        rdfc.loader({"https://www.w3.org/ns/credentials/v2": {"@context": {}}})


def test_rdfc_never_fetches_a_context() -> None:
    signed = json.loads(rdfc_vector("signedDataInt.json"))
    with pytest.raises(proofs.ProofError, match="is not shipped with cim"):
        rdfc.canonical({k: v for k, v in signed.items() if k != "proof"})


def test_a_kept_rdfc_proof_is_the_one_signing_makes(tmp_path: Path) -> None:
    doc, key = signed_doc()
    method, created = "did:web:cim.example.org#k", "2026-06-12T00:00:00Z"
    fresh = rdfc.proof(doc, key, method, created)
    assert rdfc.proof(doc, key, method, created, cache=tmp_path) == fresh
    assert len(list((tmp_path / "rdfc").iterdir())) == 1
    assert rdfc.proof(doc, key, method, created, cache=tmp_path) == fresh  # read back
    rdfc.verify(doc, key.public_key(), fresh)


def test_kept_proofs_of_a_credential_are_the_ones_signing_makes(tmp_path: Path) -> None:
    from cim.credentials import badge

    doc, key = signed_doc()
    method, created = "did:web:cim.example.org#k", "2026-06-12T00:00:00Z"
    fresh = badge.sign_with(doc, key, method, created)
    assert badge.sign_with(doc, key, method, created, cache=tmp_path) == fresh
    assert len(list((tmp_path / "proofs").iterdir())) == 1
    assert badge.sign_with(doc, key, method, created, cache=tmp_path) == fresh  # read back
    changed = {**doc, "name": "Another name"}
    again = badge.sign_with(changed, key, method, created, cache=tmp_path)
    assert again["proof"] != fresh["proof"]
    assert again == badge.sign_with(changed, key, method, created)


def _pyld_alone(document: dict[str, Any]) -> str:
    """The canonical form by PyLD's own processor, nothing remembered between documents."""
    from pyld import jsonld

    try:
        return str(
            jsonld.normalize(
                document,
                {
                    "algorithm": "URDNA2015",
                    "format": "application/n-quads",
                    "documentLoader": rdfc.loader(),
                    "safe": True,
                },
            )
        )
    except jsonld.JsonLdError as exc:
        return f"error: {type(exc).__name__}"


# The same type-scoped context applied to two different active contexts: at the top, and
# inside a property whose own context maps "colour" elsewhere.
_THING = {"@id": "https://example.org/Thing", "@context": {"label": "https://example.org/l"}}
SCOPED: dict[str, Any] = {
    "@context": {
        "@vocab": "https://example.org/v#",
        "Thing": _THING,
        "inside": {
            "@id": "https://example.org/in",
            "@context": {"colour": "https://example.org/c"},
        },
    },
    "@id": "https://example.org/a",
    "@type": "Thing",
    "label": "top",
    "colour": "red",
    "inside": {"@type": "Thing", "label": "in", "colour": "blue"},
}


def _ours(document: dict[str, Any]) -> str:
    try:
        return rdfc.canonical(document)
    except proofs.ProofError:
        return "error: JsonLdError"


def test_contexts_remembered_between_credentials_give_pyld_own_canonical_forms(
    built: tuple[Path, str],
) -> None:
    """Signing remembers what each context gives (half of the canonicalisation time): every
    credential of the demo site, each with one of its values left out and with its texts
    changed, has the canonical form PyLD's own processor gives it alone, in either order."""
    site, _ = built
    found = [json.loads(p.read_text()) for p in sorted(site.rglob("credential.json"))]
    assert len(found) >= 4 and any("statements" in d["id"] for d in found)
    documents = []
    for doc in found:
        unsecured = {k: v for k, v in doc.items() if k != "proof"}
        documents.append(unsecured)
        for path in leaves(unsecured):
            if path[0] == "@context":
                continue
            left_out, changed = copy.deepcopy(unsecured), copy.deepcopy(unsecured)
            *parents, last = path
            del _at(left_out, parents)[last]
            holder = _at(changed, parents)
            if isinstance(holder[last], str):
                holder[last] += ' "Åsa"\n'
            documents += [left_out, changed]
    documents += [SCOPED, {**SCOPED, "inside": {**SCOPED["inside"], "inside": SCOPED}}]
    expected = [_pyld_alone(d) for d in documents]
    assert sum(e.startswith("error") for e in expected) < len(expected) / 2
    assert [_ours(d) for d in documents] == expected
    assert [_ours(d) for d in reversed(documents)] == expected[::-1]
