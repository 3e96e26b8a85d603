"""The site in a real browser: Debian's Chromium driven by Playwright, with axe-core.

Screenshots of every page land in test-artifacts/. Where Chromium or axe-core is missing the
tests are skipped on a developer's machine and fail in CI (CI=true), which installs both.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium import CHROMIUM, browser_or_skip, serve_as, served, verdict_after
from conftest import ROOT

AXE = ROOT / "tests/browser/node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

missing = [
    what
    for what, ok in (
        ("Chromium", Path(CHROMIUM).exists()),
        ("axe-core (npm ci --prefix tests/browser)", AXE.exists()),
    )
    if not ok
]
if missing and os.environ.get("CI"):
    raise RuntimeError(f"browser tests need {', '.join(missing)}; .ci/run installs them")
pytestmark = pytest.mark.skipif(bool(missing), reason=f"not installed: {', '.join(missing)}")

ENGLISH = {
    "home": "",
    "portfolio": "students/anna-lind/",
    "certificate": "certificates/anna-lind/",
    "catalogue": "activities/",
    "statistics": "statistics/",
    "directory": "students/",
    "exchange": "exchange/2026-autumn/",
    "check": "check/",
    "rules": "rules/",
    "guide": "guides/students/",
}
# Every page type in each language: the Swedish site is the same pages under sv/.
PAGES = {**ENGLISH, **{f"sv-{name}": f"sv/{path}" for name, path in ENGLISH.items()}}


@pytest.fixture(scope="module")
def server(built: tuple[Path, str]) -> Iterator[str]:
    with served(built[0]) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with browser_or_skip() as instance:
        yield instance


def open_page(browser: Any, url: str, **context: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(**context)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(url, wait_until="networkidle")
    return page, problems


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_cleanly_and_passes_axe(browser: Any, server: str, name: str) -> None:
    page, problems = open_page(
        browser, server + PAGES[name], viewport={"width": 1280, "height": 900}
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert problems == []
    # The page says its language, and where it is in each language (and which is the default).
    swedish = name.startswith("sv-")
    assert page.evaluate("() => document.documentElement.lang") == ("sv" if swedish else "en")
    path = ENGLISH[name.removeprefix("sv-")]
    alternates = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('link[hreflang]')]"
        ".map(l => [l.hreflang, l.href]))"
    )
    assert alternates == {
        "en": f"https://cim.example.org/{path}",
        "sv": f"https://cim.example.org/sv/{path}",
        "x-default": f"https://cim.example.org/{path}",
    }
    # The language switch keeps the reader on the same page.
    switch = page.locator(".cim-languages a").first
    switch.click()
    page.wait_for_load_state("networkidle")
    assert page.url == server + (path if swedish else f"sv/{path}")
    page.close()
    # The site's Content-Security-Policy rightly refuses injected scripts; the audit bypasses it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + PAGES[name], wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)
    context.close()


# Swedish words run longer: the pages with the longest ones are checked in Swedish too.
@pytest.mark.parametrize("name", [*ENGLISH, "sv-portfolio", "sv-certificate", "sv-catalogue"])
def test_phone_has_no_horizontal_scroll(browser: Any, server: str, name: str) -> None:
    page, problems = open_page(
        browser,
        server + PAGES[name],
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        device_scale_factor=2,
    )
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    assert problems == []
    page.close()


def test_search_finds_a_student_by_name(browser: Any, server: str) -> None:
    page, _ = open_page(browser, server, viewport={"width": 1280, "height": 900})
    page.locator(".md-search__input").click()
    page.keyboard.type("Fatima")
    hit = page.locator(".md-search-result__item", has_text="Fatima Hassan").first
    hit.wait_for(timeout=10_000)
    assert "students/fatima-hassan/" in (hit.locator("a").first.get_attribute("href") or "")
    page.close()


def test_directory_filters_by_country_language_and_name(browser: Any, server: str) -> None:
    page, problems = open_page(browser, server + "students/")
    cards = page.locator(".cim-directory__results .cim-card")
    cards.first.wait_for()
    assert cards.count() == 7
    page.select_option("select[name=countries]", "NL")
    assert [c.strip() for c in cards.locator(".cim-card__name").all_inner_texts()] == ["Anna Lind"]
    page.select_option("select[name=countries]", "")
    page.select_option("select[name=languages]", "French")
    assert sorted(cards.locator(".cim-card__name").all_inner_texts()) == [
        "Fatima Hassan",
        "Lucas Moreau",
    ]
    page.select_option("select[name=languages]", "")
    page.fill("input[name=q]", "oskar")
    assert cards.locator(".cim-card__name").all_inner_texts() == ["Oskar Nilsson"]
    assert "1 of 7 portfolios" in page.inner_text(".cim-filters__count")
    assert problems == []
    page.close()


def test_catalogue_filters_by_aim_and_location(browser: Any, server: str) -> None:
    page, _ = open_page(browser, server + "activities/")
    total = page.locator(".cim-activity").count()
    page.select_option("select[name=locations]", "online")
    visible = page.locator(".cim-activity:visible")
    assert 0 < visible.count() < total
    for item in visible.all():
        assert "online" in (item.get_attribute("data-locations") or "")
    page.select_option("select[name=aims]", "reflective")
    for item in page.locator(".cim-activity:visible").all():
        assert "reflective" in (item.get_attribute("data-aims") or "")
    page.close()


def test_evidence_thumbnail_opens_a_larger_view(browser: Any, server: str) -> None:
    page, problems = open_page(browser, server + "students/anna-lind/")
    dialog = page.locator("dialog.cim-lightbox")
    dialog.wait_for(state="attached")  # the site script has set the links up
    page.locator("a[data-cim-lightbox]").first.click()
    dialog.wait_for(state="visible")
    src = dialog.locator("img").get_attribute("src") or ""
    assert src.endswith("-web.webp")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert problems == []
    page.close()


def test_thumbnails_are_as_sharp_as_a_retina_screen_and_no_larger(
    browser: Any, server: str
) -> None:
    """The thumbnail copy is the page's box (12rem × 8rem, object-fit: cover) at device-pixel
    ratio 2; the PDF icon comes from the stylesheet, not the page."""
    page, problems = open_page(
        browser,
        server + "students/anna-lind/",
        viewport={"width": 1280, "height": 800},
        device_scale_factor=2,
    )
    sizes = page.evaluate(
        """() => Promise.all([...document.querySelectorAll('.cim-evidence__image img')].map(
            (img) => { img.loading = 'eager';
                       return img.decode().then(() => [img.naturalWidth, img.naturalHeight,
                                                       img.clientWidth, img.clientHeight]); }))"""
    )
    assert len(sizes) >= 3
    for natural_w, natural_h, shown_w, shown_h in sizes:
        # shown: inside the box's 1px border, so the copy is the box at most 2 × 2 px larger
        assert 2 * shown_w <= natural_w <= 2 * (shown_w + 2)
        assert 2 * shown_h <= natural_h <= 2 * (shown_h + 2)
    icon = page.evaluate(
        "() => getComputedStyle(document.querySelector('a.cim-evidence__pdf'), '::before')"
        ".maskImage"
    )
    assert "svg" in icon and page.locator("a.cim-evidence__pdf svg").count() == 0
    assert problems == []
    page.close()


def test_dark_mode_follows_the_system(browser: Any, server: str) -> None:
    page, _ = open_page(browser, server + "students/anna-lind/", color_scheme="dark")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.screenshot(path=str(ARTIFACTS / "portfolio-dark.png"), full_page=False)
    page.close()


def test_a_chosen_colour_scheme_is_kept_on_the_next_page(browser: Any, server: str) -> None:
    """The scheme switch's choice is stored and applied on the next page before it is drawn,
    by the shared scripts (assets/cim-storage.js, cim-scheme.js), under the CSP, in each
    language's own storage."""
    page, problems = open_page(browser, server + "students/", color_scheme="light")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.locator("label[for=__palette_1]").click()
    page.goto(server + "certificates/anna-lind/", wait_until="networkidle")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert page.evaluate("__md_scope.pathname") == "/"
    page.goto(server + "sv/students/anna-lind/", wait_until="networkidle")
    assert page.evaluate("__md_scope.pathname") == "/sv/"
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    assert not problems, problems
    page.close()


