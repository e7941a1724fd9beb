"""Two-factor sign-in: the code step, enrolment, and the administrators' settings."""

from __future__ import annotations

from wtforms.fields import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from forms.base import BaseForm
from workflow.i18n import _l


class CodeForm(BaseForm):
    """A six-digit code from the authenticator app (or, where allowed, a recovery code)."""

    code = StringField(
        _l("Code"),
        validators=[
            InputRequired(message=_l("Enter the code.")),
            Length(max=40, message=_l("At most %(max)d characters.")),
        ],
        description=_l("The six digits your authenticator app shows now."),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "autocapitalize": "off",
        },
    )
    submit = SubmitField(_l("Continue"))


class SignInCodeForm(CodeForm):
    """The second step of signing in: a code, or one of the recovery codes."""

    code = StringField(
        _l("Code"),
        validators=[
            InputRequired(message=_l("Enter the code.")),
            Length(max=40, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )
    submit = SubmitField(_l("Sign in"))


class ConfirmForm(BaseForm):
    """A plain confirmed POST (reset by an administrator)."""

    submit = SubmitField(_l("Reset two-factor sign-in"))


class SettingsForm(BaseForm):
    """The association's security settings."""

    require_two_factor = BooleanField(
        _l("Require two-factor sign-in"),
        description=_l(
            "Officers, board members, the chair and administrators must set up two-factor"
            " sign-in before they can do anything else."
        ),
    )
    submit = SubmitField(_l("Save"))
