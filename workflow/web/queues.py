"""Queue pages: the officer's inbox and the beredningsgrupp's queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from states.application import INBOX
from states.common import Role
from workflow import labels, permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import KINDS, Association
from workflow.operations import associations
from workflow.pagecache import cached_page
from workflow.rules import paging, queues
from workflow.rules.queues import QueuePage
from workflow.web.menu import in_menu

bp = Blueprint("queues", __name__)


@dataclass(frozen=True)
class Filters:
    """The queue filters read from the query string; anything invalid is left out."""

    member_id: int | None
    kind: str | None
    state: str | None
    page: int

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to this view with some filters changed."""
        values = {
            "member": self.member_id,
            "kind": self.kind,
            "state": self.state,
            "page": self.page,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None and (k, v) != ("page", 1)}


def _association(slug: str) -> Association:
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    return association


def _filters(association: Association, states: tuple[str, ...]) -> Filters:
    member = request.args.get("member", type=int)
    kind = request.args.get("kind")
    state = request.args.get("state")
    return Filters(
        member_id=member if member in {m.id for m in association.members} else None,
        kind=kind if kind in KINDS else None,
        state=state if state in states else None,
        page=paging.page_number(request.args.get("page")),
    )


def _load(loader: Any, filters: Filters) -> QueuePage:
    """One page of the queue; a page beyond the last shows the last one."""
    size = current_app.config["PAGE_SIZE"]
    result = loader(filters.page, size)
    if not result.rows and result.total and filters.page > result.pages:
        result = loader(result.pages, size)
    return result


@bp.route("/associations/<slug>/inbox")
@cached_page
@login_required
def inbox(slug: str) -> ResponseReturnValue:
    """New submissions to check, applications ready to propose, those awaiting completion."""
    association = _association(slug)
    if not permissions.can_view_inbox(current_user, association):
        abort(403)
    states = tuple(str(s) for s in INBOX)
    filters = _filters(association, states)
    result = _load(
        lambda page, size: queues.inbox(
            db.session,
            association,
            member_id=filters.member_id,
            kind=filters.kind,
            state=filters.state,
            page=page,
            per_page=size,
        ),
        filters,
    )
    return render_template(
        "queues/inbox.html",
        association=association,
        result=result,
        filters=filters,
        states=labels.state_options(states, filters.state),
        kinds=KINDS,
        endpoint="queues.inbox",
    )


@bp.route("/associations/<slug>/preparation")
@cached_page
@login_required
def preparation(slug: str) -> ResponseReturnValue:
    """Applications in preparation, with open annotations and days waiting."""
    association = _association(slug)
    if not permissions.can_view_preparation_queue(current_user, association):
        abort(403)
    filters = _filters(association, ())
    result = _load(
        lambda page, size: queues.preparation(
            db.session,
            association,
            member_id=filters.member_id,
            kind=filters.kind,
            page=page,
            per_page=size,
        ),
        filters,
    )
    return render_template(
        "queues/preparation.html",
        association=association,
        result=result,
        filters=filters,
        kinds=KINDS,
        endpoint="queues.preparation",
    )


@bp.app_template_global("queue_links")
def queue_links() -> list[tuple[str, str]]:
    """The queues the signed-in user works in: (label, address), for the dashboard."""
    wanted: list[tuple[int, str, str]] = []
    for association_id in in_menu(sorted(permissions.association_ids(current_user))):
        roles = permissions.roles_in(current_user, association_id)
        if Role.OFFICER in roles:
            wanted.append((association_id, "queues.inbox", gettext("Inbox")))
        if roles & {Role.PREPARER, Role.OFFICER}:
            wanted.append((association_id, "queues.preparation", gettext("Preparation queue")))
    if not wanted:
        return []
    by_id = {a.id: a for a in associations.by_ids(db.session, {a for a, _, _ in wanted})}
    several = len(by_id) > 1
    return [
        (
            f"{label} – {by_id[a].name}" if several else label,
            url_for(endpoint, slug=by_id[a].slug),
        )
        for a, endpoint, label in wanted
        if a in by_id
    ]