def verified_demo_page(
    browser: Any, server: str, built: tuple[Path, str], path: str
) -> tuple[Any, Any]:
    """A new browser context with the demo page at ``path`` open, its Verify section finished
    with the development build's verdict (the School's address routed to the same build)."""
    context = browser.new_context()
    serve_as(context, "https://cim.example.org/", built[0])
    page = context.new_page()
    page.goto(server + path, wait_until="networkidle")
    assert verdict_after(page) == "not-official"
    return context, page


def test_qr_code_link_runs_the_verification(
    browser: Any, server: str, built: tuple[Path, str]
) -> None:
    """The demo is a development build: the page says so, after reading the keys from the
    School's own address (routed here to the same build) — never "genuine"."""
    context, page = verified_demo_page(browser, server, built, "certificates/anna-lind/#verify")
    # The QR code is drawn: its image has a size.
    assert page.evaluate("document.querySelector('.cim-qr img').naturalWidth") > 0
    text = page.inner_text("#verify")
    assert "The signature is intact, but this is not an official certificate." in text
    assert "The School's keys were read from cim.example.org." in text
    assert "genuine" not in text.lower()
    context.close()


def test_the_swedish_page_gives_its_verdict_in_swedish(
    browser: Any, server: str, built: tuple[Path, str]
) -> None:
    """The verdict's headline comes in the page's language; the individual checks stay in
    English and are marked so for screen readers."""
    context, page = verified_demo_page(browser, server, built, "sv/certificates/anna-lind/#verify")
    verdict = page.inner_text(".cim-verify__verdict")
    assert verdict.startswith("Signaturen är oskadd, men detta är inte ett officiellt certifikat.")
    assert "(Högskolans nycklar kontrollerades på cim.example.org.)" in verdict
    assert page.get_attribute("#verify .cim-checks", "lang") == "en"
    context.close()


