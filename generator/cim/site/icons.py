"""The theme's icons as one shared file instead of a copy inside every page.

mkdocs-material writes each icon of its header (menu, search, back, close, colour scheme,
back to top) into every page as inline SVG: about 1.5 KB a page, the same on all of them.
The site's theme (``site_theme/.icons/cim/``) names them instead — a ``<use>`` of a symbol in
``assets/icons.svg`` — and this module makes that file from the theme's own icon files, so
the pictures stay exactly those of the installed theme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

SPRITE = "assets/icons.svg"
# The symbol in SPRITE → the theme's icon it shows (site_theme/.icons/cim/<symbol>.svg).
ICONS = {
    "menu": "material/menu",
    "search": "material/magnify",
    "previous": "material/arrow-left",
    "close": "material/close",
    "top": "material/arrow-up",
    "dark": "material/moon-waning-crescent",
    "light": "material/white-balance-sunny",
}
_SVG = re.compile(r"<svg\b(?P<attrs>[^>]*)>(?P<body>.*)</svg>\s*\Z", re.S)
_VIEWBOX = re.compile(r'viewBox="(?P<box>[^"]*)"')


def sprite(icon_folders: list[Path], icons: Mapping[str, str] = ICONS) -> str | None:
    """The SVG file of symbols, one per icon, taken from the first folder that has it (None
    when an icon is nowhere: then the theme is not the one this was made for)."""
    symbols = []
    for symbol, name in icons.items():
        found = next(
            (f / f"{name}.svg" for f in icon_folders if (f / f"{name}.svg").is_file()), None
        )
        if found is None:
            return None
        m = _SVG.match(found.read_text(encoding="utf-8").strip())
        box = _VIEWBOX.search(m.group("attrs")) if m else None
        if m is None or box is None:
            return None
        symbols.append(
            f'<symbol id="{symbol}" viewBox="{box.group("box")}">{m.group("body")}</symbol>'
        )
    return '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>\n"
