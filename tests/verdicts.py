"""The verdict table's cases: real credentials, signed for real, each with the School's files
as a verifier would find them.

One official build of the demo (signed with a key listed in its issuer.yml, Fatima Hassan's
certificate revoked) gives the genuine and the revoked case; the others are made from it the
way a forger, a careless copy or a wrong build would make them.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cim.credentials import badge, keys, proofs

SCHOOL = "did:web:cim.example.org"
SCHOOL_URL = "https://cim.example.org/"
COPY_URL = "https://copy.example.net/"
REVOCATION = (
    "revocations:\n  - number: CIM-2026-0002\n    date: 2026-09-01\n"
    "    reason: awarded before the final report was approved"
)
STATUS = "credentials/status/revocation.json"
SCHOOL_FILES = (
    ".well-known/did.json",
    "did.json",
    STATUS,
    "credentials/status/revocation-reasons.json",
    "statements/index.json",
)


@dataclass(frozen=True)
class Case:
    """One row: what is checked, where the School's files come from, and the outcome."""

    name: str
    words: str  # the row in words, as in docs/guides/employers.md
    outcome: str
    student: str
    credential: dict[str, Any]
    site: Path  # the School's site as a verifier finds it at its address
    school_overrides: dict[str, bytes] = field(default_factory=dict)
    copy_overrides: dict[str, bytes] | None = None  # set: the page is opened on another host
    kind: str = "certificates"  # or "statements": where its page and credential are

    @property
    def credential_uri(self) -> str:
        return f"{self.kind}/{self.student}/credential.json"


