"""Verifying a certificate as an employer would: every check, in plain words.

1. the credential is an Open Badges 3.0 credential with the fields the standard requires;
2. the issuer's DID document can be found (did:web over HTTPS, or a local copy of the site);
3. the signing key is listed there for issuing (``assertionMethod``);
4. the signature matches (``eddsa-jcs-2022``);
5. the credential is already valid (``validFrom``) and not expired (``validUntil``);
6. it is not revoked (the signed Bitstring Status List), with the reason when it is.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cim.credentials import proofs
from cim.credentials.badge import bit_at, decode_bits
from cim.credentials.keys import KeyError_, did_web_url, public_key_from_multibase

Fetch = Callable[[str], Any]


class FetchError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass(slots=True)
class Verdict:
    checks: list[Check] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok


def fetcher(
    site_dir: Path | None = None, site_url: str | None = None, timeout: float = 15.0
) -> Fetch:
    """Fetch JSON by URL; URLs under ``site_url`` are read from ``site_dir`` instead."""
    base = (site_url or "").rstrip("/") + "/" if site_url else None

    def fetch(url: str) -> Any:
        if site_dir is not None and base is not None and url.startswith(base):
            relative = url[len(base) :].split("#", 1)[0]
            path = (site_dir / relative).resolve()
            if not path.is_relative_to(site_dir.resolve()) or not path.is_file():
                raise FetchError(f"{url} is not in the site copy {site_dir}")
            return json.loads(path.read_text(encoding="utf-8"))
        if urlsplit(url).scheme not in ("https", "http"):
            raise FetchError(f"cannot fetch {url}")
        try:
            request = urllib.request.Request(url, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from None

    return fetch


REQUIRED = {
    "@context": "the JSON-LD contexts",
    "id": "the credential's id",
    "type": "the credential types",
    "issuer": "the issuer",
    "validFrom": "the date it is valid from",
    "credentialSubject": "the holder and the achievement",
    "proof": "the signature",
}


def check_shape(doc: Any) -> list[str]:
    """Everything an Open Badges 3.0 credential lacks, in words (empty when complete)."""
    if not isinstance(doc, dict):
        return ["the file is not a JSON object"]
    missing = [f"{what} ({key})" for key, what in REQUIRED.items() if key not in doc]
    context = doc.get("@context") or []
    if not (
        isinstance(context, list)
        and context[:1] == ["https://www.w3.org/ns/credentials/v2"]
        and any(
            str(c).startswith("https://purl.imsglobal.org/spec/ob/v3p0/context") for c in context
        )
    ):
        missing.append("the W3C VC 2.0 and Open Badges 3.0 contexts")
    types = doc.get("type") or []
    if "VerifiableCredential" not in types or not (
        {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    ):
        missing.append("the types VerifiableCredential and OpenBadgeCredential")
    issuer = doc.get("issuer")
    if not (
        isinstance(issuer, str)
        or (isinstance(issuer, dict) and "id" in issuer and "Profile" in issuer.get("type", []))
    ):
        missing.append("an issuer Profile with an id")
    subject = doc.get("credentialSubject") or {}
    if not isinstance(subject, dict) or "AchievementSubject" not in subject.get("type", []):
        missing.append("an AchievementSubject")
    elif "id" not in subject and not subject.get("identifier"):
        missing.append("the subject's id or identifier")
    else:
        a = subject.get("achievement") or {}
        for key in ("id", "type", "criteria", "description", "name"):
            if key not in a:
                missing.append(f"the achievement's {key}")
    return missing


def _issuer_id(doc: dict[str, Any]) -> str:
    issuer = doc.get("issuer")
    return issuer if isinstance(issuer, str) else str((issuer or {}).get("id", ""))


def _resolve(did: str, fetch: Fetch) -> dict[str, Any]:
    if did.startswith("did:key:"):
        method = f"{did}#{did[len('did:key:') :]}"
        public = did[len("did:key:") :]
        return {
            "id": did,
            "verificationMethod": [{"id": method, "publicKeyMultibase": public}],
            "assertionMethod": [method],
        }
    if did.startswith("did:web:"):
        document = fetch(did_web_url(did))
        if not isinstance(document, dict) or document.get("id") != did:
            raise FetchError(f"the DID document at {did_web_url(did)} is not for {did}")
        return document
    raise FetchError(f"the issuer '{did}' is neither did:web nor did:key")


def _key(document: dict[str, Any], method: str) -> Any:
    listed = {m.get("id"): m for m in document.get("verificationMethod", []) if isinstance(m, dict)}
    assertion = [
        m if isinstance(m, str) else m.get("id") for m in document.get("assertionMethod", [])
    ]
    entry = listed.get(method)
    if entry is None or method not in assertion:
        return None
    return public_key_from_multibase(entry["publicKeyMultibase"])


def _verify_signed(
    doc: dict[str, Any], fetch: Fetch, verdict: Verdict | None, documents: dict[str, dict[str, Any]]
) -> str | None:
    """Check issuer, key and signature; return None when they hold, else the reason.

    With a ``verdict``, each step is recorded there in plain words."""

    def fail(name: str, reason: str, message: str) -> str:
        if verdict is not None:
            verdict.add(name, False, message)
        return reason

    def passed(name: str, message: str) -> None:
        if verdict is not None:
            verdict.add(name, True, message)

    did = _issuer_id(doc)
    try:
        proof = proofs.proof_of(doc)
    except proofs.ProofError as exc:
        return fail("signature", "bad signature", f"Bad signature: {exc}.")
    method = str(proof.get("verificationMethod", ""))
    if not method.startswith(did + "#"):
        return fail(
            "key",
            "unknown key",
            f"Unknown key: signed with {method or 'no key'}, "
            f"which does not belong to the issuer {did}.",
        )
    try:
        document = documents.get(did) or _resolve(did, fetch)
    except (FetchError, KeyError_) as exc:
        return fail(
            "issuer", "unknown issuer", f"The issuer's identity could not be checked: {exc}."
        )
    documents[did] = document
    passed("issuer", f"The issuer {did} publishes its keys.")
    try:
        key = _key(document, method)
        why = "it is not listed for issuing"
    except (KeyError_, ValueError, KeyError) as exc:
        key, why = None, str(exc)
    if key is None:
        return fail(
            "key", "unknown key", f"Unknown key: {method} — {why} in the issuer's DID document."
        )
    passed("key", "The signing key is one of the issuer's keys.")
    try:
        proofs.verify(doc, key)
    except proofs.ProofError as exc:
        return fail("signature", "bad signature", f"Bad signature: {exc}.")
    passed("signature", "The signature matches: nothing has been changed.")
    return None


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def verify_credential(doc: Any, fetch: Fetch, now: dt.datetime | None = None) -> Verdict:
    """Run every check on a credential; the verdict lists each one with its outcome."""
    now = now or dt.datetime.now(dt.UTC)
    verdict = Verdict()
    missing = check_shape(doc)
    if not verdict.add(
        "format",
        not missing,
        "It is an Open Badges 3.0 credential."
        if not missing
        else "Not a complete Open Badges 3.0 credential: missing " + ", ".join(missing) + ".",
    ):
        return verdict
    documents: dict[str, dict[str, Any]] = {}
    if _verify_signed(doc, fetch, verdict, documents) is not None:
        return verdict
    start, end = _parse_time(doc.get("validFrom")), _parse_time(doc.get("validUntil"))
    if start is None or start > now:
        verdict.add("validity", False, f"Not yet valid: valid from {doc.get('validFrom')}.")
        return verdict
    if end is not None and end < now:
        verdict.add("validity", False, f"Expired on {doc.get('validUntil')}.")
        return verdict
    verdict.add("validity", True, f"Valid since {start.date().isoformat()}.")
    _check_status(doc, fetch, verdict, documents)
    return verdict


def _check_status(
    doc: dict[str, Any], fetch: Fetch, verdict: Verdict, documents: dict[str, dict[str, Any]]
) -> None:
    entries = doc.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    revocation = [
        e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == "revocation"
    ]
    if not revocation:
        verdict.add("status", True, "The issuer publishes no revocation status for it.")
        return
    entry = revocation[0]
    url = str(entry.get("statusListCredential", ""))
    try:
        index = int(entry["statusListIndex"])
        listing = fetch(url)
    except (FetchError, KeyError, ValueError) as exc:
        verdict.add("status", False, f"The revocation list could not be checked: {exc}.")
        return
    if _issuer_id(listing) != _issuer_id(doc):
        verdict.add("status", False, "The revocation list is not from the same issuer.")
        return
    problem = _verify_signed(listing, fetch, None, documents)
    if problem is not None:
        verdict.add("status", False, f"The revocation list is not genuine ({problem}).")
        return
    try:
        bits = decode_bits(listing["credentialSubject"]["encodedList"])
        revoked = bit_at(bits, index)
    except (KeyError, ValueError, IndexError, OSError) as exc:
        verdict.add("status", False, f"The revocation list cannot be read: {exc}.")
        return
    if not revoked:
        verdict.add("status", True, "Not revoked.")
        return
    reason = ""
    try:
        reasons = fetch(url.replace(".json", "-reasons.json"))
        found = reasons.get(str(index), {}) if isinstance(reasons, dict) else {}
        reason = f" on {found.get('date')}: {found.get('reason')}" if found else ""
    except FetchError:
        pass
    verdict.add("status", False, f"Revoked{reason or ' by the issuer'}.")


def load(target: str, fetch: Fetch) -> Any:
    """A credential from a file path or a URL."""
    if urlsplit(target).scheme in ("http", "https"):
        return fetch(target)
    path = Path(target)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FetchError(f"{target}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{target} is not a JSON file ({exc})") from None
