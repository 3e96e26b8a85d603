"""The activity catalogue (``activities.yml``): what students can do and what it is worth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cim.model.rules import Proof, Rules, proof_from

OWN_CHOICE = "own-choice"

UNIT_WORDS = {
    "session": ("session", "sessions"),
    "hour": ("hour", "hours"),
    "day": ("day", "days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "semester": ("semester", "semesters"),
    "credit": ("credit", "credits"),
    "lecture": ("lecture", "lectures"),
    "event": ("event", "events"),
}

# Units that can be measured from an entry's first and last day when no amount is given.
DURATION_DAYS = {"day": 1, "week": 7, "month": 30}

LOCATIONS = ("home", "abroad", "online")
# How each place reads inside a sentence ("abroad", "at home"), the one source of these words.
LOCATION_WORDS = {"home": "at home", "abroad": "abroad", "online": "online"}
# …and as a label or heading ("At home").
LOCATION_HEADINGS = {k: v[:1].upper() + v[1:] for k, v in LOCATION_WORDS.items()}


def unit_word(unit: str, amount: float) -> str:
    one, many = UNIT_WORDS.get(unit, (unit, unit + "s"))
    return one if amount == 1 else many


@dataclass(slots=True)
class Band:
    min: float
    max: float | None
    points: int

    def holds(self, amount: float) -> bool:
        return amount >= self.min and (self.max is None or amount <= self.max)

    def describe(self, unit: str) -> str:
        words = UNIT_WORDS.get(unit, (unit, unit + "s"))[1]
        span = (
            f"{_num(self.min)}–{_num(self.max)}"
            if self.max is not None
            else (f"{_num(self.min)} or more")
        )
        return f"{span} {words}: {self.points}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(slots=True)
class PointsRule:
    """How one entry of an activity earns points: fixed, per unit, by bands or by claim."""

    kind: str  # "fixed" | "per_unit" | "bands" | "claim"
    fixed: int = 0
    per: str = ""
    each: float = 0
    bands: tuple[Band, ...] = ()
    max_claim: int | None = None

    def describe(self) -> str:
        if self.kind == "fixed":
            return f"{self.fixed} points"
        if self.kind == "per_unit":
            return f"{_num(self.each)} points per {self.per}"
        if self.kind == "bands":
            return "; ".join(b.describe(self.per) for b in self.bands)
        limit = f" (at most {self.max_claim})" if self.max_claim is not None else ""
        return f"points you propose{limit}, judged by the reviewer"

    @property
    def needs_amount(self) -> bool:
        return self.kind in ("per_unit", "bands")


@dataclass(slots=True)
class Activity:
    id: str
    title: str
    category: str
    aims: tuple[str, ...]
    locations: tuple[str, ...]
    points: PointsRule
    description: str = ""
    cap: int | None = None
    max_times: int | None = None
    group_size: int = 1
    distinct_dates: bool = False
    proof: Proof = field(default_factory=Proof)
    cohorts: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    outside_origin: bool = False
    index: int = -1  # position in activities.yml, for error locations

    @property
    def own_choice(self) -> bool:
        return self.id == OWN_CHOICE

    def describe_points(self) -> str:
        text = self.points.describe()
        if self.group_size > 1:
            dates = " on different dates" if self.distinct_dates else ""
            text += f" for every {self.group_size} occasions{dates}"
        limits = []
        if self.cap is not None:
            limits.append(f"at most {self.cap} points")
        if self.max_times is not None:
            limits.append("once" if self.max_times == 1 else f"at most {self.max_times} times")
        return text + (f" ({', '.join(limits)})" if limits else "")


@dataclass(slots=True)
class Catalogue:
    activities: tuple[Activity, ...]
    note: str = ""
    by_id: dict[str, Activity] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id.update({a.id: a for a in self.activities})

    def get(self, activity_id: str) -> Activity | None:
        return self.by_id.get(activity_id)


def points_from(data: Any) -> PointsRule:
    if isinstance(data, int):
        return PointsRule("fixed", fixed=data)
    if "bands" in data:
        bands = tuple(Band(b["min"], b.get("max"), b["points"]) for b in data["bands"])
        return PointsRule("bands", per=data["per"], bands=bands)
    return PointsRule("per_unit", per=data["per"], each=data["each"])


def activity_from(data: dict[str, Any], index: int) -> Activity:
    location = data["location"]
    group = data.get("group") or {}
    return Activity(
        id=data["id"],
        title=data["title"],
        category=data["category"],
        aims=tuple(data["aims"]),
        locations=(location,) if isinstance(location, str) else tuple(location),
        points=points_from(data["points"]),
        description=data.get("description", ""),
        cap=data.get("cap"),
        max_times=data.get("max_times"),
        group_size=group.get("size", 1),
        distinct_dates=group.get("distinct_dates", False),
        proof=proof_from(data),
        cohorts=tuple(data.get("cohorts", ())),
        programmes=tuple(data.get("programmes", ())),
        outside_origin=data.get("outside_origin", False),
        index=index,
    )


def catalogue_from(data: dict[str, Any], rules: Rules | None) -> Catalogue:
    """Build the catalogue; with rules that allow it, add the synthetic own-choice activity."""
    activities = [activity_from(a, i) for i, a in enumerate(data["activities"])]
    if rules is not None and rules.own_choice.allowed:
        own = rules.own_choice
        activities.append(
            Activity(
                id=OWN_CHOICE,
                title="Your own choice",
                category="",
                aims=(),
                locations=LOCATIONS,
                points=PointsRule("claim", max_claim=own.max_points),
                description="An activity you design yourself; the reviewer judges the points.",
                cap=own.cap,
                max_times=own.max_times,
                proof=own.proof,
            )
        )
    return Catalogue(tuple(activities), note=data.get("note", ""))
