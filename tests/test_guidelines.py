"""The "Rules and guidelines" page is written from rules.yml and activities.yml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from cim.model.catalogue import catalogue_from
from cim.model.rules import rules_from
from cim.site.guidelines import Section, sections

from conftest import ROOT, TODAY, site_plan


def _sections(repo: Path, lang: str = "en", **change: object) -> dict[str, Section]:
    data = yaml.safe_load((repo / "rules.yml").read_text())
    data.update(change)
    rules = rules_from(data)
    catalogue = catalogue_from(yaml.safe_load((repo / "activities.yml").read_text()), rules)
    return {s.id: s for s in sections(rules, catalogue, lang)}


def _words(s: Section) -> str:
    return " ".join([s.title, *s.text, *s.points])


def test_the_page_covers_what_a_student_must_know() -> None:
    found = _sections(ROOT)
    programme, exchange = _words(found["cohort-programme"]), _words(found["cohort-exchange"])
    assert "You need 100 points for the Certificate of Intercultural Merits" in programme
    assert "from the day your studies start until the last day of your studies" in programme
    assert "At least one activity developing intercultural skills" in programme
    assert "(recommended, not required)" in programme
    assert "You need 40 points" in exchange and "14 days before" in exchange
    assert "Internationalisation at home — at most 50 points" in _words(found["categories"])
    own = _words(found["own-choice"])
    assert "At most 15 points for one activity" in own and "at least 120 words" in own
    assert "Open a pull request" in _words(found["apply"])


def test_the_page_follows_the_rules_when_they_change() -> None:
    data = yaml.safe_load((ROOT / "rules.yml").read_text())
    data["cohorts"][0]["threshold"] = 120
    found = _sections(ROOT, cohorts=data["cohorts"])
    assert "You need 120 points" in _words(found["cohort-programme"])


def test_the_published_schemes_primitives_in_words() -> None:
    aalborg = _sections(ROOT / "examples/aalborg")
    danish = _words(aalborg["cohort-danish"])
    assert "You may apply once you have 95 points" in danish
    assert "until any later date" in danish
    assert "(after you apply)" in danish
    assert "Courses on intercultural/international themes — part of Theme 1" in _words(
        aalborg["categories"]
    )
    assert "outside your country of origin" in _words(aalborg["abroad"])
    bfh = _sections(ROOT / "examples/bfh")
    assert "counts only when complete (30 points)" in _words(bfh["categories"])
    assert "approved" in _words(bfh["evidence"])


def test_the_site_has_the_page(tmp_path: Path) -> None:
    site = site_plan(ROOT, today=dt.date.fromisoformat(TODAY), cache=tmp_path / "cache", workers=1)
    html = site.render("rules.md")
    assert "<h1>Rules and guidelines</h1>" in html and "You need 100 points" in html


def test_the_swedish_page_says_it_in_swedish(tmp_path: Path) -> None:
    found = _sections(ROOT, "sv")
    programme = found["cohort-programme"]
    assert "Du behöver 100 poäng" in _words(programme)
    assert "från den dag dina studier börjar till den sista dagen av dina studier" in _words(
        programme
    )
    # The requirements are the scoring's words, in English, and marked so.
    assert programme.points_lang == "en" and "(recommended, not required)" in _words(programme)
    assert found["categories"].title == "Kategorier och gränser"
    assert "högst 50 poäng" in _words(found["categories"])
    assert "En reflektion på minst 120 ord" in _words(found["own-choice"])
    assert "Öppna en pull request" in _words(found["apply"])
    assert _sections(ROOT)["cohort-programme"].points_lang == ""
    site = site_plan(ROOT, today=dt.date.fromisoformat(TODAY), cache=tmp_path / "cache", workers=1)
    html = site.render("rules.md", "sv")
    assert '<h2 id="categories">Kategorier och gränser</h2>' in html
    assert '<ul lang="en"><li>At least one activity' in html
