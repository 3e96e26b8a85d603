"""The site plan and its pages, from the core alone (no MkDocs involved)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PIL import Image

from cim.demo.evidence import save_photo
from cim.model.semesters import semester_of
from cim.site import charts, evidence
from cim.site.pages import rel, url_of

from conftest import ROOT, TODAY, git, site_plan

DAY = dt.date.fromisoformat(TODAY)


def test_urls_and_relative_links() -> None:
    assert url_of("index.md") == ""
    assert url_of("students/index.md") == "students/"
    assert url_of("students/anna-lind.md") == "students/anna-lind/"
    assert rel("students/anna-lind/", "certificates/anna-lind/") == "../../certificates/anna-lind/"
    assert rel("students/anna-lind/", "assets/evidence/x.webp") == "../../assets/evidence/x.webp"
    assert rel("", "activities/") == "activities/"
    assert rel("students/", "") == "../"
    assert rel("", "") == "./"
    assert semester_of(dt.date(2026, 8, 24)) == "2026-autumn"
    assert semester_of(dt.date(2026, 1, 15)) == "2026-spring"


def test_plan_publishes_only_consenting_valid_portfolios(repo: Path, tmp_path: Path) -> None:
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    pages = set(site.pages)
    assert "students/anna-lind.md" in pages and "certificates/anna-lind.md" in pages
    assert "students/mei-chen.md" not in pages and "certificates/mei-chen.md" not in pages
    assert "students/erik-johansson.md" in pages and "certificates/erik-johansson.md" not in pages
    assert "exchange/2026-autumn.md" in pages
    assert {
        "index.md",
        "activities.md",
        "students/index.md",
        "statistics.md",
        "exchange/index.md",
    } <= pages
    for uri in site.pages:
        assert "mei" not in site.render(uri).lower(), uri
    assert b"mei" not in site.data["students/index.json"].lower()


def test_invalid_portfolio_is_left_out_and_others_still_published(
    repo: Path, tmp_path: Path
) -> None:
    anna = repo / "portfolios/anna-lind/portfolio.yml"
    anna.write_text(anna.read_text().replace("name: Anna Lind", "name: [Anna"))
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    assert "students/anna-lind.md" not in site.pages
    assert "students/fatima-hassan.md" in site.pages
    assert any("anna-lind" in note and "not published" in note for note in site.notes)


def test_private_evidence_is_never_published(repo: Path, tmp_path: Path) -> None:
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    private = (repo / "portfolios/anna-lind/evidence/transcript-vu-amsterdam.pdf").resolve()
    assert private not in site.evidence
    html = site.render("students/anna-lind.md")
    assert "transcript-vu-amsterdam" not in html
    digest = evidence.digest_of(private)
    assert not any(digest in uri for uri in site.files)


def test_evidence_is_named_by_its_content_whether_read_or_known_from_the_check(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's published copies are named by the id Git gives its content: a build whose
    check knew the ids (its cache) reads no evidence file to name it, and publishes under the
    same names as one that reads every file."""
    from cim.checks.contents import blob_id
    from cim.pipeline import check_repository
    from cim.site.plan import plan

    photo = repo / "portfolios/anna-lind/evidence/guest-lectures.jpg"
    assert evidence.digest_of(photo) == evidence.digest_from_id(blob_id(photo.read_bytes()))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "all")
    (repo / "portfolios/anna-lind/evidence/guest-lectures.jpg").write_bytes(
        (repo / "portfolios/jonas-berg/evidence/medical-tent.jpg").read_bytes()
    )  # changed since the commit: its id is of the file as it is now
    read = site_plan(repo, today=DAY, cache=tmp_path / "read", workers=1)

    def unread(path: object) -> str:
        raise AssertionError(f"{path} was read to name it")

    monkeypatch.setattr(evidence, "digest_of", unread)
    report = check_repository(repo, today=DAY, cache=tmp_path / "checks")
    assert report.content_ids is not None
    known = plan(report, today=DAY, cache=tmp_path / "known", workers=1)
    assert sorted(known.files) == sorted(read.files)
    assert known.evidence == read.evidence


