"""Checks of assessments.yml against the portfolios: every decision must name a real entry.

A decision names its entry by activity, date and (for own choice) title. When a student later
changes that entry, or the id is mistyped, the decision would silently stop applying; these
warnings say so at the decision's line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cim.hints import did_you_mean
from cim.model.assessments import Judgements
from cim.model.layout import ASSESSMENTS_FILE
from cim.model.portfolio import Portfolio
from cim.problems import Problem, Severity


def unmatched(
    judgements: Judgements, checked: Mapping[str, Portfolio | None], folders: Iterable[str]
) -> list[Problem]:
    """Warnings for decisions about no portfolio, or about no entry of a checked portfolio."""
    known = list(folders)
    problems = []
    for j in judgements.items:
        if j.student not in known:
            message = (
                f"this decision is about '{j.student}', who has no portfolio"
                f"{did_you_mean(j.student, known)}; fix the id or remove the decision."
            )
        else:
            portfolio = checked.get(j.student)
            if portfolio is None or any(j.about(e) for e in portfolio.entries):
                continue  # not checked this time, unreadable (reported there), or found
            title = f" and title '{j.title}'" if j.title else ""
            message = (
                f"this decision matches no entry of {j.student} (activity '{j.activity}', "
                f"date {j.date}{title}); if the student changed that entry, update the decision."
            )
        problems.append(Problem(ASSESSMENTS_FILE, j.line, j.column, message, Severity.WARNING))
    return problems
