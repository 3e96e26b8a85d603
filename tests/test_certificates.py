"""Certificates employers can verify: awards, credentials, keys, revocation, exports."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from cim.cli import main
from cim.credentials import keys, verify
from cim.site.certificates import linkedin_url

import conftest
from conftest import ROOT, TODAY, copy_repo, run_build, site_plan

BIN = Path(sys.executable).parent
CERTIFIED = ["anna-lind", "fatima-hassan", "lucas-moreau"]


def verify_file(path: Path, site: Path, *extra: str) -> tuple[int, str]:
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["verify", str(path), "--site", str(site), *extra])
    return code, out.getvalue()


@pytest.mark.parametrize("student", CERTIFIED)
def test_every_certified_demo_student_has_a_verifying_credential(
    built: tuple[Path, str], student: str
) -> None:
    site, _ = built
    assert (site / f"certificates/{student}/index.html").is_file()
    code, out = verify_file(site / f"certificates/{student}/credential.json", site)
    # The demo is signed with the development key: intact, and never called official.
    assert code == 1, out
    assert out.splitlines()[-1] == (
        "NOT VALID: The signature is intact, but this is not an official certificate."
    )
    assert "✓ The signature matches" in out and "✓ Not revoked" in out
    assert "✗ It is signed with the publicly known development key" in out


def test_credential_has_every_open_badges_field_and_no_private_data(
    built: tuple[Path, str],
) -> None:
    site, _ = built
    doc = json.loads((site / "certificates/anna-lind/credential.json").read_text())
    assert verify.check_shape(doc) == []
    assert doc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(doc["type"])
    assert doc["issuer"]["type"] == ["Profile"] and doc["issuer"]["id"] == "did:web:cim.example.org"
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": "Anna Lind",
            "identityType": "name",
            "hashed": False,
        }
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert {"id", "name", "description", "criteria"} <= set(achievement)
    assert achievement["criteria"]["narrative"]
    assert [p["cryptosuite"] for p in doc["proof"]] == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]
    assert doc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    text = json.dumps(doc)
    assert "@" not in text.replace("@context", "")  # no e-mail address
    assert "lian2201" not in text  # no username
    assert "not an official certificate" in doc["name"]  # a development build says so


def test_non_consenting_award_is_not_published(built: tuple[Path, str]) -> None:
    site, _ = built
    assert not (site / "certificates/mei-chen").exists()
    for path in site.rglob("*.json"):
        assert "Mei Chen" not in path.read_text()


def test_did_document_and_status_list_are_published(built: tuple[Path, str]) -> None:
    site, _ = built
    did = json.loads((site / ".well-known/did.json").read_text())
    assert did["id"] == "did:web:cim.example.org"
    assert did["assertionMethod"] == [m["id"] for m in did["verificationMethod"]]
    assert (site / "did.json").read_bytes() == (site / ".well-known/did.json").read_bytes()
    status = json.loads((site / "credentials/status/revocation.json").read_text())
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["credentialSubject"]["encodedList"].startswith("u")
    from cim.credentials.badge import decode_bits

    assert len(decode_bits(status["credentialSubject"]["encodedList"])) * 8 >= 131_072


def test_certificate_page_content(built: tuple[Path, str]) -> None:
    site, _ = built
    html = (site / "certificates/anna-lind/index.html").read_text()
    for text in (
        "CIM-2026-0001",
        "12 June 2026",
        "Graduation ceremony, June 2026",
        "Head of Internationalisation, School of Health and Welfare",
        "Anna Lind",
        "Bachelor&#39;s Programme in Nursing",
        "Development build",
        "<svg",
        "data-cim-verify",
        'property="og:image"',
        "https://cim.example.org/certificates/anna-lind/card.png",
    ):
        assert text in html, text
    with Image.open(site / "certificates/anna-lind/card.png") as card:
        assert card.size == (1200, 630) and card.format == "PNG"


@pytest.mark.parametrize(
    ("name", "programme"),
    [
        ("Anna Lind", "Bachelor's Programme in Nursing"),
        ("Åsa Öberg-Ångström", "Sjuksköterska " * 6),
    ],
)
def test_the_card_is_its_letters_drawn_in_colour_and_reduced_to_its_palette(
    name: str, programme: str
) -> None:
    """The card writes each name in its palette's shades directly; drawn the plain way
    (in full colour, then reduced to the palette) it looks the same: at most a pixel in a
    thousand differs, and then by one shade."""
    from PIL import ImageDraw

    from cim.site import card

    fields = ("Certificate of Intercultural Merits", name, programme, "JU", "CIM-2026-0001")
    with Image.open(io.BytesIO(card.draw(*fields, "Not official"))) as drawn:
        made = drawn.copy()
    plain = card._background(fields[0], "JU", "Not official").convert("RGB")
    pen, y = ImageDraw.Draw(plain), card._LINES_Y
    lines = ((name, 76, card.WHITE, 110), (programme, 34, card.WHITE, 70))
    for text, size, colour, gap in (*lines, ("Certificate CIM-2026-0001", 30, card.AMBER, 60)):
        shown, font = card._fit(text, size, card._WIDTH)
        pen.text((80, y), shown, font=font, fill=colour)
        y += gap
    reduced = plain.quantize(palette=card._palette(), dither=Image.Dither.NONE).tobytes()
    assert made.mode == "P" and made.getpalette()[:21] == card._palette().getpalette()[:21]
    shades = made.tobytes()
    differ = [(a, b) for a, b in zip(shades, reduced, strict=True) if a != b]
    assert len(differ) <= len(shades) / 1000

    def ramp(index: int) -> int:  # navy, the white ramp, the amber ramp
        return (index + 2) // 3

    # Where a letter's edge is faint, the plain way may pick the other colour's faintest
    # shade (it is nearer in colour); elsewhere only a neighbouring shade of the same colour.
    faint = {0, 1, 4}
    assert all(
        {a, b} <= faint or (abs(a - b) == 1 and ramp(a) * ramp(b) in (0, ramp(a) ** 2))
        for a, b in differ
    )


def test_linkedin_link_encodes_every_parameter() -> None:
    import datetime as dt

    url = linkedin_url(
        name="Certificate of Intercultural Merits",
        organization="Jönköping University & Co",
        organization_id="",
        issued=dt.date(2026, 6, 12),
        cert_url="https://cim.example.org/certificates/åsa-öberg/",
        cert_id="CIM-2026-0001",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = parse_qs(parts.query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Certificate of Intercultural Merits"],
        "organizationName": ["Jönköping University & Co"],
        "issueYear": ["2026"],
        "issueMonth": ["6"],
        "certUrl": ["https://cim.example.org/certificates/åsa-öberg/"],
        "certId": ["CIM-2026-0001"],
    }
    assert " " not in url and "å" not in url and "&Co" not in url
    with_id = linkedin_url(
        name="X é",
        organization="Y",
        organization_id="12345",
        issued=dt.date(2026, 1, 2),
        cert_url="https://x/",
        cert_id="C-1",
    )
    assert parse_qs(urlsplit(with_id).query)["organizationId"] == ["12345"]
    assert "organizationName" not in with_id


def test_page_linkedin_link_has_the_certificate(built: tuple[Path, str]) -> None:
    import html as html_lib
    import re

    site, _ = built
    page = (site / "certificates/anna-lind/index.html").read_text()
    href = html_lib.unescape(re.search(r'href="(https://www\.linkedin\.com/[^"]+)"', page)[1])
    query = parse_qs(urlsplit(href).query)
    assert query["certId"] == ["CIM-2026-0001"]
    assert query["certUrl"] == ["https://cim.example.org/certificates/anna-lind/"]
    assert query["organizationName"] == ["School of Health and Welfare, Jönköping University"]
    assert (query["issueYear"], query["issueMonth"]) == (["2026"], ["6"])


def test_tampered_credential_fails(built: tuple[Path, str], tmp_path: Path) -> None:
    site, _ = built
    doc = json.loads((site / "certificates/anna-lind/credential.json").read_text())
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc))
    code, out = verify_file(forged, site)
    assert code == 1 and "✗ Bad signature" in out
    assert out.splitlines()[-1] == "NOT VALID: Changed since it was signed."


def test_a_check_that_cannot_be_completed_is_not_confirmed_rather_than_not_valid(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    site, _ = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    for keys_file in (copy / ".well-known/did.json", copy / "did.json"):
        keys_file.unlink()
    code, out = verify_file(copy / "certificates/anna-lind/credential.json", copy)
    lines = out.splitlines()
    assert code == 1 and "✗ The issuer's keys could not be read" in out
    assert lines[-2] == "NOT CONFIRMED: The check could not be completed."
    assert "try again in a few minutes" in lines[-1] and "--site DIR" in lines[-1]
    assert "NOT VALID" not in out


def test_not_yet_valid(built: tuple[Path, str]) -> None:
    site, _ = built
    code, out = verify_file(
        site / "certificates/anna-lind/credential.json", site, "--today", "2026-06-11"
    )
    assert code == 1 and "✗ Not yet valid: valid from 2026-06-12T00:00:00Z." in out


def test_unreadable_target_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["verify", str(tmp_path / "missing.json")]) == 2
    (tmp_path / "x.json").write_text("{}")
    code, out = verify_file(tmp_path / "x.json", tmp_path)
    assert code == 1 and "Not a complete Open Badges 3.0 credential" in out


def test_builds_are_byte_identical(built: tuple[Path, str], tmp_path: Path) -> None:
    site, _ = built
    done = run_build(
        [str(BIN / "mkdocs"), "build", "--strict", "-d", str(tmp_path / "again")], tmp_path
    )
    assert done.returncode == 0, done.stderr
    again = tmp_path / "again"
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    differing = [
        f
        for f in files
        if f.name != "sitemap.xml.gz" and (site / f).read_bytes() != (again / f).read_bytes()
    ]
    assert differing == []


# --- keys, retired keys, revocation: real builds of modified copies ------------------------


def build_copy(repo: Path, tmp: Path, name: str, key: str | None) -> Path:
    """Build ``repo`` with this repository's mkdocs.yml into tmp/name, signed with ``key``."""
    return conftest.build_copy(repo, tmp / name, tmp, key=key)