def test_certificate_prints_on_exactly_one_a4_page(
    browser: Any, server: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    # Bilingual in both languages: the longest names and the revoked one, in each.
    students = ("anna-lind", "fatima-hassan", "lucas-moreau", "sv-anna-lind", "sv-lucas-moreau")
    for student in students:
        where = (
            f"sv/certificates/{student[3:]}/"
            if student.startswith("sv-")
            else (f"certificates/{student}/")
        )
        page, _ = open_page(browser, server + where)
        pdf = tmp_path / f"{student}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        reader = PdfReader(str(pdf))
        assert len(reader.pages) == 1, student
        box = reader.pages[0].mediabox
        assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
            210,
            297,
        )
        shutil.copy2(pdf, ARTIFACTS / f"certificate-{student}.pdf")
        page.close()


def test_search_finds_a_certificate_by_its_number(browser: Any, server: str) -> None:
    page, _ = open_page(browser, server, viewport={"width": 1280, "height": 900})
    page.locator(".md-search__input").click()
    page.keyboard.type("CIM-2026-0001")
    first = page.locator(".md-search-result__item").first
    # Results follow the typing: the list shown for "CIM" may still stand while the whole
    # number is being searched, so wait until the search has caught up with the last key.
    page.wait_for_function(
        "() => (document.querySelector('.md-search-result__item a') || {}).href?.includes('0001')",
        timeout=10_000,
    )
    assert "certificates/anna-lind/" in (first.locator("a").first.get_attribute("href") or "")
    assert "CIM-2026-0001" in first.inner_text()
    page.close()


def test_check_page_looks_a_number_up_and_reads_a_dropped_file(
    browser: Any, server: str, built: tuple[Path, str], tmp_path: Path
) -> None:
    context = browser.new_context()
    serve_as(context, "https://cim.example.org/", built[0])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server + "check/", wait_until="networkidle")

    def look_up(number: str) -> None:
        page.fill("input[name=number]", number)
        page.click("form[data-cim-lookup] button[type=submit]")

    # the demo's development key
    assert verdict_after(page, lambda: look_up("cim-2026-0002")) == "not-official"
    assert "The School's keys were read from cim.example.org." in page.inner_text("#verify")

    # awarded, but not published
    assert verdict_after(page, lambda: look_up("CIM-2025-0001")) == "unchecked"
    assert "No published certificate has the number CIM-2025-0001" in page.inner_text("#verify")

    credential = tmp_path / "CIM-2026-0001.json"
    doc = json.loads((built[0] / "certificates/anna-lind/credential.json").read_text())
    doc["credentialSubject"]["narrative"] += " "
    credential.write_text(json.dumps(doc))

    def drop() -> None:
        page.set_input_files("input[type=file]", str(credential))

    assert verdict_after(page, drop) == "changed"
    assert "Changed since it was signed." in page.inner_text("#verify")
    assert problems == []
    context.close()


