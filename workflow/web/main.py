"""The dashboard and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext, refresh
from flask_login import current_user, login_required
from sqlalchemy.orm import lazyload
from sqlmodel import select

from forms.auth import LanguageForm
from states.application import State
from workflow import labels, limits, permissions
from workflow.extensions import db
from workflow.models import Association, Member
from workflow.operations import applications
from workflow.pagecache import cached_page
from workflow.rules import paging
from workflow.web.navigation import safe_next

bp = Blueprint("main", __name__)


def list_filters() -> tuple[str | None, str | None, str | None]:
    """The list's state and search from the query string, and what is wrong with the search.

    An unknown state shows every state; a search longer than the box allows is not run.
    """
    state = request.args.get("state") or None
    if state not in {s.value for s in State}:
        state = None
    search = " ".join((request.args.get("q") or "").split()) or None
    if search is not None and len(search) > limits.SEARCH_MAX:
        return state, None, gettext("At most %(max)d characters.", max=limits.SEARCH_MAX)
    return state, search, None


@bp.route("/")
@cached_page
@login_required
def dashboard() -> ResponseReturnValue:
    """The applications the user may see, filterable by state and text, and paginated."""
    state, search, search_error = list_filters()
    query = applications.visible_query(current_user, state=state, search=search)
    # The list shows columns only: the children would be loaded for nothing.
    shown = paging.paginate(
        db.session,
        query.options(lazyload("*")),
        paging.page_number(request.args.get("page")),
        current_app.config["PAGE_SIZE"],
        clamped=True,
    )
    rows = shown.rows

    assoc_ids = permissions.association_ids(current_user)
    associations = (
        db.session.exec(
            select(Association).where(Association.id.in_(assoc_ids)).order_by(Association.name)  # type: ignore[union-attr]
        ).all()
        if assoc_ids
        else []
    )
    by_id = {a.id: a for a in associations}
    member_ids = {row.lead_member_id for row in rows}
    members = (
        {
            m.id: m
            for m in db.session.exec(select(Member).where(Member.id.in_(member_ids))).all()  # type: ignore[union-attr]
        }
        if member_ids
        else {}
    )
    return render_template(
        "main/dashboard.html",
        rows=rows,
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
        state=state,
        search=search,
        # What was typed stays in the box, also when it could not be searched.
        typed=request.args.get("q", "")[: limits.SEARCH_MAX * 2],
        search_error=search_error,
        search_max=limits.SEARCH_MAX,
        states=labels.state_options(State, state),
        associations=by_id,
        creatable=[a for a in associations if permissions.can_create_application(current_user, a)],
        manageable=[a for a in associations if permissions.can_manage_association(current_user, a)],
        members=members,
    )


@bp.route("/language", methods=["POST"])
def language() -> ResponseReturnValue:
    """Remember the chosen language in the session and go back to the page."""
    form = LanguageForm()
    if not form.validate():
        abort(400)
    session["lang"] = form.lang.data
    refresh()  # Flask-Babel caches the locale for the context; the next page must not reuse it
    return redirect(safe_next(form.next.data) or url_for("main.dashboard"), code=303)
