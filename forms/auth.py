"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from wtforms.fields import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length

from forms.base import BaseForm, options
from workflow import limits
from workflow.i18n import _l


class LoginForm(BaseForm):
    """E-mail address and password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(message=_l("Enter your e-mail address.")),
            Length(max=limits.EMAIL_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(message=_l("Enter your password.")),
            Length(max=limits.PASSWORD_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class LogoutForm(BaseForm):
    """Sign-out is a POST with a CSRF token, so no other site can sign a user out."""


class LanguageForm(BaseForm):
    """The language switch in the header of every page."""

    lang = SelectField(_l("Language"), choices=options([("sv", "Svenska"), ("en", "English")]))
    next = HiddenField()


class MenuAssociationForm(BaseForm):
    """The header's switch of the association the menu shows."""

    association_id = IntegerField(
        _l("Association"), validators=[InputRequired(message=_l("Choose an association."))]
    )
    next = HiddenField()
