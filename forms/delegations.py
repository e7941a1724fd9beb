"""The delegationsordning page: the association's rows, each a matter, a delegate and a limit."""

from __future__ import annotations

from wtforms.fields import BooleanField, FieldList, FormField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from forms.admin import TOO_LONG
from forms.base import BaseForm, IntField, RowForm, options
from workflow import limits
from workflow.i18n import _l
from workflow.labels import DELEGATE_LABELS, MATTER_LABELS

# Blank rows offered below the list, to add new ones.
BLANK_ROWS = 2


class DelegationRowForm(RowForm):
    """One row: what is delegated, to whom, up to which amount, and whether it is reported."""

    matter = SelectField(
        _l("Matter"),
        choices=options([("", _l("(none)")), *MATTER_LABELS.items()]),
        validate_choice=False,
    )
    delegate = SelectField(
        _l("Delegate"),
        choices=options([("", _l("(none)")), *DELEGATE_LABELS.items()]),
        validate_choice=False,
    )
    limit_sek = IntField(
        _l("Limit (SEK)"),
        description=_l("Empty: no limit."),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=limits.AMOUNT_MAX, message=_l("Must be between %(min)s and %(max)s.")
            ),
        ],
    )
    report_to_board = BooleanField(_l("Reported to the board"), default=True)
    note = StringField(
        _l("Wording"),
        validators=[Optional(), Length(max=limits.REASON_MAX, message=TOO_LONG)],
    )

    def is_blank(self) -> bool:
        """A row without a matter is ignored, whatever else was chosen in it."""
        return not (self.matter.data or "").strip()


class DelegationsForm(BaseForm):
    """The association's whole delegationsordning."""

    rows = FieldList(FormField(DelegationRowForm), label=_l("Delegationsordning"), max_entries=60)
    submit = SubmitField(_l("Save the delegationsordning"))
