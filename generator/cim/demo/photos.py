"""Evidence as students really submit it: phone photos and PDFs of a few pages.

A phone photo here is a 1600 × 1200 JPEG of about 120 KB with the detail a camera records
(grain, uneven light, soft edges — not flat colour, which would compress far better than any
real photo), and the EXIF block a phone writes: make, model, the time it was taken, often a
GPS position, and for a photo taken upright the Orientation tag instead of turned pixels.
A document is a text PDF of a few A4 pages, as a course or an employer issues them.

Thousands of students must be generated in minutes, so six detailed scenes are drawn once
per process and every photo is a cheap variation of one of them (a shifted crop, its own
light, mirrored or not, its own people): about 25 ms a photo, each different in content, as
every student's evidence must be (the same file in two folders is refused).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import unicodedata
from pathlib import Path

import pikepdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from cim.demo.evidence import photo

SIZE = (1600, 1200)
MARGIN = 100  # the scenes are larger than a photo by this much, for shifted crops
SCENES = 6
QUALITY = 70  # a phone's JPEG of this scene comes out at about 120 KB
PHONES = [("Apple", "iPhone 13"), ("samsung", "SM-A546B"), ("Google", "Pixel 7a")]
LINES = [
    "This is to certify that the student named above has taken part in the activity",
    "described in this document, with the hours and dates given below.",
    "The activity was carried out in English with participants from several countries.",
    "The student attended every session and completed the tasks that were set.",
    "Questions about this document may be sent to the office that issued it.",
]


@functools.cache
def _scene(k: int) -> Image.Image:
    """A detailed scene: a drawing softened like a lens, with light and grain at three scales."""
    w, h = SIZE[0] + MARGIN, SIZE[1] + MARGIN
    scene = photo("", 7919 * (k + 1), size=(w, h)).filter(ImageFilter.GaussianBlur(1.2))
    for factor, sigma in ((40, 50), (8, 22), (3, 14)):
        noise = Image.effect_noise((w // factor, h // factor), sigma)
        layer = noise.resize((w, h), Image.Resampling.BICUBIC).convert("RGB")
        scene = ImageChops.overlay(scene, layer)
    return ImageChops.overlay(scene, Image.effect_noise((w, h), 9).convert("RGB"))


def phone_photo(rng: random.Random) -> Image.Image:
    """One photo, different from every other: a scene cropped, lit and peopled its own way."""
    x, y = rng.randrange(MARGIN), rng.randrange(MARGIN)
    img = _scene(rng.randrange(SCENES)).crop((x, y, x + SIZE[0], y + SIZE[1]))
    gain = rng.uniform(0.85, 1.15)
    img = img.point([min(255, int(v * gain)) for v in range(256)] * 3)
    if rng.random() < 0.5:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(2, 6)):
        px, py = rng.randrange(80, SIZE[0] - 80), rng.randrange(SIZE[1] // 2, SIZE[1] - 160)
        colour = tuple(rng.randrange(40, 240) for _ in range(3))
        draw.ellipse([px - 22, py - 80, px + 22, py - 36], fill=colour)
        draw.rounded_rectangle([px - 32, py - 32, px + 32, py + 90], radius=14, fill=colour)
    return img


def phone_exif(rng: random.Random, taken: dt.date, *, upright: bool, gps: bool) -> Image.Exif:
    """EXIF as a phone writes it: make, model, time taken, orientation, often a GPS position."""
    make, model = rng.choice(PHONES)
    when = f"{taken:%Y:%m:%d} {rng.randrange(8, 20):02d}:{rng.randrange(60):02d}:00"
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = make, model, when  # Make, Model, DateTime
    exif[0x0112] = 6 if upright else 1  # Orientation: 6 = turn a quarter clockwise to view
    exif[0x8769] = {0x9003: when, 0x9004: when}  # DateTimeOriginal, DateTimeDigitized
    if gps:
        lat, lon = 57.78 + rng.uniform(-0.05, 0.05), 14.16 + rng.uniform(-0.05, 0.05)
        exif[0x8825] = {  # GPSInfo
            1: "N",
            2: (float(int(lat)), float(int(lat % 1 * 60)), round(lat * 3600 % 60, 2)),
            3: "E",
            4: (float(int(lon)), float(int(lon % 1 * 60)), round(lon * 3600 % 60, 2)),
        }
    return exif


def save_phone_photo(path: Path, rng: random.Random, taken: dt.date) -> None:
    """Write a phone photo: one in four taken upright (Orientation 6), two in five with GPS."""
    upright, gps = rng.random() < 0.25, rng.random() < 0.4
    exif = phone_exif(rng, taken, upright=upright, gps=gps)
    phone_photo(rng).save(path, "JPEG", quality=QUALITY, exif=exif)


@functools.cache
def _letterhead(k: int) -> bytes:
    """A scanned letterhead (a greyscale JPEG of about 25 KB), as most issued PDFs carry."""
    img = _scene(k).convert("L").resize((900, 300), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _escape(text: str) -> bytes:
    """Text for a PDF string in the standard fonts: ASCII ('Öberg' as 'Oberg'), escaped."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii")


def save_pdf(path: Path, rng: random.Random, title: str, name: str) -> None:
    """Write a text PDF of two to four A4 pages, as an office issues a certificate."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    logo = pikepdf.Stream(
        pdf,
        _letterhead(rng.randrange(SCENES)),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=900,
        Height=300,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    pages = rng.randint(2, 4)
    for number in range(1, pages + 1):
        lines = [title, name, ""] if number == 1 else [f"{title} (page {number})", ""]
        lines += [rng.choice(LINES) for _ in range(rng.randint(20, 40))]
        text = b"q 180 0 0 60 60 770 cm /Logo Do Q BT /F1 11 Tf 15 TL 60 740 Td " + b" ".join(
            b"(" + _escape(line) + b") '" for line in lines
        )
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Logo=logo)
        )
        page.Contents = pdf.make_stream(text + b" ET")
    pdf.save(path, deterministic_id=True)
