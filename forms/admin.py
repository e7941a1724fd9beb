"""Administration: associations, member organisations, users and their roles."""

from __future__ import annotations

from wtforms.fields import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp

from forms.base import BaseForm, IntField, IntSelectField, RowForm, options
from states.common import Role
from workflow import limits
from workflow.i18n import _l
from workflow.labels import PARTY_LABELS, ROLE_LABELS

TOO_LONG = _l("At most %(max)d characters.")
REQUIRED = _l("This field is required.")
ROLE_ROWS = 3


class AssociationForm(BaseForm):
    """A new samordningsförbund."""

    slug = StringField(
        _l("Short name (in addresses)"),
        description=_l("Lower-case letters, digits and hyphens, e.g. svb."),
        validators=[
            InputRequired(message=REQUIRED),
            Regexp(
                limits.SLUG_PATTERN,
                message=_l("Use 2–63 lower-case letters, digits and hyphens."),
            ),
        ],
        render_kw={"maxlength": 63, "spellcheck": "false"},
    )
    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=REQUIRED), Length(max=limits.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.NAME_MAX},
    )
    diary_prefix = StringField(
        _l("Diary number prefix"),
        description=_l("Printed before every diary number, e.g. SVB."),
        validators=[
            InputRequired(message=REQUIRED),
            Length(max=limits.DIARY_PREFIX_MAX, message=TOO_LONG),
        ],
        render_kw={"maxlength": limits.DIARY_PREFIX_MAX},
    )
    delegation_limit_sek = IntField(
        _l("Delegation limit (SEK)"),
        description=_l(
            "The director may decide applications up to this total amount: the first row of"
            " the delegationsordning, which the officers keep afterwards."
        ),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(
                min=0,
                max=limits.AMOUNT_MAX,
                message=_l("Must be between %(min)s and %(max)s."),
            ),
        ],
    )
    submit = SubmitField(_l("Create association"))


class MemberForm(BaseForm):
    """A new member organisation of an association."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=REQUIRED), Length(max=limits.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.NAME_MAX},
    )
    party = SelectField(
        _l("Party"),
        choices=options(PARTY_LABELS.items()),
        validators=[InputRequired(message=REQUIRED)],
        invalid_choice_message=_l("Choose one of the options."),
    )
    population = IntField(
        _l("Population"),
        description=_l("Municipalities only: the population that sets their share."),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=limits.POPULATION_MAX,
                message=_l("Must be between %(min)s and %(max)s."),
            ),
        ],
    )
    submit = SubmitField(_l("Add member organisation"))


class RoleRowForm(RowForm):
    """One role grant of a new user."""

    role = SelectField(
        _l("Role"),
        choices=options([("", _l("(none)")), *ROLE_LABELS.items()]),
        validate_choice=False,
    )
    member_id = IntSelectField(_l("On behalf of"))
    substitute = BooleanField(_l("Substitute (board)"))

    def is_blank(self) -> bool:
        """A row without a role is ignored, whatever else was chosen in it."""
        return not (self.role.data or "").strip()


class UserForm(BaseForm):
    """A new user with roles in one association."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(message=REQUIRED),
            Length(max=limits.EMAIL_MAX, message=TOO_LONG),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
        render_kw={"maxlength": limits.EMAIL_MAX, "spellcheck": "false"},
    )
    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=REQUIRED), Length(max=limits.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": limits.NAME_MAX},
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)s characters.", n=limits.PASSWORD_MIN),
        validators=[
            InputRequired(message=REQUIRED),
            Length(
                min=limits.PASSWORD_MIN,
                max=limits.PASSWORD_MAX,
                message=_l("Between %(min)d and %(max)d characters."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    roles = FieldList(FormField(RoleRowForm), label=_l("Roles"), max_entries=len(Role) * 10)
    submit = SubmitField(_l("Create user"))
    add_rows = SubmitField(_l("Add rows"))


class RevokeRoleForm(BaseForm):
    """A confirmed POST that removes one role grant of a user."""

    submit = SubmitField(_l("Remove the role"))