def test_published_images_have_no_metadata_and_upright_pixels(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    save_photo(src, "Test", 3, gps=(57.78, 14.16), orientation=6)
    with Image.open(src) as raw:
        assert raw.getexif().get_ifd(0x8825)  # the source has GPS
        raw_size = raw.size
    store = evidence.EvidenceStore(tmp_path / "cache")
    [published] = evidence.publish(store, [src], workers=1).values()
    files = evidence.site_files(store, [published])
    for path in files.values():
        with Image.open(path) as img:
            assert not img.getexif(), path
            assert (
                "exif" not in img.info and "xmp" not in img.info and "icc_profile" not in img.info
            )
    with Image.open(files[published.web_uri]) as web:
        assert web.size == (raw_size[1], raw_size[0])  # orientation 6 applied: sideways → upright
    assert src.read_bytes()[:2] == b"\xff\xd8"  # the source is untouched


@pytest.mark.parametrize("small", [False, True])  # a small photo's copies are one encoding
def test_published_copies_are_readable_by_the_web_server_whatever_the_umask(
    tmp_path: Path, small: bool
) -> None:
    """A web server must be able to read every published copy (0644), also when the build
    runs with a strict umask; no temporary file is left behind."""
    import os
    import shutil
    import stat

    photo, pdf = tmp_path / "photo.jpg", tmp_path / "certificate.pdf"
    save_photo(photo, "Test", 3, small=small)
    shutil.copy(ROOT / "portfolios/anna-lind/evidence/buddy-certificate.pdf", pdf)
    store = evidence.EvidenceStore(tmp_path / "cache")
    before = os.umask(0o077)
    try:
        published = evidence.publish(store, [photo, pdf], workers=1)
    finally:
        os.umask(before)
    files = list(evidence.site_files(store, published.values()).values())
    assert len(files) == 3  # web copy, thumbnail, rebuilt PDF
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o644}
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*.tmp")) == []


