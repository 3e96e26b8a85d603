"""The plain-folder writer: the whole site as static files, without MkDocs.

Each page becomes ``<its URL>/index.html``: a small, complete HTML document around the body
the renderer makes, with the same Content-Security-Policy, description and ``noindex`` as the
MkDocs site, and the site theme's own stylesheet and scripts. It is the proof that the core
needs no site generator — and a way to publish without one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from cim.site import language
from cim.site.csp import content_security_policy
from cim.site.i18n import gettext_for
from cim.site.pages import Page, rel
from cim.site.plan import SitePlan
from cim.writers import languages

THEME_ASSETS = Path(__file__).resolve().parents[3] / "site_theme" / "assets"
BUNDLED_DOCS = Path(__file__).resolve().parents[3] / "docs"


PLACING_THREADS = 8  # making folders and links waits on the file system, not on Python


def place_files(files: Mapping[str, Path | bytes], site_dir: Path) -> None:
    """Put each cached file at its place in the site: a hard link where the file system
    allows it (no copy of thousands of images), else a copy; bytes are written as they are
    (the site's data files: credentials, lists). Several threads share the work,
    each a run of neighbouring places: a new folder costs the file system far more than a
    link, and folders under different parents are made side by side (about 2.5× as fast
    for the 24,000 page folders of 10,000 students)."""
    placed = sorted(
        ((os.path.join(site_dir, uri), source) for uri, source in files.items()),
        key=lambda item: item[0],
    )
    if len(placed) < 1000:
        _place_run(placed)
        return
    size = -(-len(placed) // (PLACING_THREADS * 4))
    runs = [placed[i : i + size] for i in range(0, len(placed), size)]
    with ThreadPoolExecutor(PLACING_THREADS) as pool:
        for _ in pool.map(_place_run, runs):  # any error is raised here
            pass


def _place_run(placed: list[tuple[str, Path | bytes]]) -> None:
    made: set[str] = set()  # folders known to exist: no look-up per file
    for target, source in placed:
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if isinstance(source, bytes):  # a new file, never through a link to the cache
            if os.path.lexists(target):
                os.unlink(target)
            with open(target, "xb") as handle:
                handle.write(source)
            continue
        try:
            os.link(source, target)
        except FileExistsError:
            os.unlink(target)
            _link_or_copy(source, target)
        except OSError:
            shutil.copyfile(source, target)


def settle(
    site_dir: Path,
    placed: Mapping[str, Path | bytes],
    previous: Path | None = None,
    carried: tuple[str, ...] = (),
) -> None:
    """Complete the site at ``site_dir`` with the ``placed`` files. Each folder named in
    ``carried`` (``students``, ``assets/evidence``…) is taken over from the ``previous``
    site, which is about to be replaced, instead of being made anew: moved, then brought to
    exactly what it must hold. Files it should not hold are removed (a withdrawn student's
    pages among them), the files this build wrote there are moved in, a placed file is kept
    only when it is the very file of the cache (the same inode), and data only when its bytes
    are the same.
    Thousands of folders are then not made again for an unchanged page each. A folder this
    build wrote more files of than it places (a full build) is not taken over: moving each
    new file in and deleting each old one would cost more than the folder; the previous
    site's copy goes with the rest of it."""
    rest = dict(placed)
    for folder in carried:
        if previous is None:
            break
        old = os.path.join(previous, folder)
        if os.path.isdir(old) and not os.path.islink(old):
            prefix = folder + "/"
            new = os.path.join(site_dir, folder)
            fresh = set(files_below(new)) if os.path.isdir(new) else set()
            inside = [uri for uri in rest if uri.startswith(prefix)]
            if len(fresh) > len(inside):
                continue
            wanted = {uri[len(prefix) :]: rest.pop(uri) for uri in inside}
            _take_over(old, new, wanted, fresh)
    place_files(rest, site_dir)


def _take_over(old: str, new: str, wanted: dict[str, Path | bytes], fresh: set[str]) -> None:
    """Move the folder ``old`` to ``new``, where this build wrote the ``fresh`` files,
    holding exactly those files and the ``wanted`` ones."""
    carried = new + ".carried"
    os.makedirs(os.path.dirname(carried), exist_ok=True)
    os.rename(old, carried)
    kept: dict[str, int] = {}
    _prune(carried, "", fresh, wanted, kept)
    for name in sorted(fresh):  # what this build wrote: moved over whatever was there
        target = os.path.join(carried, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(os.path.join(new, name), target)
    device = os.stat(carried).st_dev
    stale = {}
    for name, source in wanted.items():
        inode = kept.get(name)
        if inode is not None and isinstance(source, bytes):
            if _holds(os.path.join(carried, name), source):
                continue  # data with the same bytes: not written again
        elif inode is not None:
            known = os.stat(source)
            if (known.st_ino, known.st_dev) == (inode, device):
                continue  # the very file of the cache
        stale[name] = source
    place_files(stale, Path(carried))
    shutil.rmtree(new, ignore_errors=True)  # only its emptied folders are left
    os.rename(carried, new)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    with open(path, "rb") as handle:
        return handle.read(len(data) + 1) == data


def files_below(top: str, prefix: str = "") -> Iterator[str]:
    """Every file below ``top``, by its path inside it (with ``/``); links are not followed."""
    with os.scandir(top) as listing:
        for entry in listing:
            if entry.is_dir(follow_symlinks=False):
                yield from files_below(entry.path, f"{prefix}{entry.name}/")
            else:
                yield prefix + entry.name


def _prune(
    top: str, prefix: str, fresh: set[str], wanted: Mapping[str, Path | bytes], kept: dict[str, int]
) -> int:
    """Remove from ``top`` every file neither wanted nor kept, and every folder left empty;
    note the inode of each file kept, by its name, in ``kept``; how many entries are left."""
    left = 0
    with os.scandir(top) as listing:
        entries = list(listing)
    for entry in entries:
        name = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _prune(entry.path, name + "/", fresh, wanted, kept):
                left += 1
            else:
                os.rmdir(entry.path)
        elif name in fresh or name not in wanted or entry.is_symlink():
            os.unlink(entry.path)
        else:
            kept[name] = entry.inode()
            left += 1
    return left


def _link_or_copy(source: Path, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def guides(root: Path, lang: str = language.DEFAULT) -> list[tuple[Page, str]]:
    """The hand-written pages under ``docs/`` (the guides) in ``lang``, as pages with their
    HTML (Python Markdown, the same extensions as mkdocs.yml); a guide without a translation
    (``guides/x.sv.md``) is shown as written."""
    import markdown

    docs = root / "docs"
    if not docs.is_dir():
        docs = BUNDLED_DOCS
    found = []
    every = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    replace, leave_out = languages.sources(every, lang)
    for uri in every:
        if uri in leave_out:
            continue
        path = docs / replace.get(uri, uri)
        text = path.read_text(encoding="utf-8")
        title = next(
            (line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem
        )
        html = markdown.markdown(
            text, extensions=["admonition", "attr_list", "md_in_html", "tables", "toc"]
        )
        page = Page(uri, title, "guide", language=lang)
        found.append((page, html))
    return found


def document(site: SitePlan, page: Page, body: str | None = None) -> str:
    """One page as a complete HTML document (``body``: its HTML, else the renderer's)."""

    _ = gettext_for(page.language)

    def up(to: str) -> str:
        return rel(page.url, to)

    def root(to: str) -> str:  # a file at the site's root (the theme's assets)
        return rel(page.url, "../" * page.language_depth + to)

    meta = [f'<meta name="description" content="{escape(page.description)}">']
    if page.noindex:
        meta.append('<meta name="robots" content="noindex">')
    for alt in languages.alternates(site.certificates.issuing.site_url, page.language):
        href = escape(alt["root"] + page.url)
        meta.append(f'<link rel="alternate" hreflang="{alt["lang"]}" href="{href}">')
        if alt["lang"] == language.DEFAULT:
            meta.append(f'<link rel="alternate" hreflang="x-default" href="{href}">')
    switch = " · ".join(
        f'<a href="{root(language.prefix(x) + page.url)}" hreflang="{x}" lang="{x}">'
        f"{language.NAMES[x]}</a>"
        for x in language.others(page.language)
    )
    nav = " · ".join(
        f'<a href="{up(to)}">{escape(label)}</a>'
        for to, label in (
            ("", language.translated(site.rules, "name", page.language)),
            ("activities/", _("Activities")),
            ("students/", _("Find a portfolio")),
            ("statistics/", _("Statistics")),
        )
    )
    heading = f"<h1>{escape(page.title)}</h1>\n" if body is None else ""
    content = site.render(page.src_uri, page.language) if body is None else body
    html = (
        "<!doctype html>\n"
        f'<html lang="{page.language}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        f"<title>{escape(page.title)}</title>\n" + "\n".join(meta) + "\n"
        f'<link rel="stylesheet" href="{root("assets/cim.css")}">\n'
        f'<script src="{root("assets/cim.js")}" defer></script>\n'
        "</head>\n<body>\n"
        f'<header><nav>{nav}</nav> <nav class="cim-languages">{switch}</nav></header>\n'
        '<main class="md-content" data-md-component="content">\n'
        f"{heading}{content}\n</main>\n</body>\n</html>\n"
    )
    return content_security_policy(html)


def write(site: SitePlan, site_dir: Path) -> int:
    """Write every page, data file and processed file of ``site`` into ``site_dir``; return the
    number of pages."""
    for lang in language.LANGUAGES:
        for page in site.pages_in(lang).values():
            target = site_dir / page.path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document(site, page), encoding="utf-8")
        for page, body in guides(site.root, lang):
            target = site_dir / page.path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document(site, page, body), encoding="utf-8")
    for uri, data in site.data.items():
        target = site_dir / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    place_files(site.files, site_dir)
    if THEME_ASSETS.is_dir():
        shutil.copytree(THEME_ASSETS, site_dir / "assets", dirs_exist_ok=True)
    return sum(len(site.pages_in(lang)) for lang in language.LANGUAGES)
