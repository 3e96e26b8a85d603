"""Requirements and the verdict: is the certificate earned, and if not, what is still missing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from cim.model.assessments import Judgement
from cim.model.catalogue import LOCATION_WORDS, Catalogue
from cim.model.portfolio import Portfolio
from cim.model.rules import Cohort, Requirement, Rules, Where
from cim.scoring.points import EntryResult, score_entries
from cim.speed import compact_pickle


@compact_pickle
@dataclass(slots=True)
class RequirementResult:
    text: str
    met: bool
    level: str
    detail: str = ""
    parts: tuple[RequirementResult, ...] = ()
    missing: str = ""  # the next concrete step, in words ("1 more activity of ‘Buddy’")

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "text": self.text,
            "met": self.met,
            "level": self.level,
            "detail": self.detail,
        }
        if self.missing:
            data["missing"] = self.missing
        if self.parts:
            data["parts"] = [p.as_dict() for p in self.parts]
        return data


@compact_pickle
@dataclass(slots=True)
class Assessment:
    """Everything the engine concludes about one portfolio."""

    portfolio: Portfolio
    cohort: Cohort
    entries: list[EntryResult]
    points: int
    required: int
    met: bool
    may_apply: bool
    by_category: dict[str, int]
    by_aim: dict[str, int]
    requirements: list[RequirementResult]
    unmet: list[str] = field(default_factory=list)
    soft_unmet: list[str] = field(default_factory=list)


def _matches(r: EntryResult, where: Where, rules: Rules) -> bool:
    if where.category and not set(rules.family(r.category)) & set(where.category):
        return False
    if where.activity and (r.activity is None or r.activity.id not in where.activity):
        return False
    if where.aim and not set(r.aims) & set(where.aim):
        return False
    if where.location and r.location not in where.location:
        return False
    if where.approved is not None and (r.review in ("approved", "granted")) != where.approved:
        return False
    return where.own_choice is None or (r.own_choice == where.own_choice)


def describe_where(where: Where, rules: Rules, catalogue: Catalogue) -> str:
    words = []
    if where.location:
        words.append(" or ".join(LOCATION_WORDS[loc] for loc in where.location))
    if where.category:
        names = [
            (rules.category(c).title if rules.category(c) else c)  # type: ignore[union-attr]
            for c in where.category
        ]
        words.append("in " + " or ".join(names))
    if where.activity:
        names = [
            (catalogue.get(a).title if catalogue.get(a) else a)  # type: ignore[union-attr]
            for a in where.activity
        ]
        words.append("of " + " or ".join(f"‘{n}’" for n in names))
    if where.aim:
        titles = {a.id: a.title for a in rules.aims}
        words.append("developing " + " or ".join(titles.get(a, a) for a in where.aim))
    if where.own_choice is not None:
        words.append("of your own choice" if where.own_choice else "from the catalogue")
    if where.approved is not None:
        words.append("approved by a reviewer" if where.approved else "not yet approved")
    return " ".join(words)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _missing(kind: str, short: int, parts: tuple[RequirementResult, ...]) -> str:
    """What to add to meet a combination, naming every failing part."""
    failing = [p.missing or p.text for p in parts if not p.met]
    if kind == "any_of":
        return failing[0] if len(failing) == 1 else "either " + ", or ".join(failing)
    if kind == "all_of" or short >= len(failing):
        return "; and ".join(failing)
    return f"any {short} of: " + "; ".join(failing)


class _Evaluator:
    def __init__(self, results: list[EntryResult], rules: Rules, catalogue: Catalogue) -> None:
        self.results = results
        self.rules = rules
        self.catalogue = catalogue

    def evaluate(self, req: Requirement) -> RequirementResult:
        if req.kind in ("any_of", "all_of", "at_least"):
            parts = tuple(self.evaluate(p) for p in req.parts)
            done = sum(p.met for p in parts)
            need = {"any_of": 1, "all_of": len(parts)}.get(req.kind, req.amount)
            met = done >= need
            if req.kind == "any_of":
                text = req.text or "one of: " + "; or ".join(p.text for p in parts)
            elif req.kind == "all_of":
                text = req.text or "all of: " + "; and ".join(p.text for p in parts)
            else:
                text = req.text or f"{need} of: " + "; ".join(p.text for p in parts)
            step = "" if met else _missing(req.kind, need - done, parts)
            detail = "" if met else f"{done} of {need} met: add {step}"
            return RequirementResult(text, met, req.level, detail, parts, step)
        chosen = [r for r in self.results if r.counts and _matches(r, req.where, self.rules)]
        scope = describe_where(req.where, self.rules, self.catalogue)
        scope = f" {scope}" if scope else ""
        if req.kind == "points":
            have = sum(r.points for r in chosen)
            unit = "activities" if self.rules.unit == "activities" else "points"
            text = req.text or f"{req.amount} {unit}{scope}"
            missing = req.amount - have
            step = f"{missing} more {unit}{scope}" if missing > 0 else ""
            detail = (
                f"{have} {unit}"
                if missing <= 0
                else (
                    f"{have} {unit}: add {step}"
                    if req.text and scope  # a text of its own may not say what counts
                    else f"{have} {unit}: {missing} to go"
                )
            )
            return RequirementResult(text, missing <= 0, req.level, detail, missing=step)
        if req.kind == "activities":
            have = len(chosen)
            text = req.text or _plural(req.amount, "activity", "activities") + scope
            missing = req.amount - have
            step = _plural(missing, "more activity", "more activities") + scope
            detail = f"{have} counted" if missing <= 0 else f"needs {step}"
            return RequirementResult(
                text, missing <= 0, req.level, detail, missing=step if missing > 0 else ""
            )
        values = {self._value(r, req.by) for r in chosen} - {""}
        have = len(values)
        kinds = {
            "activity": "types of activity",
            "category": "categories",
            "aim": "aims",
            "country": "countries",
            "location": "kinds of location",
        }[req.by]
        text = req.text or f"{req.amount} different {kinds}{scope}"
        missing = req.amount - have
        step = f"{missing} more different {kinds}{scope}" if missing > 0 else ""
        detail = f"{have} different" if missing <= 0 else f"{have} so far: {missing} more needed"
        return RequirementResult(text, missing <= 0, req.level, detail, missing=step)

    @staticmethod
    def _value(r: EntryResult, by: str) -> str:
        if by == "activity":
            return (r.activity.id if r.activity else "") + (
                "/" + r.entry.title if r.own_choice else ""
            )
        if by == "category":
            return r.category
        if by == "country":
            return r.entry.country
        if by == "location":
            return r.location
        return ",".join(sorted(r.aims))


def describe_requirement(req: Requirement, rules: Rules, catalogue: Catalogue) -> str:
    """A requirement in words, as students read it."""
    return _Evaluator([], rules, catalogue).evaluate(req).text


def cohort_requirements(cohort: Cohort, rules: Rules) -> list[Requirement]:
    """The cohort's threshold, category minimums and its own requirements, in that order."""
    unit = "activities" if rules.unit == "activities" else "points"
    reqs = [
        Requirement("points", amount=cohort.threshold, text=f"{cohort.threshold} {unit} in total")
    ]
    for category in rules.categories:
        if category.min:
            reqs.append(
                Requirement("points", amount=category.min, where=Where(category=(category.id,)))
            )
        if category.required:
            reqs.append(Requirement("activities", amount=1, where=Where(category=(category.id,))))
    return reqs + list(cohort.requirements)