@pytest.mark.parametrize(
    ("size", "orientation", "web", "thumb"),
    [
        # small: never enlarged; the thumbnail is cut to the shape of the page's box (3:2)
        ((200, 150), 1, (200, 150), (200, 133)),
        # a phone photo, decoded at half scale; the thumbnail is the page's box at DPR 2
        ((4000, 3000), 1, (1280, 960), (480, 320)),
        ((4000, 3000), 6, (960, 1280), (480, 320)),  # … and turned upright
        ((1000, 4000), 1, (320, 1280), (320, 213)),
    ],
)
def test_published_copies_fit_their_boxes(
    tmp_path: Path,
    size: tuple[int, int],
    orientation: int,
    web: tuple[int, int],
    thumb: tuple[int, int],
) -> None:
    src = tmp_path / "photo.jpg"
    image = Image.radial_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(src, "JPEG", exif=exif)
    store = evidence.EvidenceStore(tmp_path / "cache")
    [published] = evidence.publish(store, [src], workers=1).values()
    files = evidence.site_files(store, [published])
    with Image.open(files[published.web_uri]) as copy:
        assert copy.size == web
        middle = copy.getpixel((web[0] // 2, web[1] // 2))
        assert isinstance(middle, tuple) and max(middle) < 40  # the gradient's dark centre
    with Image.open(files[published.thumb_uri]) as copy:
        assert copy.size == thumb and copy.format == "WEBP"


def test_unchanged_images_are_never_encoded_twice(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = site_plan(repo, today=DAY, cache=cache, workers=2)
    assert first.store is not None and first.store.encoded > 0 and first.store.reused == 0
    again = site_plan(repo, today=DAY, cache=cache, workers=2)
    assert again.store is not None and again.store.encoded == 0
    assert again.store.reused == first.store.encoded
    photo = repo / "portfolios/oskar-nilsson/evidence/cafe-card.jpg"
    save_photo(photo, "A new picture", 99)
    third = site_plan(repo, today=DAY, cache=cache, workers=2)
    assert third.store is not None and third.store.encoded == 1


def test_broken_image_keeps_only_that_portfolio_out(repo: Path, tmp_path: Path) -> None:
    (repo / "portfolios/oskar-nilsson/evidence/cafe-card.jpg").write_bytes(b"not a jpeg")
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    assert any("oskar-nilsson" in note and "not published" in note for note in site.notes)
    assert "students/oskar-nilsson.md" not in site.pages
    assert "students/anna-lind.md" in site.pages


def test_an_image_that_fails_to_decode_is_left_out_of_the_site(repo: Path, tmp_path: Path) -> None:
    photo = repo / "portfolios/oskar-nilsson/evidence/cafe-card.jpg"
    photo.write_bytes(photo.read_bytes()[:300])  # a JPEG header, then nothing
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    assert any("cafe-card.jpg" in note for note in site.notes)
    assert "students/oskar-nilsson.md" in site.pages
    site.render("students/oskar-nilsson.md")


HOSTILE = "<script>alert('x')</script>{{ 7*7 }}{% raw %}"


def test_student_text_is_escaped_never_markup_or_template(repo: Path, tmp_path: Path) -> None:
    sara = repo / "portfolios/sara-ahmed/portfolio.yml"
    text = sara.read_text().replace("name: Sara Ahmed", f'name: "Sara {HOSTILE}"')
    text = text.replace(
        "First-year public health student.", f"Bio {HOSTILE} <img src=x onerror=alert(1)>"
    )
    text = text.replace("caption: My first two stamps", f'caption: "{HOSTILE}"')
    text = text.replace("place: Jönköping University library", f'place: "{HOSTILE}"')
    sara.write_text(text)
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    page = site.pages["students/sara-ahmed.md"]
    html = site.render("students/sara-ahmed.md")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "{{ 7*7 }}" in html
    assert not re.search(r"(?<![0-9a-f])49(?![0-9a-f])", html)  # never evaluated (hashes aside)
    assert "<script>" not in page.front_matter()
    for uri in ("index.md", "students/index.md", "statistics.md"):
        assert "<script>alert" not in site.render(uri)
    assert b"<script>" in site.data["students/index.json"]  # JSON data, shown with textContent


def test_charts_escape_labels_and_describe_themselves() -> None:
    svg = charts.bars([("<b>x</b>", 3)], title="T & U")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and 'aria-label="T &amp; U"' in svg
    ring = charts.ring(50, 100)
    assert 'aria-label="50 of 100 points"' in ring
    assert charts.histogram([0, 55, 120], threshold=100, title="t").count("<rect") == 11


@pytest.mark.parametrize("pid", ["anna-lind", "lucas-moreau", "sara-ahmed"])
def test_portfolio_page_shows_what_a_reader_needs(repo: Path, tmp_path: Path, pid: str) -> None:
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    html = site.render(f"students/{pid}.md")
    a = next(r.assessment for r in site.published if r.id == pid)
    assert a is not None
    assert f">{a.points}<" in html  # the ring
    shown = site.by_id[pid].portfolio.design.aims  # Anna Lind hides her chart of aims
    assert ("Points per aim" in html) == shown and "cim-timeline" in html
    assert ("View the certificate" in html) is a.met
    if not a.met:
        assert "Still to do" in html and a.unmet[0].split(" — ")[0] in html


def test_exchange_cohorts_are_declared_not_guessed(repo: Path, tmp_path: Path) -> None:
    """A cohort is for exchange students because rules.yml says `kind: exchange`; one that only
    looks like it gets a warning that says what to add, and no semester pages."""
    from cim.pipeline import check_repository

    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    assert any(p.kind == "exchange" for p in site.pages.values())
    rules = repo / "rules.yml"
    rules.write_text(rules.read_text().replace("    kind: exchange\n", ""))
    report = check_repository(repo, today=DAY)
    assert any(
        "looks like one for exchange students; add `kind: exchange`" in p.message
        for p in report.problems
    )
    site = site_plan(repo, today=DAY, cache=tmp_path / "cache", workers=1)
    assert not any(p.kind == "exchange" for p in site.pages.values())
