"""Privacy by arithmetic and by metadata: statistics never single out a student, `noindex`
pages leave the sitemap, and a GPS position is found in every image format."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from cim.demo.evidence import gps_exif
from cim.scoring.stats import cell
from cim.site import charts, sitemap

from helpers import check, portfolio, save

SARA = "sara-ahmed"


def test_small_counts_are_shown_as_fewer_than_five() -> None:
    assert [cell(n) for n in (0, 1, 4, 5, 12)] == ["0", "fewer than 5", "fewer than 5", "5", "12"]
    svg = charts.histogram([100, 100, 100, 10, 10, 10, 10, 10], threshold=100, title="t")
    assert ">3<" not in svg and "100+: 3" not in svg  # "100+: 3" told who met the requirements
    assert "fewer than 5 student(s)" in svg and ">5<" in svg
    bars = charts.bars(
        [("Language café", 7), ("Buddy", 2)], title="t", unit="students", people=True
    )
    assert ">7<" in bars and ">2<" not in bars and "fewer than 5" in bars
    # A student's own points (the aims on their portfolio) are not counts of people.
    own = charts.bars([("Intercultural", 2)], title="t", scale_max=100)
    assert ">2<" in own and "fewer than 5" not in own


def test_statistics_never_tell_what_a_student_without_consent_achieved(
    repo: Path, tmp_path: Path
) -> None:
    from conftest import site_plan as plan

    # Erik met the requirements and withdraws his consent.
    p = portfolio(repo, "erik-johansson")
    p["publish"] = False
    save(repo, "erik-johansson", p)
    site = plan(repo, cache=tmp_path / "cache", workers=1)
    stats = site.statistics
    published = [r.assessment for r in site.published if r.assessment]
    assert stats.certified == sum(a.met for a in published)
    assert len(stats.points) <= len(published)
    html = site.render("statistics.md")
    figures = re.findall(r'cim-figure__value">([^<]*)<', html)
    assert all(f == "fewer than 5" or int(f) >= 5 or f == "0" for f in figures), figures


def test_noindex_pages_leave_the_sitemap() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset>\n'
        "    <url>\n         <loc>https://x.example/cim/students/anna-lind/</loc>\n"
        "         <lastmod>2026-11-28</lastmod>\n    </url>\n"
        "    <url>\n         <loc>https://x.example/cim/students/erik-johansson/</loc>\n"
        "    </url>\n"
        "    <url>\n         <loc>https://x.example/cim/students/a-lind/</loc>\n    </url>\n"
        "</urlset>"
    )
    kept = sitemap.without(xml, ["students/anna-lind/", "certificates/anna-lind/"])
    assert "anna-lind" not in kept
    assert "erik-johansson" in kept and "students/a-lind/" in kept


def test_the_built_sitemap_skips_noindex_pages(repo: Path, tmp_path: Path) -> None:
    from conftest import build_copy

    p = portfolio(repo, "anna-lind")
    p["noindex"] = True
    save(repo, "anna-lind", p)
    site = build_copy(repo, tmp_path / "site", tmp_path)
    xml = (site / "sitemap.xml").read_text()
    assert "students/anna-lind/" not in xml and "certificates/anna-lind/" not in xml
    assert "students/erik-johansson/" in xml


def _gps() -> Image.Exif:
    return gps_exif(57.78, 14.16)


def _jpeg_comment_first() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 50, 50)).save(out, "JPEG", exif=_gps())
    data = out.getvalue()
    comment = b"\xff\xfe" + (2 + 9).to_bytes(2, "big") + b"a comment"
    return data[:2] + comment + data[2:]


def _png_exif_chunk() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (50, 50, 200)).save(out, "PNG", exif=_gps())
    return out.getvalue()


def _png_raw_profile() -> bytes:
    """How ImageMagick and exiftool keep EXIF in a PNG: hex in a compressed text chunk."""
    raw = gps_exif(57.78, 14.16).tobytes()  # starts with Exif\0\0, as in those files
    text = f"\nexif\n{len(raw):8d}\n" + "\n".join(
        raw.hex()[i : i + 72] for i in range(0, len(raw.hex()), 72)
    )
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", text, zip=True)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (50, 50, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _webp_exif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (50, 200, 50)).save(out, "WEBP", exif=_gps())
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("comment-first.jpg", _jpeg_comment_first),
        ("exif-chunk.png", _png_exif_chunk),
        ("raw-profile.png", _png_raw_profile),
        ("photo.webp", _webp_exif),
    ],
)
def test_gps_is_flagged_in_every_image_format(repo: Path, name: str, make: object) -> None:
    from test_files import attach

    assert callable(make)
    data = make()
    with Image.open(io.BytesIO(data)) as img:  # Pillow itself reads the position
        assert 0x8825 in img.getexif()
    attach(repo, name, data)
    [sara] = check(repo, SARA).portfolios
    assert any(
        "GPS position" in p.message and name in p.message and p.severity == "warning"
        for p in sara.problems
    ), [p.message for p in sara.problems]
