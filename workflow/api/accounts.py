"""Accounts that end: password change, reset by a mailed link, deactivation."""

from __future__ import annotations

from typing import Any

from workflow import permissions
from workflow.api.registry import route
from workflow.api.schemas import (
    EmptyOut,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
)
from workflow.errors import Forbidden, NotFound
from workflow.extensions import db, limiter
from workflow.i18n import _l
from workflow.models import User
from workflow.operations import accounts


def _reset_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@route(
    "/account/password",
    method="POST",
    summary="Change your password (every session and token of yours ends, this one too)",
    tag="auth",
    body=PasswordChange,
    response=EmptyOut,
    errors=(422,),
)
def change_password(user: User, body: PasswordChange) -> dict[str, Any]:
    """The current password, then a new one; the user is mailed."""
    accounts.change_password(db.session, user, body.old_password, body.new_password)
    return {}


@route(
    "/password-reset",
    method="POST",
    summary="Mail a one-time link to set a new password (the same answer for any address)",
    tag="auth",
    auth=False,
    body=PasswordResetRequest,
    response=EmptyOut,
    status=202,
)
@limiter.limit(_reset_limit)
def request_password_reset(body: PasswordResetRequest) -> dict[str, Any]:
    """202 whether or not the address is an account's: the answer names no one."""
    accounts.request_reset(db.session, body.email)
    return {}


@route(
    "/password-reset/confirm",
    method="POST",
    summary="Set a new password with the mailed link's token (once, within 15 minutes)",
    tag="auth",
    auth=False,
    body=PasswordResetConfirm,
    response=EmptyOut,
    errors=(422,),
)
@limiter.limit(_reset_limit)
def confirm_password_reset(body: PasswordResetConfirm) -> dict[str, Any]:
    """The user's sessions and tokens end; the user is mailed."""
    accounts.reset_password(db.session, body.token, body.password)
    return {}


@route(
    "/users/<int:user_id>/deactivate",
    method="POST",
    summary="End a user's account: sign-in refused, sessions and tokens ended, history kept",
    tag="associations",
    response=EmptyOut,
    errors=(403, 404),
    params={"user_id": {"description": "The user's id."}},
)
def deactivate_user(user: User, user_id: int) -> dict[str, Any]:
    """Admins, and officers for users whose every role is in associations they manage."""
    target = db.session.get(User, user_id)
    shared = target is not None and (
        permissions.is_admin(user)
        or permissions.association_ids(user) & permissions.association_ids(target)
    )
    if not shared:
        raise NotFound(_l("No such user."))
    if not permissions.can_deactivate_user(user, target):
        raise Forbidden(_l("You may not end this account."))
    accounts.deactivate(db.session, target, by=user)
    return {}
