"""Rendering: one page of the site plan into HTML, with its view and its template.

Templates live in ``templates/<kind>.html`` and are autoescaped: every piece of student text is
shown as text and never run as markup.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from cim.model.catalogue import LOCATION_HEADINGS
from cim.scoring import stats
from cim.site import charts, i18n, language
from cim.site.pages import Page, rel
from cim.site.views import VIEWS

if TYPE_CHECKING:
    from cim.site.plan import SitePlan


def _remembered_gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    """Jinja's new-style ``gettext`` (the same result: the translation, made Markup where the
    template escapes, used as a format string), each translation looked up once: a page says
    about fifty words through it, on thousands of pages (a fifth of a body's rendering)."""
    found: dict[tuple[str, bool], str] = {}
    whole: dict[tuple[str, bool], str] = {}  # the result itself, for a text without variables

    def translated(key: tuple[str, bool]) -> str:
        said = found.get(key)
        if said is None:
            text, escaping = key
            said = found[key] = Markup(translate(text)) if escaping else translate(text)
        return said

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, text: str, **variables: Any) -> str:
        key = (text, bool(context.eval_ctx.autoescape))
        if variables:
            return translated(key) % variables
        done = whole.get(key)
        if done is None:
            done = whole[key] = translated(key) % variables
        return done

    return gettext


@functools.cache
def environment(lang: str = language.DEFAULT) -> jinja2.Environment:
    """The templates' environment for one language, made once per process."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cim.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    _ = i18n.gettext_for(lang)
    env.globals["gettext"] = env.globals["_"] = _remembered_gettext(_)
    second = language.others(lang)[0]
    env.globals["other_language"] = second
    env.globals["other"] = i18n.gettext_for(second)  # the same word in the second language
    env.globals["language"] = lang
    env.filters["paragraphs"] = lambda text: [p.strip() for p in text.split("\n\n") if p.strip()]
    env.filters["kb"] = lambda n: f"{max(1, round(n / 1024))} KB"
    env.filters["date"] = lambda d: language.date(d, lang)
    env.filters["country"] = lambda code: language.country_name(code, lang)
    env.filters["language_name"] = lambda name: language.language_name(name, lang)
    env.filters["cell"] = lambda n: _(stats.cell(n))  # small counts as "fewer than 5"
    env.filters["t"] = lambda item, field, to=None: language.translated(item, field, to or lang)
    env.globals["result_title"] = lambda x: x.entry.title or (
        language.translated(x.activity, "title", lang) if x.activity else x.entry.activity
    )
    headings = {k: _(v) for k, v in LOCATION_HEADINGS.items()}
    env.globals["location_headings"] = headings
    options = "".join(f'<option value="{k}">{v}</option>' for k, v in headings.items())
    env.globals["location_options"] = lambda: Markup(options)
    return env


def linker(page: Page) -> Callable[[str], str]:
    """Links from ``page``: to a page (a URL ending in "/", or "" for the home page) in the
    page's own language, to a file (evidence, a credential) at the site's root."""
    up = "../" * page.language_depth

    def link(to: str) -> str:
        if not to or to.endswith("/") or "/#" in to:
            return rel(page.url, to)
        return rel(page.url, up + to)

    return link


def render(site: SitePlan, page: Page) -> str:
    """The HTML body of one page, in the page's language."""
    context = VIEWS[page.kind](site, page)
    link = linker(page)
    template = environment(page.language).get_template(f"{page.kind}.html")
    return template.render(
        page=page,
        site=site,
        link=link,
        site_root=link("x")[:-1],  # the site's root, where the data files live
        scheme=site.rules,
        charts=charts,
        lang=page.language,
        **context,
    )
