"""What a PDF holds, read by a PDF parser (pikepdf, on qpdf) rather than guessed by a regex: a
name may be spelled with escapes (/J#61vaScript) and a dictionary may sit in a compressed
object stream, which only a parser sees through.

`active_content` lists what a PDF reader could run or open; `disarm` removes all of it (the
published copy is rebuilt from the parsed objects, see cim.site.evidence); `text_of` gives the
words of the pages and the metadata, for the identity-number check.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf

# Keys whose value runs, opens or carries something: scripts, automatic actions, attached
# files, XML forms (XFA) and rich media.
ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/AA",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/EF",
        "/XFA",
        "/RichMediaContent",
    }
)
# Actions that leave the document, run something, send data or load data; a link within the
# document (/GoTo) stays.
UNSAFE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ResetForm",
        "/URI",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/RichMediaExecute",
        "/SetOCGState",
        "/Hide",
        "/Named",
        "/Trans",
        "/GoTo3DView",
    }
)
# Annotations that exist to play or open something.
UNSAFE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"}
)
MAX_TEXT_PAGES = 200  # the pages read for identity numbers; evidence is a few pages


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary (and stream dictionary) in the file, each once, direct ones too."""
    seen: set[tuple[int, int]] = set()
    pending: list[object] = [pdf.trailer, *pdf.objects]
    while pending:
        obj = pending.pop()
        if not isinstance(obj, pikepdf.Object):
            continue  # numbers, booleans: pikepdf gives them as Python values
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            pending.extend(obj.get(key) for key in list(obj.keys()))
        elif isinstance(obj, pikepdf.Array):
            pending.extend(obj)


_IN_WORDS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/OpenAction": "an action run on opening",
    "/AA": "automatic actions",
    "/EmbeddedFiles": "embedded files",
    "/EmbeddedFile": "embedded files",
    "/EF": "embedded files",
    "/XFA": "an XFA form",
    "/RichMediaContent": "rich media",
}


def _is_unsafe(obj: pikepdf.Object) -> str:
    """What is active about one dictionary, in words ("" when nothing)."""
    for key in obj.keys():  # noqa: SIM118 (streams too)
        if key in ACTIVE_KEYS:
            return _IN_WORDS[key]
    action = obj.get("/S")
    if action is not None and str(action) in UNSAFE_ACTIONS:
        return f"a {str(action).lstrip('/')} action"
    if obj.get("/Type") == "/Annot" and str(obj.get("/Subtype")) in UNSAFE_ANNOTATIONS:
        return f"a {str(obj.get('/Subtype')).lstrip('/')} annotation"
    return ""


def active_content(path: Path) -> list[str]:
    """What in the PDF a reader could run, open or send, in words (empty when nothing).
    Raises pikepdf.PdfError when the file cannot be read as a PDF."""
    with pikepdf.open(path) as pdf:
        found = {what for obj in _dictionaries(pdf) for what in [_is_unsafe(obj)] if what}
    return sorted(found)


def disarm(source: Path, target: Path) -> None:
    """Write ``target`` as a new PDF made from the parsed objects of ``source``, without
    scripts, actions, attached files, XFA forms, media annotations or metadata. Bytes outside
    the PDF's objects (an HTML page appended to it) are never copied. Raises pikepdf.PdfError
    when the source cannot be read as a PDF."""
    with pikepdf.open(source) as pdf:
        for obj in list(_dictionaries(pdf)):
            for key in [k for k in obj.keys() if k in ACTIVE_KEYS]:  # noqa: SIM118
                del obj[key]
            for key in ("/A", "/PA", "/Next"):  # actions of links, annotations, outlines
                action = obj.get(key)
                if isinstance(action, pikepdf.Dictionary) and _action_is_unsafe(action):
                    del obj[key]
            annots = obj.get("/Annots")
            if isinstance(annots, pikepdf.Array):
                kept = [a for a in annots if str(a.get("/Subtype")) not in UNSAFE_ANNOTATIONS]
                obj["/Annots"] = pikepdf.Array(kept)
        # Metadata says who made the file and when; none of it is needed to read the evidence.
        for key in ("/Metadata", "/PieceInfo"):
            if key in pdf.Root:
                del pdf.Root[key]
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        # A fixed /ID keeps the copy the same for the same source (reproducible builds).
        pdf.save(target, deterministic_id=True, linearize=False)


def _action_is_unsafe(action: pikepdf.Dictionary) -> bool:
    """An action, or one it chains to (/Next), that does anything but move in the document."""
    pending: list[pikepdf.Object] = [action]
    seen = 0
    while pending and seen < 1000:
        seen += 1
        current = pending.pop()
        if not isinstance(current, pikepdf.Dictionary):
            continue
        if str(current.get("/S")) in UNSAFE_ACTIONS or "/JS" in current:
            return True
        chained = current.get("/Next")
        if isinstance(chained, pikepdf.Array):
            pending.extend(chained)
        elif chained is not None:
            pending.append(chained)
    return False


def text_of(path: Path) -> str:
    """The words of the first pages and every metadata value (document information and XMP),
    for the identity-number check. Raises pikepdf.PdfError when the file is not a PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    parts: list[str] = []
    with pikepdf.open(path) as pdf:
        parts += [str(value) for _, value in pdf.docinfo.items()]  # .values() is from pikepdf 10
        metadata = pdf.Root.get("/Metadata")
        if isinstance(metadata, pikepdf.Stream):
            parts.append(metadata.read_bytes().decode("utf-8", "replace"))
    try:
        reader = PdfReader(path)
        for page in reader.pages[:MAX_TEXT_PAGES]:
            parts.append(page.extract_text() or "")
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        pass  # the parser above read it; text that cannot be extracted cannot be scanned
    return "\n".join(parts)
