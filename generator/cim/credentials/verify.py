"""Verifying a certificate as an employer would: every check, in plain words.

Trust is pinned to the School: only its issuer (``did:web:<the School's host>``, from
``issuer.yml`` or the site's URL) is accepted, plus any issuer the user names with
``--trust``. The checks, in order, each ending the verification when it fails:

1. the credential is an Open Badges 3.0 credential with the fields the standard requires;
2. it is issued by a trusted issuer (the School);
3. the issuer's DID document can be read (did:web over HTTPS, or a local copy of the site);
4. the signing key is listed there for issuing (``assertionMethod``);
5. the signatures match (``eddsa-jcs-2022`` and, when present, ``eddsa-rdfc-2022``);
6. the key is not the publicly known development key;
7. the credential is already valid (``validFrom``) and not expired (``validUntil``);
8. it is not revoked: the Bitstring Status List is itself checked (signature, issuer, dates)
   before its bit is read, and a revocation is reported with its date and reason;
9. a statement of points is the newest the School lists for its student (a later one
   supersedes it: ``cim.credentials.statement``);
10. fetched by URL, it comes from the issuer's own host (a copy elsewhere is not official).

Every outcome has a name and a headline (:data:`HEADLINES`); the browser's Verify button
(``verify.js``) reaches the same outcome in the same words. The module is long because the
checks are one sequence, each with its own words for what failed; read top to bottom, it is the
list above.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cim.credentials import proofs, rdfc, statement
from cim.credentials.badge import bit_at, decode_bits, identity_hash, reasons_url
from cim.credentials.keys import (
    DEV_KEY_ID,
    KeyError_,
    development_key,
    did_web_url,
    public_key_from_multibase,
    public_multibase,
)

Fetch = Callable[[str], Any]

GENUINE = "genuine"
HEADLINES = {
    GENUINE: "Genuine: issued by the School and in force.",
    "not-official": "The signature is intact, but this is not an official certificate.",
    "not-school": "Not issued by the School.",
    "unknown-key": "Signed with a key the School does not publish.",
    "changed": "Changed since it was signed.",
    "revoked": "Revoked by the School.",
    "expired": "Expired.",
    "not-yet-valid": "Not valid yet.",
    "status-unchecked": "Its revocation status cannot be confirmed.",
    "unreadable": "Not a complete Open Badges 3.0 credential.",
    "unchecked": "The check could not be completed.",
    "other-recipient": "Genuine, but not issued to that e-mail address.",
    "superseded": "Superseded by a later statement.",
}


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
    outcome: str = ""
    detail: str = ""  # a headline more precise than the outcome's (a revocation's date, reason)

    @property
    def valid(self) -> bool:
        return self.outcome == GENUINE

    @property
    def headline(self) -> str:
        return self.detail or HEADLINES.get(self.outcome, HEADLINES["unchecked"])

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok

    def stop(self, outcome: str, name: str, message: str, detail: str = "") -> Verdict:
        self.checks.append(Check(name, False, message))
        self.outcome, self.detail = outcome, detail
        return self


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


def issuer_id(doc: Any) -> str:
    issuer = doc.get("issuer") if isinstance(doc, dict) else None
    return issuer if isinstance(issuer, str) else str((issuer or {}).get("id", ""))


def did_host(did: str) -> str:
    """The host a did:web names (empty for other methods)."""
    if not did.startswith("did:web:"):
        return ""
    return unquote(did[len("did:web:") :].split(":", 1)[0])


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


def _listed_key(document: dict[str, Any], method: str) -> str | None:
    """The public key (multibase) listed for issuing under ``method``, or None."""
    listed = {m.get("id"): m for m in document.get("verificationMethod", []) if isinstance(m, dict)}
    assertion = [
        m if isinstance(m, str) else m.get("id") for m in document.get("assertionMethod", [])
    ]
    entry = listed.get(method)
    if entry is None or method not in assertion:
        return None
    return str(entry.get("publicKeyMultibase", ""))


@dataclass(frozen=True, slots=True)
class Signed:
    """A signature check: ``outcome`` is empty when it holds; ``public`` is the key used."""

    outcome: str
    message: str
    public: str = ""


def check_signature(doc: dict[str, Any], did: str, document: dict[str, Any]) -> Signed:
    """Is ``doc`` signed by one of ``did``'s issuing keys (listed in ``document``)?"""
    try:
        proof = proofs.proof_of(doc)
    except proofs.ProofError as exc:
        return Signed("changed", f"Bad signature: {exc}.")
    method = str(proof.get("verificationMethod", ""))
    if not method.startswith(did + "#"):
        return Signed(
            "unknown-key",
            f"Unknown key: signed with {method or 'no key'}, "
            f"which does not belong to the issuer {did}.",
        )
    public = _listed_key(document, method)
    host = did_host(did)
    where = f" the School publishes at {host}" if host else f" {did} lists for issuing"
    if public is None and method.endswith("#" + DEV_KEY_ID):
        # A development build's credential checked against the School's real keys: say what
        # it is (when its signature holds) rather than just "unknown key".
        public = public_multibase(development_key().public_key())
    if public is None:
        return Signed("unknown-key", f"Unknown key: {method} is not one of the keys{where}.")
    try:
        key = public_key_from_multibase(public)
    except (KeyError_, ValueError) as exc:
        return Signed("unknown-key", f"Unknown key: {method} — {exc}.")
    try:
        for found in proofs.all_of(doc):  # every proof of the set must hold
            if found.get("verificationMethod") != method:
                raise proofs.ProofError("the proofs were made with different keys")
            if found.get("cryptosuite") == rdfc.CRYPTOSUITE:
                rdfc.verify(doc, key, found)
            elif found.get("cryptosuite") != proofs.CRYPTOSUITE:
                raise proofs.ProofError(f"unknown cryptosuite {found.get('cryptosuite')}")
        proofs.verify(doc, key)
    except proofs.ProofError as exc:
        return Signed("changed", f"Bad signature: {exc}.")
    return Signed("", "The signature matches: nothing has been changed.", public)


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def long_date(value: Any) -> str:
    when = _parse_time(value) if not isinstance(value, dt.date) else None
    day = value if isinstance(value, dt.date) else (when.date() if when else None)
    return day.strftime("%-d %B %Y") if day else str(value)


