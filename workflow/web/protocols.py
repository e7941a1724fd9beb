"""Protocol pages: the minutes, their PDF, the justerare's signature, the notice, extracts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from forms.base import options
from forms.protocols import JusterareForm, JusteringForm, PostingForm
from states import meeting as meeting_machine
from workflow import http, permissions, transaction
from workflow.errors import Problem, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Application, Meeting
from workflow.operations import applications, meetings, protocols
from workflow.pagecache import cached_page
from workflow.rules import meetings as meetings_rules
from workflow.web.formerrors import FormErrors

bp = Blueprint("protocols", __name__)


def _meeting(meeting_id: int) -> Meeting:
    return meetings.load(db.session, meeting_id, current_user)


def _justerare_form(meeting: Meeting, posted: JusterareForm | None) -> JusterareForm | None:
    """The chair's choice of justerare, while the meeting is closed and no one has signed."""
    if not (
        permissions.can_lead(current_user, meeting)
        and meeting.state == meeting_machine.MeetingState.CLOSED
        and not protocols.signatures(db.session, meeting)
    ):
        return None
    form = posted or JusterareForm(formdata=None, data={"justerare_id": meeting.justerare_id})
    present = meetings_rules.present_user_ids(db.session, meeting)
    people = [
        p
        for p in meetings.roster(db.session, meeting.association_id)
        if p.user_id in present and p.user_id != current_user.id
    ]
    form.justerare_id.choices = options(
        [("", gettext("Choose…")), *((p.user_id, p.user.name) for p in people)]
    )
    return form


