"""Evidence files for demo and test portfolios, drawn with Pillow.

Every image and PDF in the demo portfolios is made here, so the repository owns all of its
content. A photo can carry EXIF metadata (a camera, a GPS position, a rotation) on purpose: it
is what a phone writes, and what the site must strip before it publishes anything.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ((0, 62, 114), (246, 190, 0)),
    ((122, 30, 72), (244, 226, 211)),
    ((20, 110, 90), (230, 244, 236)),
    ((200, 80, 40), (255, 240, 220)),
    ((60, 60, 120), (220, 225, 250)),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - Pillow < 10.1
        return ImageFont.load_default()


def _ascii(text: str) -> str:
    """Pillow's built-in font has ASCII glyphs only; 'Jönköping' is drawn as 'Jonkoping'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def photo(title: str, seed: int, size: tuple[int, int] = (960, 640)) -> Image.Image:
    """A picture-like image: a sky, hills, a few people-shaped figures and a caption band."""
    rng = random.Random(seed)
    dark, light = PALETTES[seed % len(PALETTES)]
    w, h = size
    img = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(img)
    for y in range(h // 2):
        t = y / (h / 2)
        draw.line([(0, y), (w, y)], fill=tuple(int(light[i] * (1 - t) + 255 * t) for i in range(3)))
    for k in range(3):
        base = h // 2 + k * h // 10
        points = [(0, h)] + [(x, base + int(30 * rng.random())) for x in range(0, w + 80, 80)]
        shade = tuple(max(0, c - 40 * k) for c in dark)
        draw.polygon([*points, (w, h)], fill=shade)
    for _ in range(rng.randint(3, 7)):
        x, y = rng.randint(40, w - 40), rng.randint(h // 2, h - 120)
        colour = tuple(rng.randint(60, 250) for _ in range(3))
        draw.ellipse([x - 14, y - 50, x + 14, y - 22], fill=colour)
        draw.rounded_rectangle([x - 20, y - 20, x + 20, y + 50], radius=10, fill=colour)
    draw.rectangle([0, h - 70, w, h], fill=(0, 0, 0))
    draw.text((24, h - 55), _ascii(title), fill=(255, 255, 255), font=_font(32))
    return img


def document(
    title: str, lines: list[str], seed: int, size: tuple[int, int] = (1240, 1754)
) -> Image.Image:
    """A certificate-like page (A4 proportions) with a title, lines of text and a seal."""
    dark, light = PALETTES[seed % len(PALETTES)]
    w, h = size
    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle([40, 40, w - 40, h - 40], outline=dark, width=12)
    draw.rectangle([70, 70, w - 70, h - 70], outline=light, width=4)
    draw.text((w // 2, 260), _ascii(title), fill=dark, font=_font(64), anchor="mm")
    y = 420
    for line in lines:
        draw.text((w // 2, y), _ascii(line), fill=(30, 30, 30), font=_font(40), anchor="mm")
        y += 80
    draw.ellipse([w - 420, h - 460, w - 160, h - 200], outline=dark, width=10)
    draw.text((w - 290, h - 330), "SEAL", fill=dark, font=_font(48), anchor="mm")
    draw.line([160, h - 260, 560, h - 260], fill=(30, 30, 30), width=3)
    draw.text((160, h - 230), "Signature", fill=(90, 90, 90), font=_font(32))
    return img


def gps_exif(lat: float, lon: float, orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera model, orientation and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"  # Make
    exif[0x0110] = "DemoPhone 12"  # Model
    exif[0x0112] = orientation  # Orientation
    exif[0x0131] = "DemoCamera 1.0"  # Software

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60, 2)
        return (float(d), float(m), s)

    gps = {
        1: "N" if lat >= 0 else "S",
        2: dms(lat),
        3: "E" if lon >= 0 else "W",
        4: dms(lon),
    }
    exif[0x8825] = gps  # GPSInfo IFD
    return exif


def save_photo(
    path: Path,
    title: str,
    seed: int,
    *,
    gps: tuple[float, float] | None = None,
    orientation: int = 1,
    small: bool = False,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = photo(title, seed)
    if small:
        img = img.reduce(4)
    if orientation == 6:
        # A phone held upright stores the pixels sideways and says so in the Orientation tag.
        img = img.transpose(Image.Transpose.ROTATE_90)
    if gps is not None:
        img.save(path, "JPEG", quality=82, exif=gps_exif(*gps, orientation=orientation))
    elif path.suffix.lower() == ".png":
        img.save(path, "PNG", optimize=True)
    else:
        img.save(path, "JPEG", quality=82)


def save_document(
    path: Path, title: str, lines: list[str], seed: int, *, small: bool = False
) -> None:
    """Save a certificate as PDF (one page, A4) or as an image, by suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = document(title, lines, seed)
    if small:
        img = img.reduce(4)
    if path.suffix.lower() == ".pdf":
        img.convert("L").save(path, "PDF", resolution=150.0 / (4 if small else 1))
    else:
        img.save(path, "JPEG", quality=80)


def _seed(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text)) % 100_003


def make_evidence(
    root: Path, *, gps: tuple[float, float] = (57.7826, 14.1618), small: bool = False
) -> list[Path]:
    """Create every evidence file the portfolios under ``root`` refer to and that is missing.

    Photos get a phone's EXIF block (with ``gps``) so that metadata stripping is exercised;
    documents become one-page PDFs or certificate-like JPEGs; ``small`` makes them tiny (for
    test and example repositories). Returns the files written.
    """
    from cim.read import source

    written = []
    for path in sorted((root / "portfolios").glob("*/portfolio.yml")):
        doc = source.read(str(path), path.name)
        data = doc.data if isinstance(doc.data, dict) else {}
        name = str(data.get("name", ""))
        for entry in data.get("entries") or []:
            title = str(entry.get("title") or entry.get("activity", ""))
            for item in entry.get("evidence") or []:
                target = path.parent / str(item["file"])
                if target.exists() or ".." in Path(str(item["file"])).parts:
                    continue
                seed = _seed(target.as_posix())
                caption = str(item.get("caption") or title)
                if target.suffix.lower() == ".pdf":
                    save_document(
                        target,
                        (item.get("kind") or "document").title(),
                        ["This is to certify that", name, "took part in", title[:48]],
                        seed,
                        small=small,
                    )
                elif item.get("kind") in ("certificate", "transcript"):
                    save_document(
                        target, str(item["kind"]).title(), [name, title[:48]], seed, small=small
                    )
                else:
                    save_photo(
                        target,
                        caption[:60],
                        seed,
                        gps=gps,
                        orientation=6 if seed % 3 == 0 else 1,
                        small=small,
                    )
                written.append(target)
    return written
