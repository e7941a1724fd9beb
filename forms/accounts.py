"""Accounts that end: password change, reset by a mailed link, deactivation."""

from __future__ import annotations

from wtforms.fields import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from forms.base import BaseForm
from workflow import limits
from workflow.i18n import _l

_NEW_HINT = _l("At least %(n)s characters, not one of the common passwords.", n=limits.PASSWORD_MIN)


def _new_password(label: object) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(message=_l("Enter a new password.")),
            Length(max=limits.PASSWORD_MAX, message=_l("At most %(max)d characters.")),
        ],
        description=_NEW_HINT,
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(BaseForm):
    """The current password and a new one."""

    old_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(message=_l("Enter your password.")),
            Length(max=limits.PASSWORD_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password(_l("New password"))
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(BaseForm):
    """The address to mail a one-time link to."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(message=_l("Enter your e-mail address.")),
            Length(max=limits.EMAIL_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Send a link"))


class ResetForm(BaseForm):
    """A new password, through the mailed link."""

    password = _new_password(_l("New password"))
    submit = SubmitField(_l("Set the new password"))


class DeactivateForm(BaseForm):
    """A confirmed POST that ends an account."""

    next = HiddenField()
    submit = SubmitField(_l("End the account"))
