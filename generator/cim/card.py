"""The picture a shared certificate link shows (Open Graph, 1200 × 630), drawn with Pillow."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
NAVY, AMBER, WHITE = (11, 61, 92), (242, 182, 50), (255, 255, 255)
VERSION = "1"
# Fonts with the Latin letters Swedish names need (å, ä, ö, é …); the first one found is used.
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: int, width: int
) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """The largest font up to ``size`` that fits ``text`` in ``width``."""
    while size > 18:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return text, font
        size -= 4
    font = _font(size)
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…", font


def draw(title: str, name: str, programme: str, issuer: str, number: str, note: str = "") -> bytes:
    """The card as PNG bytes (deterministic for the same inputs and fonts)."""
    img = Image.new("RGB", SIZE, NAVY)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, SIZE[0], 18], fill=AMBER)
    d.ellipse([1000, 60, 1140, 200], outline=AMBER, width=10)
    d.line([1070, 60, 1070, 200], fill=AMBER, width=6)
    d.line([1000, 130, 1140, 130], fill=AMBER, width=6)
    width = 880
    y = 80
    for text, size, colour, gap in (
        (issuer.upper(), 28, AMBER, 70),
        (title, 52, WHITE, 110),
        (name, 76, WHITE, 110),
        (programme, 34, WHITE, 70),
        (f"Certificate {number}", 30, AMBER, 60),
    ):
        shown, font = _fit(d, text, size, width)
        d.text((80, y), shown, font=font, fill=colour)
        y += gap
    if note:
        shown, font = _fit(d, note, 26, 1040)
        d.text((80, 560), shown, font=font, fill=AMBER)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def cached(cache: Path, *fields: str) -> Path:
    """Draw the card once per distinct content and keep it in ``cache``."""
    key = hashlib.sha256("\x1f".join((VERSION, *fields)).encode()).hexdigest()[:32]
    path = cache / "cards" / f"{key}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(draw(*fields))
        tmp.replace(path)
    return path