def _may_apply(
    cohort: Cohort,
    points: int,
    reqs: list[Requirement],
    outcomes: list[RequirementResult],
    eligible: bool,
) -> bool:
    """Not yet met, but at the "may apply" level with every other requirement met, except
    those done after applying (such as a final presentation)."""
    if cohort.may_apply is None or points < cohort.may_apply or not eligible:
        return False
    pending = [
        (req, o) for req, o in zip(reqs[1:], outcomes[1:], strict=True) if o.level == "error"
    ]  # the first outcome is the threshold itself
    if outcomes[0].met and all(o.met for _, o in pending):
        return False  # already met: nothing to apply for
    return all(o.met or req.after_applying for req, o in pending)


def _opened(
    portfolio: Portfolio,
    catalogue: Catalogue,
    rules: Rules,
    cohort: Cohort,
    today: dt.date,
    judgements: tuple[Judgement, ...],
) -> dict[int, str]:
    """Entries of activities that open only after others (``after:``) and are not open yet.

    An entry opens when its condition is met by the other activities finished on or before
    its date, scored on their own. Adding an entry can only open more, so the totals never
    go down when a student adds something."""
    gated = [e for e in portfolio.entries if (a := catalogue.get(e.activity)) and a.after]
    if not gated:
        return {}
    plain = [e for e in portfolio.entries if e not in gated]
    closed: dict[int, str] = {}
    for entry in gated:
        activity = catalogue.get(entry.activity)
        assert activity is not None and activity.after is not None
        if entry.date is None:
            continue  # reported as "no valid date"
        before = [e for e in plain if e.last_day is not None and e.last_day <= entry.date]
        earlier = replace(portfolio, entries=tuple(before))
        results = score_entries(earlier, catalogue, rules, cohort, today, None, judgements)
        _complete_categories(results, rules)
        outcome = _Evaluator(results, rules, catalogue).evaluate(activity.after)
        if not outcome.met:
            detail = f" (on {entry.date} you had {outcome.detail})" if outcome.detail else ""
            closed[entry.index] = (
                f"opens only after {outcome.text}{detail}: "
                f"date it after you reach that, or it cannot count"
            )
    return closed


