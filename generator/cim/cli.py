"""The ``cim`` command: a thin adapter from the command line to the core.

Exit codes: 0 everything valid, 1 something invalid (or not found), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import traceback
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from cim import __version__
from cim.catalogue import OWN_CHOICE
from cim.reporters import REPORTERS, render_points
from cim.repository import (
    PORTFOLIO_FILE,
    PORTFOLIOS_DIR,
    check_repository,
    load_scheme,
    no_cyclic_gc,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called; printed without a traceback."""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def _repo(args: argparse.Namespace) -> Path:
    root = Path(args.repo).resolve()
    if not root.is_dir():
        raise UsageError(f"--repo {args.repo}: no such folder")
    return root


def _portfolio_ids(root: Path, paths: Sequence[str]) -> set[str] | None:
    """Map paths given on the command line (folders, portfolio.yml or evidence files) to ids."""
    if not paths:
        return None
    base = (root / PORTFOLIOS_DIR).resolve()
    ids: set[str] = set()
    for raw in paths:
        path = Path(raw)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            relative = path.relative_to(base)
        except ValueError:
            if path == root or path.parent == root:
                return None  # a top-level file (rules, catalogue): check everything
            raise UsageError(f"{raw}: not inside {base}") from None
        if relative.parts:
            ids.add(relative.parts[0])
        else:
            return None
    return ids


def cmd_validate(args: argparse.Namespace) -> int:
    # The reports of a whole repository hold no reference cycles; a cyclic collection would
    # only walk them again and again while the summary is written.
    with no_cyclic_gc():
        root = _repo(args)
        only = _portfolio_ids(root, args.paths)
        report = check_repository(root, today=args.today, only=only, deep=args.deep)
        if only is not None:
            missing = only - {r.id for r in report.portfolios}
            if missing:
                raise UsageError(f"no portfolio folder for: {', '.join(sorted(missing))}")
        sys.stdout.write(REPORTERS[args.format](report))
        return EXIT_OK if report.ok else EXIT_INVALID


def cmd_points(args: argparse.Namespace) -> int:
    root = _repo(args)
    report = check_repository(root, today=args.today, only=[args.id])
    if not report.portfolios:
        print(f"cim: no portfolio '{args.id}' in {root / PORTFOLIOS_DIR}", file=sys.stderr)
        return EXIT_INVALID
    for problem in report.problems:
        print(problem, file=sys.stderr)
    sys.stdout.write(render_points(report.portfolios[0], report.scheme.rules))
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_new(args: argparse.Namespace) -> int:
    import re

    root = _repo(args)
    if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", args.id):
        raise UsageError(
            f"'{args.id}' is not a valid id: use lowercase letters, digits and "
            "hyphens, e.g. anna-lind"
        )
    folder = root / PORTFOLIOS_DIR / args.id
    if folder.exists():
        raise UsageError(f"{folder} already exists; edit its {PORTFOLIO_FILE} instead")
    template = resources.files("cim").joinpath("templates/portfolio.yml").read_text("utf-8")
    start = args.start or dt.date.today()
    text = (
        template.replace("{id}", args.id)
        .replace("{name}", args.name or "Your Name")
        .replace("{programme}", args.programme or "nursing")
        .replace("{start}", start.isoformat())
        .replace("{end}", (start + dt.timedelta(days=3 * 365)).isoformat())
    )
    (folder / "evidence").mkdir(parents=True)
    (folder / PORTFOLIO_FILE).write_text(text, encoding="utf-8")
    (folder / "evidence" / ".gitkeep").write_text("", encoding="utf-8")
    rel = folder.relative_to(root).as_posix()
    print(f"Created {rel}/{PORTFOLIO_FILE} and {rel}/evidence/.")
    print(f"Edit it, then check it with: cim validate {rel}")
    return EXIT_OK


