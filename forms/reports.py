"""Report forms: start of an insats, the yearly or final report, its steps, reporting dates."""

from __future__ import annotations

from typing import Any

from wtforms.fields import (
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from forms.base import BaseForm, DateInput, IntField, MultiCheckboxField, options
from forms.statistics import ShareField
from workflow import labels, limits
from workflow.i18n import _l
from workflow.models import Goal, Member
from workflow.models.reports import (
    AGE_BANDS,
    ATTENDEE_CATEGORIES,
    FULL_TIME_OUTCOMES,
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
)
from workflow.operations import reports as service
from workflow.rules import reports as reports_rules

INCOMPLETE = _l("The form is incomplete; reload the page.")
TOO_LONG = _l("At most %(max)d characters.")
COUNT_LABELS: dict[str, Any] = {
    "participants_women": _l("Participants, women"),
    "participants_men": _l("Participants, men"),
    "new_women": _l("New participants, women"),
    "new_men": _l("New participants, men"),
    "ended_women": _l("Ended, women"),
    "ended_men": _l("Ended, men"),
}
GENDER_LABELS: dict[str, Any] = {"women": _l("women"), "men": _l("men")}


def _version_field() -> IntegerField:
    return IntegerField(
        widget=HiddenInput(),
        invalid_value_message=INCOMPLETE,
        validators=[Optional()],
    )


def heltider_field(outcome: str) -> str:
    """The form field name of an outcome's heltider."""
    return f"outcome_{outcome}_heltider"


def outcome_field(outcome: str, gender: str) -> str:
    """The form field name of one outcome count."""
    return f"outcome_{outcome}_{gender}"


def support_field(phase: str, source: str, gender: str) -> str:
    """The form field name of one försörjning count."""
    return f"support_{phase}_{source}_{gender}"


def residence_field(member_id: int | None, gender: str) -> str:
    """The form field name of the participants living in a municipality (None: outside)."""
    return f"residence_{member_id if member_id is not None else 'outside'}_{gender}"


def age_field(index: int, gender: str) -> str:
    """The form field name of one age band's count (by the band's position)."""
    return f"age_{index}_{gender}"


def attendance_field(category: str, part: str) -> str:
    """The form field name of an attendee category's total, women or men."""
    return f"attendance_{category}_{part}"


def goal_field(position: int) -> str:
    """The form field name of one goal's value."""
    return f"goal_{position}"


class StartForm(BaseForm):
    """`start`: the agreement date and a checkbox per condition of the decision."""

    expected_version = _version_field()
    agreement_date = DateInput(
        _l("Agreement signed"), description=_l("The date the agreement was signed (YYYY-MM-DD).")
    )
    confirmed_conditions = MultiCheckboxField(_l("Conditions met"))
    submit = SubmitField(_l("Start"))


class ReportStepForm(BaseForm):
    """Submit, accept or return a report (a reason is required to return)."""

    expected_version = _version_field()
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=limits.REASON_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.REASON_MAX},
    )


class ReportSettingsForm(BaseForm):
    """The association's reporting dates."""

    annual_due_month = IntField(
        _l("Annual report due, month"),
        validators=[InputRequired(message=_l("This field is required."))],
    )
    annual_due_day = IntField(
        _l("Annual report due, day"),
        validators=[InputRequired(message=_l("This field is required."))],
    )
    final_due_days = IntField(
        _l("Final report due, days after the end"),
        validators=[InputRequired(message=_l("This field is required."))],
    )
    submit = SubmitField(_l("Save the reporting dates"))


class _ReportBase(BaseForm):
    expected_version = _version_field()
    participants_women = IntField(COUNT_LABELS["participants_women"])
    participants_men = IntField(COUNT_LABELS["participants_men"])
    new_women = IntField(COUNT_LABELS["new_women"])
    new_men = IntField(COUNT_LABELS["new_men"])
    ended_women = IntField(COUNT_LABELS["ended_women"])
    ended_men = IntField(COUNT_LABELS["ended_men"])
    costs_sek = IntField(
        _l("Costs (SEK)"), description=_l("The year's costs of the insats, in whole kronor.")
    )
    narrative = TextAreaField(
        _l("Narrative"),
        description=_l("How the year went: the work, the results and what was learned."),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 8, "maxlength": limits.PLAN_MAX},
    )
    submit = SubmitField(_l("Save the report"))


