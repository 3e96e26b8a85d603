"""``cim keys new``: a signing key pair."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from cim.cli.common import (
    EXIT_OK,
)


def cmd_keys(args: argparse.Namespace) -> int:
    from cim.credentials.keys import new_key, private_multibase, public_multibase

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


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `cim keys` to the command line."""
    p = sub.add_parser(
        "keys",
        help="create a signing key pair",
        description="Print a new Ed25519 key pair: the public key for issuer.yml and the "
        "private key for the protected CIM_SIGNING_KEY secret.",
    )
    p.add_argument("action", choices=["new"])
    p.set_defaults(func=cmd_keys)