def cmd_activities(args: argparse.Namespace) -> int:
    root = _repo(args)
    scheme = load_scheme(root)
    for problem in scheme.problems:
        print(problem, file=sys.stderr)
    if scheme.catalogue is None:
        return EXIT_INVALID
    activities = [
        a for a in scheme.catalogue.activities if not args.location or args.location in a.locations
    ]
    if args.format == "json":
        data = [
            {
                "id": a.id,
                "title": a.title,
                "category": a.category,
                "aims": list(a.aims),
                "location": list(a.locations),
                "points": a.describe_points(),
            }
            for a in activities
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(a.id) for a in activities) if activities else 0
    for a in activities:
        where = "/".join(a.locations)
        print(f"{a.id:<{width}}  {a.title}")
        print(f"{'':<{width}}  {where} · {a.describe_points()}")
    if any(a.id == OWN_CHOICE for a in activities):
        print(
            f"\nUse '{OWN_CHOICE}' for an activity you design yourself "
            "(with title, category, aims and claim)."
        )
    return EXIT_OK if not scheme.problems else EXIT_INVALID


def _mkdocs_config_file(root: Path) -> Path:
    """The repository's mkdocs.yml, or this installation's own for a repository without one."""
    own = root / "mkdocs.yml"
    if own.is_file():
        return own
    bundled = Path(__file__).resolve().parents[2] / "mkdocs.yml"
    if bundled.is_file():
        return bundled
    raise UsageError(f"{root} has no mkdocs.yml; copy the one from the CIM Portfolio repository")


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


