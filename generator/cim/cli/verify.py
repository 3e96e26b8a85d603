"""``cim verify``: check a certificate's credential."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from cim.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    repository_of,
)
from cim.cli.common import site_url as site_url_of


def cmd_verify(args: argparse.Namespace) -> int:
    from cim.credentials import verify
    from cim.credentials.keys import KeyError_, did_web, did_web_url

    site_dir = Path(args.site).resolve() if args.site else None
    site_url = args.site_url
    fetch = verify.fetcher(site_dir, site_url)
    try:
        document = verify.load(args.target, fetch)
    except verify.FetchError as exc:
        raise UsageError(str(exc)) from None
    trusted = set(args.trust or [])
    try:
        trusted.add(did_web(site_url_of(repository_of(args))))
    except (UsageError, KeyError_, OSError):
        if not trusted:
            raise UsageError(
                "cannot tell which issuer is the School's: run this inside the CIM repository "
                "(its mkdocs.yml names the site) or pass --trust did:web:HOST"
            ) from None
    did = verify.issuer_id(document)
    if site_dir is not None and site_url is None and did.startswith("did:web:"):
        url = did_web_url(did)
        site_url = (
            url.rsplit("/.well-known/", 1)[0] + "/"
            if "/.well-known/" in url
            else (url.removesuffix("did.json"))
        )
        fetch = verify.fetcher(site_dir, site_url)
    now = dt.datetime.combine(args.today, dt.time(23, 59, 59), dt.UTC) if args.today else None
    fetched_from = args.target if "://" in args.target else ""
    verdict = verify.verify_credential(
        document, fetch, now, trusted=trusted, fetched_from=fetched_from
    )
    if args.email:
        _check_recipient(verdict, document, args.email)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "valid": verdict.valid,
                    "outcome": verdict.outcome,
                    "headline": verdict.headline,
                    "checks": [
                        {"check": c.name, "ok": c.ok, "message": c.message} for c in verdict.checks
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        if site_dir is not None and site_url:
            print(f"(The files published at {site_url} are read from the copy in {site_dir}.)")
        for check in verdict.checks:
            print(f"{'✓' if check.ok else '✗'} {check.message}")
        print(f"{_word(verdict.valid, verdict.outcome)}: {verdict.headline}")
        if verdict.outcome == "unchecked":
            print(UNCHECKED_NEXT)
    return EXIT_OK if verdict.valid else EXIT_INVALID


UNCHECKED_NEXT = (
    "Nothing was found wrong with it, but it could not be confirmed either: try again in a "
    "few minutes, or read the issuer's files from a copy of the site with --site DIR."
)


def _word(valid: bool, outcome: str) -> str:
    """The verdict's first word: a check that could not be completed (a file that could not
    be read) is not a finding that the certificate is false, as on the site's Verify button."""
    if valid:
        return "VALID"
    return "NOT CONFIRMED" if outcome == "unchecked" else "NOT VALID"


def _check_recipient(verdict: Any, document: Any, email: str) -> None:
    """Add whether the credential was issued to ``email`` (a genuine one issued to another
    address, or to none, is then not valid for this reader)."""
    from cim.credentials import verify

    to_email = verify.issued_to_email(document, email)
    if to_email:
        verdict.add("recipient", True, f"Issued to {email}.")
        return
    words = "names no e-mail address" if to_email is None else "names another address"
    if verdict.valid:
        verdict.stop("other-recipient", "recipient", f"The certificate {words}.")
    else:
        verdict.add("recipient", False, f"The certificate {words}.")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim verify` to the command line."""
    p = sub.add_parser(
        "verify",
        parents=[common],
        help="verify a certificate credential",
        description="Check a certificate's credential: format, issuer (only the School's is "
        "trusted), key, signature, validity and revocation. Exit 0 only for a genuine "
        "certificate in force; 1 for every other verdict (each with its own message), 2 when "
        "it cannot be read.",
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
    p.add_argument(
        "--trust",
        action="append",
        metavar="DID",
        help="also accept this issuer (by default only the School's did:web, from the site's "
        "address in mkdocs.yml); may be given more than once",
    )
    p.add_argument(
        "--email",
        metavar="ADDRESS",
        help="also check that the certificate was issued to this e-mail address (it holds "
        "only a salted hash of it)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_verify)
