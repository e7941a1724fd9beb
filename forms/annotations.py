"""Annotating a section, replying in a thread, resolving and reopening."""

from __future__ import annotations

from wtforms.fields import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length
from wtforms.widgets import HiddenInput

from forms.base import BaseForm, IntSelectField, options
from workflow.i18n import _l
from workflow.operations.annotations import BODY_MAX
from workflow.rules.sections import SECTIONS

_TOO_LONG = _l("At most %(max)d characters.")
_RELOAD = _l("The form is incomplete; reload the page.")


class AnnotationForm(BaseForm):
    """A new annotation on one section of one version (the checks live in the service)."""

    section = SelectField(
        _l("Section"),
        choices=options((s.key, s.label) for s in SECTIONS),
        validate_choice=False,
    )
    version = IntSelectField(_l("Version"))
    quote = TextAreaField(
        _l("Quote (optional)"),
        description=_l("A passage of the section, copied exactly as it stands in that version."),
        validators=[Length(max=BODY_MAX, message=_TOO_LONG)],
        render_kw={"rows": 2, "maxlength": BODY_MAX},
    )
    body = TextAreaField(
        _l("Annotation"),
        validators=[Length(max=BODY_MAX, message=_TOO_LONG)],
        render_kw={"rows": 4, "maxlength": BODY_MAX},
    )
    shared_with_applicant = BooleanField(
        _l("Share with the applicant"),
        description=_l("Unticked, the annotation stays internal to the preparation."),
    )
    requests_completion = BooleanField(
        _l("Ask the applicant to complete this"),
        description=_l("Only for shared annotations."),
    )


class ReplyForm(BaseForm):
    """One reply in an annotation's thread."""

    body = TextAreaField(
        _l("Reply"),
        validators=[Length(max=BODY_MAX, message=_TOO_LONG)],
        render_kw={"rows": 3, "maxlength": BODY_MAX},
    )


class ResolutionForm(BaseForm):
    """Mark resolved (`resolved=true`) or reopen (`resolved=false`)."""

    resolved = HiddenField(validators=[AnyOf(["true", "false"], message=_RELOAD)])
    expected_version = IntegerField(
        widget=HiddenInput(),
        invalid_value_message=_RELOAD,
        validators=[InputRequired(message=_RELOAD)],
    )
