"""The application form (in sections, with repeated rows) and the transition buttons."""

from __future__ import annotations

import secrets
from typing import Any

from wtforms.fields import (
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from forms.base import (
    BaseForm,
    DateInput,
    IntField,
    IntSelectField,
    MultiCheckboxField,
    RowForm,
    options,
)
from workflow import limits
from workflow.i18n import _l

# Blank rows offered under the filled ones, and how many more "Add rows" gives.
BLANK_ROWS = 2


class BudgetRowForm(RowForm):
    """The amount applied for in one year."""

    year = IntField(_l("Year"))
    amount_sek = IntField(_l("Amount (SEK)"))


class CofundingRowForm(RowForm):
    """What one member organisation contributes itself in one year."""

    member_id = IntSelectField(_l("Member organisation"))
    year = IntField(_l("Year"))
    amount_sek = IntField(_l("Amount (SEK)"))


class GoalRowForm(RowForm):
    """One measurable goal."""

    description = StringField(_l("Goal"), render_kw={"maxlength": limits.SHORT_TEXT_MAX})
    indicator = StringField(_l("Indicator"), render_kw={"maxlength": limits.SHORT_TEXT_MAX})
    target = StringField(_l("Target value"), render_kw={"maxlength": limits.NAME_MAX})


# The repeated groups: form attribute → (row form, the schema's limit on rows).
ROW_GROUPS: dict[str, tuple[type[RowForm], int]] = {
    "budget": (BudgetRowForm, limits.BUDGET_YEARS_MAX),
    "cofunding": (CofundingRowForm, limits.COFUNDING_MAX),
    "goals": (GoalRowForm, limits.GOALS_MAX),
}


def _rows(name: str, label: Any) -> FieldList:
    row_form, limit = ROW_GROUPS[name]
    return FieldList(FormField(row_form), label=label, max_entries=limit + BLANK_ROWS)


def _plan(label: Any, description: Any) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        render_kw={"rows": 10, "maxlength": limits.PLAN_MAX},
    )


def new_idempotency_key() -> str:
    """A random key for a new draft's form."""
    return secrets.token_urlsafe(24)


class ApplicationForm(BaseForm):
    """Every field an applicant fills in; all optional while the application is a draft."""

    # The version the applicant started from: a save over someone else's change is refused.
    version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=_l("The form is incomplete; reload the page."),
        validators=[Optional()],
    )

    # A new draft's form: the same key in a second post (a double click) makes no second draft.
    idempotency_key = StringField(widget=HiddenInput(), validators=[Optional()])

    title = StringField(_l("Title"), render_kw={"maxlength": limits.TITLE_MAX})
    kind = RadioField(
        _l("Kind of insats"),
        choices=options([("individual", _l("Individual")), ("structural", _l("Structural"))]),
        validate_choice=False,
    )
    lead_member_id = IntSelectField(_l("Lead member organisation"))
    partner_member_ids = MultiCheckboxField(_l("Other member organisations taking part"))

    target_group = TextAreaField(
        _l("Target group"), render_kw={"rows": 4, "maxlength": limits.SHORT_TEXT_MAX}
    )
    age_min = IntField(_l("Lowest age"))
    age_max = IntField(_l("Highest age"))
    participants_women = IntField(_l("Expected participants, women"))
    participants_men = IntField(_l("Expected participants, men"))

    start_date = DateInput(_l("Start date"))
    end_date = DateInput(_l("End date"))

    budget = _rows("budget", _l("Budget per year"))
    cofunding = _rows("cofunding", _l("Co-funding"))
    goals = _rows("goals", _l("Goals"))

    follow_up_plan = _plan(
        _l("Follow-up and evaluation plan"),
        _l("How the insats is followed up and evaluated, and by whom."),
    )
    gender_equality_plan = _plan(
        _l("Gender equality plan"),
        _l("How the insats applies the association's action plan for gender mainstreaming."),
    )
    continuation_plan = _plan(
        _l("Continuation funding plan"),
        _l("Who finances the insats after the grant if it proves to work."),
    )
    steering_group = TextAreaField(
        _l("Steering group"), render_kw={"rows": 3, "maxlength": limits.SHORT_TEXT_MAX}
    )

    save = SubmitField(_l("Save draft"))
    add_rows = SubmitField(_l("Add rows"))


class TransitionForm(BaseForm):
    """One step button; built with `prefix=<trigger>` so each button's fields are distinct."""

    expected_version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=_l("The form is incomplete; reload the page."),
        validators=[InputRequired(message=_l("The form is incomplete; reload the page."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            Length(max=limits.REASON_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 3, "maxlength": limits.REASON_MAX},
    )
    recommendation = RadioField(
        _l("Recommendation"),
        choices=options(
            [
                ("approve", _l("Approve")),
                ("approve_with_conditions", _l("Approve with conditions")),
                ("reject", _l("Reject")),
            ]
        ),
        validate_choice=False,
    )
    motivation = TextAreaField(
        _l("Motivation"),
        validators=[Length(max=limits.PLAN_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 4, "maxlength": limits.PLAN_MAX},
    )
    conditions = TextAreaField(
        _l("Conditions"),
        description=_l("Required when the group recommends approval with conditions."),
        validators=[Length(max=limits.PLAN_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 3, "maxlength": limits.PLAN_MAX},
    )
    override_reason = TextAreaField(
        _l("Why the group recommends although requests for completion are open"),
        description=_l(
            "Only needed while shared annotations asking the applicant for completion are"
            " still open."
        ),
        validators=[Length(max=limits.REASON_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 2, "maxlength": limits.REASON_MAX},
    )
    proposal = TextAreaField(
        _l("Proposal to the board"),
        validators=[Length(max=limits.PLAN_MAX, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 6, "maxlength": limits.PLAN_MAX},
    )
