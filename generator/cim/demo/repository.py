"""A realistic CIM repository of any size, for demonstrations and benchmarks.

The real catalogue and rules are copied; students get 3–25 activities with dates inside their
studies, reflections long enough for each activity, small evidence images of their own, and a
mix of programmes, exchange students, students without consent, own-choice activities and
awarded certificates. The same seed always gives the same repository.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

from cim.demo.photos import save_pdf, save_phone_photo
from cim.model.catalogue import OWN_CHOICE, Activity, Catalogue
from cim.pipeline import check_repository, load_scheme

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

FIRST = [
    "Anna",
    "Erik",
    "Sara",
    "Lucas",
    "Mei",
    "Jonas",
    "Fatima",
    "Oskar",
    "Elin",
    "Ahmed",
    "Maja",
    "Noah",
    "Leila",
    "Hugo",
    "Amira",
    "Liam",
    "Ebba",
    "Omar",
    "Alva",
    "Yusuf",
    "Wilma",
    "Elias",
    "Nora",
    "Ali",
    "Saga",
    "Ida",
    "Karl",
    "Aisha",
    "Felix",
    "Linnea",
    "Chen",
    "Sofia",
    "Mateo",
    "Hanna",
    "Ibrahim",
    "Klara",
    "Emil",
    "Zara",
    "Viktor",
    "Nadia",
]
LAST = [
    "Lind",
    "Johansson",
    "Ahmed",
    "Moreau",
    "Chen",
    "Berg",
    "Hassan",
    "Nilsson",
    "Svensson",
    "Karlsson",
    "Andersson",
    "Ali",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Müller",
    "Rossi",
    "García",
    "Nowak",
    "Kowalski",
    "Öberg",
    "Åström",
    "Dubois",
    "Silva",
    "Khan",
    "Hussein",
    "Virtanen",
    "Jensen",
    "Haddad",
]
COUNTRIES = [
    "DE",
    "NL",
    "ES",
    "FR",
    "GB",
    "FI",
    "NO",
    "DK",
    "PL",
    "IT",
    "KE",
    "TZ",
    "ZA",
    "AU",
    "CA",
    "US",
    "JP",
    "IN",
    "BR",
    "PT",
    "BE",
    "UG",
    "VN",
    "GH",
]
LANGUAGES = [
    "Swedish",
    "English",
    "Spanish",
    "Arabic",
    "German",
    "French",
    "Somali",
    "Persian",
    "Finnish",
    "Polish",
    "Mandarin",
    "Tigrinya",
    "Bosnian",
    "Turkish",
]
SENTENCES = [
    "I learned how much the way care is organised depends on culture, law and history.",
    "Working with people from other countries made me question habits I had taken for granted.",
    "The most valuable part was listening to how others describe the same problem differently.",
    "I noticed how language shapes trust between professionals, patients and families.",
    "It showed me that good communication means checking understanding, not only explaining.",
    "Comparing our systems helped me see both the strengths and the blind spots of my own.",
    "I want to bring this curiosity about other perspectives into my future profession.",
    "At first I felt unsure, but the discussions gave me confidence to ask open questions.",
    "I realised that many of our patients meet the same barriers I experienced for a while.",
    "The group work taught me to agree on goals explicitly instead of assuming them.",
    "Meeting colleagues from abroad gave me a network I hope to keep after graduation.",
    "It made me reflect on equity in health and welfare across borders.",
    "I saw how the family's role in care differs between countries and communities.",
    "Using an interpreter well turned out to be a professional skill in itself.",
    "I became more aware of my own assumptions about what is normal in everyday life.",
    "This experience strengthened my wish to work with people from many backgrounds.",
]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_text.lower()).strip("-")


def _reflection(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while len(" ".join(out).split()) < words + 8:
        out.append(rng.choice(SENTENCES))
    return " ".join(out)


def _image(path: Path, rng: random.Random) -> None:
    img = Image.new("RGB", (160, 120), tuple(rng.randrange(60, 230) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(4):
        x, y = rng.randrange(0, 140), rng.randrange(0, 100)
        draw.rectangle(
            [x, y, x + rng.randrange(10, 40), y + rng.randrange(10, 40)],
            fill=tuple(rng.randrange(0, 255) for _ in range(3)),
        )
    img.save(path, "JPEG", quality=70)


def _amount(activity: Activity, rng: random.Random) -> float | None:
    rule = activity.points
    if rule.kind == "per_unit":
        return float(rng.randint(1, 4)) if rule.per != "hour" else float(rng.randint(5, 40))
    if rule.kind == "bands":
        top = max(b.lowest for b in rule.bands)
        return float(rng.choice([b.lowest for b in rule.bands] + [top + 2]))
    return None


def _entry(
    activity: Activity,
    day: dt.date,
    rng: random.Random,
    evidence: list[str],
    country: str,
    phone: bool = False,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"activity": activity.id, "date": day.isoformat()}
    if activity.points.per in ("day", "week", "month"):
        span = {
            "day": rng.randint(3, 12),
            "week": rng.randint(7, 60),
            "month": rng.randint(30, 120),
        }
        entry["end"] = (day + dt.timedelta(days=span[activity.points.per])).isoformat()
    else:
        amount = _amount(activity, rng)
        if amount is not None:
            entry["amount"] = amount
    if "abroad" in activity.locations and (activity.locations[0] == "abroad" or rng.random() < 0.3):
        entry["country"] = country
        entry["location"] = "abroad"
    if activity.proof.reflection_required or rng.random() < 0.5:
        words = activity.proof.min_words
        entry["reflection"] = _reflection(rng, rng.randint(max(80, words), 600) if phone else words)
    if activity.proof.evidence_required or rng.random() < 0.3:
        kind = activity.proof.evidence_kinds[0] if activity.proof.evidence_kinds else "photo"
        if phone:  # a photo shows a photo; any other kind of proof is the PDF
            file = rng.choice(evidence[:2]) if kind == "photo" else evidence[2]
        else:
            file = rng.choice(evidence)
        entry["evidence"] = [
            {"file": file, "kind": kind, "caption": f"{activity.title}, {day.year}"}
        ]
    return entry


# Long because one student's whole story (studies, activities, evidence, reflections) drawn in
# order from one random stream, which must not be reordered.
def _portfolio(
    i: int,
    rng: random.Random,
    catalogue: Catalogue,
    programmes: list[str],
    today: dt.date,
    folder: Path,
    phone: bool = False,
) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    exchange = rng.random() < 0.08
    year = rng.randint(today.year - 4, today.year)
    start = dt.date(year, 8, 24) if rng.random() < 0.7 else dt.date(year, 1, 16)
    if start > today:
        start = dt.date(year - 1, 8, 24)
    end = start + dt.timedelta(days=140 if exchange else 3 * 365 - 60)
    evidence_dir = folder / "evidence"
    evidence_dir.mkdir(parents=True, exist_ok=True)
    if phone:  # as students really submit it: two phone photos and a PDF
        files = ["evidence/photo-1.jpg", "evidence/photo-2.jpg", "evidence/certificate.pdf"]
        for name in files[:2]:
            save_phone_photo(folder / name, rng, start + dt.timedelta(days=rng.randrange(200)))
        save_pdf(folder / files[2], rng, "Certificate of participation", f"{first} {last}")
    else:
        files = []
        for n in range(rng.randint(1, 3)):
            name = f"evidence/photo-{n + 1}.jpg"
            _image(folder / name, rng)
            files.append(name)
    cohort = "exchange" if exchange else "programme"
    usable = [
        a
        for a in catalogue.activities
        if not a.own_choice and (not a.cohorts or cohort in a.cohorts)
    ]
    last_day = min(end, today)
    span = max(1, (last_day - start).days)
    entries = []
    for _ in range(rng.randint(8, 40) if phone else rng.randint(3, 25)):
        activity = rng.choice(usable)
        day = start + dt.timedelta(days=rng.randrange(span))
        entries.append(_entry(activity, day, rng, files, rng.choice(COUNTRIES), phone))
    if catalogue.get(OWN_CHOICE) and rng.random() < 0.1:
        entries.append(
            {
                "activity": OWN_CHOICE,
                "title": "Volunteer interpreter at a health information day",
                "category": "engagement",
                "aims": ["intercultural"],
                "location": "home",
                "claim": rng.randint(5, 15),
                "date": (start + dt.timedelta(days=span // 2)).isoformat(),
                "reflection": _reflection(rng, 130),
                "evidence": [{"file": files[0], "kind": "other"}],
            }
        )
    pid = f"{_slug(first)}-{_slug(last)}-{i:05d}"
    data: dict[str, Any] = {
        "id": pid,
        "name": f"{first} {last}",
        "username": f"{_slug(last)[:4]}{i:05d}",
        "github_id": 20_000_000 + i,
        "programme": "exchange" if exchange else rng.choice(programmes),
        "origin_country": rng.choice(COUNTRIES) if exchange else "SE",
        "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
        "studies": {"start": start.isoformat(), "end": end.isoformat()},
        "publish": rng.random() < 0.85,
        "bio": _reflection(rng, 20),
        "entries": entries,
    }
    if exchange:
        data["cohort"] = "exchange"
    return data


def generate(
    source: Path,
    out: Path,
    students: int,
    seed: int = 1,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    photos: str = "small",
) -> int:
    """Write a repository with ``students`` portfolios into ``out``; return the awards made.

    ``photos="phone"`` gives every student evidence as students really submit it (two phone
    photos with EXIF and a PDF of a few pages, see cim.demo.photos), 8–40 entries and
    reflections of 80–600 words; ``"small"`` keeps the small drawn images that make quick tests.
    """
    say = progress or (lambda _m: None)
    today = today or dt.date(2026, 11, 28)
    scheme = load_scheme(source)
    if scheme.rules is None or scheme.catalogue is None:
        raise ValueError(f"{source} has no valid rules.yml and activities.yml")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("rules.yml", "activities.yml", "issuer.yml"):
        if (source / name).is_file():
            shutil.copy2(source / name, out / name)
    rng = random.Random(seed)
    programmes = [p.id for p in scheme.rules.programmes if p.id != "exchange"] or ["nursing"]
    base = out / "portfolios"
    for i in range(students):
        folder = base / f"s{i:05d}"
        data = _portfolio(i, rng, scheme.catalogue, programmes, today, folder, photos == "phone")
        final = base / data["id"]
        folder.rename(final)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        (final / "portfolio.yml").write_text(text, encoding="utf-8")
        if (i + 1) % 1000 == 0:
            say(f"{i + 1} of {students} portfolios written")
    return _award(out, today)


def _award(out: Path, today: dt.date) -> int:
    """Give a certificate to every graduated student who met the requirements."""
    report = check_repository(out, today=today)
    ceremonies: dict[int, str] = {}
    serial: dict[int, int] = {}
    awards = []
    for r in report.portfolios:
        a, p = r.assessment, r.portfolio
        if not (r.valid and a and a.met and p and p.end and p.end <= today):
            continue
        year = p.end.year
        ceremonies.setdefault(year, f"graduation-{year}")
        serial[year] = serial.get(year, 0) + 1
        awards.append(
            {
                "number": f"CIM-{year}-{serial[year]:04d}",
                "student": r.id,
                "ceremony": ceremonies[year],
            }
        )
    data = {
        "ceremonies": [
            {
                "id": cid,
                "title": f"Graduation ceremony, {year}",
                "date": f"{year}-06-12" if dt.date(year, 6, 12) <= today else today.isoformat(),
            }
            for year, cid in sorted(ceremonies.items())
        ],
        "awards": awards,
        "revocations": [],
    }
    (out / "awards.yml").write_text(
        yaml.dump(data, Dumper=_Dumper, sort_keys=False), encoding="utf-8"
    )
    return len(awards)
