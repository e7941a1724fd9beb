"""Meeting forms: plan a meeting, build its agenda, attendance, steps, decisions, delegation."""

from __future__ import annotations

from wtforms.fields import (
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from forms.admin import REQUIRED, TOO_LONG
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

INCOMPLETE = _l("The form is incomplete; reload the page.")
# Blank rows offered for reservations, protocol notes and jäv.
BLANK_ROWS = 2

OUTCOMES = [
    ("approve", _l("Approve")),
    ("approve_with_conditions", _l("Approve with conditions")),
    ("reject", _l("Reject")),
    ("refer_back", _l("Refer back to preparation")),
]
VOTE_CHOICES = [
    ("", _l("No vote")),
    ("yes", _l("Yes (for approval)")),
    ("no", _l("No (against approval)")),
    ("abstain", _l("Abstains")),
]
CASTING_CHOICES = [("", _l("No tie")), ("yes", _l("Yes")), ("no", _l("No"))]
DISSENT_KINDS = [
    ("reservation", _l("Reservation")),
    ("protocol_note", _l("Note in the minutes")),
]


def _hidden_int(*, required: bool = True) -> IntegerField:
    return IntegerField(
        widget=HiddenInput(),
        invalid_value_message=INCOMPLETE,
        validators=[InputRequired(message=INCOMPLETE) if required else Optional()],
    )


class MeetingForm(BaseForm):
    """A board meeting to plan."""

    date = DateInput(
        _l("Date"),
        description=_l("Written YYYY-MM-DD."),
        validators=[InputRequired(message=REQUIRED)],
    )
    # Checked by the verb (create_meeting), which names a time it cannot read.
    starts_at = StringField(
        _l("Start time"),
        description=_l("Written HH:MM, e.g. 13:00."),
        render_kw={"maxlength": 5, "inputmode": "numeric"},
    )
    location = StringField(
        _l("Place"),
        validators=[Length(max=limits.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.NAME_MAX},
    )
    submit = SubmitField(_l("Plan the meeting"))


class AgendaAddForm(BaseForm):
    """Tick the proposed applications to place on the agenda."""

    application_ids = MultiCheckboxField(_l("Applications proposed to the board"))
    submit = SubmitField(_l("Place on the agenda"))


ITEM_KINDS = [
    ("decision", _l("Decision item (beslutsärende)")),
    ("information", _l("Information item")),
    ("other", _l("Other question (övrig fråga)")),
]


class AgendaItemForm(BaseForm):
    """An item by title: a beslutsärende with its proposal, information, or another question."""

    kind = RadioField(_l("Kind of item"), choices=options(ITEM_KINDS), validate_choice=False)
    title = StringField(
        _l("Title"),
        validators=[Length(max=limits.TITLE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.TITLE_MAX},
    )
    diary_number = StringField(
        _l("Diary number"),
        description=_l("Optional, e.g. SVB 2026/14."),
        validators=[Length(max=40, message=TOO_LONG)],
        render_kw={"maxlength": 40},
    )
    proposal = TextAreaField(
        _l("Proposed decision"),
        description=_l(
            "The office's proposal (the tjänsteskrivelse's förslag till beslut). For an"
            " information item, what the board is told."
        ),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 4, "maxlength": limits.PLAN_MAX},
    )
    submit = SubmitField(_l("Add the item"))


class ItemDecisionForm(BaseForm):
    """The chair writes the board's decision on an item by title; built with `prefix=own-<id>`."""

    text = TextAreaField(
        _l("The board's decision"),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.PLAN_MAX},
    )
    submit = SubmitField(_l("Record the decision"))


class ActionForm(BaseForm):
    """A button that only needs the CSRF token (move, remove)."""


class AttendanceForm(BaseForm):
    """Tick who is present; everyone not ticked is recorded as absent."""

    present = MultiCheckboxField(_l("Present"))
    submit = SubmitField(_l("Save attendance"))


class MeetingStepForm(BaseForm):
    """Open, close or sign; the justerare may be chosen at any of them."""

    expected_version = _hidden_int()
    justerare_id = IntSelectField(_l("Justerare"))
    # Only the close form shows it; the close step checks it (workflow/lifecycles/meeting.py).
    ends_at = StringField(
        _l("End time"),
        description=_l("Written HH:MM. Leave it empty if the meeting ends now."),
        render_kw={"maxlength": 5, "inputmode": "numeric"},
    )


class AmountRowForm(RowForm):
    """The amount granted for one year (the year comes from the application's budget)."""

    year = _hidden_int()
    amount_sek = IntField(_l("Amount (SEK)"))


class VoteRowForm(RowForm):
    """One present board member's vote."""

    user_id = _hidden_int()
    vote = SelectField(_l("Vote"), choices=options(VOTE_CHOICES), validate_choice=False)


class DissentRowForm(RowForm):
    """A reservation or a note in the minutes."""

    user_id = IntSelectField(_l("Member"))
    kind = SelectField(_l("Kind"), choices=options(DISSENT_KINDS), validate_choice=False)
    text = TextAreaField(
        _l("Text"),
        validators=[Length(max=limits.REASON_MAX, message=TOO_LONG)],
        render_kw={"rows": 2, "maxlength": limits.REASON_MAX},
    )

    def is_blank(self) -> bool:
        """A row with neither a member nor a text is left out (the kind always has a value)."""
        return not self.user_id.data and not (self.text.data or "").strip()


class RecusalRowForm(RowForm):
    """A board member who is jävig on the item."""

    user_id = IntSelectField(_l("Member"))
    reason = StringField(
        _l("Reason"),
        validators=[Length(max=limits.REASON_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.REASON_MAX},
    )


class DecisionForm(BaseForm):
    """The chair's decision on one item; built with `prefix=item-<application id>`."""

    outcome = RadioField(_l("Decision"), choices=options(OUTCOMES), validate_choice=False)
    amounts = FieldList(
        FormField(AmountRowForm), label=_l("Amounts granted"), max_entries=limits.BUDGET_YEARS_MAX
    )
    conditions = TextAreaField(
        _l("Conditions"),
        description=_l("Required when the board approves with conditions."),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.PLAN_MAX},
    )
    questions = TextAreaField(
        _l("The board's questions"),
        description=_l("Required when the board refers the application back."),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.PLAN_MAX},
    )
    excess_reason = TextAreaField(
        _l("Why more than applied for"),
        description=_l(
            "Required when the board grants more than the application asks for; printed in"
            " the protocol."
        ),
        validators=[Length(max=limits.REASON_MAX, message=TOO_LONG)],
        render_kw={"rows": 2, "maxlength": limits.REASON_MAX},
    )
    votes = FieldList(FormField(VoteRowForm), label=_l("Votes"), max_entries=200)
    casting_vote = SelectField(
        _l("The chair's casting vote"),
        description=_l("Only on a tie; a voting chair's own vote decides."),
        choices=options(CASTING_CHOICES),
        validate_choice=False,
    )
    dissents = FieldList(
        FormField(DissentRowForm),
        label=_l("Reservations and notes in the minutes"),
        max_entries=50,
    )
    recusals = FieldList(FormField(RecusalRowForm), label=_l("Jäv"), max_entries=50)
    submit = SubmitField(_l("Record the decision"))


class DelegatedDecisionForm(BaseForm):
    """The officer's decision within the delegation limit."""

    expected_version = _hidden_int()
    outcome = RadioField(
        _l("Decision"),
        choices=options([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validate_choice=False,
    )
    amounts = FieldList(
        FormField(AmountRowForm), label=_l("Amounts granted"), max_entries=limits.BUDGET_YEARS_MAX
    )
    reason = TextAreaField(
        _l("Motivation (optional)"),
        validators=[Length(max=limits.REASON_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.REASON_MAX},
    )
    submit = SubmitField(_l("Decide by delegation"))


class KallelseSendForm(BaseForm):
    """Send the kallelse (no fields: the button and the CSRF token)."""


class KallelseAnswerForm(BaseForm):
    """A board member's answer to the kallelse: coming or not (one button each)."""

    attending = RadioField(
        _l("Will you come?"),
        choices=options([("yes", _l("I will come")), ("no", _l("I will not come"))]),
        validators=[InputRequired(message=_l("Say whether you will come."))],
    )
