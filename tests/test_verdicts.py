"""The verdict table: every case gets the same outcome from `cim verify`, from the
certificate page's Verify button in Chromium (the School's address routed to a local build),
and from an independent implementation: Digital Bazaar's @digitalbazaar/vc with its
eddsa-rdfc-2022 and eddsa-jcs-2022 cryptosuites, run by node with a local document loader
(tests/browser/digital-bazaar-verify.mjs). The trust policy (only the School's did:web; a
development key or another host is not official) is applied around each library, the same
way in all three.

The rows are described in words in docs/guides/employers.md; a test keeps the two in step.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import verdicts

from cim.cli import main
from cim.credentials import keys

from chromium import serve_as, served, verdict_after
from conftest import ROOT, TODAY, build_copy, copy_repo

NOW = f"{TODAY}T12:00:00Z"
EXPECTED = {
    "genuine": "genuine",
    "tampered-name": "changed",
    "tampered-points": "changed",
    "tampered-date": "changed",
    "tampered-signature": "changed",
    "revoked": "revoked",
    "outside-did-key": "not-school",
    "other-did-web": "not-school",
    "copy-own-key": "unknown-key",
    "byte-copy": "not-official",
    "development-key": "not-official",
    "status-from-future": "status-unchecked",
    "expired": "expired",
    "statement": "genuine",
    "statement-tampered": "changed",
    "statement-superseded": "superseded",
}


@pytest.fixture(scope="session")
def official(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The demo built with an official key (listed in its issuer.yml), one award revoked."""
    tmp = tmp_path_factory.mktemp("official")
    repo = copy_repo(ROOT, tmp / "repo")
    key = keys.new_key()
    issuer = repo / "issuer.yml"
    issuer.write_text(
        issuer.read_text().replace("keys: []", "keys:")
        + f"  - id: key-2026\n    public: {keys.public_multibase(key.public_key())}\n"
        "    status: active\n"
    )
    awards = repo / "awards.yml"
    awards.write_text(awards.read_text().replace("revocations: []", verdicts.REVOCATION))
    site = build_copy(repo, tmp / "site", tmp, key=keys.private_multibase(key))
    return site, key


@pytest.fixture(scope="session")
def table(official: tuple[Path, Any], built: tuple[Path, str]) -> dict[str, verdicts.Case]:
    site, key = official
    return {c.name: c for c in verdicts.cases(site, key, built[0])}


def test_the_table_has_every_case_and_the_guide_describes_it(
    table: dict[str, verdicts.Case],
) -> None:
    assert {name: c.outcome for name, c in table.items()} == EXPECTED
    guide = (ROOT / "docs/guides/employers.md").read_text()
    for case in table.values():
        assert case.words in guide, case.name


def cli_verdict(case: verdicts.Case, tmp: Path) -> dict[str, Any]:
    school = verdicts.school_files(case, tmp / "school")
    credential = tmp / "credential.json"
    credential.write_bytes(verdicts.dumps(case.credential))
    out = io.StringIO()
    with contextlib.ExitStack() as stack:
        target = str(credential)
        if case.copy_overrides is not None:  # read by URL from another host
            copy = tmp / "copy" / case.credential_uri
            copy.parent.mkdir(parents=True)
            copy.write_bytes(verdicts.dumps(case.credential))
            base = stack.enter_context(served(tmp / "copy"))
            target = base + case.credential_uri
        stack.enter_context(contextlib.redirect_stdout(out))
        code = main(["verify", target, "--site", str(school), "--today", TODAY, "--format", "json"])
    result = json.loads(out.getvalue())
    assert (code == 0) == (result["outcome"] == "genuine"), result
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize("name", EXPECTED)
def test_cim_verify_gives_the_tables_verdict(
    table: dict[str, verdicts.Case], name: str, tmp_path: Path
) -> None:
    result = cli_verdict(table[name], tmp_path)
    assert result["outcome"] == EXPECTED[name], result


def test_cim_verify_words_for_revocation_and_each_refusal(
    table: dict[str, verdicts.Case], tmp_path: Path
) -> None:
    headlines = {}
    for name in EXPECTED:
        result = cli_verdict(table[name], tmp_path / name)
        headlines[result["outcome"]] = result["headline"]
    assert headlines["revoked"] == (
        "Revoked on 1 September 2026 because awarded before the final report was approved."
    )
    assert headlines["not-official"] == (
        "The signature is intact, but this is not an official certificate."
    )
    assert headlines["not-school"] == "Not issued by the School."
    assert len(set(headlines.values())) == len(headlines)  # a distinct message per outcome


# --- the browser column ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from chromium import browser_or_skip

    with browser_or_skip() as instance:
        yield instance


def browser_verdict(browser: Any, case: verdicts.Case) -> tuple[str, str]:
    """The Verify button's verdict on the case's page (the School's files served by this
    test process, as the case has them)."""
    context = browser.new_context()
    try:
        serve_as(context, verdicts.SCHOOL_URL, case.site, case.school_overrides)
        page_uri = case.credential_uri
        served = {page_uri: verdicts.dumps(case.credential)}
        base = verdicts.SCHOOL_URL
        if case.copy_overrides is not None:
            base = verdicts.COPY_URL
            serve_as(context, base, case.site, {**served, **case.copy_overrides})
        else:
            # The credential the page offers (the School's routes are matched last-added first).
            context.route(
                base + page_uri,
                lambda route: route.fulfill(
                    status=200, body=served[page_uri], content_type="application/json"
                ),
            )
        page = context.new_page()
        page.clock.set_fixed_time(NOW)
        page.goto(base + f"{case.kind}/{case.student}/", wait_until="networkidle")
        outcome = verdict_after(page, page.locator("button[data-cim-verify]").click)
        return outcome, page.inner_text("#verify")
    finally:
        context.close()


