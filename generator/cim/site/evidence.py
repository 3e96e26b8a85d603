"""Publishing evidence: web-size copies and thumbnails of images, rebuilt PDFs.

Images are re-encoded with Pillow after applying their EXIF orientation; the new file is built
from pixels only, so no metadata (EXIF, GPS, XMP, ICC comments) survives. Results are cached by
the content hash of the source file, so an unchanged image is never encoded again. Nothing is
ever written next to the source: the cache lives in its own folder.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps

from cim.checks.contents import file_blob_id
from cim.checks.pdf import disarm, text_of
from cim.checks.text import looks_like_identity_number
from cim.model.evidence import IMAGE_TYPES, MAX_PIXELS

# The copies of a photo, each no larger than where a page shows it (measured in the theme's
# CSS; mkdocs-material's rem is 20 px below 1600 px of window width):
# * the thumbnail box is 12rem × 8rem with object-fit: cover, so 240 × 160 CSS pixels and
#   480 × 320 on a screen of device-pixel ratio 2; the copy is that box, cropped as the page
#   crops it;
# * the lightbox shows at most 95vw × 90vh: 1296 × 972 on a 1920 × 1080 screen (the most
#   common desktop), 921 × 691 on a 1366 × 768 laptop, 1110 device pixels wide on a phone;
#   1280 pixels on the long side is what those screens show.
# WebP quality and method were chosen by measurement (benchmarks/encoders.py, phone photos):
# method 2 encodes about 1.5× as fast as method 4 for 6–8 % more bytes; quality 70 at 1280
# pixels keeps 38 dB PSNR against a slow reference at half the bytes of quality 82 at 1600.
WEB_SIZE = (1280, 1280)
THUMB_SIZE = (480, 320)
WEB_QUALITY, THUMB_QUALITY, METHOD = 70, 65, 2
# The cache key is the source's content and these parameters, nothing else: a changed theme,
# page or portfolio text never encodes a photo again; changed parameters always do.
PIPELINE_VERSION = f"3:{WEB_SIZE}:{THUMB_SIZE}:{WEB_QUALITY}:{THUMB_QUALITY}:{METHOD}"


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
        return {name: Path(path) for name, path in self.cached_names(digest, kind).items()}

    def cached_names(self, digest: str, kind: str) -> dict[str, str]:
        """Where the copies of ``digest`` live in the cache (as :meth:`cached`, as text: tens
        of thousands of them are looked up in every build)."""
        base = f"{self.cache}{os.sep}{digest[:2]}{os.sep}{digest}"
        if kind == "pdf":  # rebuilt without active content (not a copy of the source)
            return {"web": base + "-rebuilt.pdf"}
        return {"web": base + "-web.webp", "thumb": base + "-thumb.webp"}


# What each allowed extension must contain, recognised by its first bytes.


def digest_from_id(blob: str) -> str:
    """The name of a file's published copies, from the id Git gives its content (its blob
    id, :func:`cim.checks.contents.blob_id`): a build that knows the ids reads no file."""
    return hashlib.sha256(f"{PIPELINE_VERSION}\0{blob}".encode()).hexdigest()[:32]


def digest_of(path: Path | str) -> str:
    """:func:`digest_from_id` of the file at ``path``, by reading it."""
    return digest_from_id(file_blob_id(path))


def _encode(source: str, web: str, thumb: str) -> tuple[int, int]:
    """Decode ``source`` once, apply its orientation, write clean WebP copies; return the
    web copy's size."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(source, formats=["JPEG", "PNG", "WEBP"]) as img:
        if img.format == "JPEG":
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale for a fraction of the time: the
            # smallest scale that still gives the largest copy.
            img.draft("RGB", _decoded_size(img.size))
        img.load()
        turned = img.getexif().get(0x0112, 1) not in (0, 1)
        oriented = ImageOps.exif_transpose(img) if turned else img
        mode = "RGBA" if oriented.mode in ("RGBA", "LA", "P") else "RGB"
        pixels = oriented.convert(mode) if oriented.mode != mode else oriented
        shrink = min(1.0, WEB_SIZE[0] / max(pixels.size))
        if shrink < 1:  # a new, smaller image (bicubic, as Image.thumbnail)
            size = (max(1, round(pixels.width * shrink)), max(1, round(pixels.height * shrink)))
            pixels = pixels.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
        # A fresh image carries pixels only: no EXIF, GPS, XMP, ICC profile or comments.
        big = Image.new(mode, pixels.size)
        big.paste(pixels)
    small = _cover(big, THUMB_SIZE)
    _save_webp(big, web, WEB_QUALITY)
    if small.size == big.size:  # a small picture: one encoding serves as both copies
        _written(thumb, lambda tmp: shutil.copyfile(web, tmp))
    else:
        _save_webp(small, thumb, THUMB_QUALITY)
    return big.size


def _decoded_size(size: tuple[int, int]) -> tuple[int, int]:
    """The least a decoder must produce: the web copy's size (the thumbnail is cut from the
    web copy); draft never decodes below it."""
    w, h = size
    scale = min(1.0, WEB_SIZE[0] / max(w, h, 1))
    return math.ceil(w * scale), math.ceil(h * scale)


