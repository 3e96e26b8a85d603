"""Revocation shown everywhere, honest dates, and awards.yml edited as a round trip."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from cim.admin import awarding
from cim.cli import main

from conftest import ROOT, TODAY, build_copy, copy_repo, site_plan

REASON = "awarded before the final report was approved"


@pytest.fixture(scope="module")
def revoked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with Fatima Hassan's certificate revoked by `cim revoke`, then built."""
    tmp = tmp_path_factory.mktemp("revoked")
    repo = copy_repo(ROOT, tmp / "repo")
    args = ["revoke", "CIM-2026-0002", "--reason", REASON, "--date", "2026-09-01"]
    assert main([*args, "--repo", str(repo)]) == 0
    return build_copy(repo, tmp / "site", tmp)


def test_revoked_certificate_page_says_so_and_offers_no_linkedin(revoked_site: Path) -> None:
    html = (revoked_site / "certificates/fatima-hassan/index.html").read_text()
    assert f"Revoked on 1 September 2026</strong> because {REASON}" in html
    assert "no longer valid" in html
    assert "linkedin.com" not in html
    assert "was awarded" not in html and "<dt>Awarded</dt>" not in html
    kept = (revoked_site / "certificates/anna-lind/index.html").read_text()
    assert "linkedin.com" in kept and "was awarded" in kept


def test_revoked_portfolio_and_directory_label_come_from_the_award(revoked_site: Path) -> None:
    portfolio = (revoked_site / "students/fatima-hassan/index.html").read_text()
    assert "Certificate CIM-2026-0002 was revoked" in portfolio
    assert "All requirements are met" not in portfolio
    assert "View the certificate" not in portfolio
    rows = {r["id"]: r for r in json.loads((revoked_site / "students/index.json").read_text())}
    assert rows["fatima-hassan"]["standing"] == "certificate revoked"
    assert rows["anna-lind"]["standing"] == "awarded"
    assert rows["erik-johansson"]["standing"] == ""


def test_revoked_share_card_is_redrawn(revoked_site: Path, built: tuple[Path, str]) -> None:
    uri = "certificates/fatima-hassan/card.png"
    with Image.open(revoked_site / uri) as now, Image.open(built[0] / uri) as before:
        assert ImageChops.difference(now.convert("RGB"), before.convert("RGB")).getbbox()


def test_the_lookup_index_lists_published_numbers_only(revoked_site: Path) -> None:
    index = json.loads((revoked_site / "certificates/index.json").read_text())
    assert index["CIM-2026-0002"] == {
        "page": "certificates/fatima-hassan/",
        "credential": "certificates/fatima-hassan/credential.json",
    }
    assert "CIM-2025-0001" not in index  # Mei Chen did not consent to publication


def test_printed_certificate_shows_its_address_and_404_explains(built: tuple[Path, str]) -> None:
    site, _ = built
    html = (site / "certificates/anna-lind/index.html").read_text()
    assert '<span class="cim-qr__address">cim.example.org/certificates/anna-lind/#verify' in html
    missing = (site / "404.html").read_text()
    assert "chosen not to publish it" in missing and "withdrawn" in missing
    assert "https://cim.example.org/check/" in missing


# --- dates ---------------------------------------------------------------------------------


def test_status_list_is_dated_by_the_build(built: tuple[Path, str]) -> None:
    status = json.loads((built[0] / "credentials/status/revocation.json").read_text())
    assert status["validFrom"] == f"{TODAY}T00:00:00Z"
    assert {p["created"] for p in status["proof"]} == {f"{TODAY}T00:00:00Z"}


def test_nothing_published_is_valid_only_in_the_future(tmp_path: Path) -> None:
    """Built before Lucas Moreau's ceremony (26 November 2026): his award waits for its day,
    and every published date is on or before the build's."""
    messages: list[str] = []
    site = site_plan(
        copy_repo(ROOT, tmp_path / "repo"),
        today=dt.date(2026, 11, 20),
        cache=tmp_path / "cache",
        progress=messages.append,
    )
    assert "certificates/lucas-moreau.md" not in site.pages
    assert "certificates/lucas-moreau/credential.json" not in site.data
    assert site.standing("lucas-moreau") == "requirements met, not yet awarded"
    assert any("CIM-2026-0003 is dated 2026-11-26, after the build's day" in m for m in messages)
    for uri, data in site.data.items():
        if uri.endswith(".json") and b'"validFrom"' in data:
            assert json.loads(data)["validFrom"] <= "2026-11-20T00:00:00Z", uri


# --- awards.yml as a round trip ------------------------------------------------------------

REORDERED = """\
# Awards first, ceremonies last: an order the file may well be kept in.
awards:
  - number: CIM-2026-0001   # the first one
    student: anna-lind
    ceremony: graduation-2026-06

# Ceremonies below.
ceremonies:
  - id: graduation-2026-06
    title: Graduation ceremony, June 2026
    date: 2026-06-12
"""


def test_an_award_lands_under_awards_whatever_the_key_order() -> None:
    text = awarding.add_award(
        REORDERED, number="CIM-2026-0002", student="fatima-hassan", ceremony="graduation-2026-06"
    )
    assert text == REORDERED.replace(
        "    ceremony: graduation-2026-06\n\n# Ceremonies below.",
        "    ceremony: graduation-2026-06\n  - number: CIM-2026-0002\n    student: fatima-hassan\n"
        "    ceremony: graduation-2026-06\n\n# Ceremonies below.",
    )
    assert awarding.next_number(text, "CIM", 2026) == "CIM-2026-0003"
    assert awarding.next_number(text, "CIM", 2027) == "CIM-2027-0001"


def test_a_revocation_keeps_comments_and_order_and_refuses_what_is_wrong() -> None:
    text = awarding.add_revocation(
        REORDERED, number="CIM-2026-0001", day=dt.date(2026, 9, 1), reason=" a  reason "
    )
    assert text.startswith(REORDERED)
    assert text.endswith(
        "revocations:\n  - number: CIM-2026-0001\n    date: 2026-09-01\n    reason: a reason\n"
    )
    with pytest.raises(awarding.EditError, match="already revoked"):
        awarding.add_revocation(text, number="CIM-2026-0001", day=dt.date(2026, 9, 2), reason="x")
    with pytest.raises(awarding.EditError, match="no award has the number CIM-2026-0009"):
        awarding.add_revocation(text, number="CIM-2026-0009", day=dt.date(2026, 9, 2), reason="x")
    with pytest.raises(awarding.EditError, match="give the reason"):
        awarding.add_revocation(
            REORDERED, number="CIM-2026-0001", day=dt.date(2026, 9, 2), reason=" "
        )


def test_the_demo_awards_file_survives_a_round_trip_unchanged_but_for_the_entry() -> None:
    original = (ROOT / "awards.yml").read_text()
    text = awarding.add_revocation(
        original, number="CIM-2026-0002", day=dt.date(2026, 9, 1), reason=REASON
    )
    assert text == original.replace(
        "revocations: []",
        f"revocations:\n  - number: CIM-2026-0002\n    date: 2026-09-01\n    reason: {REASON}",
    )


def test_revoke_command_refuses_an_unknown_number(tmp_path: Path) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    before = (repo / "awards.yml").read_text()
    assert main(["revoke", "CIM-2026-0042", "--reason", "x", "--repo", str(repo)]) == 2
    assert (repo / "awards.yml").read_text() == before
