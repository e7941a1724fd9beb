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
from workflow.models import Goal
from workflow.models.reports import FULL_TIME_OUTCOMES, OUTCOMES, SUPPORT_PHASES, SUPPORT_SOURCES
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


def report_form(goals: list[Goal], *, new: bool, **kwargs: Any) -> BaseForm:
    """A report form with one value field per goal (and kind and year when new)."""
    attrs: dict[str, Any] = {}
    if new:
        attrs["kind"] = SelectField(
            _l("Kind of report"),
            choices=options([(k, labels.REPORT_KIND_LABELS[k]) for k in ("annual", "final")]),
            validate_choice=False,
        )
        attrs["year"] = IntField(_l("Year reported on"))
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
    for goal in goals:
        attrs[goal_field(goal.position)] = StringField(
            goal.description,
            description=_l("Target: %(target)s", target=goal.target) if goal.target else None,
            validators=[Length(max=200, message=TOO_LONG)],
            render_kw={"maxlength": 200},
        )
    cls = type("ReportForm", (_ReportBase,), attrs)
    return cls(**kwargs)


def form_input(form: BaseForm, goals: list[Goal], *, new: bool) -> service.ReportInput:
    """The service's input from a posted report form; a blank count means zero."""
    data = service.ReportInput(given={"narrative", "outcomes", "goal_results", "support"})
    if new:
        data.kind = form["kind"].data or "annual"
        data.year = form["year"].data
        data.given |= {"kind", "year"}
    for name in service.COUNT_FIELDS:
        setattr(data, name, form[name].data or 0)
    data.costs_sek = form["costs_sek"].data or 0
    data.narrative = form["narrative"].data
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
    data.goal_results = [
        (goal.position, (form[goal_field(goal.position)].data or "").strip())
        for goal in goals
        if (form[goal_field(goal.position)].data or "").strip()
    ]
    return data


def form_data(report: Any) -> dict[str, Any]:
    """A stored report as the form's initial data."""
    data: dict[str, Any] = {name: getattr(report, name) for name in service.COUNT_FIELDS}
    data.update(
        expected_version=report.version, costs_sek=report.costs_sek, narrative=report.narrative
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
    for result in report.goal_results:
        data[goal_field(result.goal_index)] = result.value
    return data


def field_for_problem(name: str) -> str | None:
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
    return parts[0]
