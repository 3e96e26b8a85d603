"""Signing apart from building: the deployment builds the site without the signing key, and a
separate step that runs only this code adds the signatures.

An official build made with ``sign_later`` writes every credential with its proof complete but
for the signature (``proofValue``): the key it names, when it was made. :func:`sign_pending`
then signs exactly those documents with the private key, and the result is the same, byte for
byte, as a build that signed them itself. A credential left unsigned fails every verification,
so forgetting the step can never publish anything that passes as genuine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cim.credentials.badge import dumps, sign_with
from cim.credentials.keys import Signer


def placeholder_signer(listed: dict[str, tuple[str, str]], stand_in: Signer) -> Signer:
    """The signer an official build without the key names: the active key of issuer.yml (by
    its id), carried by ``stand_in``'s private key, whose signatures are removed again."""
    active = [key_id for key_id, status in listed.values() if status == "active"]
    if not active:
        raise ValueError(
            "issuer.yml lists no active key, so nothing can be signed later: run `cim keys "
            "new`, add the public key to issuer.yml's keys with status: active, and store "
            "the private key as the CIM_SIGNING_KEY secret (administrators' guide, "
            '"Revocation and signing keys")'
        )
    if len(active) > 1:
        raise ValueError(
            f"issuer.yml lists {len(active)} active keys ({', '.join(active)}); the later "
            "signing step signs with one: mark every key but the one in CIM_SIGNING_KEY as "
            "retired (keep it listed, so what it signed keeps verifying)"
        )
    return Signer(stand_in.key, active[0], official=True)


def _proofs(document: Any) -> list[dict[str, Any]]:
    proof = document.get("proof") if isinstance(document, dict) else None
    found = proof if isinstance(proof, list) else [proof]
    return [p for p in found if isinstance(p, dict)]


def unsigned(data: bytes) -> bytes:
    """A signed document without its signatures: what the build leaves for the signing step."""
    document = json.loads(data)
    for proof in _proofs(document):
        proof.pop("proofValue", None)
    return dumps(document)


def pending(site: Path) -> Iterator[Path]:
    """The JSON files in a built site whose proofs still lack their signatures."""
    for path in sorted(site.rglob("*.json")):
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        if any("proofValue" not in p for p in _proofs(document)):
            yield path


def sign_pending(site: Path, signer: Signer, did: str) -> list[Path]:
    """Sign every pending document in ``site`` with ``signer``; each must name this key (as
    ``did#key-id``). Returns the files signed; raises ValueError when a document names
    another key (nothing is written then)."""
    method = f"{did}#{signer.key_id}"
    signed: dict[Path, bytes] = {}
    for path in pending(site):
        document: dict[str, Any] = json.loads(path.read_bytes())
        proofs = _proofs(document)
        named = {p.get("verificationMethod") for p in proofs}
        if named != {method}:
            raise ValueError(
                f"{path.relative_to(site)} is to be signed by {', '.join(map(str, named))}, "
                f"not by this key ({method})"
            )
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        signed[path] = dumps(sign_with(unsecured, signer.key, method, proofs[0]["created"]))
    for path, data in signed.items():
        path.write_bytes(data)
    return list(signed)
