"""``cim build``: the public site."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    repository_of,
    signing_key,
    site_url,
)
from cim.model.layout import PORTFOLIOS_DIR


def _commit_time(root: Path) -> str | None:
    """The current commit's time (seconds since 1970) when ``root`` is a git checkout."""
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%ct"],
        capture_output=True,
        text=True,
        check=False,
    )
    value = done.stdout.strip()
    return value if done.returncode == 0 and value.isdigit() else None


class BuildFailed(Exception):
    """The site was not built; the message says why."""


def _write_folder(root: Path, building: Path, _out: Path, args: argparse.Namespace) -> None:
    """The plain-folder writer: the pipeline, the site plan and every page, no MkDocs."""
    import logging

    from cim.pipeline import check_repository
    from cim.site.pages import SiteError
    from cim.site.plan import plan
    from cim.writers import folder

    log = logging.getLogger("cim")
    try:
        site = plan(
            check_repository(root, today=args.today),
            today=args.today,
            site_url=site_url(root),
            signing_key=None if args.sign_later else signing_key(),
            sign_later=args.sign_later,
            progress=log.info,
        )
    except SiteError as exc:
        raise BuildFailed(str(exc)) from None
    for note in site.notes:
        log.warning("%s", note)
    if args.strict and site.notes:
        raise BuildFailed(f"{len(site.notes)} warning(s) in strict mode")
    log.info("%d pages written", folder.write(site, building))


def _write_mkdocs(root: Path, building: Path, out: Path, args: argparse.Namespace) -> None:
    """The MkDocs writer: the full themed site. Its cached and data files are placed last,
    taking over the folders of student pages and evidence copies from the previous site
    (``out``, about to be replaced) rather than making thousands of folders again."""
    from cim.writers import folder, mkdocs

    deferred: dict[str, Path | bytes] = {}
    try:
        mkdocs.build(
            root,
            building,
            strict=args.strict,
            today=args.today,
            epoch=_commit_time(root),
            sign_later=args.sign_later,
            deferred=deferred,
        )
    except mkdocs.BuildFailed as exc:
        raise BuildFailed(str(exc)) from None
    previous = out if out.is_dir() and not out.is_symlink() else None
    folder.settle(building, deferred, previous, mkdocs.carried_folders())


def cmd_build(args: argparse.Namespace) -> int:
    import logging

    root = repository_of(args)
    if args.sign_later and signing_key():
        raise UsageError(
            "--sign-later builds without the signing key: remove CIM_SIGNING_KEY from this "
            "step and give it only to `cim sign`"
        )
    if args.official and not args.sign_later and not signing_key():
        raise UsageError(
            "--official needs the signing key in CIM_SIGNING_KEY or "
            "CIM_SIGNING_KEY_FILE; nothing was built"
        )
    out = Path(args.out).resolve() if args.out else root / "site"
    if out == root or out in root.parents or (out / PORTFOLIOS_DIR) == root / PORTFOLIOS_DIR:
        raise UsageError(f"--out {out} would overwrite the repository; choose another folder")
    if (root / PORTFOLIOS_DIR) in (out, *out.parents):
        raise UsageError("--out must not be inside portfolios/")
    logging.basicConfig(
        level=logging.INFO if not args.quiet else logging.WARNING,
        format="%(levelname)-7s -  %(message)s",
    )
    # Build next to the target and swap it in only when complete: a failed build leaves the
    # previous site as it was.
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.parent / f".{out.name}.building-{os.getpid()}"
    try:
        (_write_folder if args.writer == "folder" else _write_mkdocs)(root, building, out, args)
    except BuildFailed as exc:
        print(f"cim: the site was not built: {exc}", file=sys.stderr)
        shutil.rmtree(building, ignore_errors=True)
        return EXIT_INVALID
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap_in(building, out)
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out
    print(
        f"\nThe site is in {shown}/. To browse it:\n"
        f"    python3 -m http.server --directory {shown} 8000\n"
        "and open http://localhost:8000/ (or run `mkdocs serve` for a live preview)."
    )
    return EXIT_OK


def _swap_in(built: Path, out: Path) -> None:
    """Replace the site at ``out`` with the finished build in one rename, then delete what
    is left of the previous site (and any an interrupted deletion left) in the background:
    nothing waits for it. (Its folders of student pages and evidence copies were taken over
    by the build just before: cim.writers.folder.settle.)"""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    built.rename(out)
    _discard(sorted(out.parent.glob(f".{out.name}.old-*")))


def _discard(folders: list[Path]) -> None:
    """Delete ``folders`` in a process of its own that outlives this one (started by a
    short-lived one, so that nothing is left for this one to wait for); where none can be
    started, here and now."""
    if not folders:
        return
    import subprocess

    code = (
        "import os, shutil, sys\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    for f in sys.argv[1:]: shutil.rmtree(f, ignore_errors=True)\n"
    )
    try:
        subprocess.run(
            [sys.executable, "-c", code, *map(str, folders)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim build` to the command line."""
    p = sub.add_parser(
        "build",
        parents=[common],
        help="build the public site",
        description="Build the public site (the same as `mkdocs build` in the repository) into "
        "--out. Only valid portfolios of students who consented are published; evidence is "
        "stripped of metadata and cached.",
    )
    p.add_argument("--out", metavar="DIR", help="where to write the site (default: REPO/site)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--quiet", action="store_true", help="print warnings and errors only")
    p.add_argument(
        "--official",
        action="store_true",
        help="refuse to build without the signing key (for the deployment)",
    )
    p.add_argument(
        "--sign-later",
        action="store_true",
        help="an official build without the signing key: `cim sign` adds the signatures",
    )
    p.add_argument(
        "--writer",
        choices=["mkdocs", "folder"],
        default="mkdocs",
        help="mkdocs: the full themed site (default); folder: plain HTML pages and files, "
        "written without MkDocs",
    )
    p.set_defaults(func=cmd_build)
