"""The budget page: one form per year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms.fields import (
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
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

BETWEEN = _l("Must be between %(min)s and %(max)s.")


def _kronor(label: str, description: str | None = None, *, low: int = 0) -> IntField:
    return IntField(
        label,
        description=description,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=low, max=limits.BUDGET_MAX, message=BETWEEN),
        ],
        render_kw={"autocomplete": "off"},
    )


class BudgetForm(BaseForm):
    """One year's budget in whole kronor; built with `prefix=f"y{year}"`."""

    version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=_l("The form is incomplete; reload the page."),
        validators=[Optional()],
    )
    contributions_sek = _kronor(
        _l("Contributions (SEK)"),
        _l(
            "Half from the state, a quarter from the region and a quarter from the"
            " municipalities, by population."
        ),
    )
    carried_over_sek = _kronor(
        _l("Carried over from the year before (SEK)"),
        _l(
            "Used for the first year, and for a year after a year without budget; otherwise"
            " the projected balance of the year before is carried forward. A deficit is"
            " negative."
        ),
        low=-limits.BUDGET_MAX,
    )
    admin_costs_sek = _kronor(_l("Administration (SEK)"), _l("Office, board and the like."))
    other_costs_sek = _kronor(_l("Other costs (SEK)"), _l("For example competence development."))


class OutcomeForm(BaseForm):
    """The outcome of a year's lines, read from the accounts (CSV or XLSX)."""

    file = FileField(
        _l("The outcome from the accounts"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l(
            "CSV or XLSX with a column for the line (Rad) and one for the outcome (Utfall),"
            " as in the budget's own export."
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


def key_form(members: Sequence[Any]) -> type[BaseForm]:
    """The contribution key of a year: basis, rounding, and per paying member its figures."""

    class KeyForm(BaseForm):
        basis = SelectField(
            _l("Contribution key"),
            choices=options(
                [
                    ("population", _l("By population")),
                    ("equal", _l("Equal shares")),
                    ("fixed", _l("Fixed amounts")),
                ]
            ),
        )
        rounding_sek = SelectField(
            _l("Rounded to"),
            choices=options([("1", _l("whole kronor")), ("1000", _l("thousands of kronor"))]),
            coerce=int,
            invalid_value_message=_l("Choose one of the options."),
        )

    for member in members:
        setattr(
            KeyForm,
            f"population_{member.id}",
            IntField(
                _l("Population of %(name)s", name=member.name),
                validators=[
                    Optional(),
                    NumberRange(min=0, max=limits.POPULATION_MAX, message=BETWEEN),
                ],
            ),
        )
        setattr(
            KeyForm,
            f"amount_{member.id}",
            IntField(
                _l("Fixed amount of %(name)s (SEK)", name=member.name),
                validators=[Optional(), NumberRange(min=0, max=limits.BUDGET_MAX, message=BETWEEN)],
            ),
        )
    return KeyForm


# How many empty rows the line editor offers below the year's lines.
BLANK_LINES = 3


def _optional_kronor(label: Any) -> IntField:
    return IntField(
        label,
        validators=[Optional(), NumberRange(min=0, max=limits.BUDGET_MAX, message=BETWEEN)],
        render_kw={"autocomplete": "off"},
    )


class LineRowForm(RowForm):
    """One cost line of a year's budget; a row left empty is dropped."""

    category = SelectField(_l("Category"), validate_choice=False)
    label = StringField(
        _l("Line"),
        validators=[Length(max=limits.TITLE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.TITLE_MAX},
    )
    application_id = IntSelectField(_l("Insats (application)"))
    budget_sek = _optional_kronor(_l("Budget (SEK)"))
    forecast_sek = _optional_kronor(_l("Forecast (SEK)"))
    outcome_sek = _optional_kronor(_l("Outcome (SEK)"))

    def is_blank(self) -> bool:
        """A row without label and amounts is left out (the category always has a value)."""
        return not (self.label.data or "").strip() and all(
            self[name].data is None
            for name in ("application_id", "budget_sek", "forecast_sek", "outcome_sek")
        )


class LinesForm(BaseForm):
    """A year's cost lines; built with `prefix=f"l{year}"`. They replace the stored ones."""

    version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=_l("The form is incomplete; reload the page."),
        validators=[Optional()],
    )
    lines = FieldList(FormField(LineRowForm), label=_l("Budget lines"), max_entries=200)


class CloseYearForm(BaseForm):
    """The board's årsbokslut: the date of its decision."""

    decided_on = DateInput(
        _l("The board decided the årsbokslut on"),
        description=_l("Written YYYY-MM-DD."),
        validators=[InputRequired(message=REQUIRED)],
    )


RECORD_KINDS = (
    ("member_consultation", _l("Medlemssamråd on the proposed budget")),
    ("budget_decision", _l("The board decided the budget")),
    ("annual_report", _l("Årsredovisning adopted")),
    ("audit_report", _l("Revisionsberättelse received")),
    ("discharge", _l("A member's decision on ansvarsfrihet")),
)


class EconomyRecordForm(BaseForm):
    """One step of the year's cycle, as the officer records it."""

    kind = SelectField(
        _l("What was held or decided"),
        choices=options([("", _l("Choose…")), *RECORD_KINDS]),
        validate_choice=False,
    )
    held_on = DateInput(
        _l("Date"),
        description=_l("Written YYYY-MM-DD."),
        validators=[InputRequired(message=REQUIRED)],
    )
    present_member_ids = MultiCheckboxField(
        _l("Members present"), description=_l("Only for a medlemssamråd.")
    )
    member_id = IntSelectField(_l("Member"), description=_l("Only for ansvarsfrihet."))
    granted = RadioField(
        _l("Ansvarsfrihet"),
        choices=options([("yes", _l("Granted")), ("no", _l("Not granted"))]),
        validate_choice=False,
        validators=[Optional()],
    )
    text = TextAreaField(
        _l("Notes"),
        description=_l("The members' views, or the auditors' statement."),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.PLAN_MAX},
    )