def set_keys(repo: Path, entries: list[tuple[str, str, str]]) -> None:
    issuer = repo / "issuer.yml"
    text = issuer.read_text().replace("keys: []", "keys:")
    text += "".join(f"  - id: {i}\n    public: {p}\n    status: {s}\n" for i, p, s in entries)
    issuer.write_text(text)


@pytest.fixture
def repo_with_awards(tmp_path: Path) -> Path:
    return copy_repo(ROOT, tmp_path / "repo")


def test_official_key_retired_key_and_missing_key(repo_with_awards: Path, tmp_path: Path) -> None:
    repo = repo_with_awards
    old, new = keys.new_key(), keys.new_key()
    old_pub, new_pub = (
        keys.public_multibase(old.public_key()),
        keys.public_multibase(new.public_key()),
    )
    set_keys(repo, [("key-2025", old_pub, "active")])
    first = build_copy(repo, tmp_path, "first", keys.private_multibase(old))
    html = (first / "certificates/anna-lind/index.html").read_text()
    assert "Development build" not in html
    credential = first / "certificates/anna-lind/credential.json"
    assert "not an official" not in credential.read_text()
    assert verify_file(credential, first)[0] == 0
    kept = tmp_path / "issued-2025.json"
    shutil.copy2(credential, kept)

    # The key is replaced: the old one stays listed as retired, so old credentials verify.
    (repo / "issuer.yml").write_text((ROOT / "issuer.yml").read_text())
    set_keys(repo, [("key-2026", new_pub, "active"), ("key-2025", old_pub, "retired")])
    second = build_copy(repo, tmp_path, "second", keys.private_multibase(new))
    methods = [
        m["id"]
        for m in json.loads((second / ".well-known/did.json").read_text())["verificationMethod"]
    ]
    assert methods == ["did:web:cim.example.org#key-2026", "did:web:cim.example.org#key-2025"]
    code, out = verify_file(kept, second)
    assert code == 0, out
    assert verify_file(second / "certificates/anna-lind/credential.json", second)[0] == 0

    # A key missing from did.json: the old credential no longer verifies.
    (repo / "issuer.yml").write_text((ROOT / "issuer.yml").read_text())
    set_keys(repo, [("key-2026", new_pub, "active")])
    third = build_copy(repo, tmp_path, "third", keys.private_multibase(new))
    code, out = verify_file(kept, third)
    assert code == 1 and "✗ Unknown key: did:web:cim.example.org#key-2025" in out


