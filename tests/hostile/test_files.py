"""Hostile evidence files and folder contents: recognised by content, refused with a reason,
and nothing outside the student's own folder is ever read or published."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from cim.demo.evidence import save_photo

from conftest import site_plan
from helpers import check, messages, portfolio, save

SARA = "sara-ahmed"


def jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 50, 50)).save(out, "JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (50, 50, 200)).save(out, "PNG")
    return out.getvalue()


def pdf(body: bytes = b"") -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + body + b"\n%%EOF\n"


def flate_stream(content: bytes) -> bytes:
    data = zlib.compress(content)
    return b"2 0 obj << /Filter /FlateDecode >>\nstream\n" + data + b"\nendstream\nendobj"


def bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


# (file name, content maker, words the error must contain, needs --deep). The PDFs here are
# fragments a PDF parser cannot read (refused as such); test_pdf.py has real hostile PDFs.
CONTENT: dict[str, tuple[str, Callable[[], bytes], str, bool]] = {
    "HTML named .jpg": (
        "page.jpg",
        lambda: b"<html><script>x</script></html>",
        "content is",
        False,
    ),
    "text named .pdf": ("doc.pdf", lambda: b"just some text", "content is", False),
    "JPEG named .png": ("photo.png", jpeg, "content is a JPEG", False),
    "SVG named .png": (
        "icon.png",
        lambda: b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "content is",
        False,
    ),
    "SVG file": ("icon.svg", lambda: b"<svg/>", "allowed evidence types", False),
    "HTML file": ("page.html", lambda: b"<html></html>", "allowed evidence types", False),
    "executable": ("run.sh", lambda: b"#!/bin/sh\n", "allowed evidence types", False),
    "no extension": ("README", lambda: b"x", "allowed evidence types", False),
    "truncated JPEG": ("cut.jpg", lambda: jpeg()[:120], "cannot be read", True),
    "corrupt PNG": (
        "bad.png",
        lambda: png()[:30] + b"\0" * 40 + png()[70:],
        "cannot be read",
        True,
    ),
    "decompression bomb": ("bomb.png", bomb_png, "too large", True),
    "JPEG with HTML appended (polyglot)": (
        "poly.jpg",
        lambda: jpeg() + b"<html><script>x</script>",
        "two files in one",
        True,
    ),
    "PDF with JavaScript": (
        "js.pdf",
        lambda: pdf(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
        "cannot be read as a PDF",
        True,
    ),
    "PDF with JavaScript in a compressed stream": (
        "hidden.pdf",
        lambda: pdf(flate_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")),
        "cannot be read as a PDF",
        True,
    ),
    "PDF with an embedded file": (
        "embed.pdf",
        lambda: pdf(b"<< /EmbeddedFiles 3 0 R >>"),
        "cannot be read as a PDF",
        True,
    ),
    "PDF and HTML polyglot": (
        "poly.pdf",
        lambda: pdf(b"<html><script>x</script></html>"),
        "cannot be read as a PDF",
        True,
    ),
    "PDF that starts late": ("late.pdf", lambda: b"<html>" + pdf(), "content is", False),
}


def attach(repo: Path, name: str, data: bytes) -> None:
    target = repo / "portfolios" / SARA / "evidence" / name
    target.write_bytes(data)
    p = portfolio(repo, SARA)
    p["entries"][0]["evidence"].append({"file": f"evidence/{name}", "kind": "attendance"})
    save(repo, SARA, p)


@pytest.mark.parametrize("case", sorted(CONTENT))
def test_evidence_is_recognised_by_content(repo: Path, case: str) -> None:
    name, make, expected, deep = CONTENT[case]
    attach(repo, name, make())
    found = messages(check(repo, SARA, deep=deep), SARA)
    assert expected in found, found


def test_huge_pdf_is_refused(repo: Path) -> None:
    target = repo / "portfolios" / SARA / "evidence" / "huge.pdf"
    with target.open("wb") as handle:
        handle.write(pdf())
        handle.seek(11 << 20)
        handle.write(b"\n%%EOF\n")
    attach(repo, "huge.pdf", target.read_bytes())
    assert "the limit is 10 MB" in messages(check(repo, SARA), SARA)


def refer(repo: Path, path: str) -> str:
    p = portfolio(repo, SARA)
    p["entries"][0]["evidence"] = [{"file": path, "kind": "attendance"}]
    save(repo, SARA, p)
    return messages(check(repo, SARA), SARA)


def test_symlinks_are_refused(repo: Path) -> None:
    folder = repo / "portfolios" / SARA / "evidence"
    (folder / "passwd.jpg").symlink_to("/etc/passwd")
    assert "symbolic link" in refer(repo, "evidence/passwd.jpg")
    (folder / "passwd.jpg").unlink()
    (folder / "inside.jpg").symlink_to(folder / "language-cafe.jpg")
    assert "symbolic link" in refer(repo, "evidence/inside.jpg")
    (folder / "inside.jpg").unlink()
    (folder.parent / "linked").symlink_to(repo / "portfolios/anna-lind/evidence")
    found = refer(repo, "linked/guest-lectures.jpg")
    assert "symbolic link" in found


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../anna-lind/evidence/guest-lectures.jpg", "may not contain '..'"),
        ("evidence/../../anna-lind/evidence/guest-lectures.jpg", "may not contain '..'"),
        ("/etc/passwd.jpg", "relative path"),
        ("C:/Windows/win.ini.jpg", "relative path"),
        ("evidence\\photo.jpg", "relative path"),
        ("evidence/.hidden.jpg", "hidden file"),
        ("evidence//photo.jpg", "may not contain"),
    ],
)
def test_paths_out_of_the_folder_are_refused(repo: Path, path: str, expected: str) -> None:
    assert expected in refer(repo, path)


def test_hidden_files_submodules_and_case_clashes_are_refused(repo: Path) -> None:
    folder = repo / "portfolios" / SARA
    (folder / ".env").write_text("SECRET=1")
    (folder / ".git").write_text("gitdir: ../../.git/modules/x\n")  # how a submodule looks
    (folder / "evidence/Photo.jpg").write_bytes(jpeg())
    (folder / "evidence/photo.jpg").write_bytes(jpeg())
    found = messages(check(repo, SARA), SARA)
    assert ".env is a hidden file" in found and ".git is a hidden file" in found
    assert "differ only in upper and lower case" in found


def test_nothing_outside_the_folder_is_published(repo: Path, tmp_path: Path) -> None:

    p = portfolio(repo, SARA)
    p["entries"][0]["evidence"].append({"file": "evidence/other.jpg", "kind": "photo"})
    save(repo, SARA, p)
    (repo / "portfolios" / SARA / "evidence/other.jpg").symlink_to(
        repo / "portfolios/mei-chen/evidence/uq-transcript.pdf"
    )
    site = site_plan(repo, cache=tmp_path / "cache", workers=1)
    assert "students/sara-ahmed.md" not in site.pages
    mei = {os.path.realpath(p) for p in (repo / "portfolios/mei-chen").rglob("*")}
    assert not {str(p) for p in site.evidence} & mei


def test_gps_is_flagged_and_stripped(repo: Path, tmp_path: Path) -> None:

    photo = repo / "portfolios" / SARA / "evidence/language-cafe.jpg"
    save_photo(photo, "With GPS", 5, gps=(57.78, 14.16))
    report = check(repo, SARA)
    [sara] = report.portfolios
    assert any("GPS position" in p.message and p.severity == "warning" for p in sara.problems)
    site = site_plan(repo, cache=tmp_path / "cache", workers=1)
    published = site.evidence[photo.resolve()]
    for uri in (published.web_uri, published.thumb_uri):
        with Image.open(site.files[uri]) as img:
            assert not img.getexif()
