"""The points engine: how many points each entry earns, and why.

The stages run in a fixed order, each explained on the entries it touches:

1. eligibility of each entry on its own (dates, cohort, programme, country, evidence,
   reflection) and its raw points (fixed, per unit, band or claim);
2. grouping (several occasions that count as one activity);
3. the repeat limit of each activity (the best-scoring occurrences are kept);
4. the activity's cap, then the category's cap (a surplus is not carried over).

Entries are processed in a canonical order that depends only on their content, so the order
in the file never changes the result, and every limit keeps the highest points first, so
adding an entry never lowers the total.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace

from cim.model.assessments import Judgement
from cim.model.catalogue import OWN_CHOICE, Activity, Catalogue, measured, unit_word
from cim.model.portfolio import Entry, Portfolio
from cim.model.rules import Cohort, Rules
from cim.scoring.groups import units as grouped_units
from cim.scoring.limits import share_out
from cim.speed import compact_pickle

COUNTED = "counted"
CAPPED = "capped"
NOT_COUNTED = "not counted"
GROUPED = "grouped"


@compact_pickle
@dataclass(slots=True)
class EntryResult:
    """The outcome for one entry: the points it counts for and every reason behind them."""

    entry: Entry
    activity: Activity | None
    category: str
    aims: tuple[str, ...]
    location: str
    raw: int = 0
    points: int = 0
    eligible: bool = False
    counts: bool = False  # counts as one completed activity (a complete group counts once)
    reasons: list[str] = field(default_factory=list)
    needs_review: bool = False
    grouped: bool = False  # an occasion of a complete group whose points sit on another entry
    reflected: bool = False  # carries a reflection long enough for its activity
    review: str = ""  # "waiting" for a reviewer, or "approved", "granted", "rejected"
    judgement: Judgement | None = None  # the reviewer's decision on record, if any

    @property
    def status(self) -> str:
        if self.grouped:
            return GROUPED
        if not self.counts and self.points == 0:
            return NOT_COUNTED
        return CAPPED if self.points < self.raw else COUNTED

    @property
    def own_choice(self) -> bool:
        return self.activity is not None and self.activity.own_choice

    @property
    def title(self) -> str:
        if self.entry.title:
            return self.entry.title
        return self.activity.title if self.activity else self.entry.activity


def window(portfolio: Portfolio, cohort: Cohort) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day on which activities count for this student (None: no limit)."""
    rule = cohort.window
    start = portfolio.start
    if rule.start == "registration" and portfolio.registered:
        start = portfolio.registered
    if rule.start == "any":
        start = None
    if start is not None:
        start -= dt.timedelta(days=rule.days_before)
    end = None if rule.end == "any" else portfolio.end
    if end is not None:
        end += dt.timedelta(days=rule.days_after)
    return start, end


def home_country(portfolio: Portfolio, rules: Rules) -> str:
    """The country that is "home" for this student: the university's, or with
    ``abroad: {relative_to: origin}`` the student's country of origin when it is known."""
    if rules.abroad_relative_to == "origin" and portfolio.origin_country:
        return portfolio.origin_country
    return rules.country


def location_of(entry: Entry, activity: Activity, rules: Rules, home: str = "") -> str:
    """Where the entry took place: home, abroad or online. With ``abroad: {relative_to:
    origin}`` the entry's country decides for activities offered abroad: a stay in the
    student's country of origin is at home."""
    home = home or rules.country
    place = entry.location or (activity.locations[0] if len(activity.locations) == 1 else "")
    if entry.country and home and place != "online":
        judged = "abroad" if entry.country != home else "home"
        if rules.abroad_relative_to == "origin" and "abroad" in activity.locations:
            return judged
        if not place and judged in activity.locations:
            return judged
    return place or activity.locations[0]  # the catalogue lists the usual place first


def amount_of(entry: Entry, activity: Activity) -> float | None:
    """The entry's amount: as written, or measured from its first and last day (months on
    the calendar)."""
    if entry.amount is not None:
        return float(entry.amount)
    if entry.date and entry.end and entry.end >= entry.date:
        return measured(activity.points.per, entry.date, entry.end)
    return None


def _raw_points(result: EntryResult, activity: Activity) -> int | None:
    """Points before any limit, or None (with a reason) when the entry earns nothing."""
    entry, rule = result.entry, activity.points
    if rule.kind == "fixed":
        return rule.fixed
    if rule.kind == "claim":
        if entry.claim is None:
            result.reasons.append("no points claimed: add `claim:` with the points you propose")
            return None
        if rule.max_claim is not None and entry.claim > rule.max_claim:
            result.reasons.append(f"claim of {entry.claim} limited to {rule.max_claim} points")
            return rule.max_claim
        return entry.claim
    amount = amount_of(entry, activity)
    if amount is None:
        unit = unit_word(rule.per, 2)
        result.reasons.append(f"no amount: add `amount:` with the number of {unit}")
        return None
    if rule.kind == "per_unit":
        if entry.amount is None:  # measured from dates: only whole units earn points
            amount = math.floor(amount + 1e-9)
        return math.floor(rule.each * amount)
    held = [b.points for b in rule.bands if b.holds(amount)]
    if not held:
        lowest = min(b.lowest for b in rule.bands)
        words = unit_word(rule.per, amount)
        amount = round(amount, 2)
        result.reasons.append(
            f"{amount:g} {words} is below the lowest band ({lowest:g})"
            if amount < lowest
            else f"{amount:g} {words} falls in no band ({activity.points.describe()})"
        )
        return None
    return max(held)