def report_form(
    goals: list[Goal],
    *,
    new: bool,
    structural: bool = False,
    municipalities: list[Member] | None = None,
    **kwargs: Any,
) -> BaseForm:
    """A report form with one value field per goal (and kind and year when new).

    An individual insats reports its participants and their breakdowns (outcomes,
    försörjning, residence, age, köplats); a structural one its activities and attendees.
    """
    attrs: dict[str, Any] = {
        "budget_sek": IntField(
            _l("Budget (SEK)"),
            description=_l("The year's budget of the insats, in whole kronor (optional)."),
        )
    }
    if new:
        attrs["kind"] = SelectField(
            _l("Kind of report"),
            choices=options([(k, labels.REPORT_KIND_LABELS[k]) for k in ("annual", "final")]),
            validate_choice=False,
        )
        attrs["year"] = IntField(_l("Year reported on"))
    if structural:
        attrs.update(_structural_fields())
    else:
        attrs.update(_individual_fields(municipalities or []))
    for goal in goals:
        attrs[goal_field(goal.position)] = StringField(
            goal.description,
            description=_l("Target: %(target)s", target=goal.target) if goal.target else None,
            validators=[Length(max=200, message=TOO_LONG)],
            render_kw={"maxlength": 200},
        )
    cls = type("ReportForm", (_ReportBase,), attrs)
    form = cls(**kwargs)
    form.structural = structural
    form.residence_keys = [m.id for m in municipalities or []] + [None]
    return form


def _structural_fields() -> dict[str, Any]:
    """Activities and attendees by category; women and men optional."""
    attrs: dict[str, Any] = {
        "activities": IntField(
            _l("Number of activities"),
            description=_l("Lectures, days, meetings and the like held during the year."),
        )
    }
    for category in ATTENDEE_CATEGORIES:
        label = labels.ATTENDEE_LABELS[category]
        attrs[attendance_field(category, "total")] = IntField(
            _l("%(category)s, in all", category=label)
        )
        for gender in service.GENDERS:
            attrs[attendance_field(category, gender)] = IntField(
                f"{label}, {GENDER_LABELS[gender]}",
                description=_l("Only if known."),
            )
    return attrs


def _individual_fields(municipalities: list[Member]) -> dict[str, Any]:
    """Outcomes, heltider, försörjning, residence, age bands and köplats."""
    attrs: dict[str, Any] = {
        "waiting_women": IntField(_l("Waiting list at year end, women")),
        "waiting_men": IntField(_l("Waiting list at year end, men")),
    }
    for outcome in OUTCOMES:
        for gender in service.GENDERS:
            attrs[outcome_field(outcome, gender)] = IntField(
                f"{labels.OUTCOME_LABELS[outcome]}, {GENDER_LABELS[gender]}"
            )
    for outcome in FULL_TIME_OUTCOMES:
        attrs[heltider_field(outcome)] = ShareField(
            _l("%(outcome)s, heltider", outcome=labels.OUTCOME_LABELS[outcome]),
            description=_l(
                "Full-time equivalents, for example 1,5 for one full-time and one half-time."
            ),
            places=2,
            validators=[Optional()],
        )
    for phase in SUPPORT_PHASES:
        for source in SUPPORT_SOURCES:
            for gender in service.GENDERS:
                attrs[support_field(phase, source, gender)] = IntField(
                    f"{labels.SUPPORT_LABELS[source]}, {GENDER_LABELS[gender]}"
                )
    places = [(m.id, m.name) for m in municipalities] + [(None, _l("Outside the area"))]
    for member_id, name in places:
        for gender in service.GENDERS:
            attrs[residence_field(member_id, gender)] = IntField(f"{name}, {GENDER_LABELS[gender]}")
    for index, band in enumerate(AGE_BANDS):
        for gender in service.GENDERS:
            attrs[age_field(index, gender)] = IntField(
                f"{labels.AGE_BAND_LABELS[band]}, {GENDER_LABELS[gender]}"
            )
    return attrs


def form_input(form: BaseForm, goals: list[Goal], *, new: bool) -> service.ReportInput:
    """The service's input from a posted report form; a blank count means zero.

    The sections the form did not show (the participants of a structural insats, the
    attendees of an individual one) are not given, so the stored figures stay.
    """
    structural = getattr(form, "structural", False)
    data = service.ReportInput(given={"narrative", "goal_results", "budget_sek"})
    if new:
        data.kind = form["kind"].data or "annual"
        data.year = form["year"].data
        data.given |= {"kind", "year"}
    data.costs_sek = form["costs_sek"].data or 0
    data.budget_sek = form["budget_sek"].data
    data.narrative = form["narrative"].data
    if structural:
        data.given |= {"activities", "attendance"}
        data.activities = form["activities"].data
        data.attendance = [
            (
                c,
                form[attendance_field(c, "total")].data or 0,
                form[attendance_field(c, "women")].data,
                form[attendance_field(c, "men")].data,
            )
            for c in ATTENDEE_CATEGORIES
        ]
    else:
        _individual_input(form, data)
    data.goal_results = [
        (goal.position, (form[goal_field(goal.position)].data or "").strip())
        for goal in goals
        if (form[goal_field(goal.position)].data or "").strip()
    ]
    return data


