"""Incremental builds: a finished page is reused only when nothing it is made of changed.

A generated page's final HTML is a function of two things, and its key is the hash of both:

* the **chrome key**, what every page of the build shares: this package's own files (code,
  page templates, schemas: so its version too), the theme (its overrides folder and the
  versions of MkDocs and mkdocs-material), the site's configuration (mkdocs.yml, the site's
  address, the navigation and the hand-written pages it lists) — whatever a writer passes in;
* the **page itself**: its place, its front matter (title, description, what it hides) and its
  body as the core renders it. The body holds everything the page shows of the data: the
  portfolio and its points, the evidence copies (named by their content's hash), the rules,
  catalogue, awards and revocations as they apply to this student, the day of the build.

Rendering a body costs about a millisecond; what is saved is the theme around it (several
times that, on every page of the site). Nothing else is trusted: not file times, not the
previous site. A page whose key is unknown is built in full, and the cache keeps only the
pages of the latest build, so a student who withdrew consent leaves nothing behind in it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cim.checks.memo import add_folder, package_key
from cim.site.pages import Page

# Bump when what a key covers changes, so that pages cached by older versions are not reused.
KEY_VERSION = "1"


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


class PageCache:
    """Finished pages by key, in ``<cache>/pages/``; keeps what one build used."""

    def __init__(self, cache: Path) -> None:
        self.folder = cache / "pages"
        self.used: set[str] = set()
        self.reused = 0
        self.stored = 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.html"

    def find(self, key: str) -> Path | None:
        """The cached page with this key, if there is one (and it is then kept)."""
        path = self._path(key)
        if not path.is_file():
            return None
        self.used.add(key)
        self.reused += 1
        return path

    def keep(self, key: str, html: str) -> None:
        """Store a finished page; a half-written file is never seen under its name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(html.encode("utf-8"))
            os.chmod(tmp, 0o644)
            os.replace(tmp, self._path(key))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.used.add(key)
        self.stored += 1

    def forget_unused(self) -> None:
        """Delete every cached page this build did not use (old versions, withdrawn students)."""
        if not self.folder.is_dir():
            return
        with os.scandir(self.folder) as entries:
            for entry in entries:  # another build's temporary files (".…") are its own
                if not entry.name.startswith(".") and entry.name[:-5] not in self.used:
                    os.unlink(entry.path)
