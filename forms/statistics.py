"""The socio-economic parameters of the statistics page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from wtforms.fields import DecimalField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from forms.admin import REQUIRED, TOO_LONG
from forms.base import BaseForm, IntField
from workflow.i18n import _l
from workflow.models.statistics import SOURCE_MAX

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
    """The seeds' method: what a heltid is worth a month, the shares, and the tax part."""

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
    taxable_month_sek = IntField(
        _l("Taxable wage of a full-time job, a month (SEK)"),
        validators=[InputRequired(message=REQUIRED), NumberRange(0, 10_000_000, BETWEEN)],
    )
    region_tax_percent = ShareField(
        _l("Tax to the region (%)"),
        description=_l("For example 11,76."),
        places=2,
        validators=[InputRequired(message=REQUIRED), NumberRange(0, 100, BETWEEN)],
    )
    municipal_tax_percent = ShareField(
        _l("Tax to the municipality (%)"),
        description=_l("For example 21,64."),
        places=2,
        validators=[InputRequired(message=REQUIRED), NumberRange(0, 100, BETWEEN)],
    )
    source = StringField(
        _l("Source of the association's own figures"),
        description=_l(
            "Required when a figure differs from the seeds' method, for example a board"
            " decision or an evaluation."
        ),
        validators=[Length(max=SOURCE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": SOURCE_MAX},
    )
