"""Semantic checks: what a schema cannot see, said with a location and what to do."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from cim import evidence
from cim.catalogue import OWN_CHOICE, Catalogue
from cim.points import amount_of
from cim.portfolio import Portfolio
from cim.problems import Problem, Severity
from cim.rules import Requirement, Rules
from cim.source import Document


def did_you_mean(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _duplicates(ids: list[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            yield i, value
        seen.add(value)


# --- rules.yml ----------------------------------------------------------------------------


def check_rules(doc: Document, rules: Rules) -> list[Problem]:
    problems: list[Problem] = []
    for section, items in (
        ("aims", rules.aims),
        ("categories", rules.categories),
        ("programmes", rules.programmes),
        ("cohorts", rules.cohorts),
    ):
        for i, value in _duplicates([x.id for x in items]):
            problems.append(
                doc.problem(
                    [section, i, "id"], f"{section} id '{value}' is used twice; ids must be unique."
                )
            )
    cohort_ids = [c.id for c in rules.cohorts]
    if rules.default_cohort not in cohort_ids:
        problems.append(
            doc.problem(
                ["default_cohort"],
                f"default_cohort '{rules.default_cohort}' is not a cohort"
                f"{did_you_mean(rules.default_cohort, cohort_ids)}",
            )
        )
    for i, cohort in enumerate(rules.cohorts):
        if cohort.may_apply is not None and cohort.may_apply >= cohort.threshold:
            problems.append(
                doc.problem(["cohorts", i, "may_apply"], "may_apply must be below the threshold.")
            )
    categories = [c.id for c in rules.categories]
    for i, category in enumerate(rules.own_choice.categories):
        if category not in categories:
            problems.append(
                doc.problem(
                    ["own_choice", "categories", i],
                    f"unknown category '{category}'"
                    f"{did_you_mean(category, categories)}; "
                    "categories are listed under `categories:`.",
                )
            )
    return problems


def _walk(requirements: Iterable[Requirement]) -> Iterator[Requirement]:
    for req in requirements:
        yield req
        yield from _walk(req.parts)


def check_references(rules_doc: Document, rules: Rules, catalogue: Catalogue) -> list[Problem]:
    """Every id a requirement names must exist in the rules or the catalogue."""
    problems: list[Problem] = []
    known = {
        "category": [c.id for c in rules.categories],
        "activity": [a.id for a in catalogue.activities],
        "aim": [a.id for a in rules.aims],
    }
    for cohort in rules.cohorts:
        for req in _walk(cohort.requirements):
            for field in ("category", "activity", "aim"):
                for value in getattr(req.where, field):
                    if value not in known[field]:
                        problems.append(
                            rules_doc.problem(
                                [*req.path, "where", field],
                                f"requirement names an unknown {field} '{value}'"
                                f"{did_you_mean(value, known[field])}; define it or fix the id.",
                            )
                        )
    return problems


# --- activities.yml -----------------------------------------------------------------------


def check_catalogue(doc: Document, catalogue: Catalogue, rules: Rules | None) -> list[Problem]:
    problems: list[Problem] = []
    listed = [a for a in catalogue.activities if a.index >= 0]
    for i, value in _duplicates([a.id for a in listed]):
        problems.append(
            doc.problem(
                ["activities", i, "id"],
                f"activity id '{value}' is used twice; ids must be unique "
                "and must never be reused.",
            )
        )
    for a in listed:
        at: list[str | int] = ["activities", a.index]
        if a.id == OWN_CHOICE:
            problems.append(
                doc.problem(
                    [*at, "id"],
                    f"'{OWN_CHOICE}' is reserved; own-choice "
                    "activities are configured under `own_choice:` in rules.yml.",
                )
            )
        if a.group_size > 1 and a.points.kind != "fixed":
            problems.append(
                doc.problem(
                    [*at, "points"],
                    "a grouped activity needs fixed points (the points of one complete group).",
                )
            )
        for j, band in enumerate(a.points.bands):
            if band.max is not None and band.max < band.min:
                problems.append(
                    doc.problem(
                        [*at, "points", "bands", j],
                        f"band max {band.max:g} is below its min {band.min:g}.",
                    )
                )
        if rules is None:
            continue
        categories = [c.id for c in rules.categories]
        if a.category not in categories:
            problems.append(
                doc.problem(
                    [*at, "category"],
                    f"unknown category '{a.category}'"
                    f"{did_you_mean(a.category, categories)}; categories are "
                    "defined in rules.yml.",
                )
            )
        aims = [x.id for x in rules.aims]
        for j, aim in enumerate(a.aims):
            if aim not in aims:
                problems.append(
                    doc.problem(
                        [*at, "aims", j],
                        f"unknown aim '{aim}'"
                        f"{did_you_mean(aim, aims)}; aims are defined in "
                        "rules.yml.",
                    )
                )
        for field, values, known in (
            ("cohorts", a.cohorts, [c.id for c in rules.cohorts]),
            ("programmes", a.programmes, [p.id for p in rules.programmes]),
        ):
            for j, value in enumerate(values):
                if value not in known:
                    problems.append(
                        doc.problem(
                            [*at, field, j],
                            f"unknown {field[:-1]} '{value}'{did_you_mean(value, known)}.",
                        )
                    )
    return problems


# --- portfolio.yml ------------------------------------------------------------------------

_WHERE = {"home": "at home", "abroad": "abroad", "online": "online"}

# Personal identity numbers are written in ASCII digits: [cc]yymmdd, an optional -, + or
# space, and four digits; a run of digits longer than that is not one.
_PERSONNUMMER = re.compile(
    rb"(?<![0-9])(?:19|20)?([0-9]{2})([0-9]{2})([0-9]{2})[-+ ]?([0-9]{4})(?![0-9])"
)
_PERSONNUMMER_LENGTH = 14  # at most 12 digits and a separator, and one character after them
# Bidirectional overrides and isolates can make text display in another order than it is
# written (a name that reads differently from what it says); other control characters have no
# place in portfolio text.
_CONTROL = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
# The shape of UTF-8 text, one byte for each byte: digits become "0", ASCII control
# characters "!", the first byte of every character that could be one of the other control
# characters above (U+0080–U+009F, U+061C, U+200E–U+2069) "?", and everything else a space.
# Substring searches in the shape (at the speed of a copy) rule out almost every text.
_SHAPE = bytes(
    0x30
    if 0x30 <= b <= 0x39
    else 0x21
    if b < 0x80 and _CONTROL.match(chr(b))
    else 0x3F
    if b in (0xC2, 0xD8, 0xE2)
    else 0x20
    for b in range(256)
)
_NOT_A_DIGIT = re.compile(rb"[^0]")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _utf8(text: str) -> tuple[bytes, bytes]:
    data = text.encode("utf-8", "surrogatepass")  # digits and separators are single bytes
    return data, data.translate(_SHAPE)


def _identity_number_in(data: bytes, shape: bytes) -> bool:
    start = shape.find(b"000000")
    while start != -1:  # a number starts where a run of six or more digits starts
        for m in _PERSONNUMMER.finditer(data, start, start + _PERSONNUMMER_LENGTH):
            yy, mm, dd, tail = (g.decode() for g in m.groups())
            day = int(dd) - 60 if int(dd) > 60 else int(dd)  # coordination numbers add 60
            if 1 <= int(mm) <= 12 and 1 <= day <= 31 and _luhn(yy + mm + dd + tail):
                return True
        after = _NOT_A_DIGIT.search(shape, start)  # the end of this run of digits
        start = -1 if after is None else shape.find(b"000000", after.start())
    return False


def _control_character_in(data: bytes, shape: bytes) -> bool:
    if b"!" in shape:
        return True
    at = shape.find(b"?")
    while at != -1:
        if _CONTROL.match(data[at : at + 3].decode("utf-8", "ignore")):
            return True
        at = shape.find(b"?", at + 1)
    return False


def looks_like_identity_number(text: str) -> bool:
    """True when ``text`` holds something shaped like a Swedish personal identity number."""
    return _identity_number_in(*_utf8(text))


def _check_text(doc: Document, path: list[str | int], text: str) -> list[Problem]:
    if not text:
        return []
    if looks_like_identity_number(text):
        return [
            doc.problem(
                path,
                "this looks like a personal identity number (personnummer "
                "or samordningsnummer); remove it — it must never be stored "
                "or published.",
            )
        ]
    bad = _CONTROL.search(text)
    if bad:
        return [
            doc.problem(
                path,
                f"the text contains the invisible control character "
                f"U+{ord(bad.group()):04X}, which can disguise what it "
                "says; remove it.",
            )
        ]
    return []


def check_strings(doc: Document) -> list[Problem]:
    """Every text value in the file: identity numbers and control characters.

    The whole file's text is scanned once first; only when something is found are the values
    walked one by one to say where."""
    problems: list[Problem] = []
    strings: list[tuple[list[str | int], str]] = []
    raw = doc.text
    # The file's own text is scanned first, in one pass; YAML escapes (\\u…) could hide a
    # character from that scan, so a file that has any is always looked at value by value.
    if raw and "\\" not in raw:
        data, shape = _utf8(raw)
        if not _control_character_in(data, shape) and not _identity_number_in(data, shape):
            return problems

    def walk(value: object, path: list[str | int]) -> None:
        if isinstance(value, str):
            strings.append((path, value))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, [*path, k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, [*path, i])

    walk(doc.data, [])
    for path, text in strings:
        problems.extend(_check_text(doc, path, text))
    return problems


def check_portfolio(
    doc: Document,
    portfolio: Portfolio,
    folder: Path,
    catalogue: Catalogue,
    rules: Rules,
    today: dt.date,
    deep: bool = False,
) -> list[Problem]:
    """Problems in one schema-valid portfolio; ``folder`` is the portfolio's own folder.

    ``deep`` also decodes every image and scans every PDF (slower; for pull requests)."""
    problems: list[Problem] = []
    if portfolio.id != folder.name:
        problems.append(
            doc.problem(
                ["id"],
                f"id '{portfolio.id}' does not match the folder name "
                f"'{folder.name}'; they must be the same.",
            )
        )
    if rules.programmes and rules.programme(portfolio.programme) is None:
        known = [p.id for p in rules.programmes]
        problems.append(
            doc.problem(
                ["programme"],
                f"unknown programme '{portfolio.programme}'"
                f"{did_you_mean(portfolio.programme, known)}; choose one of: "
                f"{', '.join(known)}.",
            )
        )
    cohort = rules.cohort(portfolio.cohort)
    if cohort is None and "cohort" in doc.data:
        known = [c.id for c in rules.cohorts]
        problems.append(
            doc.problem(
                ["cohort"],
                f"unknown cohort '{portfolio.cohort}'"
                f"{did_you_mean(portfolio.cohort, known)}; choose one of: "
                f"{', '.join(known)}.",
            )
        )
    elif cohort and cohort.window.start == "registration" and portfolio.registered is None:
        problems.append(
            doc.problem(
                [],
                "add `registered:` (the date you registered for CIM): "
                "activities count from that day.",
                severity=Severity.WARNING,
            )
        )
    for key, value in (("start", portfolio.start), ("end", portfolio.end)):
        if value is None:
            problems.append(
                doc.problem(["studies", key], "not a real calendar date; write YYYY-MM-DD.")
            )
    if portfolio.start and portfolio.end and portfolio.end < portfolio.start:
        problems.append(
            doc.problem(["studies", "end"], "the end of studies is before their start.")
        )
    if doc.data.get("registered") is not None and portfolio.registered is None:
        problems.append(doc.problem(["registered"], "not a real calendar date; write YYYY-MM-DD."))
    problems += check_strings(doc)
    found, files = check_folder(doc, folder, rules)
    problems += found
    seen: dict[str, list[tuple[str, Severity]]] = {}  # each evidence file is judged once
    for entry in portfolio.entries:
        problems += _check_entry(
            doc, portfolio, entry.index, folder, catalogue, rules, today, deep, seen, files
        )
    return problems


def _check_entry(
    doc: Document,
    portfolio: Portfolio,
    index: int,
    folder: Path,
    catalogue: Catalogue,
    rules: Rules,
    today: dt.date,
    deep: bool,
    seen: dict[str, list[tuple[str, Severity]]],
    files: dict[str, int],
) -> list[Problem]:
    entry = portfolio.entries[index]
    raw = doc.data["entries"][index]
    at: list[str | int] = ["entries", index]
    problems: list[Problem] = []
    activity = catalogue.get(entry.activity)
    if activity is None:
        hint = did_you_mean(entry.activity, catalogue.by_id)
        if entry.activity == OWN_CHOICE:
            hint = " (own-choice activities are not allowed in this scheme)"
        problems.append(
            doc.problem(
                [*at, "activity"],
                f"unknown activity '{entry.activity}'{hint}; `cim activities` lists the catalogue.",
            )
        )
    for key, value in (("date", entry.date), ("end", entry.end)):
        if raw.get(key) is not None and value is None:
            problems.append(
                doc.problem(
                    [*at, key], f"'{raw[key]}' is not a real calendar date; write YYYY-MM-DD."
                )
            )
    if entry.date and entry.date > today:
        problems.append(
            doc.problem(
                [*at, "date"],
                f"{entry.date} is in the future; add an activity once it has taken place.",
            )
        )
    if entry.date and entry.end and entry.end < entry.date:
        problems.append(doc.problem([*at, "end"], "the last day is before the first day."))
    if activity is not None:
        if activity.own_choice:
            problems += _check_own_choice(doc, at, raw, rules)
        else:
            for key in ("claim", "category", "aims"):
                if key in raw:
                    problems.append(
                        doc.problem(
                            [*at, key],
                            f"`{key}` is only for own-choice "
                            "activities; remove it (the catalogue sets it).",
                            key=True,
                        )
                    )
            if entry.location and entry.location not in activity.locations:
                problems.append(
                    doc.problem(
                        [*at, "location"],
                        f"'{activity.title}' takes place "
                        f"{' or '.join(_WHERE[x] for x in activity.locations)}, not "
                        f"{_WHERE[entry.location]}.",
                    )
                )
            if activity.points.needs_amount and amount_of(entry, activity) is None:
                problems.append(
                    doc.problem(
                        at,
                        f"'{activity.title}' earns points per "
                        f"{activity.points.per}: add `amount:` (or `end:` for "
                        "a duration).",
                    )
                )
    for j, item in enumerate(entry.evidence):
        found = seen.get(item.file)
        if found is None:
            found = seen[item.file] = _judge_evidence(doc, item.file, folder, rules, deep, files)
        problems += [
            doc.problem([*at, "evidence", j, "file"], message, severity=severity)
            for message, severity in found
        ]
    return problems


def _check_own_choice(
    doc: Document, at: list[str | int], raw: dict[str, object], rules: Rules
) -> list[Problem]:
    problems = []
    for key, what in (
        ("title", "a title saying what you did"),
        ("claim", "the points you propose"),
        ("category", "a category"),
        ("aims", "the aims it develops"),
    ):
        if key not in raw:
            problems.append(doc.problem(at, f"an own-choice activity needs `{key}:` ({what})."))
    category = raw.get("category")
    allowed = list(rules.own_choice.categories) or [c.id for c in rules.categories]
    if isinstance(category, str) and category not in allowed:
        problems.append(
            doc.problem(
                [*at, "category"],
                f"category '{category}' is not open to "
                f"own-choice activities{did_you_mean(category, allowed)}; "
                f"choose one of: {', '.join(allowed)}.",
            )
        )
    aims = [a.id for a in rules.aims]
    given = raw.get("aims")
    for j, aim in enumerate(given if isinstance(given, list) else []):
        if aim not in aims:
            problems.append(
                doc.problem(
                    [*at, "aims", j],
                    f"unknown aim '{aim}'"
                    f"{did_you_mean(aim, aims)}; choose from: "
                    f"{', '.join(aims)}.",
                )
            )
    return problems


_DRIVE = re.compile(r"[A-Za-z]:")


def _judge_evidence(
    doc: Document,
    name: str,
    folder: Path,
    rules: Rules,
    deep: bool,
    files: dict[str, int],
) -> list[tuple[str, Severity]]:
    """What is wrong with one referenced evidence file (empty when nothing).

    ``files`` is the folder's listing from :func:`check_folder`: the regular files reached
    without a link, by relative path, with their sizes."""
    error, warning = Severity.ERROR, Severity.WARNING
    parts = name.split("/")
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or "\\" in name:
        return [
            (
                f"'{name}' must be a relative path inside your portfolio folder, e.g. "
                "evidence/certificate.pdf, with forward slashes.",
                error,
            )
        ]
    if ".." in parts or "." in parts or "" in parts:
        return [
            (
                f"'{name}' may not contain '..', '.' or '//'; refer to the file inside "
                f"{Path(doc.path).parent.as_posix()}/ directly, e.g. evidence/photo.jpg.",
                error,
            )
        ]
    if any(p.startswith(".") for p in parts):
        return [(f"'{name}' is a hidden file; give it a normal name.", error)]
    size = files.get(name)
    # With no '..' and no symbolic link on the way, the path cannot leave the folder; a listed
    # file was reached without one.
    if size is None and any(
        folder.joinpath(*parts[:depth]).is_symlink() for depth in range(1, len(parts) + 1)
    ):
        return [
            (f"'{name}' is or passes through a symbolic link; add the file itself instead.", error)
        ]
    target = os.path.join(folder, name)
    suffix = os.path.splitext(parts[-1])[1].lower().lstrip(".")
    if suffix not in rules.evidence_types:
        return [
            (
                f"'{name}' is a .{suffix or '(none)'} file; allowed evidence types are "
                f"{', '.join(rules.evidence_types)}.",
                error,
            )
        ]
    if size is None:
        try:
            info = os.stat(target)
        except OSError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode):
            size = info.st_size
    if size is None:
        return [
            (
                f"evidence file '{name}' does not exist; add it to "
                f"{(Path(doc.path).parent / name).parent.as_posix()}/ or fix the name.",
                error,
            )
        ]
    if size > rules.evidence_max_mb * 1024 * 1024:
        return [
            (
                f"'{name}' is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{rules.evidence_max_mb:g} MB — export a smaller copy.",
                error,
            )
        ]
    expected = evidence.KIND_OF_SUFFIX.get(suffix)
    with open(target, "rb") as handle:
        actual = evidence.sniff(handle.read(16))
        gps = actual == "jpeg" and evidence.jpeg_has_gps(handle)
    if expected is None or actual != expected:
        shown = f"a {actual.upper()} file" if actual else "not an image or PDF"
        return [
            (
                f"'{name}' is named .{suffix} but its content is {shown}; save it in the "
                "format its name says.",
                error,
            )
        ]
    found: list[tuple[str, Severity]] = []
    if gps:
        found.append(
            (
                f"'{name}' contains the GPS position where it was taken; it is removed "
                "when published, but remove it from the file in the repository too (most "
                "phones have a setting to save photos without location).",
                warning,
            )
        )
    if deep:
        problem = evidence.inspect(Path(target), actual)
        if problem:
            found.append((f"'{name}' cannot be accepted: {problem}.", error))
    return found


def check_folder(doc: Document, folder: Path, rules: Rules) -> tuple[list[Problem], dict[str, int]]:
    """Everything inside the portfolio folder: no links, hidden files, case clashes or files
    that are not allowed evidence. Also returns its regular files reached without a link
    (relative path → size in bytes), for the evidence checks."""
    problems: list[Problem] = []
    files: dict[str, int] = {}
    shown_base = Path(doc.path).parent.as_posix()
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        lowered: dict[str, str] = {}
        for entry in entries:
            name = entry.name
            rel = prefix + name
            shown = f"{shown_base}/{rel}"
            if entry.is_symlink():
                problems.append(
                    doc.problem([], f"{shown} is a symbolic link; replace it with the file itself.")
                )
            elif name.startswith(".") and name != ".gitkeep":
                problems.append(doc.problem([], f"{shown} is a hidden file or folder; remove it."))
            elif name.lower() in lowered:
                problems.append(
                    doc.problem(
                        [],
                        f"{shown} and {lowered[name.lower()]} differ only "
                        "in upper and lower case; rename one.",
                    )
                )
            elif entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), rel + "/"))
            elif rel != "portfolio.yml" and name != ".gitkeep":
                if entry.is_file(follow_symlinks=False):
                    files[rel] = entry.stat(follow_symlinks=False).st_size
                suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if suffix not in rules.evidence_types:
                    problems.append(
                        doc.problem(
                            [],
                            f"{shown} is not an allowed evidence type "
                            f"({', '.join(rules.evidence_types)}); "
                            "remove it.",
                        )
                    )
            lowered.setdefault(name.lower(), name)
    return problems, files