# Long because it is the sequence of checks above, each ending the verification in its words.
def verify_credential(
    doc: Any,
    fetch: Fetch,
    now: dt.datetime | None = None,
    *,
    trusted: Collection[str],
    fetched_from: str = "",
) -> Verdict:
    """Run every check on a credential; the verdict lists each one and names the outcome.

    ``trusted`` holds the School's DID (and any other issuer the user chose to trust);
    ``fetched_from`` is the URL the credential was read from, when it was read by URL."""
    now = now or dt.datetime.now(dt.UTC)
    verdict = Verdict()
    missing = check_shape(doc)
    if missing:
        return verdict.stop(
            "unreadable",
            "format",
            "Not a complete Open Badges 3.0 credential: missing " + ", ".join(missing) + ".",
        )
    verdict.add("format", True, "It is an Open Badges 3.0 credential.")
    did = issuer_id(doc)
    school = " or ".join(sorted(trusted)) or "not configured"
    if did not in trusted:
        return verdict.stop(
            "not-school",
            "issuer",
            f"It names {did or 'no one'} as its issuer; the School is {school}. Only the School "
            f"can issue this certificate (to accept another issuer, pass --trust {did or 'DID'}).",
        )
    verdict.add("issuer", True, f"It names a trusted issuer ({did}).")
    try:
        document = _resolve(did, fetch)
    except (FetchError, KeyError_) as exc:
        return verdict.stop("unchecked", "keys", f"The issuer's keys could not be read: {exc}.")
    host = did_host(did)
    where = f"were read from {host}" if host else "are in its identifier"
    verdict.add("keys", True, f"The issuer's keys {where}.")
    signed = check_signature(doc, did, document)
    if signed.outcome:
        return verdict.stop(signed.outcome, "signature", signed.message)
    verdict.add("key", True, "The signing key is one of the issuer's keys.")
    verdict.add("signature", True, signed.message)
    start, end = _parse_time(doc.get("validFrom")), _parse_time(doc.get("validUntil"))
    if start is None or start > now:
        return verdict.stop(
            "not-yet-valid", "validity", f"Not yet valid: valid from {doc.get('validFrom')}."
        )
    if end is not None and end < now:
        return verdict.stop("expired", "validity", f"Expired on {long_date(end.date())}.")
    verdict.add("validity", True, f"Valid since {long_date(start.date())}.")
    if _check_status(doc, fetch, verdict, document, now) is not None:
        return verdict
    if statement.is_statement(doc) and _check_newest(doc, fetch, verdict, host) is not None:
        return verdict
    # A statement is never called a certificate, not even an unofficial one.
    noun = "statement" if statement.is_statement(doc) else "certificate"
    unofficial = (
        "The signature is intact, but this is not an official statement."
        if noun == "statement"
        else ""  # a certificate's headline is the table's (HEADLINES)
    )
    if signed.public == public_multibase(development_key().public_key()):
        return verdict.stop(
            "not-official",
            "official",
            "It is signed with the publicly known development key, which anyone can use: "
            f"this is a test build, not a {noun} issued by the School.",
            detail=unofficial,
        )
    copy = urlsplit(fetched_from).netloc
    if fetched_from and host and copy != host:
        origin = str(doc.get("id", "")).removesuffix("credential.json")
        return verdict.stop(
            "not-official",
            "address",
            f"It was read from {copy}, not from the School's address {host}: it is a copy. "
            f"The original is at {origin}.",
            detail=unofficial,
        )
    verdict.outcome = GENUINE
    return verdict


