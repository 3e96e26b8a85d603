"""The MkDocs writer: the plugin that places the site plan's pages and files, and the build.

MkDocs never reads ``portfolios/`` (it would copy student files verbatim). Instead, on every
build this plugin asks the core for the site plan, adds each page as a generated file whose
body the core renders, adds the processed evidence from the cache, and tells ``mkdocs serve``
to rebuild when a portfolio, the rules or the catalogue change. After the default language's
site, each other language's is built under ``<site>/<lang>/`` from the same plan.

This module is long because it is the one that may import MkDocs: every step that touches MkDocs'
objects (the plugin's events, placing reused pages, each language's build) lives here; what
can be said without MkDocs is in ``cim.site`` and ``cim.writers.languages``.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import posixpath
import re
import time
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc

from cim.credentials import keys
from cim.pipeline import check_repository
from cim.site import csp, icons, render, sitemap
from cim.site.compact import compact
from cim.site.config import DEFAULT_SITE_URL, config_file
from cim.site.csp import content_security_policy
from cim.site.directory import search_entries, student_entries
from cim.site.language import DEFAULT, LANGUAGES, others
from cim.site.pages import Page, SiteError, front_matter_of
from cim.site.plan import SitePlan, plan
from cim.site.reuse import (
    STUDENT_KINDS,
    PageCache,
    SearchCache,
    chrome_key,
    input_key,
    page_key,
    site_key,
    student_key,
)
from cim.writers import languages
from cim.writers.compiled import compiled_templates
from cim.writers.folder import place_files

log = logging.getLogger("mkdocs.plugins.cim")
# Stands in for a generated page's body from when MkDocs reads the page until it writes it.
BODY_MARK = "<!-- cim: the body of this page -->"

# The search plugin takes every `data-search-*` attribute out of every page it sees (with
# this expression). A page it does not index gets its body after the plugin has run, with
# the marks taken out here in the same way: the page's bytes are the same, and the plugin's
# expression does not step through thousands of bodies it never reads.
_SEARCH_MARK = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")
_EXCLUDED = ' data-search-exclude="1"'


def without_search_marks(body: str) -> str:
    """``body`` without its ``data-search-*`` attributes, as the search plugin leaves it.
    When every mark is the one the templates write, each is exactly what the expression
    would match, and a string replacement takes them out; any other mark takes the
    expression."""
    marks = body.count("data-search-")
    if not marks:
        return body
    if body.count(_EXCLUDED) == marks:
        return body.replace(_EXCLUDED, "")
    return _SEARCH_MARK.sub("", body)


def _searched(page: MkPage) -> bool:
    """Whether the search plugin reads the page (its front matter does not exclude it)."""
    search = page.meta.get("search") or {}
    return not (isinstance(search, dict) and search.get("exclude"))


def signing_key() -> str | None:
    """The signing key from the environment (see :func:`cim.credentials.keys.from_environment`),
    its failure said as MkDocs says it."""
    try:
        return keys.from_environment()
    except ValueError as exc:
        raise PluginError(str(exc)) from None


class CimConfig(base.Config):
    """The plugin's settings. ``cim build`` sets them directly; in mkdocs.yml each can be taken
    from the environment with MkDocs' own ``!ENV`` tag (as this repository's mkdocs.yml does
    with ``CIM_REPO``, ``CIM_TODAY`` and ``CIM_CACHE``)."""

    repo = c.Optional(c.Type(str))
    """The CIM repository (default: the folder of mkdocs.yml)."""
    today = c.Optional(c.Type((str, dt.date)))  # a YAML date, or text from !ENV
    """Judge dates as of this day, YYYY-MM-DD (default: today)."""
    cache = c.Optional(c.Type(str))
    """Where processed evidence is kept between builds (default: <repo>/.cache/cim)."""
    workers = c.Optional(c.Type(int))
    """Processes for image work (default: one per CPU)."""
    sign_later = c.Type(bool, default=False)
    """An official build without the signing key: `cim sign` adds the signatures after."""
    language = c.Choice(LANGUAGES, default=DEFAULT)
    """The language of this build's pages (each other language is built after the first)."""


