"""A designed portfolio in a real browser (Anna Lind's demo page: headline, cover photo, two
featured entries, the aims chart hidden, the countries shown, the teal accent), in both colour
schemes, on a desktop and a phone, and printed; axe-core finds nothing serious. The statement
page passes axe too and prints on one A4 page."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cim.site.palette import PALETTE

from chromium import CHROMIUM, browser_or_skip, serve_as, served, verdict_after
from conftest import ROOT

AXE = ROOT / "tests/browser/node_modules/axe-core/axe.min.js"
missing = not (Path(CHROMIUM).exists() and AXE.exists())
if missing and os.environ.get("CI"):
    raise RuntimeError("browser tests need Chromium and axe-core; .ci/run installs them")
pytestmark = pytest.mark.skipif(missing, reason="Chromium or axe-core is not installed")

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def server(built: tuple[Path, str]) -> Iterator[str]:
    with served(built[0]) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with browser_or_skip() as instance:
        yield instance


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_page(
    browser: Any, url: str, scheme: str, size: str, school: Path | None = None
) -> tuple[Any, Any, list[str]]:
    # The site's Content-Security-Policy rightly refuses injected scripts; axe bypasses it.
    context = browser.new_context(
        bypass_csp=True,
        color_scheme=scheme,
        viewport=SIZES[size],
        is_mobile=size == "phone",
    )
    if school is not None:  # the School's address answers from the built site
        serve_as(context, "https://cim.example.org/", school)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url, wait_until="networkidle")
    return context, page, problems


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_designed_portfolio_in_both_schemes_and_sizes(
    browser: Any, server: str, scheme: str, size: str
) -> None:
    context, page, problems = open_page(browser, server + "students/anna-lind/", scheme, size)
    assert page.get_attribute("body", "data-md-color-scheme") == (
        "slate" if scheme == "dark" else "default"
    )
    titles = page.locator(".cim-timeline__body h3").all_inner_texts()
    assert titles[:2] == ["Exchange semester abroad", "Guest lecture: Migration and mental health"]
    featured = page.locator(".cim-timeline__item--featured .cim-timeline__body h3")
    assert featured.all_inner_texts() == titles[:2]
    cover = page.locator(".cim-cover img")
    assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
    assert cover.get_attribute("alt") == "Our international study group after the final seminar"
    headings = page.locator("h2").all_inner_texts()
    assert "Points per aim" not in headings and "Countries" in headings
    colour = PALETTE["teal"]["dark" if scheme == "dark" else "light"]
    assert page.locator(".cim-headline").evaluate("e => getComputedStyle(e).color") == rgb(colour)
    assert page.locator(".cim-hero--student").evaluate(
        "e => getComputedStyle(e).borderLeftColor"
    ) == rgb(colour)
    if size == "phone":
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert page.locator("a", has_text="Signed statement of points").is_visible()
    assert problems == []
    assert serious_violations(page) == [], f"{scheme} {size}"
    if scheme == "dark" and size == "desktop":
        page.emulate_media(media="print")  # printed, the accent is the light scheme's
        assert page.locator(".cim-headline").evaluate("e => getComputedStyle(e).color") == rgb(
            PALETTE["teal"]["light"]
        )
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_statement_page_passes_axe_and_prints_on_one_page(
    browser: Any, server: str, built: tuple[Path, str], scheme: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    context, page, problems = open_page(
        browser, server + "statements/anna-lind/", scheme, "desktop", built[0]
    )
    assert problems == []
    if scheme == "light":
        pdf = tmp_path / "statement.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        reader = PdfReader(str(pdf))
        assert len(reader.pages) == 1
        text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
        assert "Statement of CIM points" in text and "It is not the certificate" in text
    verdict_after(page, lambda: page.click("button[data-cim-verify]"))
    verdict = page.inner_text("#verify")  # a development build: the same words as cim verify
    assert "The signature is intact, but this is not an official statement." in verdict
    assert "No later statement replaces it." in verdict
    assert serious_violations(page) == [], scheme
    context.close()