def dumps(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()


def resign(doc: dict[str, Any], key: Any, method: str) -> dict[str, Any]:
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    created = proofs.proof_of(doc).get("created", "2026-06-12T00:00:00Z")
    return badge.sign_with(unsigned, key, method, str(created))


def cases(official: Path, official_key: Any, development: Path) -> list[Case]:
    """The table's cases, from an official build and a development build of the demo."""

    def load(site: Path, student: str) -> dict[str, Any]:
        data = json.loads((site / f"certificates/{student}/credential.json").read_text())
        assert isinstance(data, dict)
        return data

    anna = load(official, "anna-lind")
    method = proofs.proof_of(anna)["verificationMethod"]
    rows = [
        Case(
            "genuine",
            "a certificate as the School published it",
            "genuine",
            "anna-lind",
            anna,
            official,
        )
    ]

    def tampered(name: str, words: str, change: Any) -> None:
        doc = copy.deepcopy(anna)
        change(doc)
        rows.append(Case(name, words, "changed", "anna-lind", doc, official))

    def other_name(doc: dict[str, Any]) -> None:
        doc["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"

    def more_points(doc: dict[str, Any]) -> None:
        subject = doc["credentialSubject"]
        subject["narrative"] = re.sub(
            r"with (\d+)", lambda m: f"with {int(m[1]) + 45}", subject["narrative"]
        )

    def earlier(doc: dict[str, Any]) -> None:
        doc["validFrom"] = doc["awardedDate"] = "2025-06-13T00:00:00Z"

    def signature(doc: dict[str, Any]) -> None:
        proof = proofs.proof_of(doc)
        value = proof["proofValue"]
        proof["proofValue"] = value[:-3] + ("2" if value[-3] != "2" else "3") + value[-2:]

    tampered("tampered-name", "the holder's name changed", other_name)
    tampered("tampered-points", "the points changed", more_points)
    tampered("tampered-date", "the award date moved a year earlier", earlier)
    tampered("tampered-signature", "the signature itself altered", signature)

    rows.append(
        Case(
            "revoked",
            "a certificate the School has revoked",
            "revoked",
            "fatima-hassan",
            load(official, "fatima-hassan"),
            official,
        )
    )

    outsider = keys.new_key()
    did_key = "did:key:" + keys.public_multibase(outsider.public_key())
    forged = copy.deepcopy(anna)
    forged["issuer"]["id"] = did_key  # the School's name, someone else's identifier
    rows.append(
        Case(
            "outside-did-key",
            "forged: signed by an outside did:key that gives the School's name",
            "not-school",
            "anna-lind",
            resign(forged, outsider, f"{did_key}#{did_key[len('did:key:') :]}"),
            official,
        )
    )

    other = keys.new_key()
    elsewhere = copy.deepcopy(anna)
    elsewhere["issuer"]["id"] = "did:web:other.example"
    rows.append(
        Case(
            "other-did-web",
            "signed by another organisation's did:web",
            "not-school",
            "anna-lind",
            resign(elsewhere, other, "did:web:other.example#key-1"),
            official,
        )
    )

    # A copy of the site on another host, built with the copier's own key listed in the
    # copy's issuer.yml: its credentials name the School and its own did.json lists the key.
    copier = keys.new_key()
    copied = resign(anna, copier, f"{SCHOOL}#key-copy")
    copier_did = json.loads((official / ".well-known/did.json").read_text())
    copier_did["verificationMethod"] = [
        {
            "id": f"{SCHOOL}#key-copy",
            "type": "Multikey",
            "controller": SCHOOL,
            "publicKeyMultibase": keys.public_multibase(copier.public_key()),
        }
    ]
    copier_did["assertionMethod"] = [f"{SCHOOL}#key-copy"]
    rows.append(
        Case(
            "copy-own-key",
            "a copy of the site on another host, signed with the copier's own key",
            "unknown-key",
            "anna-lind",
            copied,
            official,
            copy_overrides={
                "certificates/anna-lind/credential.json": dumps(copied),
                ".well-known/did.json": dumps(copier_did),
                "did.json": dumps(copier_did),
            },
        )
    )
    rows.append(
        Case(
            "byte-copy",
            "an exact copy of a genuine certificate, served from another host",
            "not-official",
            "anna-lind",
            anna,
            official,
            copy_overrides={},
        )
    )
    rows.append(
        Case(
            "development-key",
            "a certificate from a development build (signed with the published development key)",
            "not-official",
            "anna-lind",
            load(development, "anna-lind"),
            development,
        )
    )

    status = json.loads((official / STATUS).read_text())
    future = {k: v for k, v in status.items() if k != "proof"}
    future["validFrom"] = "2027-01-15T00:00:00Z"
    future = badge.sign_with(future, official_key, method, "2027-01-15T00:00:00Z")
    rows.append(
        Case(
            "status-from-future",
            "the revocation list is dated in the future",
            "status-unchecked",
            "anna-lind",
            anna,
            official,
            school_overrides={STATUS: dumps(future)},
        )
    )

    expiring = copy.deepcopy(anna)
    expiring["validUntil"] = "2026-10-01T00:00:00Z"
    rows.append(
        Case(
            "expired",
            "a certificate whose validity ended",
            "expired",
            "anna-lind",
            resign(expiring, official_key, method),
            official,
        )
    )
    return rows + statement_cases(official, official_key, method)


def statement_cases(official: Path, official_key: Any, method: str) -> list[Case]:
    """A statement of points as published, changed, and superseded by a later one."""
    current = json.loads((official / "statements/anna-lind/credential.json").read_text())
    raised = copy.deepcopy(current)
    subject = raised["credentialSubject"]
    subject["narrative"] = re.sub(
        r"had (\d+)", lambda m: f"had {int(m[1]) + 30}", subject["narrative"]
    )
    older = copy.deepcopy(current)
    older["id"] = older["id"].rsplit("/", 1)[0] + "/2026-09-15.json"
    older["validFrom"] = "2026-09-15T00:00:00Z"
    unsigned = {k: v for k, v in older.items() if k != "proof"}
    older = badge.sign_with(unsigned, official_key, method, "2026-09-15T00:00:00Z")
    rows = [
        ("statement", "a statement of points as the School published it", "genuine", current),
        ("statement-tampered", "a statement of points whose points were raised", "changed", raised),
        (
            "statement-superseded",
            "a statement of points the School has since replaced by a later one",
            "superseded",
            older,
        ),
    ]
    return [
        Case(name, words, outcome, "anna-lind", doc, official, kind="statements")
        for name, words, outcome, doc in rows
    ]


def school_files(case: Case, into: Path) -> Path:
    """The School's published files for ``case`` (what `cim verify --site` reads)."""
    for uri in SCHOOL_FILES:
        target = into / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if uri in case.school_overrides:
            target.write_bytes(case.school_overrides[uri])
        else:
            shutil.copy2(case.site / uri, target)
    return into
