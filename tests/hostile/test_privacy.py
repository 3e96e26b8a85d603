"""Privacy: identity numbers refused everywhere, no trace of students without consent,
noindex, and erasure by removing the folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cim.checks.text import (
    _CONTROL,
    _control_character_in,
    _luhn,
    _utf8,
    looks_like_identity_number,
)

from helpers import check, messages, portfolio, save

# Valid checksums (Luhn) in every written form; samordningsnummer add 60 to the day.
IDENTITY_NUMBERS = {
    "personnummer with century and dash": "19811218-9876",
    "personnummer without century": "811218-9876",
    "personnummer without separator": "8112189876",
    "personnummer with century, no separator": "198112189876",
    "personnummer of a centenarian (+)": "811218+9876",
    "samordningsnummer": "811278-9873",
    "samordningsnummer with century": "19811278-9873",
    # As word processors and phones write them: other dashes and spaces, invisible characters,
    # other digits, and the separators people use in dates.
    "en dash (Word's autocorrect)": "811218\u20139876",
    "em dash": "811218\u20149876",
    "minus sign": "811218\u22129876",
    "hyphen U+2010": "811218\u20109876",
    "non-breaking hyphen U+2011": "811218\u20119876",
    "no-break space": "811218\u00a09876",
    "narrow no-break space": "811218\u202f9876",
    "zero-width space": "811218\u200b9876",
    "zero-width joiner between digits": "8112\u200d18-9876",
    "soft hyphen": "811218\u00ad9876",
    "fullwidth digits": "\uff18\uff11\uff11\uff12\uff11\uff18-\uff19\uff18\uff17\uff16",
    "Arabic-Indic digits": "\u0668\u0661\u0661\u0662\u0661\u0668-\u0669\u0668\u0667\u0666",
    "dashed date with century": "1981-12-18-9876",
    "dotted date": "81.12.18-9876",
    "slash": "811218/9876",
    "dot": "811218.9876",
    "underscore": "811218_9876",
    "fullwidth hyphen-minus": "811218\uff0d9876",
    "figure dash": "811218\u20129876",
}
NOT_IDENTITY = ["19811218-9875", "2024-05-01", "+46 36 10 10 00", "CIM-2026-0001", "811232-9876"]


@pytest.mark.parametrize("form", sorted(IDENTITY_NUMBERS))
def test_identity_numbers_are_recognised(form: str) -> None:
    assert looks_like_identity_number(f"my number is {IDENTITY_NUMBERS[form]} ok")


@pytest.mark.parametrize("text", NOT_IDENTITY)
def test_other_numbers_are_not_mistaken_for_identity_numbers(text: str) -> None:
    assert not looks_like_identity_number(text)


PERSONNUMMER = re.compile(
    r"(?<![0-9])(?:19|20)?([0-9]{2})[-./ ]?([0-9]{2})[-./ ]?([0-9]{2})[-+./_ ]?([0-9]{4})"
    r"(?![0-9])"
)


def _normalised(text: str) -> str:
    """The plain definition of how a number may be written: compatibility forms folded
    (NFKC), every decimal digit as 0-9, every dash and the minus sign as '-', every space as
    ' ', and invisible format characters (zero-width, soft hyphen, bidi marks) dropped."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif category == "Pd" or ch == "\u2212":
            out.append("-")
        elif category == "Zs":
            out.append(" ")
        elif category != "Cf":
            out.append(ch)
    return "".join(out)


def _found_by_whole_text_scan(text: str) -> bool:
    """The plain definition: the pattern tried at every position of the normalised text."""
    text = _normalised(text)
    for start in range(len(text)):
        m = PERSONNUMMER.match(text, start)
        if m:
            yy, mm, dd, tail = m.groups()
            day = int(dd) - 60 if int(dd) > 60 else int(dd)
            if 1 <= int(mm) <= 12 and 1 <= day <= 31 and _luhn(yy + mm + dd + tail):
                return True
    return False


