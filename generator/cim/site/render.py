"""Rendering: one page of the site plan into HTML, with its view and its template.

Templates live in ``templates/<kind>.html`` and are autoescaped: every piece of student text is
shown as text and never run as markup.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from cim.model.catalogue import LOCATION_HEADINGS
from cim.scoring import stats
from cim.site import charts
from cim.site.pages import Page, rel
from cim.site.views import VIEWS

if TYPE_CHECKING:
    from cim.site.plan import SitePlan


@functools.cache
def environment() -> jinja2.Environment:
    """The templates' environment, made once per process."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cim.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = lambda text: [p.strip() for p in text.split("\n\n") if p.strip()]
    env.filters["kb"] = lambda n: f"{max(1, round(n / 1024))} KB"
    env.filters["date"] = lambda d: d.strftime("%-d %B %Y") if d else ""
    env.filters["cell"] = stats.cell  # small counts as "fewer than 5"
    env.globals["location_headings"] = LOCATION_HEADINGS
    options = "".join(f'<option value="{k}">{v}</option>' for k, v in LOCATION_HEADINGS.items())
    env.globals["location_options"] = lambda: Markup(options)
    return env


def render(site: SitePlan, page: Page) -> str:
    """The HTML body of one page."""
    context = VIEWS[page.kind](site, page)
    link: Callable[[str], str] = lambda to: rel(page.url, to)  # noqa: E731
    template = environment().get_template(f"{page.kind}.html")
    return template.render(
        page=page, site=site, link=link, scheme=site.rules, charts=charts, **context
    )
