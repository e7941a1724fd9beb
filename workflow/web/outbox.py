"""The mail outbox page: what was sent, logged, is waiting or failed; and "send due mail now"."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from workflow import mail, permissions, transaction
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, MailMessage
from workflow.rules import paging

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")

STATUS_LABELS: dict[str, Any] = {
    "pending": _l("Waiting"),
    "sent": _l("Sent"),
    "logged": _l("Logged, not sent"),
    "failed": _l("Failed"),
}
# A manual run is bounded like a cron run, so the button cannot tie up a worker for long.
SEND_NOW_LIMIT = 200


@bp.app_context_processor
def _outbox_link() -> dict[str, Any]:
    """Whether the menu shows the outbox (admins and officers)."""
    return {"can_view_outbox": permissions.can_view_outbox(current_user)}


# Mails whose body is a secret of the addressee alone.
SECRET_EVENTS = frozenset({"password_reset"})


def _scope() -> set[int] | None:
    """The associations the user's outbox shows (None: all); 403 for anyone else."""
    if not permissions.can_view_outbox(current_user):
        abort(403)
    return permissions.outbox_scope(current_user)


def _visible(scope: set[int] | None) -> SelectOfScalar[MailMessage]:
    query = select(MailMessage)
    if scope is not None:
        query = query.where(MailMessage.association_id.in_(scope))  # type: ignore[union-attr]
    return query


def _association_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.exec(select(Association).where(Association.id.in_(wanted))).all()  # type: ignore[union-attr]
    return {a.id: a.name for a in rows if a.id is not None}


@bp.route("")
@login_required
def index() -> ResponseReturnValue:
    """Every message the user may see, newest first, filterable by status and paginated."""
    scope = _scope()
    status = request.args.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    query = _visible(scope)
    if status is not None:
        query = query.where(MailMessage.status == status)
    shown = paging.paginate(
        db.session,
        query.order_by(MailMessage.id.desc()),  # type: ignore[union-attr]
        paging.page_number(request.args.get("page")),
        current_app.config["PAGE_SIZE"],
        clamped=True,
    )
    rows = shown.rows
    return render_template(
        "outbox/index.html",
        rows=rows,
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
        status=status,
        status_labels=STATUS_LABELS,
        associations=_association_names({row.association_id for row in rows}),
        show_association=scope is None or len(scope) > 1,
        mail_server=current_app.config.get("MAIL_SERVER"),
    )


@bp.route("/<int:message_id>")
@login_required
def detail(message_id: int) -> ResponseReturnValue:
    """One message with its body, as it was (or will be) sent."""
    scope = _scope()
    message = db.session.exec(_visible(scope).where(MailMessage.id == message_id)).first()
    if message is None:
        raise NotFound(_l("No such message."))
    return render_template(
        "outbox/detail.html",
        message=message,
        # A reset link signs in as its owner: nobody reads it here, an admin neither.
        body_hidden=message.event in SECRET_EVENTS,
        status_labels=STATUS_LABELS,
        associations=_association_names({message.association_id}),
    )


@bp.route("/send", methods=["POST"])
@login_required
def send_now() -> ResponseReturnValue:
    """Deliver the due messages of the user's associations now (the cron job does the same)."""
    scope = _scope()
    # End the request's read first: delivery claims rows in transactions of its own, and
    # on SQLite an open transaction of this request would hold the lock they wait for.
    transaction.end_reads()
    result = mail.deliver_pending(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        limit=SEND_NOW_LIMIT,
        association_ids=scope,
    )
    if result.attempted == 0:
        flash(gettext("No messages were due."), "info")
    else:
        flash(
            gettext(
                "Sent: %(sent)s. Logged: %(logged)s. To retry: %(retrying)s. Failed: %(failed)s.",
                sent=result.sent,
                logged=result.logged,
                retrying=result.retrying,
                failed=result.failed,
            ),
            "success" if result.retrying == result.failed == 0 else "error",
        )
    return redirect(url_for("outbox.index"), code=303)
