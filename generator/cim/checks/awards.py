"""Checks of issuer.yml and awards.yml against the portfolios: ceremonies, numbers that are
never reused, revocations, keys, and awards only to students who meet the requirements."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cim.credentials.keys import KeyError_, public_key_from_multibase
from cim.hints import did_you_mean
from cim.model.awards import (
    ERASED,
    NUMBER,
    Award,
    Awards,
    Ceremony,
    Issuer,
    IssuerKey,
    Revocation,
    status_index,
)
from cim.model.layout import AWARDS_FILE, ISSUER_FILE
from cim.model.portfolio import parse_date
from cim.problems import Problem, Severity
from cim.read import schema, source
from cim.scoring.verdict import Assessment

Loaded = tuple[source.Document, list[Problem], bool]


def read(root: Path) -> tuple[Loaded | None, Loaded | None]:
    """issuer.yml and awards.yml read and schema-checked (None for a file that is absent);
    they need no portfolio, so this can run while the portfolios are being checked."""
    issuer_path, awards_path = root / ISSUER_FILE, root / AWARDS_FILE
    return (
        schema.load(str(issuer_path), ISSUER_FILE, "issuer") if issuer_path.is_file() else None,
        schema.load(str(awards_path), AWARDS_FILE, "awards") if awards_path.is_file() else None,
    )


def load(
    files: tuple[Loaded | None, Loaded | None],
    assessments: Mapping[str, Assessment | None],
    default_issuer: str,
) -> tuple[Awards, list[Problem]]:
    """Check issuer.yml and awards.yml (both optional; ``files`` from :func:`read`) against
    the portfolios."""
    issuer_file, awards_file = files
    problems: list[Problem] = []
    issuer = Issuer(default_issuer, "CIM administrators")
    if issuer_file is not None:
        doc, found, usable = issuer_file
        problems += found
        if usable:
            issuer = _issuer_from(doc.data)
            problems += _check_keys(doc, issuer)
    result = Awards(issuer)
    if awards_file is None:
        return result, problems
    doc, found, usable = awards_file
    problems += found
    if not usable or doc.data is None:
        return result, problems
    problems += _build(doc, result, assessments)
    return result, problems


def _issuer_from(data: dict[str, Any]) -> Issuer:
    signatory = data["signatory"]
    return Issuer(
        name=data["name"],
        signatory_role=signatory["role"],
        signatory_name=signatory.get("name", ""),
        url=data.get("url", ""),
        linkedin_organization_id=data.get("linkedin_organization_id", ""),
        keys=tuple(
            IssuerKey(k["id"], k["public"], k["status"], k.get("since", ""))
            for k in data.get("keys", ())
        ),
    )


def _check_keys(doc: source.Document, issuer: Issuer) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, key in enumerate(issuer.keys):
        if key.id in seen:
            problems.append(doc.problem(["keys", i, "id"], f"key id '{key.id}' is used twice."))
        seen.add(key.id)
        try:
            public_key_from_multibase(key.public)
        except (KeyError_, ValueError) as exc:
            problems.append(doc.problem(["keys", i, "public"], f"not a usable public key: {exc}."))
    if sum(k.status == "active" for k in issuer.keys) > 1:
        problems.append(
            doc.problem(
                ["keys"], "more than one key is active; mark the older ones retired.", key=True
            )
        )
    return problems


# Long because awards.yml is checked in one pass in the order its parts depend on each other
# (ceremonies, then revocations, then awards); each check is a few lines.
def _build(
    doc: source.Document, result: Awards, assessments: Mapping[str, Assessment | None]
) -> list[Problem]:
    problems: list[Problem] = []
    data = doc.data
    for i, c in enumerate(data.get("ceremonies") or []):
        day = parse_date(c["date"])
        if day is None:
            problems.append(doc.problem(["ceremonies", i, "date"], "not a real calendar date."))
            continue
        if c["id"] in result.ceremonies:
            problems.append(
                doc.problem(["ceremonies", i, "id"], f"ceremony id '{c['id']}' is used twice.")
            )
        result.ceremonies[c["id"]] = Ceremony(c["id"], c["title"], day, c.get("place", ""))
    revocations: dict[str, Revocation] = {}
    numbers = {a["number"] for a in data.get("awards") or []}
    for i, r in enumerate(data.get("revocations") or []):
        day = parse_date(r["date"])
        if r["number"] not in numbers:
            problems.append(
                doc.problem(
                    ["revocations", i, "number"],
                    f"no award has the number '{r['number']}'{did_you_mean(r['number'], numbers)}.",
                )
            )
        elif day is None:
            problems.append(doc.problem(["revocations", i, "date"], "not a real calendar date."))
        else:
            revocations[r["number"]] = Revocation(r["number"], day, r["reason"])
    seen: dict[str, int] = {}
    indexes: dict[int, str] = {}
    live: dict[str, str] = {}
    for i, a in enumerate(data.get("awards") or []):
        at: list[str | int] = ["awards", i]
        number, student = a["number"], a["student"]
        if number in seen:
            problems.append(
                doc.problem(
                    [*at, "number"],
                    f"certificate number '{number}' is "
                    f"already used on line {seen[number]}; numbers are never "
                    "reused — give the next free one.",
                )
            )
            continue
        seen[number] = doc.locate([*at, "number"])[0]
        index = status_index(number)
        if index in indexes:
            problems.append(
                doc.problem(
                    [*at, "number"],
                    f"'{number}' takes the same status list "
                    f"place as '{indexes[index]}'; use another serial.",
                )
            )
            continue
        indexes[index] = number
        ceremony = result.ceremonies.get(a["ceremony"])
        if ceremony is None:
            problems.append(
                doc.problem(
                    [*at, "ceremony"],
                    f"unknown ceremony '{a['ceremony']}'"
                    f"{did_you_mean(a['ceremony'], result.ceremonies)}; list "
                    "it under `ceremonies:`.",
                )
            )
            continue
        day = parse_date(a["date"]) if "date" in a else ceremony.date
        if day is None:
            problems.append(doc.problem([*at, "date"], "not a real calendar date."))
            continue
        if student not in assessments and student.startswith(ERASED) and number in revocations:
            # The student was erased: the revoked award stays only to keep its number.
            result.awards.append(Award(number, student, ceremony, day, revocations[number]))
            continue
        if student not in assessments:
            problems.append(
                doc.problem(
                    [*at, "student"],
                    f"no portfolio '{student}'{did_you_mean(student, assessments)}.",
                )
            )
            continue
        revocation = revocations.get(number)
        assessment = assessments[student]
        if revocation is None:
            if student in live:
                problems.append(
                    doc.problem(
                        [*at, "student"],
                        f"{student} already has the "
                        f"certificate {live[student]}; revoke it first or "
                        "remove this line.",
                    )
                )
                continue
            live[student] = number
            if assessment is not None and not assessment.met:
                problems.append(
                    doc.problem(
                        [*at, "student"],
                        f"{student} does not meet the "
                        f"requirements ({'; '.join(assessment.unmet)}); "
                        "remove the award or revoke it.",
                    )
                )
        if int(NUMBER.match(number).group(1)) != day.year:  # type: ignore[union-attr]
            problems.append(
                doc.problem(
                    [*at, "number"],
                    f"the number's year differs from the award date {day}.",
                    severity=Severity.WARNING,
                )
            )
        email = str(a.get("email", "")).strip().lower()
        result.awards.append(Award(number, student, ceremony, day, revocation, email))
    return problems