def test_a_key_not_in_issuer_yml_or_retired_cannot_sign(
    repo_with_awards: Path, tmp_path: Path
) -> None:
    from cim.site.pages import SiteError

    key = keys.new_key()
    with pytest.raises(SiteError, match=r"not listed in issuer\.yml"):
        site_plan(repo_with_awards, signing_key=keys.private_multibase(key), cache=tmp_path / "c")
    set_keys(repo_with_awards, [("k", keys.public_multibase(key.public_key()), "retired")])
    with pytest.raises(SiteError, match="retired"):
        site_plan(repo_with_awards, signing_key=keys.private_multibase(key), cache=tmp_path / "c")


def test_revocation_is_published_and_fails_verification(
    repo_with_awards: Path, tmp_path: Path
) -> None:
    awards = repo_with_awards / "awards.yml"
    awards.write_text(
        awards.read_text().replace(
            "revocations: []",
            "revocations:\n  - number: CIM-2026-0002\n    date: 2026-09-01\n"
            "    reason: awarded before the final report was approved",
        )
    )
    site = build_copy(repo_with_awards, tmp_path, "site", None)
    html = (site / "certificates/fatima-hassan/index.html").read_text()
    assert "Revoked" in html and "awarded before the final report was approved" in html
    code, out = verify_file(site / "certificates/fatima-hassan/credential.json", site)
    assert code == 1
    assert (
        "NOT VALID: Revoked on 1 September 2026 because awarded before the final report was "
        "approved." in out
    )
    assert "✓ Not revoked" in verify_file(site / "certificates/anna-lind/credential.json", site)[1]
    portfolio = (site / "students/fatima-hassan/index.html").read_text()
    assert "View the certificate" not in portfolio


