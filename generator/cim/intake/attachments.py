"""Evidence attached to an issue: found, fetched from GitHub's attachment hosts only, and made
safe before anything is committed.

* Only links that start with an allowed prefix are fetched (by default GitHub's own attachment
  addresses); every redirect is checked against the same list, and no proxy is used.
* At most :data:`~cim.intake.forms.MAX_ATTACHMENTS` files of :data:`MAX_DOWNLOAD` bytes each.
* The type is decided by the content (the same sniffing and full inspection as
  ``cim validate --deep``), never by a name: the files are committed under names made from
  ids, so an attachment's own name cannot reach a path.
* Photos are decoded and saved again from their pixels only, after turning them upright: the
  GPS position, camera data and every other piece of metadata are left behind, and a photo
  larger than :data:`MAX_SIDE` pixels is scaled down.
"""

from __future__ import annotations

import io
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageOps, JpegImagePlugin

from cim.checks import evidence as inspection
from cim.intake.forms import MAX_ATTACHMENTS
from cim.intake.plan import Attachment
from cim.model import evidence

DEFAULT_ALLOW = (
    "https://github.com/user-attachments/",
    "https://user-images.githubusercontent.com/",
    "https://private-user-images.githubusercontent.com/",
    # GitHub serves attached files (PDFs) from here after a redirect.
    "https://objects.githubusercontent.com/",
)
MAX_DOWNLOAD = 30 << 20  # a photo straight from a phone, before it is made smaller
MAX_REDIRECTS = 5
MAX_SIDE = 2400  # pixels: sharp on any screen and in print, a fraction of a phone's original
TIMEOUT = 30
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.I)
_SUFFIX = {"jpeg": "jpg", "png": "png", "webp": "webp", "pdf": "pdf"}
_METADATA = ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp")
_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


class Refused(Exception):
    """An attachment that cannot be accepted; the message says why in plain words."""


def links(text: str) -> list[str]:
    """Every web address in an answer, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        seen.setdefault(match.group(0).rstrip(".,;:!?"), None)
    return list(seen)


def allowed(url: str, allow: Sequence[str]) -> bool:
    """True when ``url`` starts with an allowed prefix (same scheme, host and port)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or "\\" in url or any(c.isspace() for c in url):
        return False
    for prefix in allow:
        want = urllib.parse.urlsplit(prefix)
        if (
            parts.scheme == want.scheme
            and parts.netloc.lower() == want.netloc.lower()
            and parts.path.startswith(want.path or "/")
        ):
            return True
    return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # each redirect is checked by fetch() itself


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def fetch(url: str, allow: Sequence[str], max_bytes: int = MAX_DOWNLOAD) -> bytes:
    """The content at ``url``, following only redirects that stay on the allowed list."""
    for _ in range(MAX_REDIRECTS + 1):
        if not allowed(url, allow):
            raise Refused(
                "it is not a file attached to this issue (only files dragged into the form "
                "are accepted)"
            )
        request = urllib.request.Request(url, headers={"User-Agent": "cim-intake"})
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as response:
                return _read(response, max_bytes)
        except urllib.error.HTTPError as exc:
            redirect = exc.code in (301, 302, 303, 307, 308)
            location = exc.headers.get("Location") if redirect else None
            exc.close()
            if not location:
                answer = f"the server answered {exc.code}"
                raise Refused(f"it could not be downloaded ({answer})") from None
            url = urllib.parse.urljoin(url, location)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise Refused(f"it could not be downloaded ({exc})") from None
    raise Refused("it could not be downloaded (too many redirects)")


def _read(response: IO[bytes], max_bytes: int) -> bytes:
    length = getattr(response, "headers", {}).get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise Refused(f"it is larger than {max_bytes >> 20} MB")
    data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused(f"it is larger than {max_bytes >> 20} MB")
    return data


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def clean(data: bytes, types: Sequence[str], max_mb: float) -> Attachment:
    """``data`` checked by its content and, for a photo, saved again without metadata and no
    larger than :data:`MAX_SIDE` pixels."""
    kind = evidence.sniff(data[:16])
    suffix = _SUFFIX.get(kind or "")
    if kind is None or suffix is None or not ({suffix, kind} & set(types)):
        raise Refused(
            f"it is not one of the accepted kinds of file ({', '.join(types)}); save it as a "
            "photo (JPEG or PNG) or a PDF"
        )
    with tempfile.TemporaryDirectory(prefix="cim-intake-") as tmp:
        path = Path(tmp) / f"attachment.{suffix}"
        path.write_bytes(data)
        problem = inspection.inspect(path, kind)
        if problem:
            raise Refused(problem)
        done: list[str] = []
        if kind == "pdf":
            result = data
        else:
            result, done = _clean_image(path, kind, len(data))
    if len(result) > max_mb * 1024 * 1024:
        raise Refused(f"it is {_mb(len(result))}; the limit is {max_mb:g} MB")
    return Attachment(result, suffix, tuple(done))


def _clean_image(path: Path, kind: str, size: int) -> tuple[bytes, list[str]]:
    done = []
    Image.MAX_IMAGE_PIXELS = evidence.MAX_PIXELS
    with Image.open(path, formats=[_FORMAT[kind]]) as opened:
        exif = opened.getexif()
        gps = bool(exif.get_ifd(0x8825)) or (kind == "jpeg" and inspection.has_gps(path))
        has_metadata = bool(exif) or any(key in opened.info for key in _METADATA)
        image = ImageOps.exif_transpose(opened)
        image.load()
        # A JPEG that needs no scaling is saved again with its own quantisation tables and
        # chroma subsampling: not larger than it came (a phone's quality 70 saved again at 88
        # grows by a quarter) and no second round of loss.
        own = {}
        if kind == "jpeg" and isinstance(opened, JpegImagePlugin.JpegImageFile):
            sampling = JpegImagePlugin.get_sampling(opened)
            own = {
                "qtables": opened.quantization,
                **({"subsampling": sampling} if sampling >= 0 else {}),
            }
    if gps:
        done.append("the position where the photo was taken (GPS) was removed")
    if has_metadata:
        done.append("hidden information (camera, time, settings) was removed")
    width, height = image.size
    if max(width, height) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        keep = own if image.size == (width, height) and own.get("qtables") else {"quality": 88}
        image.save(out, "JPEG", optimize=True, **keep)
    elif kind == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=88)
    result = out.getvalue()
    if image.size != (width, height):
        done.append(
            f"it was made smaller: {width} × {height} → {image.width} × {image.height} "
            f"pixels ({_mb(size)} → {_mb(len(result))})"
        )
    return result, done


def collect(
    text: str, allow: Sequence[str], types: Sequence[str], max_mb: float
) -> tuple[list[Attachment], list[str]]:
    """The attachments in the evidence answer, made safe; and what was refused, in words."""
    found = links(text)
    refused: list[str] = []
    if len(found) > MAX_ATTACHMENTS:
        return [], [
            f"“Evidence” has {len(found)} files or links; at most {MAX_ATTACHMENTS} are "
            "accepted for one activity. Remove some (edit this issue)."
        ]
    result = []
    for n, url in enumerate(found, 1):
        try:
            result.append(clean(fetch(url, allow, MAX_DOWNLOAD), types, max_mb))
        except Refused as exc:
            refused.append(f"Evidence file {n} cannot be accepted: {exc}.")
    return result, refused
