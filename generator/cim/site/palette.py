"""The School's palette for a portfolio's accent, and the contrast every colour reaches.

Each accent has one colour for the light scheme and one for the dark; the accent colours
headings, the headline and borders, so each must read as text on the page and on the
surfaces of both schemes (WCAG 2 level AA: at least 4.5:1). ``site_theme/assets/cim.css``
holds the same colours; a test keeps the two equal and computes every contrast.
"""

from __future__ import annotations

from cim.model.design import ACCENTS

# The backgrounds an accent is read on: the page and the raised surfaces (cim.css).
BACKGROUNDS = {
    "light": ("#ffffff", "#f4f7fa"),
    "dark": ("#10171d", "#18232c"),
}
AA = 4.5

PALETTE: dict[str, dict[str, str]] = {
    "blue": {"light": "#0b3d5c", "dark": "#7cc4ef"},
    "teal": {"light": "#00665c", "dark": "#4fd1c5"},
    "green": {"light": "#2b6a3a", "dark": "#7ccf8a"},
    "plum": {"light": "#7b2d6b", "dark": "#e3a6d6"},
    "red": {"light": "#a3321a", "dark": "#ff9e85"},
    "amber": {"light": "#8a5300", "dark": "#f2b632"},
}
assert tuple(PALETTE) == ACCENTS


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def weakest(accent: str) -> float:
    """The lowest contrast the accent reaches on any background of its scheme."""
    colours = PALETTE[accent]
    return min(contrast(colours[s], bg) for s, bgs in BACKGROUNDS.items() for bg in bgs)