def _individual_input(form: BaseForm, data: service.ReportInput) -> None:
    """The participants, their outcomes, försörjning and breakdowns from the form."""
    data.given |= {"outcomes", "support", "residence", "ages"}
    for name in (*service.COUNT_FIELDS, *service.WAITING_FIELDS):
        setattr(data, name, form[name].data or 0)
    data.outcomes = {
        o: {g: form[outcome_field(o, g)].data or 0 for g in service.GENDERS} for o in OUTCOMES
    }
    data.heltider = {o: form[heltider_field(o)].data for o in FULL_TIME_OUTCOMES}
    data.support = {
        p: {
            s: {g: form[support_field(p, s, g)].data or 0 for g in service.GENDERS}
            for s in SUPPORT_SOURCES
        }
        for p in SUPPORT_PHASES
    }
    data.residence = [
        (
            member_id,
            form[residence_field(member_id, "women")].data or 0,
            form[residence_field(member_id, "men")].data or 0,
        )
        for member_id in form.residence_keys
    ]
    data.ages = [
        (band, form[age_field(i, "women")].data or 0, form[age_field(i, "men")].data or 0)
        for i, band in enumerate(AGE_BANDS)
    ]


def form_data(report: Any) -> dict[str, Any]:
    """A stored report as the form's initial data."""
    data: dict[str, Any] = {
        name: getattr(report, name) for name in (*service.COUNT_FIELDS, *service.WAITING_FIELDS)
    }
    data.update(
        expected_version=report.version,
        costs_sek=report.costs_sek,
        budget_sek=report.budget_sek,
        activities=report.activities,
        narrative=report.narrative,
    )
    for outcome, by_gender in service.outcome_table(report).items():
        for gender, value in by_gender.items():
            data[outcome_field(outcome, gender)] = value
    for outcome, heltider in reports_rules.heltider_table(report).items():
        data[heltider_field(outcome)] = heltider
    for phase, sources in reports_rules.support_table(report).items():
        for source, by_gender in sources.items():
            for gender, value in by_gender.items():
                data[support_field(phase, source, gender)] = value
    for member_id, women, men in reports_rules.residence_rows(report):
        data[residence_field(member_id, "women")] = women
        data[residence_field(member_id, "men")] = men
    for band, by_gender in reports_rules.age_table(report).items():
        for gender, value in by_gender.items():
            data[age_field(AGE_BANDS.index(band), gender)] = value
    for category, total, women, men in reports_rules.attendance_rows(report):
        data[attendance_field(category, "total")] = total
        data[attendance_field(category, "women")] = women
        data[attendance_field(category, "men")] = men
    for result in report.goal_results:
        data[goal_field(result.goal_index)] = result.value
    return data


def field_for_problem(name: str, form: Any = None) -> str | None:
    """The form field that shows a service problem (`outcomes.work.women` → its input)."""
    parts = name.split(".")
    if parts[0] == "heltider" and len(parts) == 2:
        return heltider_field(parts[1])
    if parts[0] == "outcomes" and len(parts) == 3:
        return outcome_field(parts[1], parts[2])
    if parts[0] == "outcomes" and len(parts) == 2:
        return outcome_field(OUTCOMES[0], parts[1])
    if parts[0] == "support" and len(parts) == 4:
        return support_field(parts[1], parts[2], parts[3])
    if parts[0] == "goal_results" and len(parts) >= 2 and parts[1].isdigit():
        return goal_field(int(parts[1]))
    return _breakdown_field(parts, form) or parts[0]


def _breakdown_field(parts: list[str], form: Any) -> str | None:
    """The input of a residence, age or attendance problem (the first row for a sum)."""
    gender = parts[-1] if parts[-1] in service.GENDERS else "women"
    if parts[0] == "residence":
        keys = getattr(form, "residence_keys", None) or [None]
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
        return residence_field(keys[min(index, len(keys) - 1)], gender)
    if parts[0] == "ages":
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
        return age_field(min(index, len(AGE_BANDS) - 1), gender)
    if parts[0] == "attendance" and len(parts) == 3 and parts[1].isdigit():
        category = ATTENDEE_CATEGORIES[min(int(parts[1]), len(ATTENDEE_CATEGORIES) - 1)]
        part = parts[2] if parts[2] in ("total", *service.GENDERS) else "total"
        return attendance_field(category, part)
    return None
