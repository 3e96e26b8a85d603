"""The "Rules and guidelines" page in plain words, written from rules.yml and activities.yml.

Nothing on the page is typed by hand: thresholds, categories and their caps, the date
window, evidence and reflection, own-choice limits, the cohorts (such as one-semester
exchange students) and how to apply all come from the administrators' files, so the page is
never out of date. The page's own sentences are marked for translation (cim.site.i18n) and
the titles come in the page's language where the files give one; the requirements of each
cohort are the scoring's own words, in English (``Section.points_lang``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cim.model.catalogue import OWN_CHOICE, Activity, Catalogue
from cim.model.rules import Cohort, Rules, Window
from cim.scoring.verdict import cohort_requirements, describe_requirement
from cim.site import language
from cim.site.i18n import Gettext, gettext_for


@dataclass(slots=True)
class Section:
    """One heading of the page: a few sentences and a list of points."""

    id: str
    title: str
    text: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    points_lang: str = ""  # the points' language when it is not the page's


@dataclass(frozen=True, slots=True)
class _Words:
    """The page's language: its gettext, and the scheme's unit in it."""

    lang: str
    _: Gettext
    unit: str

    def t(self, item: object, name: str = "title") -> str:
        return language.translated(item, name, self.lang)

    def titles(self, items: list[Activity]) -> str:
        return ", ".join(self.t(a) for a in items)


def _window(window: Window, w: _Words) -> str:
    _ = w._
    start = {
        "study_start": _("the day your studies start"),
        "registration": _("the day you register for the certificate"),
        "any": _("any date, before or during your studies"),
    }[window.start]
    if window.start != "any" and window.days_before:
        start = _("%(days)s days before %(day)s") % {"days": window.days_before, "day": start}
    end = {"study_end": _("the last day of your studies"), "any": _("any later date")}[window.end]
    if window.end != "any" and window.days_after:
        end = _("%(days)s days after %(day)s") % {"days": window.days_after, "day": end}
    return _(
        "Activities count from %(start)s until %(end)s; activities in the future never count."
    ) % {"start": start, "end": end}


def _cohort(cohort: Cohort, rules: Rules, catalogue: Catalogue, w: _Words) -> Section:
    _ = w._
    section = Section(f"cohort-{cohort.id}", w.t(cohort))
    if cohort.description:
        section.text.append(w.t(cohort, "description"))
    goal = _("You need %(threshold)s %(unit)s") % {"threshold": cohort.threshold, "unit": w.unit}
    # The award's words have no translation in rules.yml: the scheme's name has.
    award = w.t(rules, "name") if cohort.award == rules.name else cohort.award
    if award and (w.lang == language.DEFAULT or cohort.award == rules.name):
        goal = _("You need %(threshold)s %(unit)s for the %(award)s") % {
            "threshold": cohort.threshold,
            "unit": w.unit,
            "award": award,
        }
    section.text.append(goal + ".")
    if cohort.may_apply is not None:
        section.text.append(
            _(
                "You may apply once you have %(points)s %(unit)s and everything else is done"
                " except what comes after applying."
            )
            % {"points": cohort.may_apply, "unit": w.unit}
        )
    section.text.append(_window(cohort.window, w))
    # The requirements are described by the scoring, in English.
    section.points_lang = "" if w.lang == "en" else "en"
    for req in cohort_requirements(cohort, rules)[1:]:
        words = describe_requirement(req, rules, catalogue)
        if req.after_applying:
            words += " (after you apply)"
        if req.level == "warning":
            words += " (recommended, not required)"
        section.points.append(words[0].upper() + words[1:])
    return section


def _categories(rules: Rules, w: _Words) -> Section:
    _ = w._
    section = Section("categories", _("Categories and limits"))
    section.text.append(
        _(
            "Every activity belongs to a category. A category may give at most a number of "
            "%(unit)s; what goes beyond it is not carried over to another category."
        )
        % {"unit": w.unit}
    )
    for c in rules.categories:
        notes = []
        parent = rules.category(c.within) if c.within else None
        if parent is not None:
            notes.append(_("part of %(category)s") % {"category": w.t(parent)})
        if c.cap is not None:
            notes.append(_("at most %(points)s %(unit)s") % {"points": c.cap, "unit": w.unit})
        if c.min is not None:
            notes.append(_("at least %(points)s %(unit)s needed") % {"points": c.min, "unit": w.unit})
        if c.required:
            notes.append(_("at least one activity needed"))
        if c.all_or_nothing:
            notes.append(
                _("counts only when complete (%(points)s %(unit)s); less gives nothing")
                % {"points": c.complete_at, "unit": w.unit}
            )
        line = w.t(c) + (f" — {'; '.join(notes)}" if notes else "")
        description = w.t(c, "description")
        section.points.append(line + (f". {description}" if description else ""))
    return section


def _proof(rules: Rules, catalogue: Catalogue, w: _Words) -> Section:
    _ = w._
    section = Section("evidence", _("Evidence, reflection and approval"))
    section.text.append(
        _(
            "Each activity says what you must show for it to count (see Activities). Evidence is "
            "a file in your portfolio folder: %(types)s, at most %(size)s MB each. Mark a file "
            "private to keep it off the public site."
        )
        % {"types": ", ".join(rules.evidence_types), "size": f"{rules.evidence_max_mb:g}"}
    )
    listed = [a for a in catalogue.activities if not a.own_choice]
    evidence = [a for a in listed if a.proof.evidence_required and a.proof.mode == "all"]
    reflection = [a for a in listed if a.proof.reflection_required and a.proof.mode == "all"]
    either = [a for a in listed if a.proof.mode == "any"]
    approval = [a for a in listed if a.approval]
    per_group = [a for a in listed if a.reflection_per_group and a.group_size > 1]
    section.points += _which(_("Evidence is needed"), evidence, listed, w)
    section.points += _which(_("A written reflection is needed"), reflection, listed, w)
    if either:
        section.points.append(
            _("Evidence or a reflection is enough for: %(titles)s.") % {"titles": w.titles(either)}
        )
    if per_group:
        section.points.append(
            _("One reflection per group is enough for: %(titles)s.")
            % {"titles": w.titles(per_group)}
        )
    if approval:
        section.points.append(
            _("These count only once a reviewer has approved them: %(titles)s.")
            % {"titles": w.titles(approval)}
        )
    return section


def _which(what: str, chosen: list[Activity], listed: list[Activity], w: _Words) -> list[str]:
    """The words "… for: A, B" — or, when most activities need it, "… for every activity
    except: C"."""
    _ = w._
    if not chosen:
        return []
    others = [a for a in listed if a not in chosen]
    if len(chosen) > len(listed) / 2:
        if not others:
            return [_("%(what)s for every activity.") % {"what": what}]
        return [
            _("%(what)s for every activity except: %(titles)s.")
            % {"what": what, "titles": w.titles(others)}
        ]
    return [_("%(what)s for: %(titles)s.") % {"what": what, "titles": w.titles(chosen)}]


