"""Incremental builds: a finished page is reused only when nothing it is made of changed.

A page's key is the hash of what it is made of, known BEFORE it is rendered, so that an
unchanged page costs neither its body nor the theme around it:

* the **chrome key**, what every page of the build shares: this package's own files (code,
  page templates, translations, schemas: so its version too), the theme (its overrides folder
  and the versions of MkDocs and mkdocs-material), the site's configuration (mkdocs.yml, the
  site's address, the navigation and the hand-written pages it lists) — whatever a writer
  passes in;
* the **site key**, what every student's pages read of the scheme and the issuer
  (:func:`site_key`): the versions of the libraries that make a body (Jinja, MarkupSafe,
  Babel, segno), the rules, the catalogue and the reviewers' judgements as read, the day
  of the build (dates are judged by it), the site's address and DID, the issuer, the signing
  key's public part and id, whether it is official and whether signatures come later;
* the **student key** (:func:`student_key`): their portfolio as read (their assessment is
  a function of it and of the site key), the published copies of their evidence (named by
  their content's hash), their award with its revocation, and the day of their statement;
* the **page itself**: its place, its language and its front matter (title, description,
  share card, what it hides).

Portfolio, certificate and statement pages (:data:`STUDENT_KINDS`) are keyed that way; the
few other reusable pages (one per exchange semester) list several students, so their key
is :func:`page_key`, the hash of their rendered body. Nothing else is trusted: not file
times, not the previous site. A page whose key is unknown is built in full, and the cache
keeps only the pages of the latest build, so a student who withdrew consent leaves nothing
behind in it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cim.checks.memo import add_folder, package_key
from cim.site.pages import Page

if TYPE_CHECKING:
    from cim.site.plan import SitePlan

# Bump when what a key covers changes, so that pages cached by older versions are not reused.
KEY_VERSION = "2"
# The pages that show one student, keyed by their inputs (the portfolio page, the certificate
# page and the statement page).
STUDENT_KINDS = frozenset({"portfolio", "certificate", "statement"})
BODY_LIBRARIES = ("jinja2", "markupsafe", "babel", "segno")


def _add_folder(digest: Any, folder: Path) -> None:
    if not folder.is_dir():
        digest.update(b"\0missing\0" + str(folder.name).encode())
        return
    add_folder(digest, folder)


def chrome_key(*, settings: Iterable[str], folders: Iterable[Path]) -> str:
    """The key of what every generated page shares: this package, the given ``folders``
    (theme overrides, hand-written pages) and the writer's ``settings`` (configuration text,
    versions, the site's address)."""
    digest = hashlib.sha256(f"cim-page-reuse {KEY_VERSION}".encode())
    digest.update(package_key().encode())
    for folder in folders:
        digest.update(b"\0folder\0")
        _add_folder(digest, folder)
    for setting in settings:
        digest.update(b"\0setting\0" + setting.encode())
    return digest.hexdigest()


def page_key(chrome: str, page: Page, body: str) -> str:
    """The key of one page's final HTML: the shared chrome, its place, front matter and body."""
    digest = hashlib.sha256(chrome.encode())
    for part in (page.src_uri, page.front_matter(), body):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=5)


@functools.cache
def _libraries() -> tuple[str, ...]:
    """The versions of the libraries a page's body is made with (templates, escaping, the
    names of countries and dates, QR codes)."""
    return tuple(f"{name} {metadata.version(name)}" for name in BODY_LIBRARIES)


def site_key(chrome: str, site: SitePlan, *, sign_later: bool) -> str:
    """The key of what every student's pages share besides the chrome: the libraries their
    bodies are made with, the scheme as read (rules, catalogue, judgements), the day, and who
    issues, for which address, with which key."""
    issuing = site.certificates.issuing
    signer = issuing.signer
    shared = (
        _libraries(),
        site.rules,
        site.catalogue,
        site.report.scheme.judgements,
        site.today.isoformat(),
        issuing.site_url,
        issuing.did,
        site.awards.issuer,
        (signer.key_id, signer.public, signer.official, sign_later),
    )
    digest = hashlib.sha256(f"cim-site {KEY_VERSION}\0{chrome}\0".encode())
    digest.update(_pickled(shared))
    return digest.hexdigest()


