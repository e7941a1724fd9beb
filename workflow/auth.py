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
# Failed attempts are counted in the limiter's storage (memory, or Redis when REDIS_URL is
# set, so all workers share the count) per account (guessing one account from many places)
# and per address and account (one place guessing one account): either refuses the next
# attempt before the password is looked at. The count per address (one place trying many
# accounts: a municipality's NAT, the reverse proxy without TRUSTED_PROXIES) never refuses a
# correct password; over it, a wrong password is answered 429 so a script slows down.

_BEFORE_PASSWORD = ("account", "address-account")


def _login_limits() -> dict[str, tuple[Any, str]]:
    from flask import current_app
    from limits import parse

    config = current_app.config
    return {
        "account": (parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), "{email}"),
        "address-account": (
            parse(config["LOGIN_LIMIT_PER_ADDRESS_ACCOUNT"]),
            "{address}|{email}",
        ),
        "address": (parse(config["LOGIN_LIMIT_PER_ADDRESS"]), "{address}"),
    }


def _prefix() -> str:
    """The app's rate-limit key prefix (each test app has its own, see TestConfig)."""
    from flask import current_app

    return current_app.config.get("RATELIMIT_KEY_PREFIX", "")


def _identifiers(email: str) -> dict[str, str]:
    # remote_addr is the client's own address behind TRUSTED_PROXIES (workflow.security).
    return {
        "address": request.remote_addr or "unknown",
        "email": users.normalise_email(email or ""),
    }


def _wait(scopes: tuple[str, ...], email: str) -> int | None:
    from workflow.extensions import limiter

    ids = _identifiers(email)
    limits = _login_limits()
    waits = []
    for scope in scopes:
        limit, key = limits[scope]
        identifier = key.format(**ids)
        if not limiter.limiter.test(limit, _prefix(), "login-" + scope, identifier):
            stats = limiter.limiter.get_window_stats(limit, _prefix(), "login-" + scope, identifier)
            waits.append(max(1, int(stats.reset_time - time.time())))
    return max(waits) if waits else None


def login_blocked(email: str) -> int | None:
    """Seconds to wait if this account, or this address for this account, failed too often."""
    return _wait(_BEFORE_PASSWORD, email)


def address_blocked(email: str) -> int | None:
    """Seconds to wait if this address failed too often (asked after a wrong password only)."""
    return _wait(("address",), email)


def record_failed_login(email: str) -> None:
    """Count one failed attempt against the account, the address and account, the address."""
    from workflow.extensions import limiter

    ids = _identifiers(email)
    for scope, (limit, key) in _login_limits().items():
        limiter.limiter.hit(limit, _prefix(), "login-" + scope, key.format(**ids))