def _own_choice(rules: Rules, w: _Words) -> Section | None:
    _ = w._
    own = rules.own_choice
    if not own.allowed:
        return None
    section = Section(OWN_CHOICE, _("Activities of your own choice"))
    section.text.append(
        _(
            "You may design an activity yourself and propose its points; a reviewer judges them "
            "and may grant fewer."
        )
    )
    unit = w.unit
    if own.max_points is not None:
        section.points.append(
            _("At most %(points)s %(unit)s for one activity.") % {"points": own.max_points, "unit": unit}
        )
    if own.cap is not None:
        section.points.append(
            _("At most %(points)s %(unit)s from your own activities in total.")
            % {"points": own.cap, "unit": unit}
        )
    if own.max_times is not None:
        section.points.append(_("At most %(count)s of them.") % {"count": own.max_times})
    if own.categories:
        titles = [w.t(x) if (x := rules.category(c)) else c for c in own.categories]
        section.points.append(_("They may go in: %(titles)s.") % {"titles": ", ".join(titles)})
    if own.proof.evidence_required:
        what = own.proof.evidence_describe or _("a file that shows you took part")
        section.points.append(_("Evidence: %(what)s") % {"what": what})
    if own.proof.reflection_required:
        if own.proof.min_words:
            words = _("A reflection of at least %(count)s words") % {"count": own.proof.min_words}
        else:
            words = _("A reflection")
        section.points.append(words + (f": {own.proof.prompt}" if own.proof.prompt else "."))
    return section


def _abroad(rules: Rules, catalogue: Catalogue, w: _Words) -> Section:
    _ = w._
    section = Section("abroad", _("At home, abroad and online"))
    country = language.country_name(rules.country, w.lang) if rules.country else ""
    if rules.abroad_relative_to == "origin":
        section.text.append(
            _(
                "Abroad means outside your country of origin: a stay in the country you come "
                "from does not count as abroad, and for an international student a stay "
                "elsewhere in %(country)s does."
            )
            % {"country": country or _("this country")}
        )
    elif country:
        section.text.append(
            _("At home means in the university's country (%(country)s); abroad, outside it.")
            % {"country": country}
        )
    else:
        section.text.append(_("At home means in the university's country; abroad, outside it."))
    outside = [a for a in catalogue.activities if a.outside_origin]
    if outside:
        section.points.append(
            _("These count only outside your country of origin: %(titles)s.")
            % {"titles": w.titles(outside)}
        )
    return section


def _apply(rules: Rules, w: _Words) -> Section:
    _ = w._
    section = Section("apply", _("How to take part and apply"))
    recorded = (
        _("When every requirement is met, the certificate is recorded by the administrators (%(institution)s).")
        % {"institution": rules.institution}
        if rules.institution
        else _("When every requirement is met, the certificate is recorded by the administrators.")
    )
    section.points += [
        _(
            "Create your portfolio (your own folder in the CIM repository) and add each activity "
            "when it has taken place, with its evidence and reflection."
        ),
        _(
            "Check it with `cim validate` and `cim points`: they say what counts, why, and what "
            "is still missing."
        ),
        _(
            "Open a pull request. An administrator reviews your evidence, reflections and "
            "own-choice activities and approves by merging."
        ),
        recorded,
    ]
    return section


def sections(rules: Rules, catalogue: Catalogue, lang: str = language.DEFAULT) -> list[Section]:
    """The page's sections in ``lang``, in reading order."""
    _ = gettext_for(lang)
    w = _Words(lang, _, _(rules.unit))
    found: list[Section | None] = [
        *(_cohort(c, rules, catalogue, w) for c in rules.cohorts),
        _categories(rules, w),
        _proof(rules, catalogue, w),
        _own_choice(rules, w),
        _abroad(rules, catalogue, w),
        _apply(rules, w),
    ]
    return [s for s in found if s is not None]
