"""Pictures of a certificate: the card a shared link shows (Open Graph, 1200 × 630, drawn
with Pillow) and the QR code that opens its verification (made by segno, a two-colour PNG).
Both are cached by content, and QR codes are made in parallel: choosing a QR mask is slow in
pure Python."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cim.speed import Meanwhile

SIZE = (1200, 630)
NAVY, AMBER, WHITE = (11, 61, 92), (242, 182, 50), (255, 255, 255)
# Bump when the drawing changes, so that cached files from older versions are not reused.
VERSION = "5"  # the card
QR_VERSION = "3"  # the QR code
# Fonts with the Latin letters Swedish names need (å, ä, ö, é …); the first one found is used.
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _fit(
    text: str, size: int, width: int
) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """The largest font up to ``size`` that fits ``text`` in ``width``."""
    while size > 18:
        font = _font(size)
        if font.getlength(text) <= width:
            return text, font
        size -= 4
    font = _font(size)
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…", font


def draw(
    title: str,
    name: str,
    programme: str,
    issuer: str,
    number: str,
    note: str = "",
    word: str = "Certificate",
) -> bytes:
    """The card as PNG bytes (deterministic for the same inputs and fonts); ``word`` is
    "Certificate" in the card's language."""
    img = _background(title, issuer, note).copy()  # what every card of this scheme shares
    y = _LINES_Y
    for text, size, ramp, gap in (
        (name, 76, _WHITE_RAMP, 110),
        (programme, 34, _WHITE_RAMP, 70),
        (f"{word} {number}", 30, _AMBER_RAMP, 60),
    ):
        shown, font = _fit(text, size, _WIDTH)
        _letters(img, (80, y), shown, font, ramp)
        y += gap
    # The card holds only its three colours and the shades between them (anti-aliased
    # edges): as a palette of 7 colours (4 bits a pixel) it is about 10 KB, against 20 KB
    # with 31 colours. Its long runs of one colour are compressed as runs (zlib's Z_RLE):
    # 1.6 ms a card against 3.2 ms with the default search, for about 6 % more bytes; level 9
    # saves 0.8 KB but takes seven times as long, minutes for a first build of 10,000.
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=6, compress_type=zlib.Z_RLE, bits=4)
    return out.getvalue()


_WIDTH = 880
_LINES_Y = 80 + 70 + 110  # below the issuer and the title
# The palette's indices of the 3 shades from navy (index 0) to white, and to amber.
_WHITE_RAMP, _AMBER_RAMP = 1, 4
_SHADES = [round(3 * v / 255) for v in range(256)]  # coverage 0–255 → shade 0 (navy) to 3


def _letters(
    card: Image.Image,
    at: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    ramp: int,
) -> None:
    """Write ``text`` on navy in the card's palette: each pixel of the letters takes the
    shade its coverage is nearest to (what quantising the anti-aliased letters to the
    palette gives, without drawing and quantising the whole card in full colour)."""
    left, top, right, bottom = (int(edge) for edge in font.getbbox(text))
    if right <= left or bottom <= top:
        return
    coverage = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(coverage).text((-left, -top), text, font=font, fill=255)
    index = coverage.point([ramp + k - 1 if k else 0 for k in _SHADES])
    ink = coverage.point([255 if k else 0 for k in _SHADES])
    letters = Image.frombytes("P", index.size, index.tobytes())
    card.paste(letters, (at[0] + left, at[1] + top), ink)


@cache
def _background(title: str, issuer: str, note: str) -> Image.Image:
    """What every card of a scheme shares, in the card's palette."""
    img = Image.new("RGB", SIZE, NAVY)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, SIZE[0], 18], fill=AMBER)
    d.ellipse([1000, 60, 1140, 200], outline=AMBER, width=10)
    d.line([1070, 60, 1070, 200], fill=AMBER, width=6)
    d.line([1000, 130, 1140, 130], fill=AMBER, width=6)
    y = 80
    for text, size, colour, gap in ((issuer.upper(), 28, AMBER, 70), (title, 52, WHITE, 110)):
        shown, font = _fit(text, size, _WIDTH)
        d.text((80, y), shown, font=font, fill=colour)
        y += gap
    if note:
        shown, font = _fit(note, 26, 1040)
        d.text((80, 560), shown, font=font, fill=AMBER)
    return img.quantize(palette=_palette(), dither=Image.Dither.NONE)


@cache
def _palette() -> Image.Image:
    """Navy, and 3 steps from navy to each of white and amber (enough shades for smooth
    letters at the size social sites show the card)."""
    colours = [NAVY] + [
        tuple(round(a + (b - a) * step / 3) for a, b in zip(NAVY, end, strict=True))
        for end in (WHITE, AMBER)
        for step in range(1, 4)
    ]
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for colour in colours for c in colour])
    return palette


def _card_path(folder: Path, fields: tuple[str, ...]) -> Path:
    """Where the card with ``fields`` is kept in ``folder`` (the cache's ``cards/``)."""
    key = hashlib.sha256("\x1f".join((VERSION, *fields)).encode()).hexdigest()[:32]
    return folder / f"{key}.png"


def _draw_to(job: tuple[str, tuple[str, ...]]) -> None:
    path, fields = Path(job[0]), job[1]
    _write(path, draw(*fields))


def _draw_each(jobs: list[tuple[str, tuple[str, ...]]]) -> list[None]:
    for job in jobs:
        _draw_to(job)
    return []


