"""The co-financing of a shared insats: other associations and their shares in percent."""

from __future__ import annotations

from wtforms.fields import FieldList, FormField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from forms.base import BaseForm, IntField, RowForm
from workflow.i18n import _l

# Rows offered beyond those recorded (a county has a handful of associations).
BLANK_ROWS = 2


class ShareRowForm(RowForm):
    """One co-financing association and its share."""

    # The choices (the other associations) are set by the view.
    association = SelectField(_l("Association"), choices=[], validate_choice=False)
    percent = IntField(
        _l("Share (percent)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=99, message=_l("Give a share between 1 and 99 percent.")),
        ],
    )

    def is_blank(self) -> bool:
        """A row without an association is ignored."""
        return not (self.association.data or "").strip()


class SharesForm(BaseForm):
    """Every association that co-finances the insats."""

    rows = FieldList(FormField(ShareRowForm), label=_l("Financing associations"), max_entries=20)
    submit = SubmitField(_l("Save the financing associations"))
