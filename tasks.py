#!/usr/bin/env python3
"""The two quickstart commands, for a fresh machine with only Python ≥ 3.11.

    python3 tasks.py build   # set up .venv, check the portfolios and build the site into site/
    python3 tasks.py test    # set up .venv with the test tools, run lint, types and tests
    python3 tasks.py test --no-lint   # the tests only (pytest's own options may follow)

Each sets up a virtual environment in .venv (once; again whenever pyproject.toml changes) and
then runs the real commands inside it, so nothing is installed outside this folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*cmd: str | Path) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_venv(extra: str) -> None:
    """Create .venv and install the project (with ``extra``) unless it is already current."""
    stamp = VENV / f".installed-{extra or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not (BIN / "python").exists():
        print(f"Creating {VENV.relative_to(ROOT)} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    code = _run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-e",
        target,
    )
    if code:
        sys.exit(code)
    stamp.write_text(digest)


def build(args: list[str]) -> int:
    ensure_venv("")
    return _run(BIN / "cim", "build", *args)


def ensure_browser_tools() -> None:
    """The browser tests' tools from the npm registry (if npm exists): the accessibility
    engine, and Digital Bazaar's credential libraries for the independent verifier."""
    folder = ROOT / "tests" / "browser"
    wanted = ("axe-core", "@digitalbazaar/vc")
    if all((folder / "node_modules" / w).is_dir() for w in wanted) or not shutil.which("npm"):
        return
    _run("npm", "ci", "--no-audit", "--no-fund", "--prefix", folder)


def test(args: list[str]) -> int:
    """Lint, format check, type check, then pytest with ``args``. With ``--no-lint`` only
    pytest runs: the oldest-versions job's libraries (Pillow 10.2, Babel 2.10) carry no
    type information, and lint and types do not depend on the versions installed."""
    ensure_venv("test")
    ensure_browser_tools()
    lint: list[list[str | Path]] = [
        [BIN / "ruff", "check", "."],
        [BIN / "ruff", "format", "--check", "."],
        [BIN / "mypy"],
    ]
    if "--no-lint" in args:
        lint = []
    args = [a for a in args if a != "--no-lint"]
    for step in lint:
        code = _run(*step)
        if code:
            return code
    workers = ["-n", "2"] if "-n" not in args else []
    return _run(BIN / "python", "-m", "pytest", *workers, *args)


COMMANDS = {"build": build, "test": test}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
