from __future__ import annotations

from cim.cli import run

run()