# --- awards file checks -------------------------------------------------------------------


def validate_json(repo: Path) -> dict:
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["validate", "--repo", str(repo), "--format", "json", "--today", TODAY])
    return json.loads(out.getvalue())


def test_awards_file_problems_are_reported(repo_with_awards: Path) -> None:
    awards = repo_with_awards / "awards.yml"
    text = awards.read_text()
    text = text.replace("    student: fatima-hassan", "    student: erik-johansson")
    text = text.replace(
        "  - number: CIM-2026-0003\n    student: lucas-moreau\n    ceremony: exchange-2026-autumn",
        "  - number: CIM-2026-0001\n    student: lucas-moreau\n    ceremony: exchange-2026-autum",
    )
    text = text.replace(
        "revocations: []",
        "revocations:\n  - number: CIM-2026-0099\n    date: 2026-09-01\n    reason: test",
    )
    awards.write_text(text)
    messages = [e["message"] for e in validate_json(repo_with_awards)["errors"]]
    joined = "\n".join(messages)
    assert "erik-johansson does not meet the requirements" in joined
    assert "'CIM-2026-0001' is already used on line" in joined
    assert "no award has the number 'CIM-2026-0099'" in joined


def test_award_data_in_a_portfolio_is_rejected(repo: Path) -> None:
    sara = repo / "portfolios/sara-ahmed/portfolio.yml"
    sara.write_text(sara.read_text() + "award:\n  number: CIM-2026-0099\n")
    data = validate_json(repo)
    [sara_report] = [p for p in data["portfolios"] if p["id"] == "sara-ahmed"]
    assert any(
        "unknown key 'award'" in e["message"] and "administrators" in e["message"]
        for e in sara_report["errors"]
    )


