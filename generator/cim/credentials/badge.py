"""Open Badges 3.0 credentials, the revocation status list and the issuer's DID document.

Everything here is a pure function of the repository's data and the signing key: the same
commit signed with the same key gives byte-identical files (Ed25519 signatures are
deterministic, and every date comes from the awards file, never from the clock).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cim.credentials import proofs, rdfc
from cim.credentials.keys import DEV_KEY_ID, Signer, public_multibase
from cim.model.awards import STATUS_LIST_SIZE, Award, Awards, Issuer
from cim.model.portfolio import Portfolio
from cim.model.rules import Cohort, Rules
from cim.model.texts import DEFAULT, LANGUAGES, translated
from cim.scoring.verdict import Assessment

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
STATUS_LIST_URI = "credentials/status/revocation.json"
REASONS_URI = "credentials/status/revocation-reasons.json"


def reasons_url(status_list_url: str) -> str:
    """Where the revocation reasons are published beside a status list: the status list's
    address with REASONS_URI in place of STATUS_LIST_URI (the browser's verify.js follows the
    same rule)."""
    return status_list_url.removesuffix(STATUS_LIST_URI) + REASONS_URI


def stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Issuing:
    """Who signs, with which key, for which site."""

    site_url: str
    did: str
    signer: Signer
    issuer: Issuer
    rules: Rules

    def url(self, uri: str) -> str:
        return self.site_url + uri

    @property
    def method(self) -> str:
        return f"{self.did}#{self.signer.key_id}"

    def profile(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.did, "type": ["Profile"], "name": self.issuer.name}
        if self.issuer.url:
            data["url"] = self.issuer.url
        return data


def certificate_uri(student: str) -> str:
    return f"certificates/{student}/"


def credential_uri(student: str) -> str:
    return f"certificates/{student}/credential.json"


def achievement(issuing: Issuing, assessment: Assessment) -> dict[str, Any]:
    rules, cohort = issuing.rules, assessment.cohort
    aims = "; ".join(a.title for a in rules.aims)
    narrative = (
        f"Awarded to {cohort.title.lower()}s who collect at least {cohort.threshold} "
        f"{rules.unit} from international and intercultural activities — at home, abroad or "
        f"online — documented with evidence and reflections and approved by the CIM "
        f"administrators. The activities develop: {aims}."
    )
    if assessment.requirements:
        narrative += " Requirements: " + "; ".join(r.text for r in assessment.requirements) + "."
    editions = _editions(issuing, cohort)
    return {
        "id": issuing.url(f"#achievement-{cohort.id}"),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": achievement_name(rules, cohort, DEFAULT),
        "description": rules.note or rules.name,
        "criteria": {"id": issuing.url("activities/"), "narrative": narrative},
        "creator": issuing.profile(),
        "inLanguage": DEFAULT,
        **({"related": editions} if editions else {}),
    }


def achievement_name(rules: Rules, cohort: Cohort, language: str) -> str:
    """The achievement's name in ``language`` (as written where rules.yml gives no
    translation)."""
    name = translated(rules, "name", language)
    if cohort.id != rules.default_cohort:
        name += f" ({translated(cohort, 'title', language)})"
    return name


def _editions(issuing: Issuing, cohort: Cohort) -> list[dict[str, Any]]:
    """The achievement in the site's other languages, as Open Badges 3.0 says an alternate
    language edition is given (``related``, with its ``inLanguage``), each with its name."""
    rules = issuing.rules
    default = achievement_name(rules, cohort, DEFAULT)
    out = []
    for lang in LANGUAGES:
        name = achievement_name(rules, cohort, lang)
        if lang != DEFAULT and name != default:
            out.append(
                {
                    "id": issuing.url(f"{lang}/#achievement-{cohort.id}"),
                    "type": ["Related"],
                    "inLanguage": lang,
                    "name": name,
                }
            )
    return out


def name_identity(name: str) -> dict[str, Any]:
    """An Open Badges 3.0 ``IdentityObject`` naming the holder in the clear (their name, which
    the page shows anyway)."""
    return {"type": "IdentityObject", "identityHash": name, "identityType": "name", "hashed": False}


def email_identity(email: str, number: str) -> dict[str, Any]:
    """An Open Badges 3.0 ``IdentityObject`` for an e-mail address: only a SHA-256 hash of the
    address followed by a salt is published (``sha256$<hex>``), so the certificate can be
    matched to the address by someone who knows it, and read by nobody else. The salt is made
    from the certificate number: one of its own for every credential, the same at every build."""
    salt = hashlib.sha256(f"cim-identity:{number}".encode()).hexdigest()[:16]
    return {
        "type": "IdentityObject",
        "identityHash": "sha256$" + identity_hash(email, salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def identity_hash(identifier: str, salt: str) -> str:
    """The hexadecimal SHA-256 of the identifier (normalised: trimmed, lower case) and salt."""
    return hashlib.sha256((identifier.strip().lower() + salt).encode("utf-8")).hexdigest()


def open_badge(
    award: Award, portfolio: Portfolio, assessment: Assessment, issuing: Issuing, programme: str
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for one award. It names the student and, when
    awards.yml gives one, a salted hash of their e-mail address; never the address itself, a
    username or an identity number."""
    counted = sorted((r for r in assessment.entries if r.points), key=lambda r: r.entry.sort_key())
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            name_identity(portfolio.name),
            *([email_identity(award.email, award.number)] if award.email else []),
        ],
        "achievement": achievement(issuing, assessment),
        "narrative": f"{portfolio.name}, {programme}, met the requirements with "
        f"{assessment.points} {issuing.rules.unit}.",
    }
    return {
        "@context": [VC_V2, OB_V3],
        "id": issuing.url(credential_uri(award.student)),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{issuing.rules.name} — {portfolio.name}",
        "description": f"Certificate number {award.number}, awarded on {award.date.isoformat()} "
        f"at the {award.ceremony.title}.",
        "issuer": issuing.profile(),
        "validFrom": stamp(award.date),
        "awardedDate": stamp(award.date),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": issuing.url(f"{STATUS_LIST_URI}#{award.status_index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": issuing.url(STATUS_LIST_URI),
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "name": r.title,
                "description": f"{r.entry.date.isoformat() if r.entry.date else ''}: "
                f"{r.points} {issuing.rules.unit}",
            }
            for r in counted
        ],
    }


