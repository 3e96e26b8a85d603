"""PDF by printing HTML with a headless Chromium (``--print-to-pdf``), pages joined with pikepdf.

Why Chromium rather than WeasyPrint: it is the engine the site is tested in (the browser tests
use the same Debian package), so the PDF shows exactly what a reader's browser prints — CSS
grid, custom properties, WebP images and the print stylesheet included. WeasyPrint also works
where the Pango libraries are installed, but it is a second engine with its own CSS support,
and a machine with only Python often lacks Pango.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf

MISSING = (
    "no PDF was made: it needs the Chromium browser (or Google Chrome), which was not found. "
    "Install it (on Debian or Ubuntu: `sudo apt install chromium`; on macOS or Windows: Google "
    "Chrome) and run the export again, or give its path with --browser; every other file of "
    "the export is written."
)
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
)


def find_browser(given: str | None = None) -> str | None:
    """The browser to print with: ``given``, $CIM_BROWSER, or the first one on the PATH."""
    if given:
        return shutil.which(given)
    for candidate in (os.environ.get("CIM_BROWSER"), *NAMES):
        if not candidate:
            continue
        found = shutil.which(candidate)
        if found:
            return found
    return None


def print_pages(browser: str, pages: list[Path], out: Path) -> None:
    """Print each HTML file to PDF and join them, in order, into ``out``."""
    with tempfile.TemporaryDirectory(prefix="cim-pdf-") as tmp:
        parts = []
        for i, page in enumerate(pages):
            part = Path(tmp) / f"{i}.pdf"
            subprocess.run(
                [
                    browser,
                    *FLAGS,
                    f"--user-data-dir={tmp}/profile",
                    f"--print-to-pdf={part}",
                    page.resolve().as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            parts.append(part)
        with contextlib.ExitStack() as stack, pikepdf.new() as joined:
            for part in parts:
                joined.pages.extend(stack.enter_context(pikepdf.open(part)).pages)
            joined.save(out)
