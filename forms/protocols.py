"""Forms of the protocol page: the justerare's signature and the posting of the notice."""

from __future__ import annotations

from wtforms.fields import StringField

from forms.base import BaseForm, DateInput, IntSelectField
from workflow.i18n import _l


class JusteringForm(BaseForm):
    """The justerare signs the protocol (a button; CSRF only)."""


class JusterareForm(BaseForm):
    """The chair chooses the justerare of a closed meeting (when none was chosen at it)."""

    justerare_id = IntSelectField(_l("Justerare"))


class PostingForm(BaseForm):
    """The day the notice (anslag) went up, and where the protocol is kept."""

    posted_on = DateInput(
        _l("Notice posted on"), description=_l("The appeal period of three weeks runs from it.")
    )
    kept_at = StringField(_l("Where the protocol is kept"))
