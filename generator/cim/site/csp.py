"""The Content-Security-Policy every page carries."""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def content_security_policy(html: str, *, serving: bool = False, issuer_origin: str = "") -> str:
    """Add a Content-Security-Policy ``<meta>`` as the first element of ``<head>``.

    Scripts may come only from the site itself, plus the theme's own inline scripts, each
    allowed by its SHA-256 hash; nothing from student text can ever be among them, because
    student text is escaped. ``serving`` (``mkdocs serve``) allows inline scripts for the
    live-reload script the development server injects. ``issuer_origin`` (the School's own
    address) may be fetched from too: the Verify button reads the School's keys from there,
    also when a copy of the page is served from somewhere else.
    """
    if "<head>" not in html or 'http-equiv="Content-Security-Policy"' in html:
        return html
    if serving:
        scripts = "'self' 'unsafe-inline'"
    else:
        hashes = sorted(
            {
                base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()
                for m in _INLINE_SCRIPT.finditer(html)
            }
        )
        scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in hashes)])
    connect = " ".join(["'self'", *([issuer_origin] if issuer_origin else [])])
    policy = (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src {connect}; "
        "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", "<head>\n    " + meta, 1)