def test_award_command_assigns_the_next_number(
    repo_with_awards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erik = repo_with_awards / "portfolios/erik-johansson/portfolio.yml"
    erik.write_text(
        erik.read_text()
        + (
            "  - activity: international-day\n    date: 2025-11-05\n    reflection: >-\n"
            + "      "
            + "I presented my placement and learned a great deal from the questions. " * 4
            + "\n    evidence:\n      - file: evidence/coil-certificate.pdf\n        kind: photo\n"
        )
    )
    assert (
        main(
            [
                "award",
                "sara-ahmed",
                "--repo",
                str(repo_with_awards),
                "--ceremony",
                "graduation-2026-06",
                "--today",
                TODAY,
            ]
        )
        == 1
    )
    assert (
        main(
            [
                "award",
                "erik-johansson",
                "--repo",
                str(repo_with_awards),
                "--ceremony",
                "graduation-2026-06",
                "--today",
                TODAY,
            ]
        )
        == 0
    )
    assert "Awarded CIM-2026-0004 to erik-johansson" in capsys.readouterr().out
    data = validate_json(repo_with_awards)
    assert data["errors"] == []
    [erik_report] = [p for p in data["portfolios"] if p["id"] == "erik-johansson"]
    assert erik_report["award"]["number"] == "CIM-2026-0004"
    assert (
        main(
            [
                "award",
                "erik-johansson",
                "--repo",
                str(repo_with_awards),
                "--ceremony",
                "graduation-2026-06",
            ]
        )
        == 2
    )


# --- exports ------------------------------------------------------------------------------


def run_out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "--repo", str(ROOT), "--today", TODAY]) == 0
    return capsys.readouterr().out


def test_ladok_export(capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(run_out(capsys, "export", "ladok"))))
    assert list(rows[0]) == [
        "action",
        "username",
        "name",
        "programme",
        "award_date",
        "certificate_number",
        "reason",
    ]
    assert [r["certificate_number"] for r in rows] == [
        "CIM-2025-0001",
        "CIM-2026-0001",
        "CIM-2026-0002",
        "CIM-2026-0003",
    ]
    assert rows[1] == {
        "action": "register",
        "username": "lian2201",
        "name": "Anna Lind",
        "programme": "Bachelor's Programme in Nursing",
        "award_date": "2026-06-12",
        "certificate_number": "CIM-2026-0001",
        "reason": "",
    }


def test_ceremony_and_exchange_lists(capsys: pytest.CaptureFixture[str]) -> None:
    text = run_out(capsys, "export", "ceremony", "--date", "2026-06-12")
    assert "Anna Lind" in text and "Fatima Hassan" in text and "Lucas" not in text
    rows = list(
        csv.DictReader(
            io.StringIO(
                run_out(
                    capsys, "export", "exchange", "--semester", "2026-autumn", "--format", "csv"
                )
            )
        )
    )
    assert [(r["name"], r["met"], r["certificate_number"]) for r in rows] == [
        ("Lucas Moreau", "yes", "CIM-2026-0003")
    ]


def test_export_credentials_includes_non_consenting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    os.environ["CIM_CACHE"] = str(tmp_path / "cache")
    try:
        assert (
            main(
                [
                    "export",
                    "credentials",
                    "--out",
                    str(tmp_path / "out"),
                    "--repo",
                    str(ROOT),
                    "--today",
                    TODAY,
                ]
            )
            == 0
        )
    finally:
        os.environ.pop("CIM_CACHE")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "CIM-2025-0001.json",
        "CIM-2026-0001.json",
        "CIM-2026-0002.json",
        "CIM-2026-0003.json",
    ]
    mei = json.loads((tmp_path / "out/CIM-2025-0001.json").read_text())
    assert mei["credentialSubject"]["identifier"][0]["identityHash"] == "Mei Chen"


