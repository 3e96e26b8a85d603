"""Hostile free text in every student-written field: shown as text everywhere, never run."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cim.admin import exports

from conftest import site_plan
from corpus import REFUSED_TEXT, TEXT
from helpers import TODAY, check, messages, portfolio, save

ANNA = "anna-lind"
LIMITS = {"name": 120, "title": 200, "place": 200, "caption": 300, "language": 40}


def inject(repo: Path, strings: list[str]) -> None:
    """Put the strings into every text field of Anna's (awarded) portfolio where they fit
    (a string of several lines only where several lines are allowed)."""

    def fits(s: str, field: str) -> bool:
        return len(s) <= LIMITS[field] and "\n" not in s

    p = portfolio(repo, ANNA)
    fitting = [s for s in strings if fits(s, "name")] or ["Anna"]
    p["name"] = fitting[0]
    p["bio"] = (p["bio"] + " " + " ".join(strings))[:1500]
    p["languages"] = [s for s in strings if fits(s, "language")][:20] or ["Swedish"]
    for i, entry in enumerate(p["entries"]):
        s = strings[i % len(strings)]
        if fits(s, "title"):
            entry["title"] = s
        if fits(s, "place"):
            entry["place"] = s
        entry["reflection"] = entry.get("reflection", "") + "\n\n" + s
        for item in entry.get("evidence", []):
            if fits(s, "caption"):
                item["caption"] = s
    save(repo, ANNA, p)


def rendered(repo: Path, tmp_path: Path) -> dict[str, str]:
    site = site_plan(repo, today=TODAY, cache=tmp_path / "cache", workers=1)
    pages = {uri: site.render(uri) for uri in site.pages}
    pages.update({uri: data.decode() for uri, data in site.data.items()})
    assert f"students/{ANNA}.md" in site.pages and f"certificates/{ANNA}.md" in site.pages
    return pages


@pytest.mark.parametrize("category", sorted(TEXT))
def test_every_field_renders_hostile_text_as_text(
    repo: Path, tmp_path: Path, category: str
) -> None:
    strings = TEXT[category]
    inject(repo, strings)
    report = check(repo, ANNA)
    assert report.portfolios[0].valid, messages(report, ANNA)
    pages = rendered(repo, tmp_path)
    html = {uri: text for uri, text in pages.items() if uri.endswith(".md")}
    for s in strings:
        if "<" in s or '"' in s:
            for uri, text in html.items():
                assert s not in text, (uri, s)
    portfolio_page = html[f"students/{ANNA}.md"]
    for s in strings:
        if len(s) <= LIMITS["title"] and "{" in s and not set(s) & set("<>&\"'"):
            assert s in portfolio_page  # template syntax is shown literally, never evaluated
    credential = json.loads(pages[f"certificates/{ANNA}/credential.json"])
    assert (
        credential["credentialSubject"]["identifier"][0]["identityHash"]
        == (portfolio(repo, ANNA)["name"])
    )


@pytest.mark.parametrize(("text", "expected"), sorted(REFUSED_TEXT.items()))
@pytest.mark.parametrize(
    "field", ["name", "bio", "title", "reflection", "place", "caption", "language"]
)
def test_refused_text_in_every_field(repo: Path, field: str, text: str, expected: str) -> None:
    p = portfolio(repo, ANNA)
    entry = p["entries"][1]
    if field in ("name", "bio"):
        p[field] = text
    elif field == "language":
        p["languages"] = [text]
    elif field == "caption":
        entry["evidence"][0]["caption"] = text
    else:
        entry[field] = text
    save(repo, ANNA, p)
    assert expected in messages(check(repo, ANNA), ANNA)


def test_spreadsheet_formulas_are_neutralised_in_exports(repo: Path) -> None:
    p = portfolio(repo, ANNA)
    p["name"] = '=HYPERLINK("http://evil.example","x")'
    save(repo, ANNA, p)
    rows = exports.ladok(check(repo)).rows
    text = exports.to_csv(rows, exports.LADOK_COLUMNS)
    names = [r["name"] for r in csv.DictReader(io.StringIO(text))]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


# --- the real build in a real browser -------------------------------------------------------

EVERYTHING = [s for strings in TEXT.values() for s in strings]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import ROOT, copy_repo

    tmp = tmp_path_factory.mktemp("hostile")
    repo = copy_repo(ROOT, tmp / "repo")
    inject(repo, EVERYTHING)
    p = portfolio(repo, ANNA)
    p["name"] = '"><script>window.__xss=1</script>'
    save(repo, ANNA, p)
    named = repo / "portfolios" / ANNA / "evidence" / "<img src=x onerror=window.__xss=1>.jpg"
    named.write_bytes((repo / "portfolios" / ANNA / "evidence/guest-lectures.jpg").read_bytes())
    p = portfolio(repo, ANNA)
    p["entries"][0]["evidence"].append(
        {"file": f"evidence/{named.name}", "kind": "photo", "caption": "<b>caption</b>"}
    )
    save(repo, ANNA, p)
    from conftest import build_copy

    return build_copy(repo, tmp / "site", tmp, strict=True)


def test_no_raw_markup_anywhere_in_the_built_site(hostile_site: Path) -> None:
    """HTML, XML and scripts never hold the input as markup. (JSON files are data: the
    credential rightly holds the name exactly as written, and pages show JSON as text.)"""
    raw = [
        "<script>window.__xss",
        "<img src=x onerror",
        "<svg onload",
        'onmouseover="window',
        '<iframe src="javascript',
    ]
    for path in [*hostile_site.rglob("*"), hostile_site / "search/search_index.json"]:
        if path.suffix in {".html", ".xml", ".js"} or path.name == "search_index.json":
            text = path.read_text(encoding="utf-8", errors="replace")
            for r in raw:
                assert r not in text, (path, r)


def test_every_page_carries_a_content_security_policy(hostile_site: Path) -> None:
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        head = page.read_text()[:4000]
        assert '<meta http-equiv="Content-Security-Policy"' in head, page
        assert "script-src 'self'" in head and "'unsafe-inline'; img" in head, page


def test_og_tags_and_search_index_are_escaped(hostile_site: Path) -> None:
    cert = (hostile_site / "certificates/anna-lind/index.html").read_text()
    assert 'content="&#34;&gt;&lt;script&gt;' in cert or 'content="&quot;&gt;&lt;script&gt;' in cert
    index = (hostile_site / "search/search_index.json").read_text()
    assert "<script>window.__xss" not in index


@pytest.fixture(scope="module")
def served(hostile_site: Path):  # type: ignore[no-untyped-def]
    from chromium import served as serve

    with serve(hostile_site) as address:
        yield address


PAGES = [
    "",
    "students/anna-lind/",
    "certificates/anna-lind/",
    "students/",
    "statistics/",
    "activities/",
]


def test_no_script_runs_in_chromium(served: str, hostile_site: Path) -> None:
    from chromium import browser_or_skip, serve_as

    with browser_or_skip() as browser:
        for path in PAGES:
            context = browser.new_context()
            # The Verify button reads the School's keys from the School's own address.
            serve_as(context, "https://cim.example.org/", hostile_site)
            page = context.new_page()
            dialogs: list[str] = []
            errors: list[str] = []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
            page.on(
                "console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None
            )
            page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.add_init_script(
                "window.alert = window.confirm = window.prompt = () => { window.__xss = 1; };"
            )
            page.goto(served + path, wait_until="networkidle")
            if path == "students/":
                page.locator(".cim-directory__results .cim-card").first.wait_for()
            if path == "":
                page.locator(".md-search__input").click()
                page.keyboard.type("script")
                page.wait_for_timeout(800)
            if path.startswith("certificates/"):
                page.locator("button[data-cim-verify]").click()
                page.locator("#verify[data-outcome]").wait_for(timeout=15_000)
                # Signed with the development key: intact, and never called official.
                assert page.get_attribute("#verify", "data-outcome") == "not-official"
            assert page.evaluate("() => window.__xss") is None, path
            assert dialogs == [] and errors == [], (path, dialogs, errors)
            if path in ("students/anna-lind/", "students/"):
                assert '"><script>window.__xss=1</script>' in page.inner_text("body"), path
            context.close()
        phone = browser.new_page(viewport={"width": 375, "height": 812}, is_mobile=True)
        for path in ("students/anna-lind/", "certificates/anna-lind/", ""):
            phone.goto(served + path, wait_until="networkidle")
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 375, (path, width)  # the 10,000-character word wraps
        phone.close()