def _write(path: Path, data: bytes) -> None:
    """Write a cached file through a temporary file of its own (two builds sharing the cache
    never write one temporary file together), then swap it in at once."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cards(jobs: Iterable[tuple[str, ...]], cache: Path, workers: int | None = None) -> list[Path]:
    """The card file for each set of fields (title, name, programme, issuer, number, note),
    drawn once per distinct content (in parallel) and kept in ``cache``."""
    paths, missing = _planned(jobs, cache)
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count > 1 and len(missing) > 8:
        with ProcessPoolExecutor(count) as pool:
            list(pool.map(_draw_to, missing, chunksize=8))
    else:
        _draw_each(missing)
    return paths


def cards_meanwhile(
    jobs: Iterable[tuple[str, ...]], cache: Path, meanwhile: Meanwhile
) -> tuple[list[Path], Callable[[], list[None]]]:
    """Where each card of :func:`cards` will be, and a function that returns once every one
    is drawn: the missing ones are drawn by ``meanwhile``'s workers."""
    paths, missing = _planned(jobs, cache)
    return paths, meanwhile.hand(_draw_each, missing, size=16)


def _planned(
    jobs: Iterable[tuple[str, ...]], cache: Path
) -> tuple[list[Path], list[tuple[str, tuple[str, ...]]]]:
    """Each card's file in ``cache``, and the cards not drawn yet (once each)."""
    folder = cache / "cards"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [(_card_path(folder, tuple(fields)), tuple(fields)) for fields in jobs]
    missing = list({str(p): f for p, f in paths if not os.path.exists(p)}.items())
    return [p for p, _ in paths], missing


QR_SCALE, QR_BORDER = 8, 2  # pixels a module; modules of white around the code


def _qr(url: str) -> bytes:
    """The QR code as a two-colour PNG, 8 pixels a module (296 pixels square: sharp at its
    7rem on screen and its 24 mm in print; the stylesheet keeps its edges hard when it is
    scaled). About 450 bytes, where the same code as SVG path data took 2.5 KB. segno makes
    the code; Pillow writes the picture (segno's own PNG writer, in pure Python, took a third
    of the time)."""
    import segno

    rows = segno.make(url, error="m").matrix  # 1 = a dark module
    side = len(rows) + 2 * QR_BORDER
    edge, margin = bytes(side * QR_BORDER), bytes(QR_BORDER)
    modules = edge + b"".join(margin + bytes(row) + margin for row in rows) + edge
    code = Image.frombytes("P", (side, side), modules)
    code.putpalette([*WHITE, *NAVY])  # the dark modules in the navy of the card
    code = code.resize((side * QR_SCALE, side * QR_SCALE), Image.Resampling.NEAREST)
    out = io.BytesIO()
    code.save(out, "PNG", bits=1)
    return out.getvalue()


def image_uri(png: bytes) -> str:
    """A QR code's PNG as a data: URI for an <img>. Whatever the build cache holds is shown
    as an image and never becomes part of the page's HTML (an image never runs scripts)."""
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_codes(urls: Iterable[str], cache: Path, workers: int | None = None) -> dict[str, bytes]:
    """A QR code (PNG) for each URL, from the cache or made (in parallel) and cached."""
    kept, missing = _kept_codes(urls, cache)
    result = {url: _read(path) for url, path in kept.items()}
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count > 1 and len(missing) > 20:
        with ProcessPoolExecutor(count) as pool:
            made = list(pool.map(_qr, [u for u, _ in missing], chunksize=16))
    else:
        made = [_qr(u) for u, _ in missing]
    for (url, path), png in zip(missing, made, strict=True):
        _write(path, png)
        result[url] = png
    return result


def _kept_codes(urls: Iterable[str], cache: Path) -> tuple[dict[str, str], list[tuple[str, Path]]]:
    """The files of the QR codes the cache holds, by URL, and where each missing one is to
    be kept."""
    folder = cache / "qr"
    folder.mkdir(parents=True, exist_ok=True)
    kept: dict[str, str] = {}
    missing: list[tuple[str, Path]] = []
    for url in dict.fromkeys(urls):
        name = hashlib.sha256((QR_VERSION + url).encode()).hexdigest()[:32] + ".png"
        path = os.path.join(folder, name)
        if os.path.exists(path):
            kept[url] = path
        else:
            missing.append((url, Path(path)))
    return kept, missing


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _qr_each(jobs: list[tuple[str, Path]]) -> list[bytes]:
    made = [_qr(url) for url, _ in jobs]
    for (_, path), png in zip(jobs, made, strict=True):
        _write(path, png)
    return made


class Codes(Mapping[str, bytes]):
    """QR codes by URL, the missing ones made by the workers of a :class:`Meanwhile` first
    (urgent: the pages show them), a few at a time; looking one up waits for its few. A kept
    code is read when it is looked up (a rebuild shows only the few pages that changed)."""

    PIECE = 8

    def __init__(self, urls: Iterable[str], cache: Path, meanwhile: Meanwhile) -> None:
        self._kept, missing = _kept_codes(urls, cache)
        self._ready: dict[str, bytes] = {}
        self._pieces: list[tuple[list[str], Callable[[], list[bytes]]]] = []
        self._piece_of: dict[str, int] = {}
        for start in range(0, len(missing), self.PIECE):
            piece = missing[start : start + self.PIECE]
            collect = meanwhile.hand(_qr_each, piece, size=self.PIECE, urgent=True)
            self._piece_of.update((url, len(self._pieces)) for url, _ in piece)
            self._pieces.append(([url for url, _ in piece], collect))

    def __getitem__(self, url: str) -> bytes:
        found = self._ready.get(url)
        if found is None:
            if url in self._kept:
                return _read(self._kept[url])
            urls, collect = self._pieces[self._piece_of[url]]  # KeyError: not a code of ours
            self._ready.update(zip(urls, collect(), strict=True))
            found = self._ready[url]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([*self._kept, *self._piece_of])

    def __len__(self) -> int:
        return len(self._kept) + len(self._piece_of)
