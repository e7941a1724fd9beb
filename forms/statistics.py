"""The socio-economic parameters of the statistics page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from wtforms.fields import DecimalField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from forms.admin import REQUIRED
from forms.base import BaseForm, IntField
from workflow.i18n import _l

BETWEEN = _l("Must be between %(min)s and %(max)s.")


class ShareField(DecimalField):
    """A share written with a decimal comma or point (0,75 or 0.75)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        raw = valuelist[0].strip().replace(",", ".")
        if raw == "":
            self.data = None
            return
        try:
            self.data = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(str(_l("Must be a number, for example 0,75."))) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(_l("Must be a number, for example 0,75.")))


class ParametersForm(BaseForm):
    """What a full-time job is worth a month, and the shares for subsidised work and studies."""

    version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=_l("The form is incomplete; reload the page."),
        validators=[Optional()],
    )
    full_time_month_sek = IntField(
        _l("A full-time job without subsidy, a month (SEK)"),
        validators=[InputRequired(message=REQUIRED), NumberRange(1, 10_000_000, BETWEEN)],
    )
    subsidised_share = ShareField(
        _l("Subsidised work, share of a full-time job"),
        description=_l("For example 0,75."),
        places=3,
        validators=[InputRequired(message=REQUIRED), NumberRange(0, 1, BETWEEN)],
    )
    studies_share = ShareField(
        _l("Studies, share of a full-time job"),
        description=_l("For example 0,5."),
        places=3,
        validators=[InputRequired(message=REQUIRED), NumberRange(0, 1, BETWEEN)],
    )