@given(
    st.lists(
        st.one_of(
            st.sampled_from(sorted(IDENTITY_NUMBERS.values())),
            st.text("0123456789-+ ./_xé٣８\u2013\u2212\u00a0\u200b\u00ad\u0661", max_size=16),
        ),
        max_size=6,
    )
)
def test_the_fast_scan_finds_what_the_plain_definition_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert looks_like_identity_number(text) == _found_by_whole_text_scan(text)


def test_the_scan_knows_every_dash_space_and_format_character() -> None:
    """The scan's own tables of dashes, spaces and invisible characters are Unicode's
    categories, for the Unicode version this Python has."""
    for cp in range(0x80, 0x110000):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if category == "Nd":  # a valid number whose tail holds this digit's value
            value = str(unicodedata.decimal(ch))
            check = next(c for c in "0123456789" if _luhn("81121898" + value + c))
            assert looks_like_identity_number(f"811218-98{ch}{check}"), f"U+{cp:04X}"
        elif category in ("Pd", "Zs", "Cf"):
            assert looks_like_identity_number(f"811218{ch}9876"), f"U+{cp:04X}"


@given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=40))
def test_the_fast_scan_finds_every_control_character(text: str) -> None:
    assert _control_character_in(*_utf8(text)) == bool(_CONTROL.search(text))


@pytest.mark.parametrize(
    "field", ["name", "bio", "title", "reflection", "place", "caption", "language", "file name"]
)
def test_identity_numbers_refused_in_every_field(repo: Path, field: str) -> None:
    number = IDENTITY_NUMBERS["samordningsnummer"]
    p = portfolio(repo, "anna-lind")
    entry = p["entries"][1]
    if field in ("name", "bio"):
        p[field] = f"Anna {number}"
    elif field == "language":
        p["languages"] = [number]
    elif field == "caption":
        entry["evidence"][0]["caption"] = number
    elif field == "file name":
        folder = repo / "portfolios/anna-lind/evidence"
        (folder / f"{number}.jpg").write_bytes((folder / "guest-lectures.jpg").read_bytes())
        entry["evidence"][0]["file"] = f"evidence/{number}.jpg"
    else:
        entry[field] = f"text {number}"
    save(repo, "anna-lind", p)
    assert "personal identity number" in messages(check(repo, "anna-lind"), "anna-lind")


def build(repo: Path, tmp: Path, name: str = "site") -> Path:
    from conftest import build_copy

    return build_copy(repo, tmp / name, tmp)


def traces(site: Path, words: list[str]) -> list[str]:
    found = []
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".js", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            found += [f"{path.relative_to(site)}: {w}" for w in words if w.lower() in text]
    return found


def test_a_student_without_consent_leaves_no_trace(repo: Path, tmp_path: Path) -> None:
    # Lucas withdraws consent: he is an exchange student with an award and countries.
    p = portfolio(repo, "lucas-moreau")
    p["publish"] = False
    save(repo, "lucas-moreau", p)
    site = build(repo, tmp_path)
    assert traces(site, ["Lucas", "Moreau", "lucas-moreau", "molu2601"]) == []
    assert not (site / "students/lucas-moreau").exists()
    assert not (site / "certificates/lucas-moreau").exists()
    assert not (site / "exchange/2026-autumn").exists()  # no published exchange student left
    stats = (site / "statistics/index.html").read_text()
    assert ">FR<" not in stats  # his home country is not a statistics label either


def test_noindex_asks_search_engines_to_skip_the_pages(repo: Path, tmp_path: Path) -> None:
    p = portfolio(repo, "anna-lind")
    p["noindex"] = True
    save(repo, "anna-lind", p)
    site = build(repo, tmp_path)
    for page in ("students/anna-lind/index.html", "certificates/anna-lind/index.html"):
        assert '<meta name="robots" content="noindex">' in (site / page).read_text()
    assert '<meta name="robots"' not in (site / "students/erik-johansson/index.html").read_text()


def test_erasure_removing_the_folder_removes_everything(repo: Path, tmp_path: Path) -> None:
    import shutil

    before = build(repo, tmp_path, "before")
    assert traces(before, ["Erik Johansson"])
    shutil.rmtree(repo / "portfolios/erik-johansson")
    after = build(repo, tmp_path, "after")
    assert traces(after, ["Erik Johansson", "erik-johansson", "joer2301"]) == []
