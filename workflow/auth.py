"""Sign-in plumbing: the session user for pages, the bearer-token user for the API."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, g, request

from workflow.extensions import db, login_manager
from workflow.i18n import _l
from workflow.models import User
from workflow.operations import users


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


# --- sign-in throttling, shared by the sign-in page and POST /api/v1/tokens --------------
# Failed attempts are counted per client address and per account in the limiter's
# storage (memory, or Redis when REDIS_URL is set, so all workers share the count).


def _login_limits() -> list[tuple[Any, str, str]]:
    from flask import current_app
    from limits import parse

    return [
        (parse(current_app.config["LOGIN_LIMIT_PER_ADDRESS"]), "login-address", "{address}"),
        (parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]), "login-account", "{email}"),
    ]


def _prefix() -> str:
    """The app's rate-limit key prefix (each test app has its own, see TestConfig)."""
    from flask import current_app

    return current_app.config.get("RATELIMIT_KEY_PREFIX", "")


def _identifiers(email: str) -> dict[str, str]:
    return {
        "address": request.remote_addr or "unknown",
        "email": users.normalise_email(email or ""),
    }


def login_blocked(email: str) -> int | None:
    """Seconds to wait if this address or account has failed too often, else None."""
    from workflow.extensions import limiter

    ids = _identifiers(email)
    waits = []
    for limit, scope, key in _login_limits():
        identifier = key.format(**ids)
        if not limiter.limiter.test(limit, _prefix(), scope, identifier):
            stats = limiter.limiter.get_window_stats(limit, _prefix(), scope, identifier)
            waits.append(max(1, int(stats.reset_time - time.time())))
    return max(waits) if waits else None


def record_failed_login(email: str) -> None:
    """Count one failed attempt against the address and the account."""
    from workflow.extensions import limiter

    ids = _identifiers(email)
    for limit, scope, key in _login_limits():
        limiter.limiter.hit(limit, _prefix(), scope, key.format(**ids))