@pytest.mark.parametrize("name", EXPECTED)
def test_verify_button_gives_the_tables_verdict(
    browser: Any, table: dict[str, verdicts.Case], name: str, tmp_path: Path
) -> None:
    case = table[name]
    outcome, text = browser_verdict(browser, case)
    assert outcome == EXPECTED[name], text
    cli = cli_verdict(case, tmp_path)
    assert cli["headline"] in text  # the same words as `cim verify`
    if name == "genuine":
        assert "The School's keys were checked at cim.example.org" in text


# --- the independent column: Digital Bazaar's @digitalbazaar/vc ------------------------------

BROWSER_TOOLS = ROOT / "tests/browser"
DB_VERIFY = BROWSER_TOOLS / "digital-bazaar-verify.mjs"


@pytest.fixture(scope="module")
def digital_bazaar(table: dict[str, verdicts.Case]) -> dict[str, dict[str, str]]:
    """Every case verified by Digital Bazaar's libraries (node, one run for all cases)."""
    import os
    import shutil
    import subprocess

    from cim.credentials.keys import development_key, public_multibase

    node = shutil.which("node")
    if node is None or not (BROWSER_TOOLS / "node_modules/@digitalbazaar/vc").is_dir():
        if os.environ.get("CI"):
            raise AssertionError(
                "node and tests/browser's npm packages are needed; .ci/run installs them"
            )
        pytest.skip("node or @digitalbazaar/vc is not installed (npm ci --prefix tests/browser)")
    lines = []
    for case in table.values():
        files = {
            **{u: (case.site / u).read_bytes() for u in verdicts.SCHOOL_FILES},
            **case.school_overrides,
        }
        fetched = ""
        if case.copy_overrides is not None:
            fetched = verdicts.COPY_URL + case.credential_uri
        lines.append(
            json.dumps(
                {
                    "name": case.name,
                    "credential": case.credential,
                    "school": verdicts.SCHOOL,
                    "didDocument": json.loads(files[".well-known/did.json"]),
                    "statusList": json.loads(files[verdicts.STATUS]),
                    "statements": json.loads(files["statements/index.json"]),
                    "now": NOW,
                    "fetchedFrom": fetched,
                }
            )
        )
    contexts = ROOT / "generator/cim/credentials/contexts"
    dev = public_multibase(development_key().public_key())
    done = subprocess.run(
        [node, str(DB_VERIFY), str(contexts), dev],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        cwd=BROWSER_TOOLS,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    return dict(zip(table, answers, strict=True))


@pytest.mark.parametrize("name", EXPECTED)
def test_digital_bazaar_gives_the_tables_verdict(
    digital_bazaar: dict[str, dict[str, str]], name: str
) -> None:
    assert digital_bazaar[name]["outcome"] == EXPECTED[name], digital_bazaar[name]["detail"]


def test_trust_admits_another_issuer_only_when_asked(
    table: dict[str, verdicts.Case], tmp_path: Path
) -> None:
    case = table["outside-did-key"]
    did = case.credential["issuer"]["id"]
    credential = tmp_path / "credential.json"
    credential.write_bytes(verdicts.dumps(case.credential))
    school = verdicts.school_files(case, tmp_path / "school")
    out = io.StringIO()
    args = ["--site", str(school), "--site-url", verdicts.SCHOOL_URL, "--today", TODAY]
    with contextlib.redirect_stdout(out):
        code = main(["verify", str(credential), *args, "--trust", did])
    text = out.getvalue()
    assert f"✓ It names a trusted issuer ({did})." in text
    assert "✓ The signature matches: nothing has been changed." in text
    # Its revocation list is the School's, not this issuer's: still not valid.
    assert code == 1 and "✗ The revocation list is not issued by the same issuer." in text


def test_the_page_and_cim_verify_say_each_verdict_in_the_same_words() -> None:
    """verify.js keeps its own copy of the headlines (the browser has no Python); every one it
    shows must be word for word the one `cim verify` prints."""
    import json
    import re

    from cim.credentials.verify import HEADLINES

    script = (ROOT / "site_theme/assets/verify.js").read_text()
    block = re.search(r"var HEADLINES = (\{.*?\});", script, re.S)
    assert block, "verify.js no longer has its HEADLINES table"
    page = json.loads(block.group(1))
    assert page and all(HEADLINES[outcome] == words for outcome, words in page.items())


def test_the_pages_verdict_words_are_those_of_cim_verify() -> None:
    """The verification section gives verify.js each headline in the page's language; in
    English they must be word for word `cim verify`'s, for every outcome the page can show."""
    import re

    from cim.credentials.verify import HEADLINES

    macros = (ROOT / "generator/cim/site/templates/_macros.html").read_text()
    given = dict(re.findall(r"data-h-([a-z-]+)=\"\{\{ _\('([^']*)'\) \}\}\"", macros))
    script = (ROOT / "site_theme/assets/verify.js").read_text()
    block = re.search(r"var HEADLINES = \{(.*?)\};", script, re.S)
    assert block
    shown = set(re.findall(r'"([a-z-]+)":', block.group(1)))
    assert shown and set(given) == shown
    assert all(HEADLINES[outcome] == words for outcome, words in given.items())