class CimPlugin(BasePlugin[CimConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: SitePlan | None = None
        self.root = Path(".")
        self.rendered = 0
        self.serving = False
        self.scripts: tuple[re.Pattern[str], ...] | None = None
        self.pages_started = 0.0
        self.keying = 0.0  # seconds spent finding which pages are unchanged
        self.shared = SharedParts()
        self.reuse: PageCache | None = None
        self.chrome = ""  # the key of what every generated page shares (cim.site.reuse)
        self.nav_pages: set[str] = set()
        # src_uri → (body, or None when it is still to be rendered; key) of pages to keep
        self.bodies: dict[str, tuple[str | None, str]] = {}
        self.linked: dict[str, Path] = {}  # site URI → an unchanged page's finished HTML
        self.students: dict[str, str] = {}  # student → student key (cim.site.reuse)
        self.shared_key = ""  # the site key of this build (cim.site.reuse)
        self.prepared: SitePlan | None = None  # the plan of an earlier language's build
        # Files to place once the whole site is built (cim build), by site URI; None: placed
        # at the end of this build (`mkdocs build`, `mkdocs serve`).
        self.deferred: dict[str, Path | bytes] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` injects its own inline live-reload script into every page.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        configured = self.config.repo
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / configured).resolve() if configured else base_dir
        # The inline scripts the theme (with its overrides) and cim's templates can write:
        # the only ones the pages' Content-Security-Policy allows.
        self.scripts = csp.script_shapes([*config.theme.dirs, *csp.own_template_folders()])
        languages.settings(config, self.config.language)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        given: object = self.config.today
        try:
            today = dt.date.fromisoformat(given) if isinstance(given, str) else None
        except ValueError:
            raise PluginError(f"cim: today: '{given}' is not a date (YYYY-MM-DD)") from None
        if isinstance(given, dt.date):
            today = given
        cache = Path(self.config.cache) if self.config.cache else None
        say = lambda message: log.info("cim: %s", message)  # noqa: E731
        lang = self.config.language
        files = _language_files(files, config, lang)
        if self.prepared is not None:
            return self._place(self.prepared, files, config, cache)
        try:
            say("checking portfolios")
            started = time.perf_counter()
            report = check_repository(
                self.root, today=today, cache=cache or self.root / ".cache" / "cim"
            )
            site = plan(
                report,
                site_url=config.site_url or DEFAULT_SITE_URL,
                separate_search=_search_plugin(config) is not None,
                signing_key=None if self.config.sign_later else signing_key(),
                sign_later=self.config.sign_later,
                today=today,
                cache=cache,
                workers=self.config.workers,
                progress=say,
                checking_time=time.perf_counter() - started,
                meanwhile=True,
            )
        except SiteError as exc:
            raise PluginError(str(exc)) from None
        for note in site.notes:
            log.warning("cim: %s", note)
        return self._place(site, files, config, cache)

    def _place(
        self, site: SitePlan, files: Files, config: MkDocsConfig, cache: Path | None
    ) -> Files:
        """Add the plan's pages in this build's language (in the default language, with the
        site's data files)."""
        lang = self.config.language
        keyed = time.perf_counter()
        self._add_pages(site, files, config, cache)
        self.keying = time.perf_counter() - keyed
        # Processed evidence and cards are linked from the cache into the site after the
        # build (in on_post_build), and the data files (credentials, lists) written there,
        # rather than copied by MkDocs: thousands of files, which no page reads.
        later = site.certificates.later
        for uri in [*site.data, *(later.uris if later else ())] if lang == DEFAULT else ():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"docs/{uri} clashes with a generated file; rename or remove it")
        # The header's icons, once for the whole site (site_theme/.icons/cim/ uses them).
        drawn = icons.sprite([Path(folder) / ".icons" for folder in config.theme.dirs])
        if drawn is not None and files.get_file_from_path(icons.SPRITE) is None:
            files.append(File.generated(config, icons.SPRITE, content=drawn))
        self.site = site
        self.rendered = 0
        # Thousands of reports and pages stay alive for the whole build; without this the
        # cyclic garbage collector would walk all of them again and again (quadratic time).
        # (A later language's build places the same plan: nothing new to collect first.)
        if self.prepared is None:
            gc.collect()
        gc.freeze()
        self.pages_started = time.perf_counter()
        return files

    def _add_pages(
        self, site: SitePlan, files: Files, config: MkDocsConfig, cache: Path | None
    ) -> None:
        """Each page of the plan as a generated file (or, unchanged, its finished HTML)."""
        nav_pages = self.nav_pages = _nav_sources(config.nav)
        self._start_reuse(config, cache or self.root / ".cache" / "cim", site)
        for page in site.pages_in(self.config.language).values():
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"docs/{page.src_uri} clashes with a generated page; rename or remove it"
                )
            if self._reused(page, site, files, config):
                continue
            in_nav = page.src_uri in nav_pages
            meta = page.meta()
            made = File.generated(
                config,
                page.src_uri,
                content=front_matter_of(meta),
                inclusion=InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV,
            )
            if not in_nav:  # MkDocs makes a navigation page itself, with the navigation's title
                PlannedPage(made, config, meta)
            files.append(made)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.shared = SharedParts()
        env.globals["cim_shared"] = self.shared
        if self.reuse is not None:  # the theme's templates, compiled once, not every build
            env.bytecode_cache = compiled_templates(env, self.reuse.folder.parent)
        return env

    def on_page_content(
        self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        site = self.site
        if site is None or page.file.src_uri not in site.pages_in(self.config.language):
            return html
        self.rendered += 1
        total = len(site.pages)
        if total >= 500 and self.rendered % max(1, total // 10) == 0:
            log.info("cim: rendered %d of %d pages", self.rendered, total)
        planned = site.pages_in(self.config.language)[page.file.src_uri]
        if not planned.search:
            # MkDocs reads every page before it writes the first: a mark stands in for the
            # body until just before its page is written (on_page_context), so that the
            # bodies of thousands of pages are never all in memory at once. Pages that the
            # search reads keep their body.
            return BODY_MARK
        return self._body(page.file.src_uri)

    @event_priority(100)  # before the search plugin reads (and tidies) the body
    def _searched_body(self, context: Any, *, page: MkPage, config: MkDocsConfig, nav: Any) -> Any:
        if page.content == BODY_MARK and self.site is not None and _searched(page):
            page.content = self._body(page.file.src_uri)
        return context

    @event_priority(-100)  # after the search plugin: it reads nothing of an excluded page
    def _unsearched_body(
        self, context: Any, *, page: MkPage, config: MkDocsConfig, nav: Any
    ) -> Any:
        if page.content == BODY_MARK and self.site is not None:
            page.content = without_search_marks(self._body(page.file.src_uri))
        return context

    on_page_context = CombinedEvent(_searched_body, _unsearched_body)

    def _body(self, src_uri: str) -> str:
        """A page's body: kept from computing its key, or rendered now."""
        assert self.site is not None
        kept = self.bodies.get(src_uri)
        if kept is not None and kept[0] is not None:
            return kept[0]
        return self.site.render(src_uri, self.config.language)

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str | None:
        if self.site is not None and page.file.src_uri in self.site.pages:
            output = compact(output)  # thousands of pages: the theme's indentation adds up
        output = content_security_policy(
            output,
            serving=self.serving,
            issuer_origin=_origin(config.site_url),
            shapes=self.scripts,
        )
        kept = self.bodies.pop(page.file.src_uri, None)
        if kept is not None and self.reuse is not None:  # taken in once written (_finish)
            self.reuse.keep(kept[1], Path(page.file.abs_dest_path))
        planned = self.site.pages_in(self.config.language) if self.site is not None else {}
        if page.file.src_uri in planned and not planned[page.file.src_uri].search:
            page.content = BODY_MARK  # nothing reads a written page's body again
        return output

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        if template_name.endswith(".html"):
            return content_security_policy(
                output_content,
                serving=self.serving,
                issuer_origin=_origin(config.site_url),
                shapes=self.scripts,
            )
        if template_name == "sitemap.xml" and self.site is not None:  # before it is gzipped
            if self.reuse is not None and self.reuse.reused:
                urls = [page.url for page in self.site.pages_in(self.config.language).values()]
                output_content = sitemap.with_pages(output_content, urls, config.site_url or "")
            return sitemap.without(output_content, self.site.noindex_urls())
        return output_content

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        later = self.site.certificates.later if self.site is not None else None
        if later is not None and self.config.language == DEFAULT:
            later.cancel()
        if self.reuse is not None:  # the page being written may be cut short: none is kept
            self.reuse.abandon()

    @event_priority(50)  # before the search plugin writes its index
    def _finish(self, *, config: MkDocsConfig) -> None:
        if self.reuse is not None:  # every page of this language is written by now
            self.reuse.finish()
        search = _search_plugin(config)
        if self.site is not None and search is not None:
            search.search_index.entries.extend(self._search_entries(self.site))
        placed: dict[str, Path | bytes] = {}
        if self.site is not None and self.config.language == DEFAULT:
            placed.update({**self.site.files, **self.site.data})
        placed.update(self.linked)  # unchanged pages: linked from the page cache
        if self.deferred is None:
            place_files(placed, Path(config.site_dir))
        else:  # cim build settles them with the previous site's folders (carried_folders)
            prefix = "" if self.config.language == DEFAULT else f"{self.config.language}/"
            self.deferred.update((prefix + uri, source) for uri, source in placed.items())
        self._report()

    def _search_entries(self, site: SitePlan) -> list[dict[str, str]]:
        """The students' search entries (cim.site.directory), an unchanged student's taken
        from the cache under the key of their pages."""
        lang = self.config.language
        if self.reuse is None:
            return search_entries(site, lang)
        kept = SearchCache(self.reuse.folder.parent, lang)
        entries = []
        for r in sorted(site.published, key=lambda r: r.id):
            student = self.students.get(r.id)
            key = f"{self.shared_key}\0{student}" if student else ""
            found = kept.get(key) if key else None
            if found is None:
                found = student_entries(site, r, lang)
            if key:
                kept.put(key, found)
            entries.extend(found)
        kept.save()
        return entries

    @event_priority(-100)  # after every other plugin has finished this language's site
    def _other_languages(self, *, config: MkDocsConfig) -> None:
        """Each other language under <site>/<lang>/, placing this build's plan; then the
        page cache keeps what all of them used. MkDocs hands every build of one process the
        same plugin objects, so this one's state is put back afterwards."""
        if self.config.language != DEFAULT:
            return
        site = self.site
        try:
            if config.config_file_path and not self.serving:
                for lang in others(DEFAULT):
                    _build_language(
                        Path(config.config_file_path),
                        Path(config.site_dir),
                        config.strict,
                        lang,
                        self,
                    )
        finally:
            self.config["language"] = DEFAULT
            self.prepared = None
            self.site = site
        if site is not None:
            self._place_later(site, config)
        if self.reuse is not None:
            self.reuse.forget_unused()
        # Only now, with every language built: each later language's build would otherwise
        # begin by walking all the reports and pages again (1.5 s at 10,000 students).
        gc.unfreeze()

    on_post_build = CombinedEvent(_finish, _other_languages)

    def _place_later(self, site: SitePlan, config: MkDocsConfig) -> None:
        """Place the credentials and share cards made while every language's pages were
        written (cim.site.certificates.Later), once they are all made."""
        later = site.certificates.later
        if later is None:
            return
        waited = time.perf_counter()
        data, files, _ = later.collect()
        log.info(
            "cim: %d credential(s) and %d share card(s) for the site, made while the pages were "
            "written; waited %.1f s for them",
            len(data),
            len(files),
            time.perf_counter() - waited,
        )
        placed: dict[str, Path | bytes] = {**files, **data}
        if self.deferred is None:
            place_files(placed, Path(config.site_dir))
        else:
            self.deferred.update(placed)

    def _report(self) -> None:
        site = self.site
        if site is None:
            return
        log.info(
            "cim: %d pages for %d published portfolio(s); evidence: %d encoded, "
            "%d reused from the cache",
            len(site.pages),
            len(site.published),
            site.store.encoded,
            site.store.reused,
        )
        if self.reuse is not None:
            done = (self.reuse.reused, self.reuse.stored)
            log.info("cim: %d unchanged page(s) reused from the cache, %d built", *done)
        timings = {
            **site.timings,
            "page keys": self.keying,
            "pages": time.perf_counter() - self.pages_started,
        }
        log.info("cim: time taken: %s", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))

    def _start_reuse(self, config: MkDocsConfig, cache: Path, site: SitePlan) -> None:
        """Reuse unchanged pages of the last build (never under `mkdocs serve`, whose pages
        carry its live-reload script)."""
        # A later language's build adds to the same cache: it keeps every language's pages.
        shared = self.reuse if self.prepared is not None else None
        if shared is not None:  # each language's log counts its own pages
            shared.reused = shared.stored = 0
        self.bodies = {}
        self.linked = {}
        self.reuse = None
        if self.serving:
            return
        import material
        import mkdocs

        theme = config.theme.custom_dir
        docs = Path(config.docs_dir)
        self.reuse = shared or PageCache(cache)
        # The core's page templates too, compiled once (cim.site.render)
        own = render.environment(self.config.language)
        own.bytecode_cache = compiled_templates(own, cache)
        self.chrome = chrome_key(
            settings=[
                f"mkdocs {mkdocs.__version__}",
                f"mkdocs-material {getattr(material, '__version__', '?')}",
                Path(config.config_file_path or "").read_text(encoding="utf-8")
                if config.config_file_path
                else "",
                config.site_url or "",
                str(config.theme.get("language")),
                repr(config.nav),
                str(config.use_directory_urls),
            ],
            folders=[Path(theme) if theme else docs / "missing-theme", docs],
        )
        if shared is None:  # the first language's build: the same students in every language
            self.students = {}
        self.shared_key = site_key(self.chrome, site, sign_later=self.config.sign_later)

    def _reused(self, page: Page, site: SitePlan, files: Files, config: MkDocsConfig) -> bool:
        """Take ``page`` from the cache when its key is known (then True): its finished HTML
        is linked into the site after the build (:meth:`_finish`), and MkDocs never sees it.
        Only pages outside the navigation and the search index are reused: nothing else of
        the build reads them. A student's pages are keyed by what they are made of, without
        rendering them (cim.site.reuse); any other by its rendered body."""
        if self.reuse is None or page.search or page.src_uri in self.nav_pages:
            return False
        body: str | None = None
        if page.kind in STUDENT_KINDS and page.key in site.by_id:
            student = self.students.get(page.key)
            if student is None:
                student = self.students[page.key] = student_key(site, page.key)
            key = input_key(self.shared_key, student, page)
        else:
            body = site.render(page.src_uri, page.language)
            key = page_key(self.chrome, page, body)
        found = self.reuse.find(key)
        if found is None:
            self.bodies[page.src_uri] = (body, key)
            return False
        self.linked[_dest_uri(page, config)] = found
        return True

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for name in ("portfolios", "rules.yml", "activities.yml"):
            path = self.root / name
            if path.exists():
                server.watch(str(path))
        return server


class PlannedPage(MkPage):
    """A page of the plan outside the navigation, as MkDocs would make it from the plan's
    front matter, without reading that front matter back as YAML or converting its empty
    Markdown (the body comes from the plan: on_page_content). The fields are those MkDocs
    sets for such a page; the test of the golden manifest holds every byte to it. About 8 %
    of a full build's page time at 10,000 students (66.9 → 61.4 s for both languages)."""

    def __init__(self, file: File, config: MkDocsConfig, meta: dict[str, Any]) -> None:
        super().__init__(None, file, config)  # the file's page from now on
        self.planned_meta = meta

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = "", dict(self.planned_meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {}


class SharedParts:
    """Parts of the theme that come out the same on every generated page in one folder
    (site_theme/generated.html): rendered for the first and reused for the others.

    Such a part may depend only on where the page is (its links are relative to the page's
    folder) and on which sidebars the page hides; it must not show the page itself."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, ...], Markup] = {}

    @staticmethod
    def _key(part: str, page: MkPage) -> tuple[str, ...]:
        url = page.url
        hidden = page.meta.get("hide") or ()
        return (part, posixpath.dirname(url.rstrip("/")), str(url.count("/")), *hidden)

    def get(self, part: str, page: MkPage) -> Markup | None:
        return self.parts.get(self._key(part, page))

    def keep(self, part: str, page: MkPage, html: str) -> Markup:
        kept = self.parts[self._key(part, page)] = Markup(html)
        return kept


def _language_files(files: Files, config: MkDocsConfig, lang: str) -> Files:
    """The guides in ``lang``: ``guides/x.sv.md`` is read as ``guides/x.md`` in the Swedish
    build, and no build publishes another language's copy under its own name."""
    replace, leave_out = languages.sources([f.src_uri for f in files], lang)
    for uri in sorted(leave_out | set(replace)):
        found = files.get_file_from_path(uri)
        if found is not None:
            files.remove(found)
    for uri, translation in sorted(replace.items()):
        text = (Path(config.docs_dir) / translation).read_text(encoding="utf-8")
        files.append(File.generated(config, uri, content=text))
    return files


def _dest_uri(page: Page, config: MkDocsConfig) -> str:
    """Where MkDocs would write ``page`` (as :class:`mkdocs.structure.files.File` says)."""
    stem = page.src_uri.removesuffix(".md")
    if not config.use_directory_urls or stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def _origin(site_url: str | None) -> str:
    """The scheme and host of the site's public address ('' without one)."""
    parts = (site_url or "").split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 and parts[0] in ("http:", "https:") else ""


def _search_plugin(config: MkDocsConfig) -> Any:
    """mkdocs-material's search plugin, when it is in use (its index accepts extra entries:
    mkdocs-material is in maintenance mode, so this stays as it is)."""
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search") and hasattr(
            getattr(plugin, "search_index", None), "entries"
        ):
            return plugin
    return None


def _nav_sources(nav: Any) -> set[str]:
    """Every Markdown path named in the ``nav`` setting."""
    found: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav or [])
    return found


def _build_language(found: Path, site_dir: Path, strict: bool, lang: str, first: CimPlugin) -> None:
    """The site in ``lang`` under ``site_dir/<lang>/``, placing the first build's plan."""
    config = load_config(config_file=str(found), site_dir=str(site_dir / lang), strict=strict)
    plugin = config.plugins.get("cim")
    if not isinstance(plugin, CimPlugin):
        raise BuildFailed(f"{found} does not use the `cim` plugin; add it under plugins:")
    plugin.config.update({**first.config, "language": lang})
    plugin.prepared = first.site
    plugin.deferred = first.deferred
    mkdocs_build(config)


class BuildFailed(Exception):
    """The site was not built; the message says why (for people, without a traceback)."""


def build(
    root: Path,
    site_dir: Path,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    epoch: str | None = None,
    sign_later: bool = False,
    deferred: dict[str, Path | bytes] | None = None,
) -> None:
    """Build the site of the repository at ``root`` into ``site_dir`` with MkDocs.

    The plugin's settings are given to it directly (typed), never through the environment.
    ``epoch`` (seconds since 1970, e.g. the commit's time) dates the sitemap, as
    ``SOURCE_DATE_EPOCH`` does for MkDocs itself, unless that is already set. With a
    ``deferred`` dictionary the cached and data files are not placed but put in it, by site
    URI, for :func:`cim.writers.folder.settle` (in :func:`carried_folders`)."""
    found = config_file(root)
    if found is None:
        raise BuildFailed(
            f"{root} has no mkdocs.yml; copy the one from the CIM Portfolio repository"
        )
    # mkdocs-material prints a banner about its maintenance; the README covers it.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    dated = bool(epoch) and "SOURCE_DATE_EPOCH" not in os.environ
    try:
        config = load_config(config_file=str(found), site_dir=str(site_dir), strict=strict)
        plugin = config.plugins.get("cim")
        if not isinstance(plugin, CimPlugin):
            raise BuildFailed(f"{found} does not use the `cim` plugin; add it under plugins:")
        plugin.config["repo"] = str(root)
        plugin.config["sign_later"] = sign_later
        plugin.deferred = deferred
        if today is not None:
            plugin.config["today"] = today
        if dated:
            os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        mkdocs_build(config)
    except (ConfigurationError, PluginError, Abort) as exc:
        raise BuildFailed(str(exc)) from None
    finally:
        if dated:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def carried_folders() -> tuple[str, ...]:
    """The site's folders of generated pages and evidence copies, in every language: the
    ones :func:`cim.writers.folder.settle` takes over from the previous site."""
    pages = ("students", "certificates", "statements")
    return (
        "assets/evidence",
        *(
            f"{'' if lang == DEFAULT else lang + '/'}{folder}"
            for lang in LANGUAGES
            for folder in pages
        ),
    )
