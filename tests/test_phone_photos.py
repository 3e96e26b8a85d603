"""Evidence as students really submit it: `cim demo --photos phone`, then what publishing and
the intake make of those photos (metadata gone, turned upright, copies the size pages show)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from cim.cli import main
from cim.intake.attachments import clean
from cim.pipeline import check_repository
from cim.site import evidence

from conftest import ROOT, TODAY


@pytest.fixture(scope="module")
def phone_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("phone") / "repo"
    args = ["demo", "--students", "8", "--photos", "phone", "--out", str(out), "--seed", "3"]
    assert main([*args, "--repo", str(ROOT), "--today", TODAY]) == 0
    return out


def test_phone_evidence_is_like_what_students_submit(phone_repo: Path) -> None:
    photos = sorted(phone_repo.glob("portfolios/*/evidence/*.jpg"))
    pdfs = sorted(phone_repo.glob("portfolios/*/evidence/*.pdf"))
    assert len(photos) == 16 and len(pdfs) == 8
    upright = gps = 0
    for path in photos:
        with Image.open(path) as img:
            exif = img.getexif()
            assert img.size == (1600, 1200) and exif[0x010F] and exif[0x0110] and exif[0x0132]
            upright += exif.get(0x0112) == 6
            gps += bool(exif.get_ifd(0x8825))
        assert 60_000 < path.stat().st_size < 200_000  # about 120 KB, with a camera's detail
    assert upright and gps
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            assert 2 <= len(pdf.pages) <= 4
    report = check_repository(phone_repo, today=dt.date.fromisoformat(TODAY))
    assert report.problems == [] and all(r.valid for r in report.portfolios)
    entries = [len(r.portfolio.entries) for r in report.portfolios if r.portfolio]
    assert all(8 <= n <= 41 for n in entries)


def test_published_phone_photos_are_clean_upright_and_sized_for_the_page(
    phone_repo: Path, tmp_path: Path
) -> None:
    photos = sorted(phone_repo.glob("portfolios/*/evidence/*.jpg"))
    store = evidence.EvidenceStore(tmp_path / "cache")
    published = evidence.publish(store, photos, workers=2)
    assert store.encoded == len(photos) and not store.failed
    for source, copy in published.items():
        with Image.open(source) as raw:
            turned = raw.getexif().get(0x0112) == 6
        files = evidence.site_files(store, [copy])
        with Image.open(files[copy.web_uri]) as web:
            assert web.size == ((960, 1280) if turned else (1280, 960))
            assert not web.getexif() and "exif" not in web.info and "xmp" not in web.info
        with Image.open(files[copy.thumb_uri]) as thumb:
            assert thumb.size == evidence.THUMB_SIZE and not thumb.getexif()


def test_the_intake_never_makes_a_phone_photo_larger(phone_repo: Path) -> None:
    path = sorted(phone_repo.glob("portfolios/*/evidence/*.jpg"))[0]
    data = path.read_bytes()
    cleaned = clean(data, ["jpg", "png", "pdf"], 10)
    assert len(cleaned.data) <= len(data)
    assert any("hidden information" in words for words in cleaned.done)
    with Image.open(io.BytesIO(cleaned.data)) as img:
        assert not img.getexif() and img.format == "JPEG"
