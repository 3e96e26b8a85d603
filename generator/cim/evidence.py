"""Publishing evidence: web-size copies and thumbnails of images, links to PDFs.

Images are re-encoded with Pillow after applying their EXIF orientation; the new file is built
from pixels only, so no metadata (EXIF, GPS, XMP, ICC comments) survives. Results are cached by
the content hash of the source file, so an unchanged image is never encoded again. Nothing is
ever written next to the source: the cache lives in its own folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps

# Bump when the encoding changes, so that cached files from older versions are not reused.
PIPELINE_VERSION = "2"
THUMB_SIZE = (360, 360)
WEB_SIZE = (1600, 1600)
IMAGE_TYPES = {"jpg", "jpeg", "png", "webp"}
MAX_PIXELS = 40_000_000  # larger images are refused rather than decoded


@dataclass(frozen=True, slots=True)
class Published:
    """One published evidence file: where its copies live in the site and their sizes."""

    digest: str
    kind: str  # "image" | "pdf"
    web_uri: str
    thumb_uri: str = ""
    bytes: int = 0


@dataclass(slots=True)
class EvidenceStore:
    """A content-addressed cache of processed evidence, with counters for each build."""

    cache: Path
    encoded: int = 0
    reused: int = 0
    failed: list[str] = field(default_factory=list)

    def uri_base(self, digest: str) -> str:
        return f"assets/evidence/{digest[:2]}/{digest}"

    def cached(self, digest: str, kind: str) -> dict[str, Path]:
        base = self.cache / digest[:2] / digest
        if kind == "pdf":
            return {"web": base.with_suffix(".pdf")}
        return {
            "web": base.with_name(digest + "-web.webp"),
            "thumb": base.with_name(digest + "-thumb.webp"),
        }


# What each allowed extension must contain, recognised by its first bytes.
SIGNATURES = {"jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF-",)}
KIND_OF_SUFFIX = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "pdf": "pdf"}
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
_MARKUP = re.compile(rb"<\s*(?:html|script|svg|iframe|body)\b", re.I)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
MAX_INFLATED = 64 << 20


def sniff(head: bytes) -> str | None:
    """The file type its first bytes show (jpeg, png, webp, pdf), or None."""
    for kind, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


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


def digest_of(path: Path) -> str:
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:32]


def _encode(source: str, web: str, thumb: str) -> tuple[int, int]:
    """Decode ``source``, apply its orientation, write clean WebP copies; return the web size."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(source, formats=["JPEG", "PNG", "WEBP"]) as img:
        if img.format == "JPEG":
            # A large photo is decoded at a reduced scale (libjpeg's 1/2, 1/4 or 1/8, never
            # below the web size): about twice as fast for a phone photo.
            shrink = min(1.0, WEB_SIZE[0] / max(img.size))
            if shrink < 1:
                img.draft("RGB", (round(img.width * shrink), round(img.height * shrink)))
        img.load()
        oriented = ImageOps.exif_transpose(img)
        mode = "RGBA" if oriented.mode in ("RGBA", "LA", "P") else "RGB"
        pixels = oriented.convert(mode)
    # A fresh image carries pixels only: no EXIF, GPS, XMP, ICC profile or comments.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    big = clean.copy()
    big.thumbnail(WEB_SIZE)
    small = clean.copy()
    small.thumbnail(THUMB_SIZE)
    _save_webp(big, web, 82)
    if small.size == big.size:  # a small picture: one encoding serves as both copies
        shutil.copyfile(web, thumb)
    else:
        _save_webp(small, thumb, 75)
    return big.size


def _save_webp(image: Image.Image, target: str, quality: int) -> None:
    tmp = target + ".tmp"
    image.save(tmp, "WEBP", quality=quality, method=4)
    os.replace(tmp, target)


def _pdf_copy(source: Path, target: Path) -> None:
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def publish(
    store: EvidenceStore, sources: Iterable[Path], workers: int | None = None
) -> dict[Path, Published]:
    """Process every source file (images and PDFs) that is not cached yet; return all results.

    Files that cannot be decoded are listed in ``store.failed`` and left out.
    """
    results: dict[Path, Published] = {}
    jobs: list[tuple[Path, str, dict[str, Path]]] = []
    for source in dict.fromkeys(sources):
        suffix = source.suffix.lower().lstrip(".")
        kind = "pdf" if suffix == "pdf" else "image" if suffix in IMAGE_TYPES else ""
        if not kind or not source.is_file():
            continue
        digest = digest_of(source)
        paths = store.cached(digest, kind)
        if all(p.exists() for p in paths.values()):
            store.reused += 1
        else:
            paths["web"].parent.mkdir(parents=True, exist_ok=True)
            jobs.append((source, kind, paths))
        results[source] = _published(store, digest, kind, paths)

    images = [(s, p) for s, k, p in jobs if k == "image"]
    for source, kind, paths in jobs:
        if kind == "pdf":
            problem = inspect(source, "pdf")
            if problem:
                store.failed.append(f"{source}: {problem}")
                results.pop(source, None)
                continue
            _pdf_copy(source, paths["web"])
            store.encoded += 1
            results[source] = _published(store, results[source].digest, kind, paths)
    workers = workers if workers is not None else min(len(images), os.cpu_count() or 1)
    args = [(str(s), str(p["web"]), str(p["thumb"])) for s, p in images]
    if workers > 1 and len(images) > 4:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_safe_encode, args, chunksize=8))
    else:
        outcomes = [_safe_encode(a) for a in args]
    for (source, paths), outcome in zip(images, outcomes, strict=True):
        if isinstance(outcome, str):
            store.failed.append(f"{source}: {outcome}")
            results.pop(source, None)
            continue
        store.encoded += 1
        results[source] = _published(store, results[source].digest, "image", paths)
    return results


def _safe_encode(args: tuple[str, str, str]) -> tuple[int, int] | str:
    try:
        return _encode(*args)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return f"cannot read the image ({exc})"


def _published(store: EvidenceStore, digest: str, kind: str, paths: dict[str, Path]) -> Published:
    base = store.uri_base(digest)
    web = paths["web"]
    size = web.stat().st_size if web.exists() else 0
    if kind == "pdf":
        return Published(digest, kind, base + ".pdf", bytes=size)
    return Published(digest, kind, base + "-web.webp", base + "-thumb.webp", bytes=size)


def site_files(store: EvidenceStore, published: Iterable[Published]) -> dict[str, Path]:
    """Map each site URI of the published copies to its file in the cache."""
    out: dict[str, Path] = {}
    for p in published:
        paths = store.cached(p.digest, p.kind)
        out[p.web_uri] = paths["web"]
        if p.thumb_uri:
            out[p.thumb_uri] = paths["thumb"]
    return out
