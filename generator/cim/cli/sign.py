"""``cim sign``: add the signatures to a site built with ``cim build --sign-later``.

The deployment runs this as its own step, with the signing key and nothing else: the build
step (and every package it runs) never sees the key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cim.cli.common import EXIT_INVALID, EXIT_OK, UsageError, repository_of, site_url


def cmd_sign(args: argparse.Namespace) -> int:
    from cim.checks.awards import load, read
    from cim.credentials import later
    from cim.credentials.keys import did_web, from_environment, signer_for

    root = repository_of(args)
    site = Path(args.site)
    if not site.is_dir():
        raise UsageError(f"{site} is not a built site; run `cim build --sign-later` first")
    try:
        key = from_environment()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not key:
        raise UsageError(
            "cim sign needs the signing key in CIM_SIGNING_KEY or CIM_SIGNING_KEY_FILE"
        )
    awards, _ = load(read(root), {}, "")
    listed = {k.public: (k.id, k.status) for k in awards.issuer.keys}
    try:
        signer = signer_for(key, listed)
        signed = later.sign_pending(site, signer, did_web(site_url(root)))
    except ValueError as exc:
        print(f"cim: nothing was signed: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{len(signed)} credential(s) signed with the key '{signer.key_id}'.")
    left = list(later.pending(site))
    if left:
        print(f"cim: {len(left)} credential(s) are still unsigned", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim sign` to the command line."""
    p = sub.add_parser(
        "sign",
        parents=[common],
        help="sign the credentials of a site built with --sign-later",
        description="Add the signatures to every credential of a site built with "
        "`cim build --sign-later`, with the key in CIM_SIGNING_KEY (or the file named by "
        "CIM_SIGNING_KEY_FILE). The key must be the active one in issuer.yml.",
    )
    p.add_argument("--site", required=True, metavar="DIR", help="the built site")
    p.set_defaults(func=cmd_sign)