def cmd_build(args: argparse.Namespace) -> int:
    import logging
    import os

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from cim.mkdocs_plugin import ENV_REPO, ENV_TODAY

    root = _repo(args)
    if args.official:
        from cim.mkdocs_plugin import signing_key_from_environment

        if not signing_key_from_environment():
            raise UsageError(
                "--official needs the signing key in CIM_SIGNING_KEY or "
                "CIM_SIGNING_KEY_FILE; nothing was built"
            )
    config_file = _mkdocs_config_file(root)
    out = Path(args.out).resolve() if args.out else root / "site"
    if out == root or out in root.parents or (out / PORTFOLIOS_DIR) == root / PORTFOLIOS_DIR:
        raise UsageError(f"--out {out} would overwrite the repository; choose another folder")
    if (root / PORTFOLIOS_DIR) in (out, *out.parents):
        raise UsageError("--out must not be inside portfolios/")
    logging.basicConfig(
        level=logging.INFO if not args.quiet else logging.WARNING,
        format="%(levelname)-7s -  %(message)s",
    )
    os.environ[ENV_REPO] = str(root)
    # mkdocs-material prints a banner about its maintenance; the README covers it.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if args.today:
        os.environ[ENV_TODAY] = args.today.isoformat()
    epoch = _commit_time(root)
    if epoch and "SOURCE_DATE_EPOCH" not in os.environ:
        os.environ["SOURCE_DATE_EPOCH"] = epoch  # the sitemap's dates come from the commit
    # Build next to the target and swap it in only when complete: a failed build leaves the
    # previous site as it was.
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.parent / f".{out.name}.building-{os.getpid()}"
    try:
        config = load_config(
            config_file=str(config_file), site_dir=str(building), strict=args.strict
        )
        build(config)
    except (ConfigurationError, PluginError, Abort) as exc:
        print(f"cim: the site was not built: {exc}", file=sys.stderr)
        shutil.rmtree(building, ignore_errors=True)
        return EXIT_INVALID
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        os.environ.pop(ENV_REPO, None)
        os.environ.pop(ENV_TODAY, None)
        if epoch and os.environ.get("SOURCE_DATE_EPOCH") == epoch:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    building.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out
    print(
        f"\nThe site is in {shown}/. To browse it:\n"
        f"    python3 -m http.server --directory {shown} 8000\n"
        "and open http://localhost:8000/ (or run `mkdocs serve` for a live preview)."
    )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from cim import verify
    from cim.keys import did_web_url

    site_dir = Path(args.site).resolve() if args.site else None
    site_url = args.site_url
    fetch = verify.fetcher(site_dir, site_url)
    try:
        document = verify.load(args.target, fetch)
    except verify.FetchError as exc:
        raise UsageError(str(exc)) from None
    if site_dir is not None and site_url is None and isinstance(document, dict):
        issuer = document.get("issuer")
        did = issuer if isinstance(issuer, str) else (issuer or {}).get("id", "")
        if str(did).startswith("did:web:"):
            url = did_web_url(str(did))
            site_url = (
                url.rsplit("/.well-known/", 1)[0] + "/"
                if "/.well-known/" in url
                else (url.removesuffix("did.json"))
            )
            fetch = verify.fetcher(site_dir, site_url)
    now = dt.datetime.combine(args.today, dt.time(23, 59, 59), dt.UTC) if args.today else None
    verdict = verify.verify_credential(document, fetch, now)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "valid": verdict.valid,
                    "checks": [
                        {"check": c.name, "ok": c.ok, "message": c.message} for c in verdict.checks
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for check in verdict.checks:
            print(f"{'✓' if check.ok else '✗'} {check.message}")
        print("VALID" if verdict.valid else "NOT VALID")
    return EXIT_OK if verdict.valid else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    from cim import exports

    root = _repo(args)
    report = check_repository(root, today=args.today)
    for problem in report.problems:
        if problem.severity == "error":
            print(problem, file=sys.stderr)
    if args.what == "credentials":
        return _export_credentials(args, root)
    if args.what == "ladok":
        rows, warnings = exports.ladok(report)
        for warning in warnings:
            print(f"cim: warning: {warning}", file=sys.stderr)
        columns: tuple[str, ...] = exports.LADOK_COLUMNS
        fmt = args.format or "csv"
    elif args.what == "ceremony":
        if not args.date:
            raise UsageError("export ceremony needs --date YYYY-MM-DD")
        rows, columns, fmt = (
            exports.ceremony(report, args.date),
            exports.CEREMONY_COLUMNS,
            (args.format or "text"),
        )
    else:
        if not args.semester:
            raise UsageError("export exchange needs --semester, e.g. 2026-autumn")
        rows, columns, fmt = (
            exports.exchange(report, args.semester),
            exports.EXCHANGE_COLUMNS,
            (args.format or "text"),
        )
    text = exports.to_csv(rows, columns) if fmt == "csv" else exports.to_text(rows, columns)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(rows)} row(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _export_credentials(args: argparse.Namespace, root: Path) -> int:
    """Every award's signed credential, including those of students who did not consent to
    publication (for delivery to them directly)."""
    from cim.mkdocs_plugin import signing_key_from_environment
    from cim.website import SiteError, plan

    if not args.out:
        raise UsageError("export credentials needs --out DIR")
    out = Path(args.out)
    if (root / PORTFOLIOS_DIR).resolve() in (out.resolve(), *out.resolve().parents):
        raise UsageError("--out must not be inside portfolios/")
    try:
        site = plan(
            root,
            today=args.today,
            site_url=_site_url(root),
            signing_key=signing_key_from_environment(),
        )
    except SiteError as exc:
        print(f"cim: {exc}", file=sys.stderr)
        return EXIT_INVALID
    out.mkdir(parents=True, exist_ok=True)
    written = dict(site.private_credentials)
    awards = site.awards.awards if site.awards else []
    for uri, data in site.data.items():
        if uri.endswith("/credential.json"):
            student = uri.split("/")[1]
            number = next(a.number for a in awards if a.student == student)
            written[f"{number}.json"] = data
    for name, data in sorted(written.items()):
        (out / name).write_bytes(data)
    print(f"{len(written)} credential(s) written to {out}")
    return EXIT_OK


def _site_url(root: Path) -> str:
    from mkdocs.config import load_config

    config = load_config(config_file=str(_mkdocs_config_file(root)))
    return str(config.site_url or "https://cim.example.org/")


def cmd_keys(args: argparse.Namespace) -> int:
    from cim.keys import new_key, private_multibase, public_multibase

    key = new_key()
    print("A new Ed25519 key pair for signing CIM certificates.\n")
    print("1. Add the public key to issuer.yml under `keys:` (mark the old key retired):\n")
    print(f"  - id: key-{dt.date.today().year}")
    print(f"    public: {public_multibase(key.public_key())}")
    print("    status: active")
    print(f"    since: {dt.date.today().isoformat()}\n")
    print("2. Store the private key as the protected secret CIM_SIGNING_KEY. Never commit it:\n")
    print(f"  {private_multibase(key)}")
    return EXIT_OK


def cmd_award(args: argparse.Namespace) -> int:
    import re

    from cim.awards import AWARDS_FILE, NUMBER

    root = _repo(args)
    path = root / AWARDS_FILE
    report = check_repository(root, today=args.today, only=[args.student])
    if not report.portfolios:
        raise UsageError(f"no portfolio '{args.student}'")
    a = report.portfolios[0].assessment
    if a is None or not a.met:
        print(
            f"cim: {args.student} does not meet the requirements"
            + (f": {'; '.join(a.unmet)}" if a else ""),
            file=sys.stderr,
        )
        return EXIT_INVALID
    awards = report.awards
    if awards is None or args.ceremony not in awards.ceremonies:
        raise UsageError(
            f"unknown ceremony '{args.ceremony}'; add it under `ceremonies:` in {AWARDS_FILE}"
        )
    current = awards.of(args.student)
    if current and not current.revoked:
        raise UsageError(f"{args.student} already has the certificate {current.number}")
    ceremony = awards.ceremonies[args.ceremony]
    day = args.date or ceremony.date
    text = path.read_text(encoding="utf-8")
    used = [
        int(m.group(2))
        for m in (NUMBER.match(n) for n in re.findall(r"number:\s*([A-Z]+-\d{4}-\d{4})", text))
        if m and int(m.group(1)) == day.year
    ]
    number = f"{args.prefix}-{day.year}-{max(used, default=0) + 1:04d}"
    entry = f"  - number: {number}\n    student: {args.student}\n    ceremony: {args.ceremony}\n"
    if args.date:
        entry += f"    date: {args.date.isoformat()}\n"
    marker = "\nrevocations:"
    if "\nawards: []" in text:
        text = text.replace("\nawards: []", "\nawards:\n" + entry.rstrip("\n"), 1)
    elif marker in text:
        head, tail = text.split(marker, 1)
        text = head.rstrip("\n") + "\n" + entry + "\n" + marker.lstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n" + entry
    path.write_text(text, encoding="utf-8")
    print(f"Awarded {number} to {args.student} ({ceremony.title}, {day.isoformat()}).")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from cim import gitrepo, prdiff

    root = _repo(args)
    try:
        result = prdiff.diff(root, args.base, args.head, today=args.today)
    except gitrepo.GitError as exc:
        raise UsageError(str(exc)) from None
    render = {
        "text": prdiff.render_text,
        "markdown": prdiff.render_markdown,
        "json": prdiff.render_json,
    }[args.format]
    sys.stdout.write(render(result))
    return EXIT_OK


def _json_pages(path: str) -> list[Any]:
    """Read one JSON value, or several concatenated pages of arrays (as paginated API output
    is), into one list."""
    text = Path(path).read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    items: list[Any] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        value, i = decoder.raw_decode(text, i)
        items.extend(value if isinstance(value, list) else [value])
    return items


def cmd_ownership(args: argparse.Namespace) -> int:
    from cim import gitrepo, ownership, source

    root = _repo(args)
    try:
        pr = json.loads(Path(args.pr).read_text(encoding="utf-8"))
        files = _json_pages(args.files)
        author_id = int(pr["user"]["id"])
        expected = int(pr["changed_files"])
        head = args.head or str(pr["head"]["sha"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read the pull request data: {exc}") from None
    admins: set[int] = set()
    admins_file = root / args.admins
    if admins_file.is_file():
        doc = source.read(str(admins_file), args.admins)
        ids = doc.data.get("user_ids") if isinstance(doc.data, dict) else None
        if doc.problems or not isinstance(ids, list):
            raise UsageError(f"{args.admins}: expected a list 'user_ids:' of numeric user ids")
        admins = {x for x in ids if isinstance(x, int) and not isinstance(x, bool)}
    try:
        base_owners = gitrepo.portfolio_owners(root, args.base)
        paths = [f["filename"] for f in files if f.get("status") != "removed"]
        head_modes = gitrepo.modes(root, head, paths)
    except gitrepo.GitError as exc:
        raise UsageError(str(exc)) from None
    changes = [
        ownership.Change(
            f["filename"],
            f.get("status", "modified"),
            f.get("previous_filename"),
            head_modes.get(f["filename"]),
        )
        for f in files
    ]
    new_ids = {
        pid
        for c in changes
        for p in (c.path, c.previous)
        if p
        for pid in [ownership.portfolio_of(p)]
        if pid and pid not in base_owners
    }
    new_owners = {
        pid: gitrepo.owner_in(gitrepo.blob(root, head, f"portfolios/{pid}/portfolio.yml"))
        for pid in new_ids
    }
    decision = ownership.decide(
        changes,
        author_id=author_id,
        expected_count=expected,
        base_owners=base_owners,
        new_owners=new_owners,
        admins=admins,
    )
    print(decision.summary())
    if not decision.allowed:
        for reason in decision.reasons:
            print(f"::error title=Ownership::{reason}")
    return EXIT_OK if decision.allowed else EXIT_INVALID


def cmd_demo(args: argparse.Namespace) -> int:
    from cim.demorepo import generate

    root = _repo(args)
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty; choose a new folder")
    awards = generate(
        root,
        out,
        args.students,
        args.seed,
        today=args.today,
        progress=lambda message: print(message, file=sys.stderr),
    )
    print(f"{args.students} portfolios and {awards} awards written to {out}.")
    print(f"Check them with: cim validate --repo {out}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--repo",
        default=".",
        metavar="PATH",
        help="the CIM repository (default: the current folder)",
    )
    common.add_argument(
        "--today",
        type=_date,
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

    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check portfolios, catalogue and rules",
        description="Check every portfolio (or the ones given) against the schema, "
        "the catalogue and the rules, and score it. Exit 0 when all is valid, "
        "1 when anything is invalid, 2 on a usage or internal error.",
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="portfolio folders or files (default: all)"
    )
    p.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        default="text",
        help="text for people (default), json for programs, github for annotations",
    )
    p.add_argument(
        "--deep", action="store_true", help="also decode every image and scan every PDF (slower)"
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "points",
        parents=[common],
        help="explain one student's points",
        description="Show how every entry of one portfolio is scored and what is still missing.",
    )
    p.add_argument("id", help="the portfolio id (its folder name)")
    p.set_defaults(func=cmd_points)

    p = sub.add_parser(
        "new",
        parents=[common],
        help="create a portfolio from the template",
        description="Create portfolios/ID/portfolio.yml and an evidence folder.",
    )
    p.add_argument("id", help="the new portfolio id, e.g. anna-lind")
    p.add_argument("--name", help="your full name")
    p.add_argument("--programme", help="your programme id (see rules.yml)")
    p.add_argument("--start", type=_date, help="first day of your studies (YYYY-MM-DD)")
    p.set_defaults(func=cmd_new)

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
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "verify",
        parents=[common],
        help="verify a certificate credential",
        description="Check a certificate's credential: format, issuer, key, signature, validity "
        "and revocation. Exit 0 when valid, 1 when not (and why), 2 when it cannot be read.",
    )
    p.add_argument("target", metavar="FILE_OR_URL", help="a credential.json file or its URL")
    p.add_argument(
        "--site",
        metavar="DIR",
        help="read the issuer's files from this local copy of the site instead of the web",
    )
    p.add_argument(
        "--site-url",
        metavar="URL",
        help="the site's public URL (default: from the issuer's did:web)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="lists for Ladok, ceremonies and the exchange celebration",
        description="ladok: CSV to register awards in Ladok (username, name, programme, award "
        "date, certificate number — never an identity number). ceremony: whom to call up on "
        "--date. exchange: one semester's exchange students (--semester 2026-autumn). "
        "credentials: every award's signed credential into --out.",
    )
    p.add_argument("what", choices=["ladok", "ceremony", "exchange", "credentials"])
    p.add_argument("--date", type=_date, help="the ceremony date (for `ceremony`)")
    p.add_argument("--semester", help="e.g. 2026-autumn (for `exchange`)")
    p.add_argument("--format", choices=["text", "csv"], help="default: csv for ladok, else text")
    p.add_argument("--out", metavar="PATH", help="write to this file (or folder) instead")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "award",
        parents=[common],
        help="record an award in awards.yml",
        description="Give a student who meets the requirements the next free certificate "
        "number at a ceremony listed in awards.yml.",
    )
    p.add_argument("student", help="the portfolio id")
    p.add_argument("--ceremony", required=True, help="a ceremony id from awards.yml")
    p.add_argument("--date", type=_date, help="award date (default: the ceremony's date)")
    p.add_argument("--prefix", default="CIM", help="certificate number prefix (default: CIM)")
    p.set_defaults(func=cmd_award)

    p = sub.add_parser(
        "diff",
        parents=[common],
        help="what merging would change",
        description="Compare the CIM data of two git revisions: each changed portfolio's "
        "points before and after, its entries added, changed or removed, and own-choice "
        "activities that need the reviewer's judgement.",
    )
    p.add_argument("base", help="the base revision (e.g. origin/main)")
    p.add_argument("head", help="the revision to compare (e.g. HEAD)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "ownership",
        parents=[common],
        help="may this pull request's author make these changes?",
        description="Decide from the pull request (GitHub API JSON) whether its author changes "
        "only their own portfolio. Owners are read from the base revision; the file list must "
        "be complete. Exit 0 allowed, 1 not allowed.",
    )
    p.add_argument("--pr", required=True, metavar="FILE", help="the pull request as JSON")
    p.add_argument(
        "--files",
        required=True,
        metavar="FILE",
        help="its changed files as JSON (paginated pages may be concatenated)",
    )
    p.add_argument("--base", default="HEAD", help="the base revision (default: HEAD)")
    p.add_argument("--head", help="the PR head commit (default: from --pr)")
    p.add_argument(
        "--admins",
        default=".github/cim-admins.yml",
        help="the administrators' user ids (YAML `user_ids:`), read from the base",
    )
    p.set_defaults(func=cmd_ownership)

    p = sub.add_parser(
        "demo",
        parents=[common],
        help="generate a realistic repository of any size",
        description="Write a demo repository with the catalogue and rules of --repo and N "
        "generated students (3–25 activities each, reflections, evidence images, exchange "
        "students, students without consent, awards). The same seed gives the same result.",
    )
    p.add_argument("--students", type=int, required=True, metavar="N")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "keys",
        help="create a signing key pair",
        description="Print a new Ed25519 key pair: the public key for issuer.yml and the "
        "private key for the protected CIM_SIGNING_KEY secret.",
    )
    p.add_argument("action", choices=["new"])
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser(
        "activities",
        parents=[common],
        help="list the activity catalogue",
        description="List the activities in activities.yml with their points.",
    )
    p.add_argument(
        "--location",
        choices=["home", "abroad", "online"],
        help="only activities that can take place there",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_activities)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"cim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_USAGE
    except Exception:
        traceback.print_exc()
        print("cim: internal error (the traceback above is for the maintainers)", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    """The `cim` command: :func:`main`, then leave at once.

    By then everything has been written; letting the interpreter free the reports of
    thousands of portfolios one object at a time would only delay the exit."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (e.g. `cim validate | head`)
        code = code or EXIT_USAGE
    os._exit(code)


if __name__ == "__main__":
    run()
