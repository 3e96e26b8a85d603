"""A student's page choices (design: in portfolio.yml): checked with located messages, drawn
from the School's palette with AA contrast in both schemes, and honoured by the page. A
portfolio without choices renders as before (tests/test_manifest.py holds every other page
byte for byte)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from cim.model.design import ACCENTS
from cim.pipeline import check_repository
from cim.site import palette

from conftest import ROOT, TODAY

ANNA = "portfolios/anna-lind/portfolio.yml"


def problems_after(repo: Path, old: str, new: str) -> list[str]:
    path = repo / ANNA
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    report = check_repository(repo, today=dt.date.fromisoformat(TODAY), only=["anna-lind"])
    return [str(p) for p in report.portfolios[0].problems if p.severity.value == "error"]


def test_the_demo_choices_are_valid(repo: Path) -> None:
    assert problems_after(repo, "accent: teal", "accent: teal") == []


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "cover: evidence/amsterdam-study-group.jpg",
            "cover: evidence/amsterdam.jpg",
            "is not among your evidence (did you mean 'evidence/amsterdam-study-group.jpg'?)",
        ),
        (
            "cover: evidence/amsterdam-study-group.jpg",
            "cover: evidence/transcript-vu-amsterdam.pdf",
            "is not a photo; choose a JPEG, PNG or WebP image",
        ),
        (
            "  featured:\n    - activity: exchange-semester\n      date: 2025-01-27",
            "  featured:\n    - activity: exchange-semestre\n      date: 2025-01-27",
            "no entry has the activity 'exchange-semestre' (did you mean 'exchange-semester'?)",
        ),
        (
            "      date: 2025-01-27\n    - activity: guest-lecture",
            "      date: 2025-01-28\n    - activity: guest-lecture",
            "no entry of 'exchange-semester' is dated 2025-01-28; its entries are dated 2025-01-27",
        ),
        ("accent: teal", "accent: '#ff00ff'", "accent"),
        ("  headline: Nurse", "  headline: <b>Nurse", ""),  # text is data: allowed, escaped
    ],
)
def test_a_wrong_choice_is_located_and_says_what_to_do(
    repo: Path, old: str, new: str, words: str
) -> None:
    found = problems_after(repo, old, new)
    if not words:
        assert found == []
        return
    assert len(found) == 1 and words in found[0], found
    assert found[0].startswith(ANNA + ":")


def test_a_private_photo_is_refused_as_cover(repo: Path) -> None:
    path = repo / ANNA
    text = path.read_text().replace(
        "caption: Our international study group after the final seminar",
        "caption: Our international study group after the final seminar\n        private: true",
    )
    path.write_text(text)
    found = problems_after(repo, "accent: teal", "accent: teal")
    assert len(found) == 1 and "marked `private: true`" in found[0], found
    assert "never appears on the public page" in found[0]


def test_a_statement_without_publication_is_warned_about(repo: Path) -> None:
    path = repo / ANNA
    path.write_text(path.read_text().replace("publish: true", "publish: false"))
    report = check_repository(repo, today=dt.date.fromisoformat(TODAY), only=["anna-lind"])
    (warning,) = [str(p) for p in report.portfolios[0].problems if "statement" in p.message]
    assert "warning: a statement is shown on your public page" in warning
    assert "ask an administrator for one (`cim statement`)" in warning


def test_the_headline_is_shown_as_text(repo: Path, tmp_path: Path) -> None:
    from conftest import site_plan

    path = repo / ANNA
    path.write_text(
        path.read_text().replace(
            "headline: Nurse-to-be", "headline: <img src=x onerror=alert(1)> {{ 7*7 }}"
        )
    )
    site = site_plan(repo, today=dt.date.fromisoformat(TODAY), cache=tmp_path / "c", workers=1)
    html = site.render("students/anna-lind.md")
    assert "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }} who listens" in html
    assert "<img src=x" not in html


def test_the_palette_is_the_schemas_and_the_stylesheets_and_reaches_aa() -> None:
    schema = json.loads((ROOT / "generator/cim/schemas/portfolio.schema.json").read_text())
    assert tuple(schema["properties"]["design"]["properties"]["accent"]["enum"]) == ACCENTS
    css = (ROOT / "site_theme/assets/cim.css").read_text()
    for name, colours in palette.PALETTE.items():
        rule = re.search(rf"\.cim-accent--{name} \{{([^}}]*)\}}", css)
        assert rule, name
        assert f"--cim-accent-light: {colours['light']};" in rule.group(1)
        assert f"--cim-accent-dark: {colours['dark']};" in rule.group(1)
        assert palette.weakest(name) >= palette.AA, name
    assert round(palette.contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(palette.contrast("#767676", "#ffffff"), 2) == 4.54  # WCAG's known threshold


def test_the_page_honours_the_choices(built: tuple[Path, str]) -> None:
    html = (built[0] / "students/anna-lind/index.html").read_text()
    body = html[html.index('<article class="cim-portfolio') :]
    assert body.startswith('<article class="cim-portfolio cim-accent cim-accent--teal">')
    assert '<figure class="cim-cover"><img src="../../assets/evidence/' in body
    assert '<p class="cim-headline">Nurse-to-be who listens across languages</p>' in body
    titles = re.findall(r"<h3>(.*?)</h3>", body)
    assert titles[:2] == ["Exchange semester abroad", "Guest lecture: Migration and mental health"]
    assert body.count("cim-timeline__item--featured") == 2
    assert "Points per aim" not in body  # hidden
    assert "<strong>Netherlands</strong>: Exchange semester abroad" in body
    assert 'href="../../statements/anna-lind/"' in body
    other = (built[0] / "students/erik-johansson/index.html").read_text()
    assert "cim-accent" not in other and "Points per aim" in other and "Countries</h2>" not in other


def test_the_swedish_page_names_the_countries_in_swedish(built: tuple[Path, str]) -> None:
    html = (built[0] / "sv/students/anna-lind/index.html").read_text(encoding="utf-8")
    body = html[html.index('<article class="cim-portfolio') :]
    assert "<strong>Nederländerna</strong>: Utbytestermin utomlands" in body
    assert "Netherlands</strong>" not in body
