"""The activity catalogue (``activities.yml``): what students can do and what it is worth."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cim.model.rules import Proof, Requirement, Rules, proof_from, requirement_from
from cim.model.texts import Texts, plain, texts

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
DURATION_UNITS = ("day", "week", "month")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    length = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, length))


def calendar_months(first: dt.date, last: dt.date) -> float:
    """How many calendar months the days ``first`` to ``last`` (both included) span.

    Whole months are counted on the calendar (1 February to 30 April is exactly 3, and so is
    15 January to 14 April); the days left over are a fraction of the month that follows.
    Months are never approximated as 30 days.
    """
    stop = last + dt.timedelta(days=1)  # the first day after the stay
    whole = (stop.year - first.year) * 12 + stop.month - first.month
    while whole > 0 and _add_months(first, whole) > stop:
        whole -= 1
    start = _add_months(first, whole)
    rest = (stop - start).days
    if rest == 0:
        return float(whole)
    length = (_add_months(start, 1) - start).days
    return whole + rest / length


def measured(unit: str, first: dt.date, last: dt.date) -> float | None:
    """An entry's length in ``unit`` from its first and last day, or None for other units."""
    days = (last - first).days + 1
    if unit == "day":
        return float(days)
    if unit == "week":
        return days / 7
    if unit == "month":
        return calendar_months(first, last)
    return None


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
    """An amount range worth fixed points. ``min``/``max`` include the bound; ``more_than``
    and ``less_than`` exclude it ("more than 3 months" is not met by exactly 3)."""

    min: float | None
    max: float | None
    points: int
    more_than: float | None = None
    less_than: float | None = None

    def holds(self, amount: float) -> bool:
        return (
            (self.min is None or amount >= self.min)
            and (self.more_than is None or amount > self.more_than)
            and (self.max is None or amount <= self.max)
            and (self.less_than is None or amount < self.less_than)
        )

    def holds_any(self) -> bool:
        """False when the bounds leave no amount (an upper bound below the lower one)."""
        upper = self.max if self.max is not None else self.less_than
        if upper is None:
            return True
        strict = self.max is None or self.more_than is not None
        return upper > self.lowest if strict else upper >= self.lowest

    @property
    def lowest(self) -> float:
        return self.min if self.min is not None else (self.more_than or 0)

    def describe(self, unit: str) -> str:
        words = UNIT_WORDS.get(unit, (unit, unit + "s"))[1]
        if self.more_than is not None or self.less_than is not None:
            parts = []
            if self.min is not None:
                parts.append(f"at least {_num(self.min)}")
            if self.more_than is not None:
                parts.append(f"more than {_num(self.more_than)}")
            if self.max is not None:
                parts.append(f"at most {_num(self.max)}")
            if self.less_than is not None:
                parts.append(f"less than {_num(self.less_than)}")
            return f"{' and '.join(parts)} {words}: {self.points}"
        low = self.min if self.min is not None else 0
        span = f"{_num(low)}–{_num(self.max)}" if self.max is not None else f"{_num(low)} or more"
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
    after: Requirement | None = None  # opens only once this is met by earlier activities
    reflection_per_group: bool = False  # a group needs one reflection, not one per occasion
    approval: bool = False  # counts only once a reviewer approved it (assessments.yml)
    texts: Texts = ()  # translations of the title and description (cim.model.texts)

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
        bands = tuple(
            Band(b.get("min"), b.get("max"), b["points"], b.get("more_than"), b.get("less_than"))
            for b in data["bands"]
        )
        return PointsRule("bands", per=data["per"], bands=bands)
    return PointsRule("per_unit", per=data["per"], each=data["each"])


def activity_from(data: dict[str, Any], index: int) -> Activity:
    location = data["location"]
    group = data.get("group") or {}
    return Activity(
        id=data["id"],
        title=plain(data["title"]),
        category=data["category"],
        aims=tuple(data["aims"]),
        locations=(location,) if isinstance(location, str) else tuple(location),
        points=points_from(data["points"]),
        description=plain(data.get("description")),
        texts=texts(data, "title", "description"),
        cap=data.get("cap"),
        max_times=data.get("max_times"),
        group_size=group.get("size", 1),
        distinct_dates=group.get("distinct_dates", False),
        proof=proof_from(data),
        cohorts=tuple(data.get("cohorts", ())),
        programmes=tuple(data.get("programmes", ())),
        outside_origin=data.get("outside_origin", False),
        index=index,
        after=requirement_from(data["after"], ("activities", index, "after"))
        if "after" in data
        else None,
        reflection_per_group=group.get("reflection") == "per_group",
        approval=data.get("approval", False),
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