def test_keys_new_prints_a_working_pair(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "new"]) == 0
    out = capsys.readouterr().out
    public = next(line.split(": ")[1] for line in out.splitlines() if "public:" in line)
    private = out.strip().splitlines()[-1].strip()
    key = keys.private_key_from_text(private)
    assert keys.public_multibase(key.public_key()) == public


def test_every_published_credential_passes_the_official_1edtech_schema(
    built: tuple[Path, str],
) -> None:
    from jsonschema import Draft201909Validator

    schema = json.loads(
        (ROOT / "tests/vendor/ob_v3p0_achievementcredential_schema.json").read_text()
    )
    validator = Draft201909Validator(schema)
    checked = 0
    for path in sorted(built[0].glob("certificates/*/credential.json")):
        errors = [
            f"{list(e.path)}: {e.message}"
            for e in validator.iter_errors(json.loads(path.read_text()))
        ]
        assert errors == [], (path, errors)
        checked += 1
    assert checked == 3


# --- issued to an e-mail address ----------------------------------------------------------


def test_the_identity_hash_is_the_one_open_badges_specifies() -> None:
    """The example in the 1EdTech schema: 'a@example.com' salted with 'Kosher'."""
    from cim.credentials.badge import identity_hash

    assert identity_hash("a@example.com", "Kosher") == (
        "b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_a_certificate_issued_to_an_e_mail_address(repo_with_awards: Path, tmp_path: Path) -> None:
    from jsonschema import Draft201909Validator

    awards = repo_with_awards / "awards.yml"
    awards.write_text(
        awards.read_text().replace(
            "    student: anna-lind\n",
            "    student: anna-lind\n    email: Anna.Lind@student.example.se\n",
        )
    )
    key = keys.new_key()
    set_keys(repo_with_awards, [("k", keys.public_multibase(key.public_key()), "active")])
    site = build_copy(repo_with_awards, tmp_path, "site", keys.private_multibase(key))
    credential = site / "certificates/anna-lind/credential.json"
    text = credential.read_text()
    assert "student.example.se" not in text.lower() and "anna.lind@" not in text.lower()
    (email,) = [
        i
        for i in json.loads(text)["credentialSubject"]["identifier"]
        if i["identityType"] == "emailAddress"
    ]
    assert email["hashed"] is True and email["identityHash"].startswith("sha256$")
    schema = json.loads(
        (ROOT / "tests/vendor/ob_v3p0_achievementcredential_schema.json").read_text()
    )
    assert list(Draft201909Validator(schema).iter_errors(json.loads(text))) == []
    # An employer who knows the address can match it (case and spaces do not matter) …
    code, out = verify_file(credential, site, "--email", " anna.lind@student.example.se")
    assert code == 0 and "✓ Issued to" in out, out
    # … and another address, or a certificate without one, is not a match.
    code, out = verify_file(credential, site, "--email", "someone@else.example")
    assert code == 1 and "names another address" in out
    assert "NOT VALID: Genuine, but not issued to that e-mail address." in out
    code, out = verify_file(
        site / "certificates/fatima-hassan/credential.json", site, "--email", "x@y.example"
    )
    assert code == 1 and "names no e-mail address" in out


def test_the_reasons_address_follows_one_rule_in_python_and_in_the_browser() -> None:
    import re

    from cim.credentials.badge import STATUS_LIST_URI, reasons_url

    status = "https://cim.example.org/" + STATUS_LIST_URI
    script = (ROOT / "site_theme/assets/verify.js").read_text()
    assert 'url.replace(/\\.json$/, "-reasons.json")' in script  # the browser's rule
    assert reasons_url(status) == re.sub(r"\.json$", "-reasons.json", status)


def _demo_issuing_and_credential(site: Path) -> tuple[Any, dict[str, Any]]:
    """How the demo's credentials are issued (development key) and one of them unsigned."""
    import datetime as dt

    from cim.pipeline import check_repository
    from cim.site.statements import issuing_for

    report = check_repository(ROOT, today=dt.date.fromisoformat(TODAY))
    assert report.awards is not None and report.scheme.rules is not None
    issuing = issuing_for(report.awards, report.scheme.rules, "https://cim.example.org/", None)
    published = json.loads(next(site.glob("certificates/*/credential.json")).read_text())
    return issuing, {k: v for k, v in published.items() if k != "proof"}


def test_signing_many_credentials_in_worker_processes_equals_signing_each(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    """A large award list is signed in worker processes: every credential must come out byte
    for byte as one signed on its own, in the same order, and the proof cache is filled."""
    import datetime as dt

    from cim.credentials import badge, signing

    issuing, document = _demo_issuing_and_credential(built[0])
    jobs = [
        ({**document, "name": f"{document['name']} {n}"}, dt.date(2026, 6, 1 + n % 20))
        for n in range(signing.PARALLEL_SIGNING + 6)
    ]
    one_by_one = [badge.dumps(badge.sign(d, issuing, day)) for d, day in jobs]
    cache = tmp_path / "cache"
    in_workers = signing.sign_all(jobs, issuing, cache, workers=2)
    assert [badge.dumps(d) for d in in_workers] == one_by_one
    assert len(list((cache / "rdfc").glob("*.txt"))) == len(jobs)
    assert [badge.dumps(d) for d in signing.sign_all(jobs, issuing, cache, workers=2)] == one_by_one


def test_certificates_made_while_the_pages_are_written_equal_those_made_at_once(
    tmp_path: Path,
) -> None:
    """A build hands signing and card drawing to a worker while it writes the pages: what it
    collects at the end is byte for byte what issuing at once makes, credentials, private
    credentials and cards alike; with everything kept, nothing is handed to a worker."""
    import datetime as dt

    from cim.pipeline import check_repository
    from cim.site import card, certificates
    from cim.speed import Meanwhile

    report = check_repository(ROOT, today=dt.date.fromisoformat(TODAY))
    assert report.awards is not None and report.scheme.rules is not None
    published = {r.id for r in report.portfolios if r.portfolio and r.portfolio.public}

    def issue(cache: Path, meanwhile: Meanwhile | None) -> certificates.Certificates:
        assert report.awards is not None and report.scheme.rules is not None
        return certificates.issue(
            report.awards,
            {r.id: r for r in report.portfolios},
            published,
            report.scheme.rules,
            programme_title=str,
            site_url="https://cim.example.org/",
            signing_key=None,
            cache=cache,
            today=dt.date.fromisoformat(TODAY),
            say=lambda _: None,
            meanwhile=meanwhile,
        )

    def contents(c: certificates.Certificates) -> tuple[object, ...]:
        data, files, private = dict(c.data), dict(c.files), dict(c.private)
        if c.later is not None:  # what was made meanwhile, waited for
            made, drawn, kept_apart = c.later.collect()
            data.update((u, v if isinstance(v, bytes) else v.read_bytes()) for u, v in made.items())
            files.update(drawn)
            private.update(kept_apart)
        return data, {u: p.read_bytes() for u, p in files.items()}, private, dict(c.qr)

    at_once = issue(tmp_path / "one", None)
    background = Meanwhile(workers=2)
    later = issue(tmp_path / "two", background)
    assert later.later is not None and not later.files and not later.private
    assert set(later.later.uris) == {u for u in at_once.data if u.endswith("credential.json")}
    background.start()
    assert background.workers == 1 and background._futures  # really in a worker process
    assert isinstance(later.qr, card.Codes) and not isinstance(at_once.qr, card.Codes)
    address = next(iter(at_once.qr))
    assert later.qr[address] == at_once.qr[address]  # waits for its few codes only
    assert later.qr.get("https://elsewhere.example/#verify", b"") == b""
    assert contents(later) == contents(at_once)
    credentials = [uri for uri in at_once.data if uri.endswith("/credential.json")]
    assert len(at_once.private) == 1 and len(at_once.files) == 2 * len(credentials) == 6

    kept = Meanwhile(workers=2)
    again = issue(tmp_path / "two", kept)
    kept.start()
    assert not kept._futures  # every credential and card was kept: no worker started
    assert contents(again) == contents(at_once)


def test_kept_credential_texts_are_the_signed_ones_and_are_read_back_whole(
    built: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged credential's finished text is read from the cache, byte for byte the text
    signing makes; a changed one (another name, another day) is signed again."""
    import datetime as dt

    from cim.credentials import badge, signing

    issuing, document = _demo_issuing_and_credential(built[0])
    day = dt.date(2026, 6, 1)
    jobs = [({**document, "name": f"{document['name']} {n}"}, day) for n in range(3)]
    expected = [badge.dumps(badge.sign(d, issuing, day)) for d, day in jobs]
    cache = tmp_path / "cache"
    assert signing.signed_texts(jobs, issuing, cache) == expected
    assert len(list((cache / "proofs").glob("*.text"))) == len(jobs)

    signed: list[int] = []
    real = signing.sign_all
    monkeypatch.setattr(
        signing, "sign_all", lambda todo, *a, **k: signed.append(len(todo)) or real(todo, *a, **k)
    )
    assert signing.signed_texts(jobs, issuing, cache) == expected
    assert signed == [0]  # nothing signed again
    later = [
        (jobs[0][0], dt.date(2026, 6, 2)),  # another day
        jobs[1],  # unchanged
        ({**jobs[2][0], "name": "Another"}, day),  # another name
    ]
    texts = signing.signed_texts(later, issuing, cache)
    assert signed == [0, 2]
    assert texts == [badge.dumps(badge.sign(d, issuing, day)) for d, day in later]


def _modules(png: bytes) -> list[list[bool]]:
    """The QR picture read back: for each 8-pixel square, whether it is dark (navy)."""
    with Image.open(io.BytesIO(png)) as picture:
        rgb = picture.convert("RGB")
    colours = {colour for _, colour in rgb.getcolors() or []}
    assert colours == {(11, 61, 92), (255, 255, 255)}, colours
    scale = 8
    side = rgb.width // scale
    assert rgb.size == (side * scale, side * scale)
    squares = [
        [rgb.crop((x * scale, y * scale, (x + 1) * scale, (y + 1) * scale)) for x in range(side)]
        for y in range(side)
    ]
    assert all(len(s.getcolors() or []) == 1 for row in squares for s in row)  # hard edges
    return [[s.getpixel((0, 0)) == (11, 61, 92) for s in row] for row in squares]


@pytest.mark.parametrize("page", ["certificates/anna-lind", "sv/certificates/anna-lind"])
def test_the_qr_code_on_a_certificate_page_is_the_code_of_its_verify_address(
    built: tuple[Path, str], page: str
) -> None:
    """Read back square by square, the page's QR picture is segno's code for the address
    printed under it (the certificate's English page, #verify, in both languages): the same
    modules, a margin of two white modules around it."""
    import base64
    import re

    import segno

    html = (built[0] / page / "index.html").read_text()
    found = re.search(r'<figure class="cim-qr">\s*<img src="data:image/png;base64,([^"]+)"', html)
    assert found is not None
    squares = _modules(base64.b64decode(found.group(1)))
    url = f"https://cim.example.org/{page.removeprefix('sv/')}/#verify"
    assert f'cim-qr__address">{url.removeprefix("https://")}<' in html  # printed under it
    code = [[bool(m) for m in row] for row in segno.make(url, error="m").matrix]
    blank = [False] * (len(code) + 4)
    assert squares == [
        blank,
        blank,
        *([False, False, *row, False, False] for row in code),
        blank,
        blank,
    ]
