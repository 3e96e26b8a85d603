"""`cim size`: whether a built site fits GitHub Pages' 1 GB, said for the administrators."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from cim.cli import main
from cim.site.footprint import Footprint, fit, grows_with_students, kind_of, measure

MB = 10**6


@pytest.mark.parametrize(
    ("path", "kind", "grows"),
    [
        ("students/anna-lind/index.html", "pages", True),
        ("sv/students/anna-lind/index.html", "pages", True),
        ("students/index.html", "pages", False),
        ("guides/students/index.html", "pages", False),
        ("certificates/anna-lind/card.sv.png", "cards", True),
        ("certificates/anna-lind/credential.json", "credentials", True),
        ("statements/anna-lind/2026-12-07.json", "rest", True),
        ("credentials/status/revocation.json", "credentials", False),
        (".well-known/did.json", "credentials", False),
        ("assets/evidence/13/131b-web.webp", "copies", True),
        ("search/search_index.json", "index", True),
        ("sv/search/search_index.json", "index", True),
        ("assets/stylesheets/main.css", "rest", False),
        ("index.html", "pages", False),
    ],
)
def test_every_file_has_its_kind_and_is_either_a_students_or_there_once(
    path: str, kind: str, grows: bool
) -> None:
    assert (kind_of(path), grows_with_students(path)) == (kind, grows)


def site_of(students: int, theme: int = 100 * MB, each: int = 50_000) -> Footprint:
    """A site with ``theme`` bytes there once and ``students`` students of ``each`` bytes."""
    files = [("assets/stylesheets/main.css", theme)]
    for n in range(students):
        files += [
            (f"students/s{n}/index.html", each // 2),
            (f"sv/students/s{n}/index.html", each // 2),
        ]
    return measure(files)


def test_the_rate_and_the_students_at_the_limit_are_measured_not_guessed() -> None:
    found = site_of(1000)
    assert (found.total, found.fixed, found.students) == (150 * MB, 100 * MB, 1000)
    assert found.per_student() == 50_000
    assert found.students_at(1000 * MB) == 18_000  # (1,000 - 100) MB / 50 KB
    assert measure([("index.html", 5)]).students_at(1000 * MB) is None


def test_a_site_well_inside_the_limit_fits_and_says_so_in_one_breath() -> None:
    verdict = fit(site_of(1000))
    assert verdict.level == "fits"
    assert (
        verdict.lines[0] == "The site is 150 MB: 15% of the 1,000 MB that GitHub Pages publishes."
    )
    assert verdict.lines[1] == "By kind: theme, scripts and lists 100 MB, pages 50 MB."
    assert "adds about 50 KB; 1,000 are published now" in verdict.lines[2]
    assert "at about 18,000 published students" in verdict.lines[2]
    assert len(verdict.lines) == 3


def test_from_four_fifths_of_the_limit_the_administrators_are_told_to_plan() -> None:
    assert fit(site_of(13_999)).level == "fits"  # 799.95 MB
    nearing = fit(site_of(14_000))  # 800 MB
    assert nearing.level == "nearing"
    assert nearing.lines[-1].startswith("Plan the move now, before a deployment fails")
    assert '"When the site outgrows GitHub Pages"' in nearing.lines[-1]


def test_above_the_limit_it_is_over_and_says_where_to_publish_instead() -> None:
    assert fit(site_of(18_000)).level == "nearing"  # exactly 1,000 MB
    over = fit(site_of(18_001))
    assert over.level == "over"
    assert over.lines[0].startswith("The site is 1,000 MB: 100% of")
    assert "may refuse to publish a site this large" in over.lines[-1]
    assert "university's own web server" in over.lines[-1]
    assert "the site reached the limit at about 18,000 published students" in over.lines[2]
    other = fit(site_of(10), limit=100 * MB, host="the university's web server")
    assert other.level == "over"
    assert "that the university's web server publishes" in other.lines[0]
    assert other.lines[-1] == (
        "The university's web server needs more room for the site: give it more before the "
        "next deployment."
    )
    near = fit(site_of(1000), limit=160 * MB, host="the web server")
    assert near.level == "nearing"
    assert near.lines[-1] == "Give the web server more room for the site before a deployment fails."


def size(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["size", *args])
    return code, out.getvalue()


def test_cim_size_on_the_built_demo_site(built: tuple[Path, str]) -> None:
    site, _ = built
    total = sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _, names in os.walk(site)
        for name in names
    )
    code, out = size("--site", str(site))
    assert code == 0
    assert out.startswith(f"The site is {total / MB:,.0f} MB: 1% of the 1,000 MB")
    published = len(list(site.glob("students/*/index.html")))
    assert f"{published:,} are published now" in out

    code, out = size("--site", str(site), "--limit", f"{total * 1.1 / MB:.3f}MB")
    assert code == 0 and "Plan the move now" in out

    code, out = size("--site", str(site), "--limit", f"{total / 2}", "--format", "github")
    assert code == 1
    [line] = out.splitlines()  # one annotation; its line breaks escaped as GitHub reads them
    assert line.startswith("::error title=Site size::The site is ")
    assert "%25 of the " in line and "%0ABy kind: " in line and "own web server" in line

    code, out = size("--site", str(site), "--format", "markdown")
    assert code == 0 and out.startswith("## The site's size\n\n- The site is ")
    code, out = size("--repo", str(site.parent))  # the repository's site/ by default
    assert code == 0 and out.startswith(f"The site is {total / MB:,.0f} MB")


def test_cim_size_refuses_what_is_not_a_site_or_a_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["size", "--site", str(tmp_path)]) == 2
    assert "is not a built site; run `cim build --out" in capsys.readouterr().err
    assert main(["size", "--site", str(tmp_path), "--limit", "lots"]) == 2
    assert "'lots' is not a size: write it as 1GB or 800MB" in capsys.readouterr().err
