"""A student's portfolio (``portfolios/<id>/portfolio.yml``) as domain objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cim.model.design import Design, design_from
from cim.speed import compact_pickle


def parse_date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` string as a date, or None when it is not a real calendar date."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@compact_pickle
@dataclass(slots=True)
class Evidence:
    file: str
    kind: str = "other"
    caption: str = ""
    private: bool = False


@compact_pickle
@dataclass(slots=True)
class Entry:
    index: int
    activity: str
    date: dt.date | None
    end: dt.date | None = None
    title: str = ""
    amount: float | None = None
    claim: int | None = None
    category: str = ""
    aims: tuple[str, ...] = ()
    location: str = ""
    country: str = ""
    place: str = ""
    language: str = ""
    reflection: str = ""
    evidence: tuple[Evidence, ...] = ()
    written_in: str = ""  # the language of the reflection, as a tag (sv), when the student says

    @property
    def last_day(self) -> dt.date | None:
        return self.end or self.date

    def words(self) -> int:
        return len(self.reflection.split())

    def sort_key(self) -> tuple[Any, ...]:
        """A canonical order that depends only on what the entry says, never on its position."""
        return (
            self.date or dt.date.min,
            self.end or dt.date.min,
            self.activity,
            self.title,
            self.amount or 0,
            self.claim or 0,
            self.category,
            self.location,
            self.country,
            self.place,
            self.reflection,
            tuple((e.file, e.kind) for e in self.evidence),
        )


@compact_pickle
@dataclass(slots=True)
class Portfolio:
    id: str
    name: str
    programme: str
    cohort: str
    start: dt.date | None
    end: dt.date | None
    entries: tuple[Entry, ...]
    registered: dt.date | None = None
    username: str = ""
    github: str = ""
    github_id: int | None = None
    origin_country: str = ""
    languages: tuple[str, ...] = ()
    public: bool = False
    noindex: bool = False
    bio: str = ""
    design: Design = field(default_factory=Design)  # the student's choices for their page
    statement: bool = False  # a signed statement of points on their page
    written_in: str = ""  # the language of the bio (and of reflections that say none)


def entry_from(data: dict[str, Any], index: int) -> Entry:
    return Entry(
        index=index,
        activity=data["activity"],
        date=parse_date(data.get("date")),
        end=parse_date(data.get("end")),
        title=data.get("title", ""),
        amount=data.get("amount"),
        claim=data.get("claim"),
        category=data.get("category", ""),
        aims=tuple(data.get("aims", ())),
        location=data.get("location", ""),
        country=data.get("country", ""),
        place=data.get("place", ""),
        language=data.get("language", ""),
        reflection=data.get("reflection", ""),
        evidence=tuple(
            Evidence(
                e["file"], e.get("kind", "other"), e.get("caption", ""), e.get("private", False)
            )
            for e in data.get("evidence", ())
        ),
        written_in=data.get("written_in", ""),
    )


# The template's example bio (templates/portfolio.yml): not the student's words, never shown.
TEMPLATE_BIO = "A few sentences about yourself and why intercultural merits matter to you."


def is_template_bio(text: Any) -> bool:
    return isinstance(text, str) and " ".join(text.split()) == TEMPLATE_BIO


def portfolio_from(data: dict[str, Any], default_cohort: str) -> Portfolio:
    """Build a :class:`Portfolio` from a schema-valid mapping."""
    studies = data["studies"]
    return Portfolio(
        id=data["id"],
        name=data["name"],
        programme=data["programme"],
        cohort=data.get("cohort", default_cohort),
        start=parse_date(studies["start"]),
        end=parse_date(studies["end"]),
        entries=tuple(entry_from(e, i) for i, e in enumerate(data["entries"])),
        registered=parse_date(data.get("registered")),
        username=data.get("username", ""),
        github=data.get("github", ""),
        github_id=data.get("github_id"),
        origin_country=data.get("origin_country", ""),
        languages=tuple(data.get("languages", ())),
        public=data.get("publish", False),
        noindex=data.get("noindex", False),
        bio="" if is_template_bio(data.get("bio")) else data.get("bio", ""),
        design=design_from(data.get("design")),
        statement=data.get("statement", False),
        written_in=data.get("written_in", ""),
    )
