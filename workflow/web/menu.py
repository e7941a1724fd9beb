"""The main menu: one association at a time, chosen once and remembered, and its functions.

An official of several associations got one menu link per association and function, a menu
wider than the window (issue 19, friction 1). The menu now shows the functions of the chosen
association; a switch in the header changes it and the session remembers the choice.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, abort, redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forms.auth import MenuAssociationForm
from workflow import permissions
from workflow.extensions import db
from workflow.models import Association
from workflow.operations import associations
from workflow.web.navigation import safe_next

bp = Blueprint("menu", __name__)

SESSION_KEY = "menu_association"


def menu_association_id() -> int | None:
    """The association the menu shows: the one chosen, else the user's first."""
    if not current_user.is_authenticated:
        return None
    ids = permissions.association_ids(current_user)
    if not ids:
        return None
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in ids else min(ids)


def in_menu(association_ids: Iterable[int]) -> list[int]:
    """Of the associations a menu function could link to, those the menu shows."""
    current = menu_association_id()
    return [a for a in association_ids if a == current]


@bp.app_template_global("menu_associations")
def menu_associations() -> list[Association]:
    """The associations the user may switch the menu between (none when only one)."""
    if not current_user.is_authenticated or permissions.is_admin(current_user):
        return []
    ids = permissions.association_ids(current_user)
    if len(ids) < 2:
        return []
    return sorted(associations.by_ids(db.session, ids), key=lambda a: a.name)


@bp.app_template_global("menu_current")
def menu_current() -> int | None:
    """The id of the association the menu shows."""
    return menu_association_id()


@bp.route("/menu/association", methods=["POST"])
@login_required
def choose() -> ResponseReturnValue:
    """Remember which association the menu shows and go back to the page."""
    form = MenuAssociationForm()
    if not form.validate():
        abort(400)
    if form.association_id.data not in permissions.association_ids(current_user):
        abort(404)
    session[SESSION_KEY] = form.association_id.data
    return redirect(safe_next(form.next.data) or url_for("main.dashboard"), code=303)