def sign(
    document: dict[str, Any], issuing: Issuing, day: dt.date, cache: Path | None = None
) -> dict[str, Any]:
    return sign_with(document, issuing.signer.key, issuing.method, stamp(day), cache)


def sign_with(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    method: str,
    created: str,
    cache: Path | None = None,
) -> dict[str, Any]:
    """``document`` with a set of two proofs by the same key: ``eddsa-jcs-2022`` (checked
    by the site's Verify button) and ``eddsa-rdfc-2022`` (which 1EdTech's certification
    accepts), as Open Badges 3.0 wants it: ``proof`` is an array."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    kept = kept_proofs(unsecured, key, method, created, cache)
    if kept is not None and kept.is_file():
        return {**unsecured, "proof": json.loads(kept.read_bytes())}
    jcs = proofs.sign(unsecured, key, method, created)["proof"]
    made = [jcs, rdfc.proof(unsecured, key, method, created, cache=cache)]
    if kept is not None:  # written whole or not at all
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f".{kept.name}.{os.getpid()}")
        partial.write_text(json.dumps(made), encoding="utf-8")
        os.replace(partial, kept)
    return {**unsecured, "proof": made}


def kept_proofs(
    unsecured: dict[str, Any],
    key: Ed25519PrivateKey,
    method: str,
    created: str,
    cache: Path | None,
    public: str | None = None,
) -> Path | None:
    """Where both proofs of an unchanged document are kept (with a ``cache``): named by the
    hash of the document, the options and the public key (``public``, when the caller has it
    already), in Python's own JSON (a fraction of the time JCS takes). Ed25519 is
    deterministic: a kept proof is the one signing would make, so an unchanged credential
    costs a file read, not two canonicalizations."""
    if cache is None:
        return None
    public = public or public_multibase(key.public_key())
    named = json.dumps(
        ["both-proofs 1", unsecured, method, created, public],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return cache / "proofs" / f"{hashlib.sha256(named.encode()).hexdigest()}.json"


def encode_bits(indexes: set[int], size: int = STATUS_LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; index 0 is the
    left-most bit. GZIP's timestamp is fixed so that the output is reproducible."""
    bits = bytearray(size // 8)
    for i in indexes:
        bits[i // 8] |= 0x80 >> (i % 8)
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (starting with 'u')")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_at(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list(
    awards: Awards, issuing: Issuing, day: dt.date, cache: Path | None = None
) -> dict[str, Any]:
    """The signed revocation list, dated by the build's ``day``: a verifier reads it as the
    state on that day, and it is never valid only from some day after the build."""
    revoked = {a.status_index for a in awards.awards if a.revoked}
    document = {
        "@context": [VC_V2],
        "id": issuing.url(STATUS_LIST_URI),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuing.did,
        "validFrom": stamp(day),
        "credentialSubject": {
            "id": issuing.url(STATUS_LIST_URI + "#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked),
        },
    }
    return sign(document, issuing, day, cache)


def revocation_reasons(awards: Awards) -> dict[str, Any]:
    """Why each revoked certificate was revoked, by status list index."""
    return {
        str(a.status_index): {
            "number": a.number,
            "date": a.revocation.date.isoformat(),
            "reason": a.revocation.reason,
        }
        for a in sorted(awards.awards, key=lambda a: a.status_index)
        if a.revocation
    }


def did_document(issuing: Issuing) -> dict[str, Any]:
    """The issuer's DID document: every listed key (active and retired), or, for a
    development build, only the development key."""
    did = issuing.did
    if issuing.signer.official:
        listed = [(k.id, k.public) for k in issuing.issuer.keys]
    else:
        listed = [(DEV_KEY_ID, issuing.signer.public)]
    methods = [
        {"id": f"{did}#{kid}", "type": "Multikey", "controller": did, "publicKeyMultibase": public}
        for kid, public in listed
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
