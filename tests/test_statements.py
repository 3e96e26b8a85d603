"""Statements of points: `cim statement` and the site's statement, signed like certificates,
never the certificate, valid against the 1EdTech schema, and superseded by a later one. (The
three verifiers' agreement, tampering included, is in the verdict table: test_verdicts.py.)"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from cim.cli import main
from cim.credentials import statement

from conftest import ROOT, TODAY


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_the_site_publishes_the_statement_a_student_asks_for(built: tuple[Path, str]) -> None:
    site = built[0]
    listing = json.loads((site / statement.LIST_URI).read_text())
    assert listing == {
        "anna-lind": {
            "date": TODAY,
            "page": "statements/anna-lind/",
            "credential": f"statements/anna-lind/{TODAY}.json",
        }
    }
    current = (site / "statements/anna-lind/credential.json").read_bytes()
    assert current == (site / f"statements/anna-lind/{TODAY}.json").read_bytes()
    doc = json.loads(current)
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == statement.ACHIEVEMENT_TYPE
    assert achievement["id"].endswith("#achievement-statement")
    # Anna holds the certificate; her statement still never claims it.
    text = json.dumps(doc)
    assert "This statement is not the certificate." in doc["credentialSubject"]["narrative"]
    assert "awardedDate" not in doc and "CIM-2026" not in text and "credentialStatus" not in doc
    page = (site / "statements/anna-lind/index.html").read_text()
    assert "It is not the certificate" in page and 'alt="QR code: verify this statement"' in page
    assert "Verify this statement" in page and "assets/verify.js" in page
    assert not (site / "statements/erik-johansson").exists()  # he did not ask


def test_statements_pass_the_official_1edtech_schema(built: tuple[Path, str]) -> None:
    from jsonschema import Draft201909Validator

    schema = json.loads(
        (ROOT / "tests/vendor/ob_v3p0_achievementcredential_schema.json").read_text()
    )
    found = sorted(built[0].glob("statements/*/*.json"))
    assert len(found) == 2
    for path in found:
        errors = list(Draft201909Validator(schema).iter_errors(json.loads(path.read_text())))
        assert errors == [], (path, errors)


def test_cim_statement_as_of_a_day_and_superseded_by_the_sites(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    older = tmp_path / "older.json"
    code, out, err = run(
        "statement", "anna-lind", "--repo", str(ROOT), "--as-of", "2025-06-30", "--out", str(older)
    )
    assert code == 0, err
    assert "Anna Lind: " in out and "as of 2025-06-30" in out and "NOT official" in out
    doc = json.loads(older.read_text())
    assert doc["id"] == "https://cim.example.org/statements/anna-lind/2025-06-30.json"
    assert doc["validFrom"] == "2025-06-30T00:00:00Z"
    # As it stood that day: the activities finished by then, not the later ones.
    words = doc["credentialSubject"]["narrative"]
    assert "On 2025-06-30, Anna Lind had 95 of the 100 points" in words
    assert "Requirements still open: 100 points in total." in words
    assert not any(e["description"] > "2025-06-30" for e in doc["evidence"])
    code, out, _ = run("verify", str(older), "--site", str(built[0]), "--today", TODAY)
    assert code == 1
    assert "✓ The signature matches: nothing has been changed." in out
    assert "✗ Superseded by a later statement of 28 November 2026. Ask the holder for the " in out
    assert "NOT VALID: Superseded by a later statement of 28 November 2026." in out
    # The site's own statement is the newest: only the development key keeps it unofficial.
    code, out, _ = run(
        "verify",
        str(built[0] / "statements/anna-lind/credential.json"),
        "--site",
        str(built[0]),
        "--today",
        TODAY,
    )
    assert "✓ No later statement replaces it." in out
    assert "this is a test build, not a statement issued by the School." in out
    assert "NOT VALID: The signature is intact, but this is not an official statement." in out


def test_cim_statement_refuses_an_unknown_or_broken_portfolio(repo: Path, tmp_path: Path) -> None:
    code, _, err = run("statement", "nobody", "--repo", str(repo), "--out", str(tmp_path / "x"))
    assert code == 2 and "no portfolio 'nobody'" in err
    path = repo / "portfolios/erik-johansson/portfolio.yml"
    path.write_text(path.read_text().replace("programme: ", "programme: x", 1))
    code, _, err = run(
        "statement", "erik-johansson", "--repo", str(repo), "--out", str(tmp_path / "x")
    )
    assert code == 1 and "has errors, so no statement is made" in err
    assert not (tmp_path / "x").exists()


def test_the_swedish_statement_page_is_in_swedish(built: tuple[Path, str]) -> None:
    page = (built[0] / "sv/statements/anna-lind/index.html").read_text(encoding="utf-8")
    assert '<html lang="sv"' in page
    assert "<title>Intyg om CIM-poäng — Anna Lind" in page
    assert "Det här intyget visar de poäng som" in page and "Det här är inte certifikatet" in page
    assert "Kontrollera intyget" in page and 'alt="QR-kod: kontrollera intyget"' in page
    assert "Verify this statement" not in page and "It is not the certificate" not in page
    # The requirements are the signed statement's own words: marked as English.
    assert '<ul class="cim-statement__requirements" lang="en">' in page
