"""The ``cim`` command: a thin adapter from the command line to the core.

One module per command (``validate``, ``build``, ``verify`` …): each adds its own arguments with
``register`` and turns them into a call to the core, then prints. Nothing here decides anything
a test of the core could not see. Exit codes: 0 everything valid, 1 something invalid (or not
found), 2 usage or internal error.

May import anything in ``cim``; nothing in ``cim`` imports this package.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from cim import __version__
from cim.cli.common import EXIT_USAGE, UsageError, date_argument

# Each command and the module that adds it, in the order `cim --help` lists them: a student's
# commands first, then the administrators'. Only the module of the command given is imported
# (a command starts without loading the others' libraries); `cim --help` loads them all.
COMMANDS = {
    "validate": "validate",
    "points": "validate",
    "new": "new",
    "build": "build",
    "sign": "sign",
    "size": "size",
    "verify": "verify",
    "statement": "statement",
    "status": "status",
    "export": "export",
    "award": "award",
    "revoke": "revoke",
    "diff": "diff",
    "ownership": "ownership",
    "intake": "intake",
    "forms": "forms",
    "privacy": "privacy",
    "erase": "erase",
    "demo": "demo",
    "keys": "keys",
    "activities": "activities",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line: the options every command shares, then each command's own — only
    ``command``'s when it is a known one, else all of them."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--repo",
        default=".",
        metavar="PATH",
        help="the CIM repository (default: the current folder)",
    )
    common.add_argument(
        "--today",
        type=date_argument,
        default=None,
        metavar="YYYY-MM-DD",
        help="judge dates as of this day (default: today)",
    )
    parser = argparse.ArgumentParser(
        prog="cim",
        description="Check and score Certificate of Intercultural Merits portfolios.",
        epilog="Run `cim COMMAND --help` for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"cim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for name in dict.fromkeys(wanted):
        importlib.import_module(f"cim.cli.{name}").register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``cim`` command line and return its exit code (never raises)."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(next((w for w in words if not w.startswith("-")), None))
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"cim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`cim activities | head`): stop quietly
        _silence_stdout()
        return EXIT_USAGE
    except Exception:
        traceback.print_exc()
        print("cim: internal error (the traceback above is for the maintainers)", file=sys.stderr)
        return EXIT_USAGE


def _silence_stdout() -> None:
    """Send what is left for standard output nowhere, so the exit does not fail on it."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run() -> None:
    """The `cim` command: :func:`main`, with a reader that went away (``cim … | head``) taken
    calmly, and a closed one (``cim … >&-``) too: Python then has no ``sys.stdout`` at all."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (until exit)
    if sys.stdout is None:
        print("cim: standard output is closed; the result is not shown", file=sys.stderr)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (until exit)
    code = main()
    if "logging" in sys.modules:  # every handler flushed and closed, as at a normal exit
        sys.modules["logging"].shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = code or EXIT_USAGE
    # Everything is written and every temporary folder removed (each is a `with` block): the
    # process ends here rather than freeing the build's millions of objects one by one, which
    # took 4.8 s after a rebuild at 10,000 students (cim.speed).
    os._exit(code)