def _cover(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The thumbnail as the page shows it (object-fit: cover, centred): ``box`` cropped from
    the middle, or a smaller box of the same shape when the picture is smaller than ``box``."""
    shrink = min(1.0, image.width / box[0], image.height / box[1])
    target = (max(1, round(box[0] * shrink)), max(1, round(box[1] * shrink)))
    if target == image.size:
        return image
    return ImageOps.fit(image, target, Image.Resampling.BICUBIC)


def _temporary(target: str | Path) -> str:
    """A new, unique file beside ``target``: two builds (or two workers) writing the same
    cached file never share a temporary file; os.replace then swaps it in at once. It is
    made readable by the web server, as any page, whatever the umask."""
    handle, name = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".", suffix=".tmp")
    os.close(handle)
    os.chmod(name, 0o644)
    return name


def _written(target: str, write: Callable[[str], object]) -> None:
    """``target`` written whole by ``write`` (given a temporary file's name) or not at all:
    a torn file in the cache would be published as a copy by every later build."""
    tmp = _temporary(target)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _save_webp(image: Image.Image, target: str, quality: int) -> None:
    _written(target, lambda tmp: image.save(tmp, "WEBP", quality=quality, method=METHOD))


def _pdf_rebuild(source: Path, target: Path) -> str | None:
    """Publish a PDF as a new file rebuilt from its parsed objects, without active content
    or metadata (cim.checks.pdf.disarm); the problem in words when it cannot be."""
    import pikepdf

    tmp = _temporary(target)
    try:
        disarm(source, Path(tmp))
        if looks_like_identity_number(text_of(Path(tmp))):
            return "its text holds what looks like a personal identity number"
        os.chmod(tmp, 0o644)  # pikepdf may have written a new file in the umask's mode
        os.replace(tmp, target)
        return None
    except (pikepdf.PdfError, OSError, RecursionError, ValueError) as exc:
        return f"it cannot be read as a PDF ({str(exc).rsplit(': ', 1)[-1][:120]})"
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def publish(
    store: EvidenceStore,
    sources: Iterable[Path],
    workers: int | None = None,
    ids: Mapping[Path, str] | None = None,
) -> dict[Path, Published]:
    """Process every source file (images and PDFs) that is not cached yet; return all results.
    A source in ``ids`` (the id of its content: its Git blob id) is not read to name it.

    Files that cannot be decoded are listed in ``store.failed`` and left out.
    """
    known = ids or {}
    results: dict[Path, Published] = {}
    jobs: list[tuple[Path, str, str, dict[str, str]]] = []
    same: dict[str, list[Path]] = {}  # digest -> every source with that content
    for source in dict.fromkeys(sources):
        suffix = os.path.splitext(source)[1].lower().lstrip(".")
        kind = "pdf" if suffix == "pdf" else "image" if suffix in IMAGE_TYPES else ""
        if not kind or not os.path.isfile(source):
            continue
        blob = known.get(source)
        digest = digest_from_id(blob) if blob is not None else digest_of(source)
        if digest in same:  # the same content twice: processed once, by one worker
            same[digest].append(source)
            continue
        same[digest] = [source]
        paths = store.cached_names(digest, kind)
        if all(os.path.exists(p) for p in paths.values()):
            store.reused += 1
            results[source] = _published(store, digest, kind, paths)
        else:
            os.makedirs(os.path.dirname(paths["web"]), exist_ok=True)
            jobs.append((source, digest, kind, paths))

    # Photos and PDFs alike are spread over every core, a few at a time per worker; each
    # worker holds one decoded picture at a time, so memory stays bounded by the workers.
    workers = workers if workers is not None else min(len(jobs), os.cpu_count() or 1)
    args = [(kind, str(s), p["web"], p.get("thumb", "")) for s, _, kind, p in jobs]
    if workers > 1 and len(jobs) > 4:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_safe_job, args, chunksize=8))
    else:
        outcomes = [_safe_job(a) for a in args]
    problems = {}
    for (source, digest, kind, paths), problem in zip(jobs, outcomes, strict=True):
        if problem is None:
            store.encoded += 1
            results[source] = _published(store, digest, kind, paths)
        else:
            problems[source] = problem
    for first, *copies in same.values():  # what became of the first is every copy's fate
        if first in problems:
            store.failed.extend(f"{each}: {problems[first]}" for each in (first, *copies))
        elif first in results:
            results.update((each, results[first]) for each in copies)
    return results


def _safe_job(args: tuple[str, str, str, str]) -> str | None:
    """Make the published copies of one file; the problem in words if it cannot be read."""
    kind, source, web, thumb = args
    if kind == "pdf":
        return _pdf_rebuild(Path(source), Path(web))
    try:
        _encode(source, web, thumb)
        return None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return f"cannot read the image ({exc})"


def _published(store: EvidenceStore, digest: str, kind: str, paths: dict[str, str]) -> Published:
    base = store.uri_base(digest)
    if kind == "pdf":  # its size is shown beside its link
        web = paths["web"]
        size = os.path.getsize(web) if os.path.exists(web) else 0
        return Published(digest, kind, base + ".pdf", bytes=size)
    return Published(digest, kind, base + "-web.webp", base + "-thumb.webp")


def site_files(store: EvidenceStore, published: Iterable[Published]) -> dict[str, Path]:
    """Map each site URI of the published copies to its file in the cache."""
    out: dict[str, Path] = {}
    for p in published:
        if p.web_uri in out:  # the same copies, published for two sources
            continue
        paths = store.cached_names(p.digest, p.kind)
        out[p.web_uri] = Path(paths["web"])
        if p.thumb_uri:
            out[p.thumb_uri] = Path(paths["thumb"])
    return out
