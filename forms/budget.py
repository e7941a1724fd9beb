"""The budget page: one form per year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms.fields import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from forms.admin import REQUIRED
from forms.base import BaseForm, IntField, options
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
