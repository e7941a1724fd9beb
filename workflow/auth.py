"""Sign-in plumbing: the session user for pages, the bearer-token user for the API."""

from __future__ import annotations

from flask import Flask, g, request

from workflow.extensions import db, login_manager
from workflow.i18n import _l
from workflow.models import User
from workflow.services import users


def init_app(app: Flask) -> None:
    """Wire flask-login to our users table."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(session_id: str) -> User | None:
        user_id, _, epoch = session_id.partition(":")
        if not user_id.isdigit() or not epoch.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_epoch != int(epoch):
            return None
        return user


def bearer_user() -> User | None:
    """The user of the request's `Authorization: Bearer` token (cached per request)."""
    if "_bearer_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = None
        if scheme.lower() == "bearer" and token.strip():
            user = users.user_for_token(db.session, token.strip())
        g._bearer_user = user
    return g._bearer_user
