"""The real thing: `mkdocs build --strict` of the demo repository, and `cim build` beside it."""

from __future__ import annotations

import filecmp
import json
import re
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT, run_build

BIN = Path(sys.executable).parent


def test_strict_build_logs_the_plan_and_no_warnings(built: tuple[Path, str]) -> None:
    _, log = built
    assert "WARNING -" not in log and "ERROR   -" not in log
    lines = [line for line in log.splitlines() if line.startswith("INFO    -  cim:")]
    assert lines[:5] == [
        "INFO    -  cim: checking portfolios",
        "INFO    -  cim: preparing 37 evidence file(s)",
        "INFO    -  cim: no signing key given: certificates are signed with the development key "
        "and marked as not official",
        "INFO    -  cim: signing 4 credential(s) with the development key while the pages "
        "are written",
        "INFO    -  cim: 19 pages per language planned for 7 published portfolio(s)",
    ]
    assert "evidence: 37 encoded, 0 reused from the cache" in lines[5]
    made = [line for line in lines if "made while the pages were written" in line]
    assert len(made) == 1
    assert "cim: 3 credential(s) and 6 share card(s) for the site, made" in made[0]
    assert "INFO    -  Documentation built in" in log


MUST_EXIST = [
    "index.html",
    "activities/index.html",
    "statistics/index.html",
    "students/index.html",
    "students/index.json",
    "exchange/index.html",
    "exchange/2026-autumn/index.html",
    "guides/students/index.html",
    "guides/administrators/index.html",
    "guides/employers/index.html",
    "search/search_index.json",
    "check/index.html",
    "certificates/index.json",
    "404.html",
    *[
        f"students/{pid}/index.html"
        for pid in (
            "anna-lind",
            "erik-johansson",
            "fatima-hassan",
            "jonas-berg",
            "lucas-moreau",
            "oskar-nilsson",
            "sara-ahmed",
        )
    ],
    *[f"certificates/{pid}/index.html" for pid in ("anna-lind", "fatima-hassan", "lucas-moreau")],
]


@pytest.mark.parametrize("path", MUST_EXIST)
def test_page_exists(built: tuple[Path, str], path: str) -> None:
    assert (built[0] / path).is_file()


def test_nothing_names_the_student_without_consent(built: tuple[Path, str]) -> None:
    site, _ = built
    assert not (site / "students/mei-chen").exists()
    assert not (site / "certificates/mei-chen").exists()
    for path in site.rglob("*"):
        if path.suffix in {".html", ".json", ".xml", ".js", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            assert "mei chen" not in text and "mei-chen" not in text, path


def test_no_evidence_of_the_student_without_consent(built: tuple[Path, str]) -> None:
    from cim.site.evidence import digest_of

    site, _ = built
    published = {p.name.split("-")[0].split(".")[0] for p in (site / "assets/evidence").rglob("*")}
    for source in (ROOT / "portfolios/mei-chen/evidence").iterdir():
        assert digest_of(source) not in published, source


def test_no_student_file_is_copied_verbatim(built: tuple[Path, str]) -> None:
    site, _ = built
    assert not list(site.rglob("*.yml"))
    assert not list(site.rglob("portfolio*"))
    originals = {p.read_bytes() for p in (ROOT / "portfolios").rglob("*.jpg")}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".jpg", ".jpeg", ".png", ".webp"}:
            assert path.read_bytes() not in originals, path


def test_published_images_carry_no_exif_or_gps(built: tuple[Path, str]) -> None:
    site, _ = built
    images = list((site / "assets/evidence").rglob("*.webp"))
    assert len(images) >= 20
    for path in images:
        with Image.open(path) as img:
            assert not img.getexif(), path
            assert not img.getexif().get_ifd(0x8825)
            assert "exif" not in img.info and "xmp" not in img.info


def test_private_evidence_is_not_in_the_site(built: tuple[Path, str]) -> None:
    site, _ = built
    html = (site / "students/anna-lind/index.html").read_text()
    assert "Transcript of records" not in html
    pdfs = list((site / "assets/evidence").rglob("*.pdf"))
    private = (ROOT / "portfolios/anna-lind/evidence/transcript-vu-amsterdam.pdf").read_bytes()
    assert pdfs and all(p.read_bytes() != private for p in pdfs)


