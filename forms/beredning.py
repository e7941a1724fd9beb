"""Beredning forms: a partner's answer, the proposal to the board, the association's settings."""

from __future__ import annotations

from wtforms.fields import (
    BooleanField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from forms.admin import REQUIRED, TOO_LONG
from forms.base import BaseForm, IntField, options
from workflow import limits
from workflow.i18n import _l

INCOMPLETE = _l("The form is incomplete; reload the page.")


def _version_field(*, required: bool) -> IntegerField:
    return IntegerField(
        widget=HiddenInput(),
        invalid_value_message=INCOMPLETE,
        validators=[InputRequired(message=INCOMPLETE) if required else Optional()],
    )


class EndorsementForm(BaseForm):
    """A partner member's answer to a joint application; built with `prefix=endorsement-<id>`."""

    expected_version = _version_field(required=False)
    decision = RadioField(
        _l("Your member organisation's answer"),
        choices=options(
            [
                ("endorse", _l("We stand behind the application")),
                ("decline", _l("We do not stand behind the application")),
            ]
        ),
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Required when you decline: say why."),
        validators=[Length(max=limits.REASON_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": limits.REASON_MAX},
    )
    submit = SubmitField(_l("Save the answer"))


class ProposalForm(BaseForm):
    """The officer's proposal to the board, pre-filled with the draft."""

    expected_version = _version_field(required=True)
    proposal = TextAreaField(
        _l("Proposal to the board"),
        description=_l(
            "Drafted from the application, the partners' answers and the group's"
            " recommendation. Edit it before you send it."
        ),
        validators=[Length(max=limits.PLAN_MAX, message=TOO_LONG)],
        render_kw={"rows": 40, "maxlength": limits.PLAN_MAX},
    )
    submit = SubmitField(_l("Propose to the board"))


class AssociationSettingsForm(BaseForm):
    """The settings of an association that admins and its officers may change."""

    version = _version_field(required=False)
    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=REQUIRED), Length(max=limits.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.NAME_MAX},
    )
    require_partner_endorsement = BooleanField(
        _l("Submission requires every partner's endorsement"),
        description=_l(
            "When on, a joint application can only be submitted once every partner member"
            " organisation named on it has endorsed it."
        ),
    )
    notice_days = IntField(
        _l("Kallelse: days before the meeting"),
        description=_l("The kallelse should reach the board this many days before a meeting."),
        # Left out, the setting stays as it is (a form from before the field still saves).
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=limits.NOTICE_DAYS_MAX,
                message=_l("Must be between %(min)s and %(max)s."),
            ),
        ],
    )
    capital_limit_percent = IntField(
        _l("Most eget kapital (percent of a year's contributions)"),
        description=_l(
            "The budget warns when the capital at a year's end is above this share. Empty:"
            " Nationella rådet's recommendation for the association's size."
        ),
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message=_l("Must be between %(min)s and %(max)s.")),
        ],
    )
    publish_protocols = BooleanField(
        _l("Publish the signed protocols on the notice board"),
        description=_l(
            "When on, the public notice board (anslagstavla) links each signed and posted"
            " protocol as a PDF. When off, it says where the protocol is kept."
        ),
    )
    submit = SubmitField(_l("Save settings"))
