"""Attachments: upload a file, remove one."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms.fields import SubmitField

from forms.base import BaseForm
from workflow.i18n import _l


class UploadForm(BaseForm):
    """One file; its kind is checked by content in the service, not by its name."""

    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT), at most 20 MB."),
        render_kw={
            "accept": ".pdf,.docx,.xlsx,.odt,application/pdf,"
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
            "application/vnd.oasis.opendocument.text"
        },
    )
    submit = SubmitField(_l("Attach"))


class DeleteForm(BaseForm):
    """Removing a file is a POST with a CSRF token."""

    submit = SubmitField(_l("Remove"))
