"""Debian's Chromium for the browser tests: where it is, how it starts (headless, with the
network features this machine does not have turned off), and skipping locally without it."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def browser_or_skip() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise AssertionError("Chromium is missing; .ci/run installs it")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) for as long as the block runs; yields
    its address. The server and its socket are closed afterwards."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def serve_as(
    context: Any, base: str, site: Path, overrides: dict[str, bytes] | None = None
) -> None:
    """Answer every request under ``base`` (e.g. the School's https address) from the built
    ``site`` (``overrides`` first), as that host would, with GitHub Pages' CORS header."""
    import mimetypes

    extra = overrides or {}

    def handle(route: Any) -> None:
        uri = route.request.url[len(base) :].split("#", 1)[0].split("?", 1)[0]
        name = uri
        if uri in extra:
            body = extra[uri]
        else:
            path = site / uri
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                route.fulfill(status=404, body="not found")
                return
            body, name = path.read_bytes(), path.name
        route.fulfill(
            status=200,
            body=body,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            headers={"Access-Control-Allow-Origin": "*"},
        )

    context.route(base + "**", handle)


def verdict_after(page: Any, press: Callable[[], object] | None = None) -> str:
    """Press Verify (or look a number up: ``press``; None when the page checks by itself) and
    wait for the verdict; returns its outcome (``data-outcome``).

    Every file a check reads is served by this test process's route handlers; in CI they have
    more than once not answered (a verdict never came). verify.js gives up on a server after 15
    seconds and tells the reader to try again, and so does this, once, with a warning naming
    every request the page made, so the hang is seen and can be traced. A verdict that does not
    come at all fails after 40 seconds, with the same record."""
    log: list[str] = []
    started = time.monotonic()

    def note(what: str) -> None:
        log.append(f"{time.monotonic() - started:6.2f} s {what}")

    listeners: dict[str, Callable[[Any], None]] = {
        "request": lambda r: note(f"asked {r.url}"),
        "requestfinished": lambda r: note(f"answered {r.url}"),
        "requestfailed": lambda r: note(f"failed {r.url}: {r.failure}"),
        "console": lambda m: note(f"console {m.type}: {m.text}"),
        "pageerror": lambda e: note(f"script error: {e}"),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        if press is not None:
            press()
        outcome = _outcome(page, log)
        text = page.inner_text("#verify")
        if "did not answer within" not in text or press is None:
            return outcome
        warnings.warn(
            "\n".join(["verdict asked for again: a server did not answer.", text, *log]),
            stacklevel=2,
        )
        press()
        return _outcome(page, log)
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)


def _outcome(page: Any, log: list[str]) -> str:
    from playwright.sync_api import TimeoutError as NoVerdict

    section = page.locator("#verify[data-outcome]")
    try:
        section.wait_for(timeout=40_000)
    except NoVerdict:
        did = "\n".join(log)
        raise AssertionError(f"no verdict within 40 s; what the page did:\n{did}") from None
    return section.get_attribute("data-outcome") or ""