def student_key(site: SitePlan, student: str) -> str:
    """The key of what one student's pages show of them: their portfolio, their published
    evidence copies, their award (with its revocation) and their statement's day."""
    day = site.statements.days.get(student)
    award = site.award_of(student)
    kept = site.report.kept_keys.get(student)
    if kept is not None:  # the key of everything the report was made from (cim.checks.memo)
        own: tuple[object, ...] = (student, kept, award, day and day.isoformat())
        return hashlib.sha256(b"kept\0" + _pickled(own)).hexdigest()
    report = site.by_id[student]
    portfolio = report.portfolio
    copies = []
    for entry in portfolio.entries if portfolio is not None else ():
        for item in entry.evidence:
            source = site.located.get((student, item.file))
            copies.append((item.file, site.evidence.get(source) if source else None))
    own = (student, portfolio, copies, award, day and day.isoformat())
    return hashlib.sha256(_pickled(own)).hexdigest()


def input_key(shared: str, student: str, page: Page) -> str:
    """The key of a student page's final HTML: the site key, the student key and the page
    itself (every field: its place, language, title, description, share card, template,
    what it hides)."""
    return hashlib.sha256(f"{shared}\0{student}\0{page!r}".encode()).hexdigest()


class PageCache:
    """Finished pages by key, in ``<cache>/pages/``; keeps what one build used."""

    def __init__(self, cache: Path) -> None:
        self.folder = cache / "pages"
        self.used: set[str] = set()
        self.known: set[str] | None = None  # the names in the folder, read once
        self.reused = 0
        self.stored = 0
        self._written: list[tuple[str, Path]] = []  # (key, the site's file) to take in

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.html"

    def find(self, key: str) -> Path | None:
        """The cached page with this key, if there is one (and it is then kept)."""
        if self.known is None:
            try:
                with os.scandir(self.folder) as entries:
                    self.known = {e.name for e in entries if not e.name.startswith(".")}
            except OSError:
                self.known = set()
        path = self._path(key)
        if path.name not in self.known:
            return None
        self.used.add(key)
        self.reused += 1
        return path

    def keep(self, key: str, written: Path) -> None:
        """Keep the finished page that the build writes to ``written`` under ``key``:
        :meth:`finish` takes it in once it is written."""
        self.used.add(key)
        self.stored += 1
        self._written.append((key, written))

    def finish(self) -> None:
        """Take every page kept since the last call into the cache, now that each is
        written. The cache's file is the site's very file (a hard link; a copy where the
        file system has none), so the next build, which takes the site's folders over, finds
        each unchanged page already in its place and writes none of them again; and the
        cache holds byte for byte what the site does. A half-taken page is never seen under
        its name."""
        written, self._written = self._written, []
        if not written:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for key, source in written:
            target = self._path(key)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            try:
                os.link(source, tmp)
            except OSError:
                _write_whole(target, source.read_bytes(), 0o644)
                continue
            os.replace(tmp, target)

    def abandon(self) -> None:
        """Take none of the pages kept since the last :meth:`finish` (a failed build: the
        page being written when it failed may be incomplete)."""
        self._written = []

    def forget_unused(self) -> None:
        """Delete every cached page this build did not use (old versions, withdrawn students)."""
        self.finish()
        if not self.folder.is_dir():
            return
        with os.scandir(self.folder) as entries:
            for entry in entries:  # another build's temporary files (".…") are its own
                if not entry.name.startswith(".") and entry.name[:-5] not in self.used:
                    os.unlink(entry.path)


class SearchCache:
    """Each published student's search entries in one language, by the key of their pages
    (site key and student key), in ``<cache>/search/<lang>.pickle``. Saved with only what
    this build used: a student who withdraws consent leaves nothing of theirs in it."""

    def __init__(self, cache: Path, lang: str) -> None:
        self.path = cache / "search" / f"{lang}.pickle"
        try:
            self.known: dict[str, list[dict[str, str]]] = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            self.known = {}
        self.used: dict[str, list[dict[str, str]]] = {}

    def get(self, key: str) -> list[dict[str, str]] | None:
        return self.known.get(key)

    def put(self, key: str, entries: list[dict[str, str]]) -> None:
        self.used[key] = entries

    def save(self) -> None:
        """Write what this build used, whole or not at all."""
        _write_whole(self.path, pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))


def _write_whole(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``path`` through a temporary file beside it (hidden: another build's cleanup
    passes it by), so that a half-written file is never seen under its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
