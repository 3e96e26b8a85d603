"""The site's words in Swedish: the catalogue matches the templates' words exactly (nothing
untranslated, nothing stale), and names and dates come out as each language writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cim.site import i18n, language

from conftest import ROOT, copy_repo, site_plan


def test_every_marked_word_has_a_swedish_translation_and_none_is_stale() -> None:
    words = i18n.extract(ROOT / "mkdocs.yml")
    catalogue = {m.id: m.string for m in i18n.catalogue("sv") if m.id}
    missing = [f"{at[0]}: {msgid!r}" for msgid, at in words.items() if not catalogue.get(msgid)]
    stale = sorted(str(msgid) for msgid in catalogue if msgid not in words)
    assert not missing, (
        "words without a Swedish translation (run `python -m cim.site.i18n`, then fill in "
        f"{i18n.catalogue_file('sv').relative_to(ROOT)}):\n" + "\n".join(missing)
    )
    assert not stale, "translations of words no template uses any more:\n" + "\n".join(stale)


def test_the_catalogue_keeps_every_placeholder() -> None:
    import re

    field = re.compile(r"%\(\w+\)[sd]")
    for m in i18n.catalogue("sv"):
        if m.id and m.string:
            assert sorted(field.findall(str(m.id))) == sorted(field.findall(str(m.string))), m.id


def test_names_and_dates_in_the_readers_language() -> None:
    assert language.country_name("NL", "sv") == "Nederländerna"
    assert language.country_name("NL", "en") == "Netherlands"
    assert language.language_name("Swedish", "sv") == "Svenska"
    assert language.language_name("ar", "en") == "Arabic"
    assert language.language_name("Klingonish", "sv") == "Klingonish"  # shown as written
    assert language.date(dt.date(2024, 5, 1), "sv") == "1 maj 2024"
    assert language.date(dt.date(2024, 5, 1), "en") == "1 May 2024"
    assert language.semester_title("2026-autumn", "sv") == "hösten 2026"


def test_a_missing_translation_is_a_located_warning_and_the_other_language_is_shown(
    tmp_path: Path,
) -> None:
    from cim.pipeline import load_scheme
    from cim.problems import Severity

    repo = copy_repo(ROOT, tmp_path / "repo")
    text = (repo / "activities.yml").read_text(encoding="utf-8")
    text = text.replace("      sv: Språkcafé\n", "", 1)
    (repo / "activities.yml").write_text(text, encoding="utf-8")
    scheme = load_scheme(repo)
    assert scheme.catalogue is not None
    [warning] = [p for p in scheme.problems if "Swedish" in p.message]
    assert warning.severity == Severity.WARNING
    assert warning.file.endswith("activities.yml") and warning.line > 1
    assert "`sv: ...`" in warning.message
    cafe = scheme.catalogue.get("language-cafe")
    assert language.translated(cafe, "title", "sv") == "Language café"  # the fallback
    assert not [p for p in scheme.problems if p.severity == Severity.ERROR]


def test_written_in_marks_the_students_own_text_and_an_unknown_code_is_an_error(
    tmp_path: Path,
) -> None:
    from cim.pipeline import check_repository

    repo = copy_repo(ROOT, tmp_path / "repo")
    file = repo / "portfolios/anna-lind/portfolio.yml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("\nbio: >-", "\nwritten_in: sv\nbio: >-", 1), encoding="utf-8")
    site = site_plan(repo, today=dt.date(2026, 9, 1))
    english = site.render("students/anna-lind.md")
    assert '<blockquote class="cim-bio" data-search-exclude="1" lang="sv">' in english
    swedish = site.render("students/anna-lind.md", "sv")
    assert '<blockquote class="cim-bio" data-search-exclude="1">' in swedish  # the page's own

    file.write_text(text.replace("\nbio: >-", "\nwritten_in: zz\nbio: >-", 1), "utf-8")
    [report] = [r for r in check_repository(repo).portfolios if r.id == "anna-lind"]
    [problem] = [p for p in report.problems if "language tag" in p.message]
    assert problem.line == text.split("\nbio: >-")[0].count("\n") + 2
    assert "`sv` (Swedish)" in problem.message


def test_each_language_has_its_own_search_index_and_share_card(built: tuple[Path, str]) -> None:
    import json

    site, _ = built

    def about(index: Path) -> str:
        docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
        return next(d["text"] for d in docs if d["location"] == "students/anna-lind/")

    english = about(site / "search/search_index.json")
    swedish = about(site / "sv/search/search_index.json")
    assert "Bachelor&#x27;s Programme in Nursing" in english
    assert "Sjuksköterskeprogrammet" in swedish
    for text in (english, swedish):  # a country is found by either of its names
        assert "Netherlands" in text and "Nederländerna" in text
    page = (site / "sv/certificates/anna-lind/index.html").read_text(encoding="utf-8")
    assert 'content="https://cim.example.org/certificates/anna-lind/card.sv.png"' in page
    assert (site / "certificates/anna-lind/card.sv.png").is_file()
