"""Kallelse pages: the officer sends it from the meeting page, a board member answers there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from forms.meetings import KallelseAnswerForm, KallelseSendForm
from states import meeting as meeting_machine
from workflow import permissions, transaction
from workflow.extensions import db
from workflow.models import Meeting
from workflow.operations import kallelse, meetings
from workflow.rules import kallelse as kallelse_rules
from workflow.rules import meetings as meetings_rules
from workflow.web.formerrors import FormErrors
from workflow.web.meetings import _render_show

bp = Blueprint("kallelse", __name__)


@dataclass
class KallelsePanel:
    """What meetings/_kallelse.html shows: the sendings, the answers, the forms."""

    status: kallelse_rules.KallelseStatus
    people: dict[int, Any]
    send_form: KallelseSendForm | None = None
    answer_form: KallelseAnswerForm | None = None
    my_answer: bool | None = None
    errors: FormErrors = field(default_factory=FormErrors)


@bp.app_template_global("kallelse_panel")
def kallelse_panel(meeting: Meeting) -> KallelsePanel:
    """The kallelse of the meeting as the signed-in user may see and use it."""
    session = db.session
    status = kallelse.status(session, meeting)
    ids = {s.sent_by_id for s in status.sendings} | {c.replaces_user_id for c in status.call_ins}
    panel = KallelsePanel(
        status=status,
        people=meetings_rules.people_by_id(session, ids),
        errors=g.get("kallelse_errors") or FormErrors(),
    )
    open_ = meeting.state in meeting_machine.NOTICE_OPEN
    if open_ and permissions.can_send_kallelse(current_user, meeting.association_id):
        panel.send_form = KallelseSendForm(formdata=None)
    mine = next((a for a in status.answers if a.person.user_id == current_user.id), None)
    if mine is not None:
        panel.my_answer = mine.attending
        if open_:
            panel.answer_form = g.get("kallelse_answer_form") or KallelseAnswerForm(formdata=None)
    return panel


def _refused(meeting_id: int, errors: FormErrors, status: int, form: Any = None) -> Any:
    # The meeting page again, with the errors in its kallelse panel.
    g.kallelse_errors = errors
    if form is not None:
        g.kallelse_answer_form = form
    return _render_show(meetings.load(db.session, meeting_id, current_user), status=status)


@bp.route("/meetings/<int:meeting_id>/kallelse", methods=["POST"])
@login_required
def send(meeting_id: int) -> ResponseReturnValue:
    """Send the kallelse to every ledamot and ersättare (the officer)."""
    meeting = meetings.load(db.session, meeting_id, current_user)
    if not permissions.can_send_kallelse(current_user, meeting.association_id):
        abort(403)
    # No fields: validating checks the CSRF token (a bad one is a 400 page).
    KallelseSendForm().validate()
    errors = FormErrors()
    with transaction.step() as refusal:
        sent = kallelse.send(db.session, meeting, by=current_user)
    if (exc := refusal.error) is not None:
        for problem in exc.problems or []:
            errors.add(None, "", problem.message)
        if not exc.problems:
            errors.add(None, "", exc.message)
        return _refused(meeting_id, errors, exc.status)
    flash(gettext("The kallelse is sent to %(n)s people.", n=len(sent.calls)), "success")
    if sent.late:
        flash(
            gettext(
                "The kallelse went out %(days)s days before the meeting; the association's"
                " rule is %(rule)s days.",
                days=sent.days_before,
                rule=sent.notice_days,
            ),
            "warning",
        )
    return redirect(url_for("meetings.show", meeting_id=meeting_id, _anchor="kallelse"), code=303)


@bp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@login_required
def rsvp(meeting_id: int) -> ResponseReturnValue:
    """A board member answers the kallelse: coming or not."""
    meeting = meetings.load(db.session, meeting_id, current_user)
    if not permissions.can_answer_kallelse(current_user, meeting.association_id):
        abort(403)
    form = KallelseAnswerForm()
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _refused(meeting_id, errors, 422, form)
    with transaction.step() as refusal:
        kallelse.respond(
            db.session, meeting, attending=form.attending.data == "yes", by=current_user
        )
    if (exc := refusal.error) is not None:
        errors.add(None, "", exc.message)
        return _refused(meeting_id, errors, exc.status, form)
    flash(gettext("Your answer is saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id, _anchor="kallelse"), code=303)