def _awaiting_approval(results: list[EntryResult], reqs: list[Requirement], rules: Rules) -> None:
    """Entries a requirement counts only once approved (``where: {approved: true}``) and that
    no reviewer has judged yet wait for one: `cim points` and the pull request list them."""
    wanted = [
        replace(r.where, approved=None)
        for req in reqs
        for r in _leaves(req)
        if r.where.approved is True
    ]
    for r in results:
        if r.counts and not r.review and any(_matches(r, w, rules) for w in wanted):
            r.review = "waiting"
            r.needs_review = True


def _leaves(req: Requirement) -> list[Requirement]:
    return [x for p in req.parts for x in _leaves(p)] if req.parts else [req]


def _complete_categories(results: list[EntryResult], rules: Rules) -> bool:
    """Categories that count only when complete: an incomplete one gives no points at all.
    True when that took points away."""
    took = False
    for category in rules.categories:
        need = category.complete_at
        if not category.all_or_nothing or need is None:
            continue
        members = set(rules.members(category.id))
        inside = [r for r in results if r.category in members and (r.points or r.counts)]
        have = sum(r.points for r in inside)
        if have >= need:
            continue
        for r in inside:
            r.reasons.append(
                f"{category.title} counts only when complete ({have} of {need} points): "
                f"add {need - have} more points there"
            )
            took = took or r.points > 0
            r.points = 0
            r.counts = False
    return took


# Long because it sequences the verdict in one readable pass: what opens, the entries, the
# requirements, the complete-only categories, the totals, what is still missing.
def assess(
    portfolio: Portfolio,
    catalogue: Catalogue,
    rules: Rules,
    today: dt.date,
    judgements: tuple[Judgement, ...] = (),
) -> Assessment:
    """Score every entry and judge every requirement of the student's cohort, with the
    reviewers' judgements on record for this student (``assessments.yml``)."""
    cohort = rules.cohort(portfolio.cohort)
    if cohort is None:  # unknown cohort: reported by the validator; judge by the default one
        cohort = rules.cohort(None) or rules.cohorts[0]
    closed = _opened(portfolio, catalogue, rules, cohort, today, judgements)
    results = score_entries(portfolio, catalogue, rules, cohort, today, closed, judgements)
    evaluator = _Evaluator(results, rules, catalogue)
    reqs = cohort_requirements(cohort, rules)
    # Requirements look at what the student did; a category that is not complete yet gives
    # no points to the total, so the threshold is judged again after that.
    outcomes = [evaluator.evaluate(req) for req in reqs]
    _awaiting_approval(results, reqs, rules)
    if _complete_categories(results, rules):
        outcomes[0] = evaluator.evaluate(reqs[0])
    points = sum(r.points for r in results)
    by_category: dict[str, int] = defaultdict(int)
    by_aim: dict[str, int] = defaultdict(int)
    for r in results:
        if r.points:
            by_category[r.category] += r.points
            for aim in r.aims:
                by_aim[aim] += r.points
    unmet = [
        f"{o.text} — {o.detail}" if o.detail else o.text
        for o in outcomes
        if not o.met and o.level == "error"
    ]
    soft = [
        f"{o.text} — {o.detail}" if o.detail else o.text
        for o in outcomes
        if not o.met and o.level == "warning"
    ]
    programme = rules.programme(portfolio.programme)
    if programme is not None and not programme.eligible:
        unmet.insert(
            0,
            f"the {programme.title} cannot take part"
            + (f": {programme.reason}" if programme.reason else ""),
        )
    return Assessment(
        portfolio=portfolio,
        cohort=cohort,
        entries=results,
        points=points,
        required=cohort.threshold,
        met=not unmet,
        may_apply=_may_apply(
            cohort, points, reqs, outcomes, programme is None or programme.eligible
        ),
        by_category=dict(by_category),
        by_aim=dict(by_aim),
        requirements=outcomes,
        unmet=unmet,
        soft_unmet=soft,
    )
