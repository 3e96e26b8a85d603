#!/usr/bin/env python3
"""Where a built site's bytes go: per published student by kind of file, and each kind of
generated page split into its parts (head, header, tabs, navigation, content, footer,
scripts), in each language.

    .venv/bin/python benchmarks/pages.py SITE     # a folder made by `cim build`

`benchmarks/run.py` uses the same functions for its table.
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path

from cim.site.footprint import kind_of

# The parts of a mkdocs-material page, each starting at the first of its markers (in order).
PARTS = (
    ("head", ("<head>",)),
    ("body start, language switch", ('<div data-md-component="announce">', "<body")),
    ("header", ('<header class="md-header"',)),
    ("tabs", ('<nav class="md-tabs"',)),
    ("navigation", ('<div class="md-sidebar md-sidebar--primary"',)),
    ("table of contents", ('<div class="md-sidebar md-sidebar--secondary"',)),
    ("content", ('<div class="md-content"',)),
    ("footer", ('<button type="button" class="md-top', '<footer class="md-footer"')),
    ("scripts", ('<div class="md-dialog"',)),
)
KINDS = ("students", "certificates", "statements")


def parts(html: str) -> dict[str, int]:
    """The page's bytes by part; what comes before <head> counts as head."""
    starts = [(0, "head")]
    for name, markers in PARTS[1:]:
        found = [i for i in (html.find(m) for m in markers) if i >= 0]
        if found:
            starts.append((min(found), name))
    starts.sort()
    sizes: dict[str, int] = defaultdict(int)
    for (begin, name), (end, _) in zip(starts, [*starts[1:], (len(html), "")], strict=True):
        sizes[name] += len(html[begin:end].encode("utf-8"))
    return dict(sizes)


def page_parts(site: Path) -> dict[str, dict[str, float]]:
    """For each kind of student page and language ("students", "sv/students", …): the mean
    bytes of each part and of the whole page, and the median page."""
    result: dict[str, dict[str, float]] = {}
    for prefix in ("", "sv/"):
        for kind in KINDS:
            files = sorted(site.glob(f"{prefix}{kind}/*/index.html"))
            if not files:
                continue
            totals: dict[str, list[int]] = defaultdict(list)
            whole = []
            for path in files:
                html = path.read_text(encoding="utf-8")
                whole.append(len(html.encode("utf-8")))
                for name, size in parts(html).items():
                    totals[name].append(size)
            row = {name: sum(v) / len(files) for name, v in totals.items()}
            row["page"] = statistics.mean(whole)
            row["median page"] = statistics.median(whole)
            row["count"] = len(files)
            result[prefix + kind] = row
    return result


def site_split(site: Path) -> dict[str, float]:
    """Bytes of the site by kind, as `cim size` counts them (cim.site.footprint.kind_of)."""
    split = dict.fromkeys(("pages", "copies", "index", "cards", "credentials", "rest"), 0.0)
    for path in site.rglob("*"):
        if path.is_file():
            split[kind_of(path.relative_to(site).as_posix())] += path.stat().st_size
    return split


def parts_table(table: dict[str, dict[str, float]]) -> str:
    """Each kind of student page, in each language, split into the theme's parts (KB)."""
    names = [*next(iter(table.values()), {}).keys()] if table else []
    order = [n for n in names if n not in ("page", "median page", "count")]
    lines = ["| Part | " + " | ".join(table) + " |", "|---|" + "---|" * len(table)]
    for name in [*order, "page", "median page"]:
        cells = [f"{row.get(name, 0) / 1e3:.1f}" for row in table.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| pages | " + " | ".join(f"{r['count']:,.0f}" for r in table.values()) + " |")
    return "\n".join(lines)


def report(site: Path) -> str:
    published = sum(1 for _ in site.glob("students/*/index.html")) or 1
    split = site_split(site)
    total = sum(split.values())
    return "\n".join(
        [
            f"{published:,} published students, {total / 1e6:.1f} MB, "
            f"{total / published / 1e3:.1f} KB per published student:",
            "  " + ", ".join(f"{k} {v / published / 1e3:.1f}" for k, v in split.items()),
            "",
            "The mean page by part (KB):",
            "",
            parts_table(page_parts(site)),
        ]
    )


if __name__ == "__main__":
    print(report(Path(sys.argv[1])))
