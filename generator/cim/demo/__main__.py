"""``python -m cim.demo ROOT [--small]``: draw every evidence file a portfolio refers to and
that is missing (the demo and example portfolios own all of their content)."""

from __future__ import annotations

import sys
from pathlib import Path

from cim.demo.evidence import make_evidence

args = [a for a in sys.argv[1:] if a != "--small"]
for written_path in make_evidence(Path(args[0] if args else "."), small="--small" in sys.argv):
    print(written_path)
