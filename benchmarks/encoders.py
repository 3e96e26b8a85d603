#!/usr/bin/env python3
"""Choosing the WebP settings of published evidence by measurement: time, bytes and quality.

    .venv/bin/python benchmarks/encoders.py PHOTO_FOLDER [--photos 40]

For each candidate (size of the copy, WebP quality, WebP method) it makes the copy of every
photo the way the build does (decoded at a reduced scale where libjpeg allows, turned by its
EXIF orientation, resized) and reports the milliseconds per photo on one core, the mean bytes,
and the quality as PSNR (dB) against a reference made the slow way (full decode, Lanczos
resize, no lossy encoding). PSNR over 35 dB is hard to tell from the reference on screen.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat

# (label, box, fit) — fit "cover" crops to the box as the page's CSS does (object-fit: cover).
COPIES = [
    ("lightbox 1600", (1600, 1600), "inside"),
    ("lightbox 1280", (1280, 1280), "inside"),
    ("lightbox 1024", (1024, 1024), "inside"),
    ("thumb 480×320", (480, 320), "cover"),
    ("thumb 360×240", (360, 240), "cover"),
]
SETTINGS = [(82, 4), (82, 2), (82, 0), (75, 4), (75, 2), (70, 2), (65, 2), (60, 2)]


def shaped(
    img: Image.Image, box: tuple[int, int], fit: str, resample: Image.Resampling
) -> Image.Image:
    if fit == "cover":
        return ImageOps.fit(img, box, resample)
    out = img.copy()
    out.thumbnail(box, resample)
    return out


def load(path: Path, box: tuple[int, int], fit: str, draft: bool) -> Image.Image:
    with Image.open(path) as img:
        if draft and img.format == "JPEG":
            w, h = img.size
            # the smallest libjpeg scale that still covers the copy in both directions
            scale = box[0] / max(w, h)
            if fit == "cover":
                scale = max(scale, box[1] / min(w, h))
            if scale < 1:
                img.draft("RGB", (math.ceil(w * scale), math.ceil(h * scale)))
        img.load()
        return ImageOps.exif_transpose(img).convert("RGB")


def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a, b)
    mse = sum(ImageStat.Stat(diff).sum2) / (3 * a.width * a.height)
    return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--photos", type=int, default=40)
    args = parser.parse_args()
    paths = sorted(Path(args.folder).rglob("*.jpg"))[: args.photos]
    print(f"{len(paths)} photos\n")
    print("| Copy | WebP quality, method | ms per photo | bytes (KB) | PSNR (dB) |")
    print("|---|---|---|---|---|")
    for label, box, fit in COPIES:
        refs = [shaped(load(p, box, fit, False), box, fit, Image.Resampling.LANCZOS) for p in paths]
        for quality, method in SETTINGS:
            started, size, db = time.perf_counter(), 0, 0.0
            for path, ref in zip(paths, refs, strict=True):
                copy = shaped(load(path, box, fit, True), box, fit, Image.Resampling.BICUBIC)
                out = io.BytesIO()
                copy.save(out, "WEBP", quality=quality, method=method)
                size += out.tell()
                db += psnr(ref, Image.open(out).convert("RGB"))
            ms = (time.perf_counter() - started) * 1000 / len(paths)
            kb, psnr_db = size / len(paths) / 1024, db / len(paths)
            print(f"| {label} | {quality}, {method} | {ms:.0f} | {kb:.1f} | {psnr_db:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
