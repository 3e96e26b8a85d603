"""Evidence files as the scheme knows them: the kinds accepted, how each is recognised by its
first bytes, and the limits every stage (checking, publishing) shares."""

from __future__ import annotations

IMAGE_TYPES = {"jpg", "jpeg", "png", "webp"}
MAX_PIXELS = 40_000_000  # larger images are refused rather than decoded
# What each allowed extension must contain, recognised by its first bytes.
SIGNATURES = {"jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF-",)}
KIND_OF_SUFFIX = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "pdf": "pdf"}


def sniff(head: bytes) -> str | None:
    """The file type its first bytes show (jpeg, png, webp, pdf), or None."""
    for kind, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None