def _check_proof(result: EntryResult, activity: Activity) -> bool:
    proof, entry = activity.proof, result.entry
    kinds = proof.evidence_kinds
    has_evidence = any(not kinds or e.kind in kinds for e in entry.evidence)
    words = entry.words() if proof.reflection_required or proof.mode == "any" else 0
    has_reflection = bool(entry.reflection.strip()) and words >= proof.min_words
    result.reflected = has_reflection
    if activity.reflection_per_group and activity.group_size > 1:
        proof = replace(proof, reflection_required=False)  # judged per group in _units
    kinds_text = " or ".join(kinds) if kinds else "evidence"
    if proof.mode == "any" and (proof.evidence_required or proof.reflection_required):
        if has_evidence or has_reflection:
            return True
        length = f" of at least {proof.min_words} words" if proof.min_words else ""
        result.reasons.append(f"needs either evidence ({kinds_text}) or a reflection{length}")
        return False
    ok = True
    if proof.evidence_required and not has_evidence:
        what = f" ({proof.evidence_describe.rstrip('.')})" if proof.evidence_describe else ""
        result.reasons.append(
            f"missing evidence: add a file showing {kinds_text}{what}"
            if kinds
            else f"missing evidence: add a file under `evidence:`{what}"
        )
        ok = False
    if proof.reflection_required and not has_reflection:
        if not entry.reflection.strip():
            length = f"at least {proof.min_words} words" if proof.min_words else "a reflection"
            ask = f" — {proof.prompt.strip()}" if proof.prompt.strip() else ""
            result.reasons.append(f"missing reflection: write {length} under `reflection:`{ask}")
        else:
            result.reasons.append(
                f"reflection too short: {words} words, at least {proof.min_words} needed"
            )
        ok = False
    return ok


# Long because a checklist read top to bottom: each condition an entry must meet on its own,
# one short test and its reason each, in the order a student would fix them.
def _assess_entry(
    entry: Entry,
    catalogue: Catalogue,
    portfolio: Portfolio,
    rules: Rules,
    cohort: Cohort,
    today: dt.date,
    dates: tuple[dt.date | None, dt.date | None],
    closed: str = "",
    judgement: Judgement | None = None,
) -> EntryResult:
    activity = catalogue.get(entry.activity)
    if activity is None:
        result = EntryResult(entry, None, "", (), entry.location or "home")
        result.reasons.append(f"unknown activity '{entry.activity}'")
        return result
    own = activity.own_choice
    result = EntryResult(
        entry,
        activity,
        category=entry.category if own else activity.category,
        aims=entry.aims if own else activity.aims,
        location=location_of(entry, activity, rules, home_country(portfolio, rules)),
        needs_review=own,
    )
    if closed:
        result.reasons.append(closed)
    _review(result, activity, judgement)
    if result.location == "home" and "home" not in activity.locations:
        result.reasons.append(
            f"{entry.country} is your country of origin, so this is not abroad for you; "
            f"'{activity.title}' counts only {_places(activity.locations)}"
        )
    start, end = dates
    if entry.date is None:
        result.reasons.append("no valid date")
    elif entry.date > today:
        result.reasons.append(f"dated in the future ({entry.date})")
    elif (start and entry.date < start) or (end and (entry.last_day or entry.date) > end):
        result.reasons.append(f"outside the date window ({start} to {end})")
    if activity.cohorts and cohort.id not in activity.cohorts:
        result.reasons.append(f"not open to {cohort.title}s")
    if activity.programmes and portfolio.programme not in activity.programmes:
        result.reasons.append("not on your programme's list of activities")
    if activity.outside_origin and entry.country and entry.country == portfolio.origin_country:
        result.reasons.append(f"takes place in your country of origin ({entry.country})")
    elif activity.outside_origin and not entry.country:
        result.reasons.append(
            "no country: add `country:` to show it was outside your country of origin"
        )
    if own and not result.category:
        result.reasons.append("own choice without a category: add `category:`")
    proof_ok = _check_proof(result, activity)
    blocked = bool(result.reasons) or not proof_ok
    raw = _raw_points(result, activity)
    if raw is not None and judgement is not None and judgement.points is not None and own:
        if judgement.points < raw:
            result.reasons.append(
                f"granted {judgement.points} of the {raw} points claimed: {judgement.reason}"
            )
        raw = min(raw, judgement.points)
    result.eligible = not blocked and raw is not None
    result.raw = raw if result.eligible and raw is not None else 0
    return result