def test_a_server_that_never_answers_ends_the_check_and_verify_can_be_pressed_again(
    browser: Any, server: str, built: tuple[Path, str]
) -> None:
    """The School's keys never come: after 15 seconds (the page's clock is run on) the check
    ends as "could not be completed", says which host did not answer and what to do, and
    never calls the certificate invalid; pressing Verify again, with the host back, works."""
    context = browser.new_context()
    serve_as(context, "https://cim.example.org/", built[0])
    held: list[Any] = []

    def hold(route: Any) -> None:  # never answered
        held.append(route)

    context.route("https://cim.example.org/.well-known/did.json", hold)
    page = context.new_page()
    page.clock.install()
    page.goto(server + "certificates/anna-lind/", wait_until="load")
    page.click("button[data-cim-verify]")
    page.wait_for_function("() => document.querySelector('#verify').textContent.includes('Check')")
    page.wait_for_timeout(200)  # the request reaches the route
    assert len(held) == 1
    assert page.locator("#verify").get_attribute("data-outcome") is None
    page.clock.run_for(14_000)
    assert page.locator("#verify").get_attribute("data-outcome") is None  # still waiting
    page.clock.run_for(1_100)
    section = page.locator("#verify[data-outcome]")
    section.wait_for(timeout=15_000)
    assert section.get_attribute("data-outcome") == "unchecked"
    text = page.inner_text("#verify")
    assert "cim.example.org did not answer within 15 seconds; try again in a few minutes" in text
    assert "It is not confirmed: see why below." in text
    assert "not valid" not in text
    assert page.locator("button[data-cim-verify]").is_enabled()

    context.unroute("https://cim.example.org/.well-known/did.json", hold)
    # the demo key
    assert verdict_after(page, lambda: page.click("button[data-cim-verify]")) == "not-official"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_verdicts_and_controls_pass_axe_in_both_colour_schemes(
    browser: Any, server: str, built: tuple[Path, str], scheme: str
) -> None:
    """After pressing Verify (and on the check page after a lookup), every control and verdict
    meets WCAG AA contrast, in the light and in the dark scheme."""
    context = browser.new_context(
        bypass_csp=True, color_scheme=scheme, viewport={"width": 1280, "height": 900}
    )
    serve_as(context, "https://cim.example.org/", built[0])
    page = context.new_page()
    for uri, action in (
        ("certificates/anna-lind/", lambda: page.click("button[data-cim-verify]")),
        (
            "check/",
            lambda: (
                page.fill("input[name=number]", "CIM-2026-0001"),
                page.click("form[data-cim-lookup] button[type=submit]"),
            ),
        ),
    ):
        page.goto(server + uri, wait_until="networkidle")
        expected = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        verdict_after(page, action)
        page.screenshot(path=str(ARTIFACTS / f"verified-{uri.split('/')[0]}-{scheme}.png"))
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{uri} ({scheme}): " + "\n".join(serious)
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_numbers_on_the_certificate_never_break(browser: Any, server: str, width: int) -> None:
    page, _ = open_page(
        browser, server + "certificates/anna-lind/", viewport={"width": width, "height": 900}
    )
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        broken = page.evaluate(
            """() => [...document.querySelectorAll(
                '.cim-certificate td:last-child, .cim-certificate th:last-child,'
                + ' .cim-certificate__activities td:first-child, .cim-certificate__facts time,'
                + ' .cim-certificate__facts div:first-child dd, .cim-qr__address')]
              .filter(el => {
                const range = document.createRange();
                range.selectNodeContents(el);
                const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                return lines.size > 1;
              })
              .map(el => el.textContent)"""
        )
        assert broken == [], (media, broken)
    page.close()


@pytest.mark.parametrize(
    ("site", "term", "expected"),
    [
        ("sv/", "språkcafé", "Språkcafé"),  # a Swedish word on the Swedish site
        ("sv/", "Nederländerna", "Anna Lind"),  # a country by its Swedish name
        ("", "Netherlands", "Anna Lind"),  # …and by its English one
        ("", "language café", "Language café"),
    ],
)
def test_search_finds_words_in_each_language(
    browser: Any, server: str, site: str, term: str, expected: str
) -> None:
    page, _ = open_page(browser, server + site, viewport={"width": 1280, "height": 900})
    page.locator(".md-search__input").click()
    page.keyboard.type(term)
    hit = page.locator(".md-search-result__item", has_text=expected).first
    hit.wait_for(timeout=10_000)
    page.close()
