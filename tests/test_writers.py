"""Writers: the plain-folder writer builds the same site's pages and files without MkDocs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TODAY

NO_MKDOCS = """
import sys
from cim.cli import main
code = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"mkdocs", "material"})
print("LOADED", loaded)
sys.exit(code)
"""


def test_the_folder_writer_makes_every_page_without_mkdocs(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    out = tmp_path / "plain"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            NO_MKDOCS,
            "build",
            "--writer",
            "folder",
            "--out",
            str(out),
            "--repo",
            str(ROOT),
            "--today",
            TODAY,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"CIM_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED []" in done.stdout, "the folder writer imported MkDocs"
    site, _ = built

    def pages(root: Path) -> set[str]:
        return {
            p.parent.relative_to(root).as_posix()
            for p in root.rglob("index.html")
            if not p.relative_to(root).as_posix().startswith(("assets/", "search/", "sv/assets/"))
        }

    assert pages(out) == pages(site)

    # the same data and the same processed files (evidence copies, cards, credentials)
    def files(root: Path) -> set[str]:
        return {
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file()
            and p.suffix in (".json", ".webp", ".png", ".pdf")
            and not p.relative_to(root)
            .as_posix()
            .startswith(("assets/images", "search/", "sv/search/", "sv/assets/"))
        }

    assert files(out) == files(site)
    anna = (out / "students/anna-lind/index.html").read_text()
    assert 'http-equiv="Content-Security-Policy"' in anna
    assert '<html lang="en">' in anna and "<h1>Anna Lind</h1>" in anna
    directory = json.loads((out / "students/index.json").read_text())
    assert {row["id"] for row in directory} == {
        p.parent.name for p in (out / "students").glob("*/index.html")
    }


def test_every_planned_page_reads_its_front_matter_back_as_its_meta() -> None:
    """The pages outside the navigation skip MkDocs' reading of their front matter
    (cim.writers.mkdocs.PlannedPage): what MkDocs would read from it must be their meta."""
    import datetime as dt

    from mkdocs.utils.meta import get_data

    from cim.site.pages import Page

    from conftest import site_plan

    site = site_plan(ROOT, today=dt.date.fromisoformat(TODAY))
    pages = [page for lang in ("en", "sv") for page in site.pages_in(lang).values()]
    assert len(pages) > 30
    hostile = Page(
        "students/x.md",
        # (U+2028 and U+2029, which YAML would fold, never pass the schema's one-line texts)
        'Zoë "Z" O\'Neil: <b>&amp;</b> --- #1 {a: b}\n... yes: [1, 2] *x &y !z %',
        "portfolio",
        template="portfolio.html",
        search=False,
        hide=("navigation", "toc"),
        description="- a list? no: a text\t",
        image="https://example.org/a b.png",
        noindex=True,
    )
    for page in [*pages, hostile]:
        assert get_data(page.front_matter()) == ("", page.meta()), page.src_uri
