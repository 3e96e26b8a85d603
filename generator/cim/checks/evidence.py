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
    """True when an image's EXIF holds a GPS position (read from its header chunks only)."""
    with path.open("rb") as handle:
        return image_has_gps(handle)


def image_has_gps(handle: BinaryIO) -> bool:
    """``has_gps`` for an open JPEG, PNG or WebP file, read from its start. The EXIF block may
    be anywhere among a JPEG's header segments (after a comment, say), in a PNG's eXIf chunk
    or as a "Raw profile type exif" text chunk, or in a WebP's EXIF chunk."""
    handle.seek(0)
    head = handle.read(12)
    if head[:2] == b"\xff\xd8":
        exif = _jpeg_exif(handle)
    elif head[:8] == b"\x89PNG\r\n\x1a\n":
        exif = _png_exif(handle)
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        exif = _webp_exif(handle)
    else:
        return False
    return any(_exif_has_gps(tiff[6:] if tiff.startswith(b"Exif\0\0") else tiff) for tiff in exif)


def _jpeg_exif(handle: BinaryIO) -> list[bytes]:
    """Every EXIF block among a JPEG's segments before the image data."""
    handle.seek(2)
    found: list[bytes] = []
    while True:
        marker = handle.read(2)
        if len(marker) < 2 or marker[0] != 0xFF or marker[1] in (0xDA, 0xD9):
            return found  # the image data (or the end) starts: no more header segments
        if 0xD0 <= marker[1] <= 0xD7 or marker[1] == 0x01:
            continue  # markers without a length
        size = int.from_bytes(handle.read(2), "big")
        if size < 2:
            return found
        if marker[1] == 0xE1:
            segment = handle.read(size - 2)
            if segment.startswith(b"Exif\0\0"):
                found.append(segment)
        else:
            handle.seek(size - 2, 1)


def _png_exif(handle: BinaryIO) -> list[bytes]:
    """EXIF from a PNG's eXIf chunk and from text chunks holding a raw EXIF profile (what
    ImageMagick and exiftool write), skipping the image data without reading it."""
    handle.seek(8)
    found: list[bytes] = []
    while True:
        header = handle.read(8)
        if len(header) < 8:
            return found
        size, kind = int.from_bytes(header[:4], "big"), header[4:]
        if kind == b"IEND":
            return found
        if kind in (b"eXIf", b"zTXt", b"tEXt", b"iTXt") and size <= 16 << 20:
            data = handle.read(size)
            if kind == b"eXIf":
                found.append(data)
            else:
                profile = _raw_exif_profile(kind, data)
                if profile:
                    found.append(profile)
            handle.seek(4, 1)  # the CRC
        else:
            handle.seek(size + 4, 1)


def _raw_exif_profile(kind: bytes, data: bytes) -> bytes | None:
    keyword, _, rest = data.partition(b"\0")
    if not keyword.lower().startswith(b"raw profile type exif"):
        return None
    try:
        if kind == b"zTXt":
            text = zlib.decompressobj().decompress(rest[1:], 1 << 20)
        elif kind == b"iTXt":
            compressed, rest = rest[0], rest[2:]
            rest = rest.split(b"\0", 2)[-1]  # after the language tag and translated keyword
            text = zlib.decompressobj().decompress(rest, 1 << 20) if compressed else rest
        else:
            text = rest
        # "\nexif\n   <length>\n<hex digits over many lines>"
        digits = b"".join(text.strip().split(b"\n")[2:]).replace(b" ", b"")
        return bytes.fromhex(digits.decode("ascii"))
    except (zlib.error, ValueError, IndexError):
        return None


def _webp_exif(handle: BinaryIO) -> list[bytes]:
    handle.seek(12)
    found: list[bytes] = []
    while True:
        header = handle.read(8)
        if len(header) < 8:
            return found
        kind, size = header[:4], int.from_bytes(header[4:], "little")
        if kind == b"EXIF" and size <= 16 << 20:
            found.append(handle.read(size))
            handle.seek(size % 2, 1)
        else:
            handle.seek(size + size % 2, 1)


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

    Images are decoded completely (a truncated, corrupt or oversized image fails); PDFs are
    read by a PDF parser: they must carry no JavaScript, actions, attached files or XFA forms
    (published copies are rebuilt without them anyway) and no personal identity number in
    their text or metadata.
    """
    if kind == "pdf":
        return _inspect_pdf(path)
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


def _inspect_pdf(path: Path) -> str | None:
    import pikepdf

    from cim.checks import pdf
    from cim.checks.text import looks_like_identity_number

    if path.read_bytes()[:5] != b"%PDF-":
        return "it does not start like a PDF"
    try:
        active = pdf.active_content(path)
        text = pdf.text_of(path)
    except (pikepdf.PdfError, OSError, RecursionError, ValueError) as exc:
        reason = str(exc).rsplit(": ", 1)[-1][:120]  # without the file's path
        also = (
            " (it also seems to hold JavaScript, actions or embedded files)"
            if _PDF_ACTIVE.search(path.read_bytes())
            else ""
        )
        return f"it cannot be read as a PDF ({reason}){also}; export or scan it again"
    if active:
        return (
            f"the PDF contains {', '.join(active)} (things a PDF reader could run or open); "
            "save a plain copy, e.g. with 'Print to PDF'"
        )
    if looks_like_identity_number(text):
        return (
            "its text or document properties hold what looks like a personal identity number "
            "(personnummer or samordningsnummer); remove it and export the PDF again"
        )
    return None


def advice(path: Path, kind: str) -> str | None:
    """A quick look at the raw bytes for script-like words and web markup: advisory only (a
    regex cannot read a PDF; the parser's findings above are what count, and published
    PDFs are rebuilt without active content)."""
    data = path.read_bytes()
    chunks = [data]
    if kind == "pdf":
        inflated = 0
        for match in _STREAM.finditer(data):
            try:
                chunk = zlib.decompressobj().decompress(match.group(1), MAX_INFLATED)
            except zlib.error:
                continue
            inflated += len(chunk)
            if inflated >= MAX_INFLATED:
                break
            chunks.append(chunk)
    for chunk in chunks:
        if (kind == "pdf" and _PDF_ACTIVE.search(chunk)) or _MARKUP.search(chunk):
            return (
                "the file holds words of scripts, embedded files or web markup; they are not "
                "published, but check that it is the document you meant to add"
            )
    return None