# Long because the revocation list is itself a credential: its issuer, signature and dates are
# checked before its bit is read, each failure in its own words.
def _check_status(
    doc: dict[str, Any],
    fetch: Fetch,
    verdict: Verdict,
    document: dict[str, Any],
    now: dt.datetime,
) -> Verdict | None:
    """Add the revocation check; return the verdict when it ends the verification."""
    entries = doc.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    revocation = [
        e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == "revocation"
    ]
    if not revocation:
        verdict.add("status", True, "The issuer publishes no revocation status for it.")
        return None
    entry = revocation[0]
    url = str(entry.get("statusListCredential", ""))
    did = issuer_id(doc)
    host = did_host(did)
    if host and urlsplit(url).netloc != host:
        return verdict.stop(
            "status-unchecked",
            "status",
            f"Its revocation list is at {urlsplit(url).netloc or 'no address'}, not at the "
            f"issuer's {host}.",
        )
    try:
        index = int(entry["statusListIndex"])
        listing = fetch(url)
    except (FetchError, KeyError, ValueError) as exc:
        return verdict.stop(
            "status-unchecked", "status", f"The revocation list could not be checked: {exc}."
        )
    if not isinstance(listing, dict) or issuer_id(listing) != did:
        return verdict.stop(
            "status-unchecked", "status", "The revocation list is not issued by the same issuer."
        )
    signed = check_signature(listing, did, document)
    if signed.outcome:
        return verdict.stop(
            "status-unchecked", "status", f"The revocation list is not genuine: {signed.message}"
        )
    start, end = _parse_time(listing.get("validFrom")), _parse_time(listing.get("validUntil"))
    if start is not None and start > now:
        return verdict.stop(
            "status-unchecked",
            "status",
            f"The revocation list is dated in the future (valid from "
            f"{listing.get('validFrom')}), so it cannot be relied on today.",
        )
    if end is not None and end < now:
        return verdict.stop(
            "status-unchecked",
            "status",
            f"The revocation list expired on {long_date(end.date())}.",
        )
    try:
        bits = decode_bits(listing["credentialSubject"]["encodedList"])
        revoked = bit_at(bits, index)
    except (KeyError, ValueError, IndexError, OSError, TypeError) as exc:
        return verdict.stop(
            "status-unchecked", "status", f"The revocation list cannot be read: {exc}."
        )
    if not revoked:
        verdict.add("status", True, "Not revoked (checked against the signed revocation list).")
        return None
    try:
        reasons = fetch(reasons_url(url))
        found = reasons.get(str(index), {}) if isinstance(reasons, dict) else {}
    except FetchError:
        found = {}
    if found:
        text = f"Revoked on {long_date(found.get('date'))} because {found.get('reason')}"
        text = text.rstrip(".") + "."
        return verdict.stop("revoked", "status", text, detail=text)
    return verdict.stop("revoked", "status", "Revoked by the issuer.")


def _check_newest(doc: dict[str, Any], fetch: Fetch, verdict: Verdict, host: str) -> Verdict | None:
    """Add whether a statement is its student's newest; return the verdict when a later one
    supersedes it, or when that cannot be told."""
    found = statement.parts(str(doc.get("id", "")))
    if found is None:
        return verdict.stop(
            "unreadable", "newest", "The statement's id does not name its student and day."
        )
    base, student, day = found
    if host and urlsplit(base).netloc != host:
        return verdict.stop(
            "unchecked",
            "newest",
            f"Its address is not at the issuer's {host}, so whether a "
            "later statement replaces it cannot be checked.",
        )
    try:
        listing = fetch(base + statement.LIST_URI)
    except FetchError as exc:
        return verdict.stop(
            "unchecked", "newest", f"The School's list of statements could not be read: {exc}."
        )
    later = statement.superseded_by(listing, student, day)
    if later:
        words = f"Superseded by a later statement of {long_date(later)}."
        return verdict.stop(
            "superseded",
            "newest",
            f"{words} Ask the holder for the newest one, at {base}{statement.page_uri(student)}.",
            detail=words,
        )
    verdict.add("newest", True, "No later statement replaces it.")
    return None


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


def issued_to_email(doc: Any, email: str) -> bool | None:
    """Whether the credential names ``email`` by a hashed e-mail identity (OB 3.0
    ``IdentityObject``); None when it carries no e-mail identity at all."""
    subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
    identities = subject.get("identifier") if isinstance(subject, dict) else None
    found = None
    for identity in identities if isinstance(identities, list) else []:
        if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
            continue
        value = str(identity.get("identityHash", ""))
        if identity.get("hashed") and value.startswith("sha256$"):
            expected = identity_hash(email, str(identity.get("salt", "")))
            found = found or value[len("sha256$") :].lower() == expected
        else:
            found = found or value.strip().lower() == email.strip().lower()
    return found