def _render(
    meeting: Meeting,
    *,
    justerare_form: JusterareForm | None = None,
    posting_form: PostingForm | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    session = db.session
    protocol = protocols.build(session, meeting)
    may_post = (
        permissions.can_plan_meetings(current_user, meeting.association_id)
        and meeting.state == meeting_machine.MeetingState.PROTOCOL_SIGNED
        and protocol.notice is None
    )
    if may_post and posting_form is None:
        posting_form = PostingForm(
            formdata=None, data={"kept_at": protocols.default_kept_at(session, meeting)}
        )
    may_justera = (
        meeting.state == meeting_machine.MeetingState.CLOSED
        and meeting.justerare_id is not None
        and meeting.justerare_id == current_user.id
        and not protocols.justerare_signed(session, meeting, meeting.justerare_id)
    )
    return (
        render_template(
            "protocols/show.html",
            meeting=meeting,
            p=protocol,
            justering_form=JusteringForm() if may_justera else None,
            justerare_form=_justerare_form(meeting, justerare_form),
            posting_form=posting_form if may_post else None,
            errors=errors or FormErrors(),
        ),
        status,
    )


@bp.route("/meetings/<int:meeting_id>/protocol")
@cached_page
@login_required
def show(meeting_id: int) -> ResponseReturnValue:
    """The minutes as a page; a draft until the chair and the justerare have signed."""
    return _render(_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/protocol.pdf")
@login_required
def protocol_pdf(meeting_id: int) -> ResponseReturnValue:
    """The minutes as a PDF document."""
    return http.protocol_pdf_response(protocols.build(db.session, _meeting(meeting_id)))


@bp.route("/meetings/<int:meeting_id>/protocol.docx")
@login_required
def protocol_docx(meeting_id: int) -> ResponseReturnValue:
    """The minutes as a Word document (the same record as the PDF)."""
    return http.protocol_docx_response(protocols.build(db.session, _meeting(meeting_id)))


@bp.route("/meetings/<int:meeting_id>/protocol/justerare", methods=["POST"])
@login_required
def choose_justerare(meeting_id: int) -> ResponseReturnValue:
    """The chair chooses the justerare after the meeting, when none was chosen at it."""
    meeting = _meeting(meeting_id)
    form = JusterareForm()
    errors = FormErrors()
    form.validate()
    with transaction.step() as refusal:
        if form.justerare_id.data is None:
            raise ValidationFailed(
                _l("The justerare cannot be chosen."),
                problems=[Problem("justerare_id", _l("Choose a board member."))],
            )
        protocols.choose_justerare(db.session, meeting, form.justerare_id.data, by=current_user)
    if (exc := refusal.error) is not None:
        if exc.problems:
            errors.add_problems(
                exc.problems,
                lambda name: (form.justerare_id.id, form.justerare_id.label.text, None),
            )
        else:
            errors.add(None, "", exc.message)
        return _render(_meeting(meeting_id), justerare_form=form, errors=errors, status=exc.status)
    flash(gettext("The justerare is chosen."), "success")
    return redirect(url_for("protocols.show", meeting_id=meeting_id), code=303)


@bp.route("/meetings/<int:meeting_id>/protocol/justering", methods=["POST"])
@login_required
def justera(meeting_id: int) -> ResponseReturnValue:
    """The justerare signs the protocol; the chair's signature then completes the justering."""
    meeting = _meeting(meeting_id)
    form = JusteringForm()
    form.validate()
    with transaction.step() as refusal:
        protocols.sign_as_justerare(db.session, meeting, by=current_user)
    if (exc := refusal.error) is not None:
        errors = FormErrors()
        errors.add(None, "", exc.message)
        return _render(_meeting(meeting_id), errors=errors, status=exc.status)
    flash(gettext("You have signed the protocol as justerare."), "success")
    return redirect(url_for("protocols.show", meeting_id=meeting_id), code=303)


@bp.route("/meetings/<int:meeting_id>/protocol/posting", methods=["POST"])
@login_required
def post_notice(meeting_id: int) -> ResponseReturnValue:
    """The officer records the day the notice went up and where the protocol is kept."""
    meeting = _meeting(meeting_id)
    form = PostingForm()
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(meeting, posting_form=form, errors=errors, status=422)
    with transaction.step() as refusal:
        protocols.record_posting(
            db.session,
            meeting,
            posted_on=form.posted_on.data,
            kept_at=form.kept_at.data,
            by=current_user,
        )
    if (exc := refusal.error) is not None:
        if exc.problems:
            errors.add_problems(
                exc.problems, lambda name: (form[name].id, form[name].label.text, None)
            )
        else:
            errors.add(None, "", exc.message)
        return _render(_meeting(meeting_id), posting_form=form, errors=errors, status=exc.status)
    flash(gettext("The posting of the notice is recorded."), "success")
    return redirect(url_for("protocols.show", meeting_id=meeting_id), code=303)


@bp.route("/applications/<int:application_id>/protocol-extract.pdf")
@login_required
def extract_pdf(application_id: int) -> ResponseReturnValue:
    """The extract of the board's decision on the application, for whoever may see it."""
    app = applications.load_visible(db.session, application_id, current_user)
    return http.extract_pdf_response(protocols.extract_for(db.session, app))


@bp.route("/applications/<int:application_id>/decisions/<int:decision_id>/protocol-extract.pdf")
@login_required
def decision_extract_pdf(application_id: int, decision_id: int) -> ResponseReturnValue:
    """The extract of one board decision on the application; its address never changes."""
    app = applications.load_visible(db.session, application_id, current_user)
    return http.extract_pdf_response(protocols.extract_for(db.session, app, decision_id))


@bp.app_template_global("protocol_notice")
def protocol_notice(meeting: Meeting) -> protocols.Notice | None:
    """The posted notice of the meeting's protocol (appeal and laga kraft dates), if any."""
    row = protocols.posting(db.session, meeting)
    if row is None:
        return None
    return protocols.Notice(
        organ=protocols.ORGAN,
        meeting_date=meeting.date.isoformat(),
        justered_on=None,
        posted_on=row.posted_on.isoformat(),
        taken_down_on=protocols.legal_force_date(row.posted_on).isoformat(),
        last_appeal_day=protocols.last_appeal_day(row.posted_on).isoformat(),
        legal_force_on=protocols.legal_force_date(row.posted_on).isoformat(),
        kept_at=row.kept_at,
    )


@bp.app_template_global("board_decision_panels")
def board_decision_panels(app: Application) -> list[dict[str, Any]]:
    """Every board decision on the application, oldest first, for its page."""
    return protocols.decision_views(db.session, app)


MATTER_LABELS: dict[str, Any] = {
    "grant": _l("Grant"),
    "liv_admission": _l("Admission to long-term financing (LIV)"),
    "liv_year": _l("A year of long-term financing (LIV)"),
}


@bp.app_template_global("decision_matter_label")
def decision_matter_label(value: str) -> Any:
    """The translated name of what a decision is about."""
    return MATTER_LABELS.get(value, value)
