"""What one evidence file contains: its real type, a GPS position, active content, whether it
decodes. Used by the checks; publishing (site.evidence) re-encodes independently."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from cim.model.evidence import MAX_PIXELS

_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
_MARKUP = re.compile(rb"<\s*(?:html|script|svg|iframe|body)\b", re.I)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
MAX_INFLATED = 64 << 20


def has_gps(path: Path) -> bool:
    """True when a JPEG's EXIF block holds a GPS position (read from the header only)."""
    with path.open("rb") as handle:
        return jpeg_has_gps(handle)


_APP_MARKERS = frozenset(bytes([0xFF, m]) for m in range(0xE0, 0xF0))


def jpeg_has_gps(handle: BinaryIO) -> bool:
    """``has_gps`` for an open file, read from its start."""
    handle.seek(0)
    head = handle.read(4)
    if head[:2] != b"\xff\xd8":
        return False
    marker = head[2:4]
    while marker in _APP_MARKERS:
        length = int.from_bytes(handle.read(2), "big")
        segment = handle.read(max(0, length - 2))
        if marker == b"\xff\xe1" and segment.startswith(b"Exif\0\0"):
            return _exif_has_gps(segment[6:])
        marker = handle.read(2)
    return False


def _exif_has_gps(tiff: bytes) -> bool:
    order = "little" if tiff[:2] == b"II" else "big" if tiff[:2] == b"MM" else ""
    if not order or len(tiff) < 8:
        return False
    offset = int.from_bytes(tiff[4:8], order)  # type: ignore[arg-type]
    if offset + 2 > len(tiff):
        return False
    count = int.from_bytes(tiff[offset : offset + 2], order)  # type: ignore[arg-type]
    for i in range(count):
        at = offset + 2 + 12 * i
        if at + 2 <= len(tiff) and int.from_bytes(tiff[at : at + 2], order) == 0x8825:  # type: ignore[arg-type]
            return True
    return False


def inspect(path: Path, kind: str) -> str | None:
    """A full look at one evidence file; the problem in words, or None when it is sound.

    Images are decoded completely (a truncated, corrupt or oversized image fails); PDFs must
    start as PDFs and carry no JavaScript, launch actions, embedded files or markup, also
    inside compressed streams.
    """
    if kind == "pdf":
        data = path.read_bytes()
        if not data.startswith(b"%PDF-"):
            return "it does not start like a PDF"
        if _PDF_ACTIVE.search(data) or _MARKUP.search(data):
            return "the PDF contains JavaScript, actions, embedded files or web markup"
        inflated = 0
        for match in _STREAM.finditer(data):
            try:
                chunk = zlib.decompressobj().decompress(match.group(1), MAX_INFLATED)
            except zlib.error:
                continue
            inflated += len(chunk)
            if inflated >= MAX_INFLATED:
                return "the PDF expands to more than 64 MB"
            if _PDF_ACTIVE.search(chunk) or _MARKUP.search(chunk):
                return "the PDF contains JavaScript, actions, embedded files or web markup"
        return None
    if _MARKUP.search(path.read_bytes()):
        return "the file also contains web markup (it is two files in one); export it again"
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path, formats=["JPEG", "PNG", "WEBP"]) as img:
            if img.format is None or img.format.lower() != ("jpeg" if kind == "jpeg" else kind):
                return f"it is not a {kind.upper()} image"
            if img.width * img.height > MAX_PIXELS:
                return f"the image is too large ({img.width} × {img.height} pixels)"
            img.load()
    except Image.DecompressionBombError:
        return "the image is too large once decoded (a decompression bomb)"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"the image cannot be read ({exc})"
    return None
