"""The audit page: an association's log, filtered and paged, its chain's check, CSV out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, gettext
from flask_login import current_user, login_required
from sqlmodel import select

from workflow import audit, http, permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import action_label
from workflow.models import Association, AuditEvent, User
from workflow.operations import associations
from workflow.rules import audit_log, paging
from workflow.rules.audit_log import AuditFilters
from workflow.web.formerrors import FormErrors
from workflow.web.menu import in_menu

bp = Blueprint("audit", __name__)


@dataclass(frozen=True)
class Query:
    """The filters as typed (to show them again and to build links) and as understood."""

    raw: dict[str, str]
    filters: AuditFilters
    page: int

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to the page with the same filters (and these changes)."""
        values: dict[str, Any] = {k: v for k, v in self.raw.items() if v}
        values["page"] = self.page
        values.update(changes)
        return {k: v for k, v in values.items() if v and (k, v) != ("page", 1)}


def _association(slug: str) -> Association:
    """The association if the user may read its log: 404 if not theirs, 403 by role."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_view_audit(current_user, association.id):
        abort(403)
    return association


def _date(name: str, label: Any, errors: FormErrors) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.add(name, label, _l("Give the date as YYYY-MM-DD."))
        return None


def _query(association: Association, errors: FormErrors) -> Query:
    """The filters from the query string; what cannot be understood is named in `errors`."""
    names = ("who", "action", "from", "to", "application")
    raw = {name: (request.args.get(name) or "").strip() for name in names}
    who = int(raw["who"]) if raw["who"].isdigit() else None
    date_from = _date("from", gettext("From date"), errors)
    date_to = _date("to", gettext("To date"), errors)
    if date_from and date_to and date_to < date_from:
        errors.add("to", gettext("To date"), _l("The end date comes before the start date."))
    application_id = None
    if raw["application"]:
        found = audit_log.application_by_reference(db.session, association.id, raw["application"])
        if found is None:
            errors.add(
                "application",
                gettext("Application"),
                _l("No application of the association has that diary number."),
            )
        else:
            application_id = found.id
    filters = AuditFilters(
        actor_id=who,
        action=raw["action"] or None,
        date_from=date_from,
        date_to=date_to,
        application_id=application_id,
    )
    return Query(raw, filters, paging.page_number(request.args.get("page")))


def _names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    users = db.session.exec(select(User).where(User.id.in_(ids))).all()  # type: ignore[union-attr]
    return {u.id: u.name for u in users if u.id is not None}


@bp.route("/associations/<slug>/audit")
@login_required
def index(slug: str) -> ResponseReturnValue:
    """The association's audit log with filters, its chain's check and the CSV link."""
    association = _association(slug)
    errors = FormErrors()
    query = _query(association, errors)
    result = (
        paging.Page([], 1, current_app.config["PAGE_SIZE"], 0)
        if errors
        else audit_log.page(
            db.session,
            association.id,
            query.filters,
            query.page,
            current_app.config["PAGE_SIZE"],
        )
    )
    return render_template(
        "audit/index.html",
        association=association,
        query=query,
        errors=errors,
        result=result,
        names=_names(result.rows),
        # The check walks the whole chain: on request, not on every view of a long log.
        verification=(
            audit.verify(db.session, chain_id=association.id)
            if request.args.get("check") == "1"
            else None
        ),
        check_url=url_for(
            "audit.index",
            slug=association.slug,
            **{**{k: v for k, v in request.args.items() if k != "check"}, "check": "1"},
        ),
        actors=audit_log.actors(db.session, association.id),
        actions=audit_log.actions(db.session, association.id),
    ), (422 if errors else 200)


@bp.route("/associations/<slug>/audit.csv")
@login_required
def export_csv(slug: str) -> ResponseReturnValue:
    """The filtered rows of the log as CSV (every page), times in Swedish time."""
    association = _association(slug)
    errors = FormErrors()
    query = _query(association, errors)
    if errors:
        abort(422)
    header = (
        gettext("Number"),
        gettext("Time"),
        gettext("Who"),
        gettext("Action"),
        gettext("Object"),
        gettext("From state"),
        gettext("To state"),
        gettext("Reason"),
        gettext("Hash"),
    )
    names = {u.id: u.name for u in audit_log.actors(db.session, association.id)}

    def lines() -> Any:
        for event in audit_log.all_rows(db.session, association.id, query.filters):
            yield (
                event.seq,
                format_datetime(event.created_at, "yyyy-MM-dd HH:mm:ss"),
                names.get(event.actor_id, "") if event.actor_id else gettext("the system"),
                str(action_label(event.action)),
                f"{event.entity_type} {event.entity_id or ''}".strip(),
                event.from_state or "",
                event.to_state or "",
                event.reason or "",
                event.hash,
            )

    return http.csv_response(f"granskningslogg-{association.slug}.csv", header, lines())


@bp.app_template_global("audit_links")
def audit_links() -> list[tuple[str, str]]:
    """The audit pages of the associations whose log the user may read."""
    ids = in_menu(permissions.association_ids(current_user))
    if permissions.is_admin(current_user) or not ids:
        return []
    rows = [
        a
        for a in associations.by_ids(db.session, ids)
        if permissions.can_view_audit(current_user, a.id)
    ]
    label = gettext("Audit log")
    return [
        (
            f"{label} – {a.name}" if len(rows) > 1 else label,
            url_for("audit.index", slug=a.slug),
        )
        for a in rows
    ]
