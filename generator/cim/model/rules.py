"""The scheme's rules (``rules.yml``): aims, categories, programmes, cohorts and requirements.

A requirement is a small tree: leaves count points, activities or distinct kinds among the
activities that count (optionally filtered by ``where``), and ``any_of`` / ``all_of`` /
``at_least`` combine them. That is enough to express every published scheme in
``examples/`` without code changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cim.model.texts import Texts, plain, texts

Level = Literal["error", "warning"]


@dataclass(slots=True)
class Named:
    id: str
    title: str
    description: str = ""
    texts: Texts = ()  # translations (cim.model.texts)


@dataclass(slots=True)
class Programme:
    id: str
    title: str
    eligible: bool = True
    reason: str = ""
    texts: Texts = ()


@dataclass(slots=True)
class Category:
    id: str
    title: str
    description: str = ""
    cap: int | None = None
    min: int | None = None
    required: bool = False
    all_or_nothing: bool = False  # counts only once complete (its min, else its cap)
    within: str = ""  # the parent category of a sub-category
    texts: Texts = ()

    @property
    def complete_at(self) -> int | None:
        """The points at which an all-or-nothing category starts to count."""
        return self.min if self.min is not None else self.cap


@dataclass(slots=True)
class Where:
    """A filter on counted activities; an empty filter matches everything."""

    category: tuple[str, ...] = ()
    activity: tuple[str, ...] = ()
    aim: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    own_choice: bool | None = None
    approved: bool | None = None  # only entries a reviewer approved (assessments.yml)


@dataclass(slots=True)
class Requirement:
    """One node of a requirement tree.

    ``kind`` is one of ``points``, ``activities``, ``distinct`` (leaves, with ``amount``)
    or ``any_of``, ``all_of``, ``at_least`` (with ``parts``; ``amount`` is k for at_least).
    """

    kind: str
    amount: int = 0
    by: str = ""
    where: Where = field(default_factory=Where)
    parts: tuple[Requirement, ...] = ()
    text: str = ""
    level: Level = "error"
    path: tuple[str | int, ...] = ()
    after_applying: bool = False  # done after applying: never stands in the way of applying


@dataclass(slots=True)
class Window:
    """Which dates count: from an anchor (less grace days) to an anchor (plus grace days);
    ``any`` at either end means no limit on that side."""

    start: str = "study_start"
    end: str = "study_end"
    days_before: int = 0
    days_after: int = 0


@dataclass(slots=True)
class Cohort:
    id: str
    title: str
    threshold: int
    description: str = ""
    may_apply: int | None = None
    award: str = ""
    window: Window = field(default_factory=Window)
    requirements: tuple[Requirement, ...] = ()
    texts: Texts = ()
    kind: Literal["degree", "exchange"] = "degree"

    @property
    def exchange(self) -> bool:
        """One-semester exchange students (celebrated by semester, not at graduation)."""
        return self.kind == "exchange"


@dataclass(slots=True)
class Proof:
    """What an entry must carry to count: evidence, a reflection, or (with ``any``) either."""

    evidence_required: bool = False
    evidence_kinds: tuple[str, ...] = ()
    evidence_describe: str = ""
    reflection_required: bool = False
    min_words: int = 0
    prompt: str = ""
    mode: Literal["all", "any"] = "all"


@dataclass(slots=True)
class OwnChoice:
    allowed: bool = False
    max_points: int | None = None
    cap: int | None = None
    max_times: int | None = None
    categories: tuple[str, ...] = ()
    proof: Proof = field(default_factory=Proof)


@dataclass(slots=True)
class Rules:
    name: str
    institution: str
    short_name: str = ""
    school: str = ""
    country: str = ""
    unit: str = "points"
    note: str = ""
    aims: tuple[Named, ...] = ()
    categories: tuple[Category, ...] = ()
    programmes: tuple[Programme, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    default_cohort: str = ""
    own_choice: OwnChoice = field(default_factory=OwnChoice)
    evidence_types: tuple[str, ...] = ("jpg", "jpeg", "png", "webp", "pdf")
    evidence_max_mb: float = 10.0
    abroad_relative_to: str = "university"
    texts: Texts = ()  # translations of the name and the note (cim.model.texts)

    def cohort(self, cohort_id: str | None) -> Cohort | None:
        wanted = cohort_id or self.default_cohort
        return next((c for c in self.cohorts if c.id == wanted), None)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def family(self, category_id: str) -> tuple[str, ...]:
        """The category and the category it sits within, if any (sub-categories nest once)."""
        category = self.category(category_id)
        if category is None or not category.within:
            return (category_id,)
        return (category_id, category.within)

    def members(self, category_id: str) -> tuple[str, ...]:
        """The category and its sub-categories."""
        return (category_id, *(c.id for c in self.categories if c.within == category_id))

    def programme(self, programme_id: str) -> Programme | None:
        return next((p for p in self.programmes if p.id == programme_id), None)


def _ids(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def where_from(data: dict[str, Any] | None) -> Where:
    data = data or {}
    return Where(
        category=_ids(data.get("category")),
        activity=_ids(data.get("activity")),
        aim=_ids(data.get("aim")),
        location=_ids(data.get("location")),
        own_choice=data.get("own_choice"),
        approved=data.get("approved"),
    )


def requirement_from(data: dict[str, Any], path: tuple[str | int, ...]) -> Requirement:
    common: dict[str, Any] = {
        "text": data.get("text", ""),
        "level": data.get("level", "error"),
        "path": path,
        "after_applying": data.get("after_applying", False),
    }
    for combinator in ("any_of", "all_of"):
        if combinator in data:
            parts = tuple(
                requirement_from(p, (*path, combinator, i)) for i, p in enumerate(data[combinator])
            )
            return Requirement(combinator, parts=parts, **common)
    if "at_least" in data:
        parts = tuple(requirement_from(p, (*path, "of", i)) for i, p in enumerate(data["of"]))
        return Requirement("at_least", amount=data["at_least"], parts=parts, **common)
    where = where_from(data.get("where"))
    if "distinct" in data:
        return Requirement(
            "distinct", amount=data["distinct"], by=data["by"], where=where, **common
        )
    kind = "points" if "points" in data else "activities"
    return Requirement(kind, amount=data[kind], where=where, **common)


def proof_from(data: dict[str, Any]) -> Proof:
    evidence = data.get("evidence") or {}
    reflection = data.get("reflection") or {}
    min_words = int(reflection.get("min_words", 0))
    return Proof(
        evidence_required=bool(evidence.get("required", bool(evidence))),
        evidence_kinds=tuple(evidence.get("kinds", ())),
        evidence_describe=evidence.get("describe", ""),
        reflection_required=bool(reflection.get("required", bool(reflection))),
        min_words=min_words,
        prompt=reflection.get("prompt", ""),
        mode=data.get("proof", "all"),
    )


# Long because it builds each part of rules.yml in the file's own order, a few lines per part.
def rules_from(data: dict[str, Any]) -> Rules:
    """Build :class:`Rules` from a schema-valid ``rules.yml`` mapping."""
    scheme = data["scheme"]
    cohorts = []
    for i, c in enumerate(data["cohorts"]):
        window = c.get("window") or {}
        cohorts.append(
            Cohort(
                id=c["id"],
                title=plain(c["title"]),
                threshold=c["threshold"],
                description=plain(c.get("description")),
                texts=texts(c, "title", "description"),
                may_apply=c.get("may_apply"),
                award=c.get("award", ""),
                kind=c.get("kind", "degree"),
                window=Window(
                    window.get("from", "study_start"),
                    window.get("to", "study_end"),
                    window.get("days_before", 0),
                    window.get("days_after", 0),
                ),
                requirements=tuple(
                    requirement_from(r, ("cohorts", i, "requirements", j))
                    for j, r in enumerate(c.get("requirements", ()))
                ),
            )
        )
    own = data.get("own_choice") or {}
    evidence = data.get("evidence") or {}
    return Rules(
        name=plain(scheme["name"]),
        institution=scheme["institution"],
        short_name=scheme.get("short_name", ""),
        school=scheme.get("school", ""),
        country=scheme.get("country", ""),
        unit=scheme.get("unit", "points"),
        note=plain(scheme.get("note")),
        texts=texts(scheme, "name", "note"),
        aims=tuple(
            Named(
                a["id"],
                plain(a["title"]),
                plain(a.get("description")),
                texts(a, "title", "description"),
            )
            for a in data["aims"]
        ),
        categories=tuple(
            Category(
                c["id"],
                plain(c["title"]),
                plain(c.get("description")),
                c.get("cap"),
                c.get("min"),
                c.get("required", False),
                c.get("all_or_nothing", False),
                c.get("within", ""),
                texts(c, "title", "description"),
            )
            for c in data["categories"]
        ),
        programmes=tuple(
            Programme(
                p["id"],
                plain(p["title"]),
                p.get("eligible", True),
                p.get("reason", ""),
                texts(p, "title"),
            )
            for p in data.get("programmes", ())
        ),
        cohorts=tuple(cohorts),
        default_cohort=data.get("default_cohort", data["cohorts"][0]["id"]),
        own_choice=OwnChoice(
            allowed=own.get("allowed", False),
            max_points=own.get("max_points"),
            cap=own.get("cap"),
            max_times=own.get("max_times"),
            categories=tuple(own.get("categories", ())),
            proof=proof_from(own),
        ),
        evidence_types=tuple(evidence.get("types", ("jpg", "jpeg", "png", "webp", "pdf"))),
        evidence_max_mb=float(evidence.get("max_mb", 10.0)),
        abroad_relative_to=(data.get("abroad") or {}).get("relative_to", "university"),
    )
