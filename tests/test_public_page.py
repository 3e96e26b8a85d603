"""What the public portfolio page shows employers, and what it keeps for the student alone."""

from __future__ import annotations

import datetime as dt
import html as markup
import re
from pathlib import Path

from cim.cli.reporters import percent, progress_bar
from cim.site import charts

from conftest import ROOT, TODAY, site_plan

DAY = dt.date.fromisoformat(TODAY)


def test_entries_that_do_not_count_stay_off_the_public_page(tmp_path: Path) -> None:
    site = site_plan(ROOT, today=DAY, cache=tmp_path / "cache", workers=1)
    checked = 0
    for report in site.published:
        a = report.assessment
        assert a is not None
        pending = [x for x in a.entries if not (x.counts or x.points or x.grouped)]
        if not pending:
            continue
        page = site.render(f"students/{report.id}.md")
        assert "do not count" not in page
        for x in pending:
            for reason in x.reasons:
                assert reason not in page and markup.escape(reason) not in page
        checked += 1
    assert checked, "the demo has students with entries that do not count"


def test_aim_bars_share_one_scale_the_threshold_and_say_so(tmp_path: Path) -> None:
    site = site_plan(ROOT, today=DAY, cache=tmp_path / "cache", workers=1)
    report = next(  # a page that shows its chart of aims (a student may hide it)
        r
        for r in site.published
        if r.assessment and r.assessment.by_aim and r.portfolio and r.portfolio.design.aims
    )
    a = report.assessment
    assert a is not None
    page = site.render(f"students/{report.id}.md")
    assert f"measured against the {a.required} points needed" in page


def test_bars_use_the_scale_they_are_given() -> None:
    def width(svg: str) -> float:
        found = re.search(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
        assert found, svg
        return float(found[1])

    small = width(charts.bars([("A", 4)], title="t", scale_max=100))
    large = width(charts.bars([("A", 85)], title="t", scale_max=100))
    own = width(charts.bars([("A", 4)], title="t"))  # scaled to its own maximum: full
    assert small * 10 < large and own > large


def test_progress_is_never_complete_while_a_requirement_is_missing() -> None:
    assert progress_bar(120, 100, width=10, met=False) == "█" * 9 + "░"
    assert progress_bar(120, 100, width=10, met=True) == "█" * 10
    assert (percent(100, 100, met=False), percent(100, 100, met=True)) == (99, 100)
    assert (percent(190, 150, met=False), percent(50, 100, met=False)) == (99, 50)
    closed = charts.ring(100, 100, met=True)
    open_ = charts.ring(100, 100, met=False)
    assert closed != open_
