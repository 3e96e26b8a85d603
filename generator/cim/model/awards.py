"""Awards, ceremonies and revocations (``awards.yml``) and the issuer (``issuer.yml``).

Both files belong to the administrators. An award gives a student a permanent certificate
number; revoking it keeps the number listed (so it is never given again) and flips its bit
in the published status list.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

NUMBER = re.compile(r"^[A-Z]{2,8}-(\d{4})-(\d{4})$")
STATUS_LIST_SIZE = 131_072 * 8  # one million entries: room for every year to 2099
# An erased student's awards keep their numbers (never reused) under this placeholder id.
ERASED = "erased-"


@dataclass(frozen=True, slots=True)
class Ceremony:
    id: str
    title: str
    date: dt.date
    place: str = ""


@dataclass(frozen=True, slots=True)
class Revocation:
    number: str
    date: dt.date
    reason: str


@dataclass(frozen=True, slots=True)
class Award:
    number: str
    student: str
    ceremony: Ceremony
    date: dt.date
    revocation: Revocation | None = None
    email: str = ""  # only hashed into the credential, never published as it is

    @property
    def status_index(self) -> int:
        """The award's permanent place in the status list, derived from its number."""
        return status_index(self.number)

    @property
    def revoked(self) -> bool:
        return self.revocation is not None


@dataclass(frozen=True, slots=True)
class IssuerKey:
    id: str
    public: str
    status: str
    since: str = ""


@dataclass(frozen=True, slots=True)
class Issuer:
    name: str
    signatory_role: str
    signatory_name: str = ""
    url: str = ""
    linkedin_organization_id: str = ""
    keys: tuple[IssuerKey, ...] = ()


@dataclass(slots=True)
class Awards:
    issuer: Issuer
    ceremonies: dict[str, Ceremony] = field(default_factory=dict)
    awards: list[Award] = field(default_factory=list)
    _by_student: dict[str, list[Award]] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def as_of(self, day: dt.date) -> Awards:
        """The awards given by ``day``: one dated later is not awarded yet."""
        return Awards(self.issuer, dict(self.ceremonies), [a for a in self.awards if a.date <= day])

    def of(self, student: str) -> Award | None:
        """The student's current award: the one not revoked, else the latest revoked one."""
        if self._indexed != len(self.awards):  # index once (again if awards were added)
            self._by_student = {}
            for award in self.awards:
                self._by_student.setdefault(award.student, []).append(award)
            self._indexed = len(self.awards)
        mine = self._by_student.get(student, [])
        live = [a for a in mine if not a.revoked]
        chosen = live or mine
        return chosen[-1] if chosen else None


def status_index(number: str) -> int:
    match = NUMBER.match(number)
    if match is None:
        raise ValueError(f"'{number}' is not a certificate number")
    year, serial = int(match.group(1)), int(match.group(2))
    return (year - 2000) * 10_000 + serial
