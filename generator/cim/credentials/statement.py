"""A statement of points: a signed, dated Open Badges 3.0 credential that says how many points a
student had and which requirements were met on one day — for a study-abroad application,
before (or without) the certificate.

It is a credential of its own kind (achievement type :data:`ACHIEVEMENT_TYPE`, its own
achievement id), signed with the same keys and the same two proofs as a certificate, and it
never claims the certificate: its words say so, whatever the student's standing.

Later statements supersede earlier ones. The site publishes a list of the newest statement of
each student who asked for one (:data:`LIST_URI`); a verifier reads a statement's student and
day from its id (``statements/<student>/<YYYY-MM-DD>.json``) and calls it superseded when the
list names a later day for that student (:func:`superseded_by`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cim.credentials.badge import OB_V3, VC_V2, Issuing, name_identity, sign, stamp
from cim.model.assessments import Judgement
from cim.model.catalogue import Catalogue
from cim.model.portfolio import Portfolio
from cim.model.rules import Rules
from cim.scoring.verdict import Assessment, assess

ACHIEVEMENT_TYPE = "ext:StatementOfPoints"
LIST_URI = "statements/index.json"


def page_uri(student: str) -> str:
    return f"statements/{student}/"


def credential_uri(student: str) -> str:
    """Where the site publishes a student's newest statement."""
    return f"statements/{student}/credential.json"


def dated_uri(student: str, day: dt.date) -> str:
    """The statement's own address (its id): the student and the day are in it."""
    return f"statements/{student}/{day.isoformat()}.json"


def as_of(
    portfolio: Portfolio,
    catalogue: Catalogue,
    rules: Rules,
    judgements: Iterable[Judgement],
    day: dt.date,
) -> tuple[Portfolio, Assessment]:
    """The portfolio and its assessment as they stood on ``day``: only the entries finished
    by then (their last day), and only the reviewers' decisions taken by then (an undated
    decision counts)."""
    entries = tuple(e for e in portfolio.entries if e.last_day is not None and e.last_day <= day)
    then = dataclasses.replace(portfolio, entries=entries)
    decided = tuple(j for j in judgements if j.decided is None or j.decided <= day)
    return then, assess(then, catalogue, rules, day, decided)


def achievement(issuing: Issuing) -> dict[str, Any]:
    rules = issuing.rules
    return {
        "id": issuing.url("#achievement-statement"),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": f"Statement of {rules.short_name or rules.name} {rules.unit}",
        "description": f"A dated statement of the {rules.unit} a student has collected towards "
        f"the {rules.name} and of the requirements met and still open, as the School's rules "
        "counted them on that day. It is not the certificate.",
        "criteria": {
            "id": issuing.url("rules/"),
            "narrative": "Issued to a registered student on request, from the portfolio as the "
            "School's rules and catalogue count it on the statement's day. A later statement "
            "supersedes it.",
        },
        "creator": issuing.profile(),
    }


def narrative(portfolio: Portfolio, assessment: Assessment, unit: str, day: dt.date) -> str:
    """The statement in words: points, threshold, every requirement met or open."""
    met = [r.text for r in assessment.requirements if r.met and r.level != "warning"]
    open_ = [r.text for r in assessment.requirements if not r.met and r.level != "warning"]
    words = (
        f"On {day.isoformat()}, {portfolio.name} had {assessment.points} of the "
        f"{assessment.required} {unit} required ({assessment.cohort.title})."
    )
    if met:
        words += " Requirements met: " + "; ".join(met) + "."
    if open_:
        words += " Requirements still open: " + "; ".join(open_) + "."
    elif assessment.met:
        words += " Every requirement was met."
    return words + " This statement is not the certificate."


def statement(
    portfolio: Portfolio, assessment: Assessment, issuing: Issuing, programme: str, day: dt.date
) -> dict[str, Any]:
    """The unsigned statement of ``portfolio``'s points as of ``day``."""
    unit = issuing.rules.unit
    counted = sorted((r for r in assessment.entries if r.points), key=lambda r: r.entry.sort_key())
    return {
        "@context": [VC_V2, OB_V3],
        "id": issuing.url(dated_uri(portfolio.id, day)),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Statement of {issuing.rules.short_name or issuing.rules.name} {unit} — "
        f"{portfolio.name}, {day.isoformat()}",
        "description": f"{portfolio.name}'s {assessment.points} {unit} and requirements as of "
        f"{day.isoformat()}, {programme}. Not the certificate; a later statement supersedes it.",
        "issuer": issuing.profile(),
        "validFrom": stamp(day),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [name_identity(portfolio.name)],
            "achievement": achievement(issuing),
            "narrative": narrative(portfolio, assessment, unit, day),
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "name": r.title,
                "description": f"{r.entry.date.isoformat() if r.entry.date else ''}: "
                f"{r.points} {unit}",
            }
            for r in counted
        ],
    }


def signed(
    portfolio: Portfolio,
    assessment: Assessment,
    issuing: Issuing,
    programme: str,
    day: dt.date,
    cache: Path | None = None,
) -> dict[str, Any]:
    document = statement(portfolio, assessment, issuing, programme, day)
    if not issuing.signer.official:
        document["name"] += " (development build: not official)"
    return sign(document, issuing, day, cache)


def is_statement(doc: Any) -> bool:
    """Whether a credential is a statement of points (by its achievement's type)."""
    subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
    found = subject.get("achievement") if isinstance(subject, dict) else None
    return isinstance(found, dict) and found.get("achievementType") == ACHIEVEMENT_TYPE


def parts(credential_id: str) -> tuple[str, str, str] | None:
    """(the site's address, the student, the day) from a statement's id, or None."""
    base, sep, rest = credential_id.rpartition("statements/")
    student, slash, name = rest.partition("/")
    if not sep or not slash or not student or not name.endswith(".json"):
        return None
    return base, student, name.removesuffix(".json")


def superseded_by(listing: Any, student: str, day: str) -> str:
    """The day of a later statement of ``student`` in the site's list ('' when none)."""
    entry = listing.get(student) if isinstance(listing, Mapping) else None
    newest = str(entry.get("date", "")) if isinstance(entry, Mapping) else ""
    return newest if newest > day else ""


def listing(newest: Mapping[str, dt.date]) -> dict[str, dict[str, str]]:
    """The site's list: each student's newest statement (day, page, credential)."""
    return {
        student: {
            "date": day.isoformat(),
            "page": page_uri(student),
            "credential": dated_uri(student, day),
        }
        for student, day in sorted(newest.items())
    }
