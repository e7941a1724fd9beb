"""LIV: the applicant's proposal and the officer's record of an uppdragsavtal."""

from __future__ import annotations

from wtforms.fields import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from forms.base import BaseForm, DateInput, MultiCheckboxField
from workflow import limits
from workflow.i18n import _l

MAX = _l("At most %(max)d characters.")
INCOMPLETE = _l("The form is incomplete; reload the page.")


def _text(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        validators=[Length(max=limits.PLAN_MAX, message=MAX)],
        render_kw={"rows": 6, "maxlength": limits.PLAN_MAX},
    )


class ProposeLivForm(BaseForm):
    """The three texts `propose_liv` requires; the engine names each one missing."""

    expected_version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=INCOMPLETE,
        validators=[InputRequired(message=INCOMPLETE)],
    )
    activity_description = _text(
        _l("Activity description"),
        _l("What the activity does as long-term integrated activity (verksamhetsbeskrivning)."),
    )
    report_plan = _text(
        _l("Plan for the yearly reports"), _l("What is reported each year, when and how.")
    )
    results_summary = _text(
        _l("Results to date"), _l("The results so far, split by women and men.")
    )


class AgreementForm(BaseForm):
    """An uppdragsavtal: the parties, the period and the date it was signed."""

    party_member_ids = MultiCheckboxField(_l("Parties"))
    start_date = DateInput(_l("Period from"), description=_l("YYYY-MM-DD"))
    end_date = DateInput(_l("Period until"), description=_l("YYYY-MM-DD"))
    signed_on = DateInput(_l("Date signed"), description=_l("YYYY-MM-DD"))
    reference = StringField(
        _l("Reference (optional)"),
        validators=[Length(max=limits.NAME_MAX, message=MAX)],
        render_kw={"maxlength": limits.NAME_MAX},
    )
