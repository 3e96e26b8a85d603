"""Defence in depth: the pages' script policy comes from the templates, not from the pages;
nothing from the build cache is trusted as HTML."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from cim.site import csp
from cim.site.csp import content_security_policy

INJECTED = "window.__xss=1"


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def _policy(html: str) -> str:
    m = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert m, html[:300]
    return m.group(1)


def _theme_folders() -> list[Path]:
    import material

    return [Path(material.__file__).parent / "templates", *csp.own_template_folders()]


def test_an_inline_script_that_no_template_wrote_is_not_allowed() -> None:
    shapes = csp.script_shapes(_theme_folders())
    theme_script = (
        '__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.'
        "charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t."
        'pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname'
        '+"."+e,JSON.stringify(_))}catch(e){}}'
    )
    # The same shape with code where the theme puts a URL is not the theme's script.
    twisted = theme_script.replace('"../.."', '"x"+alert(1)+"x"')
    html = (
        "<html><head><title>t</title></head><body>"
        f"<script>{theme_script}</script><script>{INJECTED}</script>"
        f"<script>{twisted}</script></body></html>"
    )
    policy = _policy(content_security_policy(html, shapes=shapes))
    assert _hash(theme_script) in policy
    assert _hash(INJECTED) not in policy and _hash(twisted) not in policy
    # Without the theme's shapes (cim's own templates only) nothing inline is allowed here.
    assert "sha256" not in _policy(content_security_policy(html))


def test_every_inline_script_of_the_built_site_is_allowed(built: tuple[Path, str]) -> None:
    """Every inline script a page runs is allowed by its hash; today the theme's scripts all
    come from shared files (assets/cim-storage.js, cim-scheme.js), so there are none."""
    site, _ = built
    pages = inline = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "Content-Security-Policy" not in html:
            continue
        pages += 1
        policy = _policy(html)
        for m in re.finditer(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S):
            if "application/json" in m.group(1):
                continue
            assert _hash(m.group(2)) in policy, (page, m.group(2)[:80])
            inline += 1
        assert "assets/cim-storage.js" in html and "assets/cim-scheme.js" in html, page
    assert pages and inline == 0


def test_a_poisoned_qr_code_in_the_cache_is_never_html(repo: Path, tmp_path: Path) -> None:
    from cim.site import card

    from conftest import site_plan as plan

    cache = tmp_path / "cache"
    site = plan(repo, cache=cache, workers=1)
    [page] = [uri for uri in site.pages if uri.startswith("certificates/anna-lind")]
    poisoned = f'"><svg><script>{INJECTED}</script></svg>'.encode()
    codes = list((cache / "qr").glob("*.png"))
    assert codes
    for code in codes:
        code.write_bytes(poisoned)
    again = plan(repo, cache=cache, workers=1)
    html = again.render(page)
    assert INJECTED not in html and "<svg><script>" not in html
    assert '<img src="data:image/png;base64,' in html
    assert card.image_uri(poisoned).startswith("data:image/png;base64,")
