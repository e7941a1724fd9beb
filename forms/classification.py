"""The officer's form of an insats's national classification (Uppföljning Finsam)."""

from __future__ import annotations

from wtforms.fields import RadioField, SelectField, StringField

from forms.base import BaseForm, options
from workflow.i18n import _l
from workflow.labels import DIRECTION_LABELS, FOLLOW_UP_METHOD_LABELS
from workflow.rules.classification import ESF_PROJECT_MAX

CHOOSE = ("", _l("(choose)"))


class ClassificationForm(BaseForm):
    """The four answers; the codes are checked by the rules (workflow/rules/classification.py)."""

    # The choices are checked by the rules, which name every problem at once.
    direction = SelectField(
        _l("Direction (insatsinriktning)"),
        choices=options([CHOOSE, *DIRECTION_LABELS.items()]),
        validate_choice=False,
    )
    precise_direction = SelectField(
        _l("Precise direction"),
        description=_l("Choose one under the insats's direction."),
        # Grouped under their direction in the request's language (workflow/web/classification.py).
        choices=[],
        validate_choice=False,
    )
    follow_up_method = SelectField(
        _l("Follow-up method"),
        description=_l("A structural insats is followed up by counts only."),
        choices=options([CHOOSE, *FOLLOW_UP_METHOD_LABELS.items()]),
        validate_choice=False,
    )
    esf = RadioField(
        _l("Co-financed by the ESF"),
        choices=options([("yes", _l("Yes")), ("no", _l("No"))]),
        validate_choice=False,
    )
    esf_project = StringField(
        _l("ESF project"),
        description=_l("Only when the ESF co-finances the insats."),
        render_kw={"maxlength": ESF_PROJECT_MAX},
    )
