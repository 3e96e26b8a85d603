"""Charts as SVG, drawn at build time: no scripts, no third parties, readable by screen readers.

Every chart carries a ``<title>`` and an ``aria-label`` that say in words what it shows. Colours
come from CSS custom properties so that light and dark mode both work.
"""

from __future__ import annotations

import math
from html import escape

from cim.scoring.stats import SMALL, cell


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def ring(
    points: int, required: int, unit: str = "points", size: int = 160, met: bool = True
) -> str:
    """A progress ring: how far ``points`` is towards ``required``; never closed while a
    requirement is still missing (``met`` false), whatever the points."""
    share = min(1.0, points / required) if required else 1.0
    if not met:
        share = min(share, 0.97)
    r = size / 2 - 12
    circumference = 2 * math.pi * r
    done = circumference * share
    c = size / 2
    label = f"{points} of {required} {unit}"
    return (
        f'<svg class="cim-ring" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<circle cx="{_fmt(c)}" cy="{_fmt(c)}" r="{_fmt(r)}" class="cim-ring__track" '
        f'fill="none" stroke-width="14"/>'
        f'<circle cx="{_fmt(c)}" cy="{_fmt(c)}" r="{_fmt(r)}" class="cim-ring__done" fill="none" '
        f'stroke-width="14" stroke-linecap="round" stroke-dasharray="{_fmt(done)} '
        f'{_fmt(circumference)}" transform="rotate(-90 {_fmt(c)} {_fmt(c)})"/>'
        f'<text x="50%" y="47%" text-anchor="middle" class="cim-ring__value">{points}</text>'
        f'<text x="50%" y="64%" text-anchor="middle" class="cim-ring__label">'
        f"of {required} {escape(unit)}</text></svg>"
    )


def _short(count: int) -> str:
    """A count on a chart: small ones as "<5"."""
    return f"<{SMALL}" if 0 < count < SMALL else str(count)


def bars(
    items: list[tuple[str, int]],
    *,
    title: str,
    unit: str = "points",
    width: int = 560,
    scale_max: int | None = None,
    people: bool = False,
) -> str:
    """Horizontal bars, one per (label, value), largest first as given. With ``people`` the
    values count students, and counts below SMALL are drawn as no bar and labelled "<5" (a
    bar's length would tell them); a student's own points are always drawn as they are."""
    if not items:
        return ""
    row, pad = 30, 8
    label_w = int(width * 0.42)
    max_chars = int((label_w - 8) / 6.8)
    shown = [v for _, v in items if not people or v >= SMALL]
    top = max(scale_max or 0, max(shown, default=0), 1)
    height = row * len(items) + pad
    bar_w = width - label_w - 60
    parts = [
        f'<svg class="cim-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = i * row + pad
        w = bar_w * value / top if not people or value >= SMALL else 0
        short = label if len(label) <= max_chars else label[: max_chars - 1].rstrip() + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="cim-chart__label">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{_fmt(max(w, 1))}" height="{row - 10}" '
            f'rx="3" class="cim-chart__bar cim-chart__bar--{i % 3}"><title>{escape(label)}: '
            f"{cell(value) if people else value} {escape(unit)}</title></rect>"
            f'<text x="{_fmt(label_w + max(w, 1) + 6)}" y="{y + 15}" class="cim-chart__value">'
            f"{_short(value) if people else value}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    values: list[int],
    *,
    threshold: int,
    title: str,
    bins: int = 10,
    width: int = 560,
    height: int = 220,
) -> str:
    """Columns counting how many values fall in each of ``bins`` equal ranges up to the
    threshold (the last column holds everything at or above it)."""
    if not values:
        return ""
    step = max(1, math.ceil(threshold / bins))
    counts = [0] * (bins + 1)
    for v in values:
        counts[min(bins, max(0, v) // step)] += 1
    top = max((n for n in counts if n >= SMALL), default=0) or 1
    base, left = height - 36, 36
    col = (width - left - 8) / len(counts)
    parts = [
        f'<svg class="cim-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{base}" x2="{width - 8}" y2="{base}" class="cim-chart__axis"/>',
    ]
    for i, n in enumerate(counts):
        h = (base - 16) * n / top if n >= SMALL else 0  # a small count draws no column
        x = left + i * col
        label = f"{i * step}–{(i + 1) * step - 1}" if i < bins else f"{threshold}+"
        css = "cim-chart__bar--met" if i == bins else "cim-chart__bar--0"
        parts.append(
            f'<rect x="{_fmt(x + 2)}" y="{_fmt(base - h)}" width="{_fmt(col - 4)}" '
            f'height="{_fmt(h)}" rx="2" class="cim-chart__bar {css}"><title>{label}: '
            f"{cell(n)} student(s)</title></rect>"
            f'<text x="{_fmt(x + col / 2)}" y="{base + 14}" text-anchor="middle" '
            f'class="cim-chart__tick">{label}</text>'
        )
        if n:
            parts.append(
                f'<text x="{_fmt(x + col / 2)}" y="{_fmt(base - h - 4)}" '
                f'text-anchor="middle" class="cim-chart__value">{_short(n)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
