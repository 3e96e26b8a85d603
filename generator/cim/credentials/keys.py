"""Ed25519 keys as the W3C specifications write them: Multikey, multibase and did:web.

* ``publicKeyMultibase`` is ``z`` + base58btc(0xed 0x01 + 32 key bytes) (a Multikey);
* a private key is written as ``z`` + base58btc(0x80 0x26 + 32 seed bytes);
* the issuer's DID is derived from the site's URL: ``https://host/`` → ``did:web:host``, and
  ``https://host/path/`` → ``did:web:host:path`` (the document is then at ``/path/did.json``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"

# The development key is derived from a published constant: anyone can recompute it, which is
# exactly why credentials signed with it are never official.
DEV_SEED = hashlib.sha256(b"cim-portfolio development key: not for official certificates").digest()
DEV_KEY_ID = "development-key"


class KeyError_(ValueError):
    """A key could not be read; the message says what is wrong."""


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _ALPHABET[r] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        if c not in _INDEX:
            raise KeyError_(f"'{c}' is not a base58 character")
        n = n * 58 + _INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def multibase_decode(value: str) -> bytes:
    if not value.startswith("z"):
        raise KeyError_("only base58btc multibase values (starting with 'z') are supported")
    return b58decode(value[1:])


def public_multibase(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    data = multibase_decode(value)
    if not data.startswith(ED25519_PUB) or len(data) != 34:
        raise KeyError_("not an Ed25519 public key (Multikey 0xed01 with 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_multibase(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return "z" + b58encode(ED25519_PRIV + raw)


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    """Read a private key written as multibase (``z3u2…``) or as a PEM block."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except ValueError as exc:
            raise KeyError_(f"the PEM key cannot be read ({exc})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyError_("the PEM key is not an Ed25519 key")
        return key
    data = multibase_decode(text)
    if not data.startswith(ED25519_PRIV) or len(data) != 34:
        raise KeyError_("not an Ed25519 private key (multibase 0x8026 with 32 bytes)")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def development_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(DEV_SEED)


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@dataclass(frozen=True, slots=True)
class Signer:
    """The key that signs this build's credentials, and whether it is an official one."""

    key: Ed25519PrivateKey
    key_id: str
    official: bool

    @property
    def public(self) -> str:
        return public_multibase(self.key.public_key())


def did_web(site_url: str) -> str:
    """The did:web identifier of a site, from its base URL."""
    parts = urlsplit(site_url)
    if not parts.hostname:
        raise KeyError_(f"site_url '{site_url}' has no host name")
    host = quote(parts.netloc, safe="")
    path = [quote(p, safe="") for p in parts.path.split("/") if p]
    return ":".join(["did:web", host, *path])


def did_web_url(did: str) -> str:
    """Where a did:web document lives (https, as the did:web method requires)."""
    if not did.startswith("did:web:"):
        raise KeyError_(f"'{did}' is not a did:web identifier")
    host, *path = did[len("did:web:") :].split(":")
    base = "https://" + unquote(host)
    if path:
        return base + "/" + "/".join(unquote(p) for p in path) + "/did.json"
    return base + "/.well-known/did.json"


def signer_for(private_text: str | None, listed: dict[str, tuple[str, str]]) -> Signer:
    """The build's signer. ``listed`` maps public multibase → (key id, status) from
    issuer.yml. Without a private key this is the development key; a given key must be listed
    there as active."""
    if not private_text:
        return Signer(development_key(), DEV_KEY_ID, official=False)
    key = private_key_from_text(private_text)
    public = public_multibase(key.public_key())
    if public not in listed:
        raise KeyError_(
            f"the signing key ({public}) is not listed in issuer.yml; add it "
            "under `keys:` as active"
        )
    key_id, status = listed[public]
    if status != "active":
        raise KeyError_(
            f"the signing key '{key_id}' is retired in issuer.yml; sign with the active key"
        )
    return Signer(key, key_id, official=True)


ENV_KEY = "CIM_SIGNING_KEY"
ENV_KEY_FILE = "CIM_SIGNING_KEY_FILE"


def from_environment() -> str | None:
    """The signing key (multibase or PEM) from $CIM_SIGNING_KEY or the file named by
    $CIM_SIGNING_KEY_FILE; None for a development build. ValueError when the file cannot be
    read."""
    if os.environ.get(ENV_KEY):
        return os.environ[ENV_KEY]
    path = os.environ.get(ENV_KEY_FILE)
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            raise ValueError(f"{ENV_KEY_FILE}={path}: {exc.strerror}") from None
    return None
