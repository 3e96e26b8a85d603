"""Evidence identity: a file copied from another student's folder is refused (it could be
their private transcript), and publishing handles the same content once, without races."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from cim.site.evidence import EvidenceStore, publish

from helpers import check, messages, portfolio, save

SARA = "sara-ahmed"


def test_another_students_file_is_refused(repo: Path, tmp_path: Path) -> None:
    from conftest import site_plan as plan

    source = repo / "portfolios/mei-chen/evidence/uq-transcript.pdf"
    copied = repo / "portfolios" / SARA / "evidence/my-transcript.pdf"
    shutil.copyfile(source, copied)
    p = portfolio(repo, SARA)
    p["entries"][0]["evidence"].append({"file": "evidence/my-transcript.pdf", "kind": "other"})
    save(repo, SARA, p)
    found = messages(check(repo, SARA), SARA)  # checking one portfolio still compares all
    assert "same file as one in another student's portfolio" in found, found
    assert "mei-chen" not in found  # who holds the other copy is not told
    site = plan(repo, cache=tmp_path / "cache", workers=1)
    assert "students/sara-ahmed.md" not in site.pages
    assert copied.resolve() not in site.evidence


def test_the_same_file_twice_in_ones_own_folder_is_fine(repo: Path) -> None:
    folder = repo / "portfolios" / SARA / "evidence"
    shutil.copyfile(folder / "language-cafe.jpg", folder / "language-cafe-2.jpg")
    p = portfolio(repo, SARA)
    p["entries"][0]["evidence"].append({"file": "evidence/language-cafe-2.jpg", "kind": "photo"})
    save(repo, SARA, p)
    assert messages(check(repo, SARA), SARA) == ""


def _photo(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def test_the_same_content_is_published_once_by_one_worker(tmp_path: Path) -> None:
    sources = []
    for i in range(12):  # enough for the worker pool; every other file has the same content
        path = tmp_path / f"s{i}" / "photo.jpg"
        path.parent.mkdir()
        path.write_bytes(_photo(i // 2))
        sources.append(path)
    store = EvidenceStore(tmp_path / "cache")
    results = publish(store, sources, workers=2)
    assert set(results) == set(sources) and not store.failed
    assert store.encoded == 6  # each content once
    for source in sources:
        for uri in (results[source].web_uri, results[source].thumb_uri):
            assert uri
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