def _review(result: EntryResult, activity: Activity, judgement: Judgement | None) -> None:
    """The reviewer's judgement on record, or that the entry waits for one."""
    if judgement is None:
        if activity.approval:
            result.review = "waiting"
            result.needs_review = True
            result.reasons.append(
                "waits for a reviewer: it counts once approved (the reviewer records it)"
            )
        elif activity.own_choice:
            result.review = "waiting"
        return
    result.needs_review = False
    result.judgement = judgement
    who = judgement.by()
    if not judgement.approved:
        result.review = "rejected"
        result.reasons.append(f"not approved by the reviewer{who}: {judgement.reason}")
        return
    partial = judgement.points is not None and activity.own_choice
    result.review = "granted" if partial else "approved"


def _places(locations: tuple[str, ...]) -> str:
    words = {"home": "at home", "abroad": "abroad", "online": "online"}
    return " or ".join(words.get(x, x) for x in locations)


# Long because it is the one place where the stages of the module docstring run in order:
# each entry on its own, grouping, the repeat limit, the caps, the sharing of capped points.
def score_entries(
    portfolio: Portfolio,
    catalogue: Catalogue,
    rules: Rules,
    cohort: Cohort,
    today: dt.date,
    closed: dict[int, str] | None = None,
    judgements: tuple[Judgement, ...] = (),
) -> list[EntryResult]:
    """Assess every entry of ``portfolio``; the result list follows the file's order.

    ``closed`` maps an entry's index to why it cannot count yet (an activity that opens only
    after others, see :mod:`cim.verdict`)."""
    dates = window(portfolio, cohort)
    closed = closed or {}
    results = [
        _assess_entry(
            e,
            catalogue,
            portfolio,
            rules,
            cohort,
            today,
            dates,
            closed.get(e.index, ""),
            next((j for j in judgements if j.about(e)), None),
        )
        for e in portfolio.entries
    ]
    by_activity: dict[str, list[EntryResult]] = defaultdict(list)
    for r in results:
        if r.eligible and r.activity is not None:
            by_activity[r.activity.id].append(r)

    counted: list[tuple[int, tuple[object, ...], EntryResult]] = []
    for activity_id in sorted(by_activity):
        activity = by_activity[activity_id][0].activity
        assert activity is not None
        units = grouped_units(by_activity[activity_id], activity)
        # A unit's points sit on its last occasion; the best units are kept first.
        keyed = []
        for unit in units:
            carrier = unit[-1]
            if activity.group_size > 1:
                carrier.raw = (
                    activity.points.fixed if activity.points.kind == "fixed" else (carrier.raw)
                )
                for other in unit[:-1]:
                    other.raw = 0
                    other.grouped = True
                    other.reasons.append(
                        f"counted together with {carrier.entry.date} as one activity"
                    )
            keyed.append((carrier.raw, carrier.entry.sort_key(), unit))
        keyed.sort(key=lambda k: (-k[0], k[1]))
        used_points = 0
        for n, (raw, key, unit) in enumerate(keyed):
            carrier = unit[-1]
            if activity.max_times is not None and n >= activity.max_times:
                times = "once" if activity.max_times == 1 else f"{activity.max_times} times"
                for r in unit:
                    r.reasons.append(f"over the repeat limit: counts at most {times}")
                    r.raw = 0
                    r.grouped = False
                continue
            for r in unit:
                r.counts = r is carrier
            points = raw
            if activity.cap is not None and used_points + points > activity.cap:
                points = max(0, activity.cap - used_points)
                label = "own-choice" if activity.id == OWN_CHOICE else "this activity's"
                carrier.reasons.append(f"capped: {label} limit of {activity.cap} points reached")
            used_points += points
            carrier.points = points
            counted.append((points, key, carrier))

    _apply_category_caps(counted, rules)
    share_out(counted, rules)
    return results


def _apply_category_caps(
    counted: list[tuple[int, tuple[object, ...], EntryResult]], rules: Rules
) -> None:
    """A sub-category's cap first, then the cap of the category it sits within."""
    used: dict[str, int] = defaultdict(int)
    for _, _, r in sorted(counted, key=lambda k: (-k[0], k[1])):
        for category_id in rules.family(r.category):
            category = rules.category(category_id)
            if category is None or category.cap is None:
                continue
            room = max(0, category.cap - used[category_id])
            if r.points > room:
                r.reasons.append(
                    f"capped: the {category.title} category gives at most {category.cap} points"
                )
                r.points = room
        for category_id in rules.family(r.category):
            used[category_id] += r.points