def test_search_index_holds_names_not_reflections(built: tuple[Path, str]) -> None:
    site, _ = built
    index = (site / "search/search_index.json").read_text()
    assert "Anna Lind" in index and "Bachelor's Programme in Nursing" in index
    assert "Studying nursing in Amsterdam" not in index  # a reflection
    # Certificates are found by their number (and the holder's name), nothing more.
    entries = json.loads(index)["docs"]
    certificates = [e for e in entries if e["location"].startswith("certificates/")]
    assert [e["title"] for e in certificates if "anna-lind" in e["location"]] == [
        "Certificate CIM-2026-0001 — Anna Lind"
    ]
    assert all(e["text"].startswith("Certificate number CIM-") for e in certificates)


def test_generated_pages_stay_out_of_the_navigation(built: tuple[Path, str]) -> None:
    site, _ = built
    home = (site / "index.html").read_text()
    assert "students/anna-lind/" not in home.split('class="md-tabs"')[1].split("</nav>")[0]


def test_cim_build_makes_the_same_site(built: tuple[Path, str], tmp_path: Path) -> None:
    site, _ = built
    other = tmp_path / "other"
    done = run_build([str(BIN / "cim"), "build", "--out", str(other), "--quiet"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"The site is in {other}/" in done.stdout
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    right = sorted(p.relative_to(other).as_posix() for p in other.rglob("*") if p.is_file())
    assert left == right
    differing = [
        p
        for p in left
        if p != "sitemap.xml.gz" and not filecmp.cmp(site / p, other / p, shallow=False)
    ]
    assert differing == []


def test_a_build_failing_while_certificates_are_made_meanwhile_ends_with_its_reason(
    tmp_path: Path,
) -> None:
    """Credentials are signed by a worker process while the pages are written: a build that
    fails after that began (a hand-written page where a credential belongs) says why, ends
    without waiting for the worker, and leaves no site."""
    import shutil
    import time

    from conftest import copy_repo

    project = copy_repo(ROOT, tmp_path / "repo")
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("site_theme", "docs"):
        shutil.copytree(ROOT / folder, project / folder)
    clash = project / "docs/certificates/anna-lind/credential.json"
    clash.parent.mkdir(parents=True)
    clash.write_text("{}", encoding="utf-8")
    out = tmp_path / "site"
    started = time.monotonic()
    done = run_build(
        [str(BIN / "cim"), "build", "--repo", str(project), "--out", str(out)], tmp_path
    )
    assert done.returncode != 0
    assert "docs/certificates/anna-lind/credential.json clashes with a generated file" in (
        done.stdout + done.stderr
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert time.monotonic() - started < 60 and not out.exists()


def test_mkdocs_serve_rebuilds_when_a_portfolio_changes(repo: Path, tmp_path: Path) -> None:
    """A student previews their page: edit portfolio.yml, and the served page follows."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "CIM_REPO": str(repo),
        "CIM_CACHE": str(tmp_path / "cache"),
        "CIM_TODAY": "2026-11-28",
        "NO_MKDOCS_2_WARNING": "1",
    }
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/students/sara-ahmed/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 60
        while "Sara Ahmed" not in page():
            assert time.monotonic() < deadline, "mkdocs serve did not come up"
            time.sleep(0.3)
        sara = repo / "portfolios/sara-ahmed/portfolio.yml"
        sara.write_text(
            sara.read_text().replace("Just getting started with CIM!", "Now with a brand-new bio.")
        )
        deadline = time.monotonic() + 60
        while "Now with a brand-new bio." not in page():
            assert time.monotonic() < deadline, "the page was not rebuilt"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_every_link_in_the_tabs_navigation_and_footer_leads_to_a_page(
    built: tuple[Path, str],
) -> None:
    """Generated pages reuse one rendering of these parts per folder; from every page, each of
    their relative links must still arrive where it says."""
    site, _ = built
    pages = sorted(site.glob("*/*/index.html")) + sorted(site.glob("*/index.html"))
    assert any("certificates/" in p.as_posix() for p in pages)
    checked = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parts = re.findall(
            r'<(?:nav|div) class="md-(?:tabs|sidebar md-sidebar--primary)".*?</nav>'
            r"|<footer.*?</footer>",
            html,
            re.S,
        )
        assert len(parts) >= 2, page
        for href in re.findall(r'href="([^"#:?]+)"', "".join(parts)):
            target = (page.parent / href).resolve()
            assert (target / "index.html").is_file() or target.is_file(), (page, href)
            checked += 1
    assert checked > 10 * len(pages)
