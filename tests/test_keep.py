"""`cim export portfolio ID`: the student's own export holds every file of their folder, their
credentials and statement as JSON, and one PDF of the whole portfolio made from the site's
pages — checked by reading the PDF's text."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from cim.cli import main
from cim.pipeline import check_repository

from chromium import CHROMIUM
from conftest import TODAY


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def owned(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_export_holds_everything_and_a_pdf_of_the_whole_portfolio(
    repo: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    if not Path(CHROMIUM).exists():  # the PDF is printed by Chromium
        if os.environ.get("CI"):
            raise AssertionError("Chromium is missing; .ci/run installs it")
        pytest.skip("Chromium is not installed")
    out = tmp_path / "anna"
    args = ["export", "portfolio", "anna-lind", "--repo", str(repo), "--today", TODAY]
    code, said, err = run(*args, "--out", str(out))
    assert code == 0, err
    assert "The whole portfolio as one PDF: portfolio.pdf" in said
    # Every file the student owns, private evidence included, byte for byte.
    mine = owned(repo / "portfolios/anna-lind")
    assert "evidence/transcript-vu-amsterdam.pdf" in mine  # private: true
    assert owned(out / "portfolio") == mine
    credentials = sorted(p.name for p in (out / "credentials").iterdir())
    assert credentials == ["certificate-CIM-2026-0001.json", f"statement-{TODAY}.json"]
    for name in credentials:
        assert json.loads((out / "credentials" / name).read_text())["proof"]
    # One PDF: the cover, every counted entry, the points, the certificate.
    reader = PdfReader(str(out / "portfolio.pdf"))
    text = " ".join(  # NFKC: the PDF writes "fi" as one ligature
        " ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split())
        for page in reader.pages
    )
    assert text.startswith("105 of 100 points Anna Lind Nurse-to-be who listens across languages")
    assert reader.pages[0].images, "the cover photo is on the first page"
    report = check_repository(repo, today=dt.date.fromisoformat(TODAY), only=["anna-lind"])
    assessment = report.portfolios[0].assessment
    assert assessment is not None
    shown = [r for r in assessment.entries if r.counts or r.points or r.grouped]
    assert len(shown) > 5
    for r in shown:
        assert " ".join(r.title.split()) in text, r.title
    assert "Points per aim" in text  # hidden on her page, but the export is the whole portfolio
    assert "105 of 100 points — all requirements are met." in text
    # The certificate, bilingual: its words in English, then in Swedish.
    assert "This is to certify that Härmed intygas att Anna Lind" in text
    assert "CIM-2026-0001" in text
    assert "Certificate of Intercultural Merits · Activities" not in text  # no site links


def test_without_a_browser_everything_else_is_written_and_the_way_to_the_pdf_is_said(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.delenv("CIM_BROWSER", raising=False)
    out = tmp_path / "mei"
    args = ["export", "portfolio", "mei-chen", "--repo", str(repo), "--today", TODAY]
    code, said, err = run(*args, "--out", str(out), "--zip")
    assert code == 0, err
    assert f"written to {tmp_path / 'mei.zip'}" in said
    assert "no PDF was made: it needs the Chromium browser" in err
    assert "sudo apt install chromium" in err
    with zipfile.ZipFile(tmp_path / "mei.zip") as z:
        names = set(z.namelist())
    mine = {f"mei/portfolio/{name}" for name in owned(repo / "portfolios/mei-chen")}
    assert mine <= names and "mei/portfolio/portfolio.yml" in names
    assert any(n.startswith("mei/credentials/certificate-") for n in names)  # not published
    assert "mei/portfolio.pdf" not in names and not out.exists()
    code, _, err = run(*args, "--out", str(out), "--zip")
    assert code == 2 and "already exists" in err
    code, _, err = run("export", "portfolio", "--repo", str(repo))
    assert code == 2 and "needs the student's id" in err
    code, _, err = run("export", "ladok", "anna-lind", "--repo", str(repo))
    assert code == 2 and "takes no student id" in err
