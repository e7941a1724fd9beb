"""Accounts that end: password change, reset by a mailed one-time link, deactivation.

Each ends the user's sessions and API tokens (users.end_sessions) and mails the user. The
common-password list is zxcvbn's (30 000 passwords from leaked sets, maintained with it).
"""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta
from functools import cache

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import update
from sqlmodel import Session, select
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from workflow import audit, limits, permissions
from workflow.errors import Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import User, utcnow
from workflow.models.security import PasswordReset
from workflow.operations import users

RESET_MINUTES = 15


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, user: User | None = None, field: str = "password") -> list:
    """What is wrong with a new password: its length, a common one, the user's own address."""
    if len(password) < limits.PASSWORD_MIN:
        return [Problem(field, _l("At least %(n)s characters.", n=limits.PASSWORD_MIN))]
    if len(password) > limits.PASSWORD_MAX:
        return [Problem(field, _l("At most %(n)s characters.", n=limits.PASSWORD_MAX))]
    lowered = password.lower()
    own = {user.email.lower(), user.email.split("@")[0].lower()} if user is not None else set()
    if lowered in _common_passwords() or lowered in own:
        return [Problem(field, _l("This password is too common; choose another."))]
    return []


# The account mails live with the users (a removed role mails the same way).
_when = users.local_now
_mail_user = users.mail_user


def _set_password(session: Session, user: User, new_password: str, *, action: str) -> None:
    user.password_hash = users.hash_password(new_password)
    users.end_sessions(session, user)
    audit.record(
        session,
        action=action,
        entity_type="user",
        entity_id=user.id,
        association_id=None,
        actor=user,
    )
    _mail_user(session, user, "mail/password_changed.txt", when=_when())


def change_password(session: Session, user: User, old_password: str, new_password: str) -> None:
    """The user's new password, after the current one (flushes; every session ends)."""
    problems = []
    try:
        users._hasher().verify(user.password_hash, old_password)
    except (VerificationError, InvalidHashError):
        problems.append(Problem("old_password", _l("The current password is wrong.")))
    problems += password_problems(new_password, user, "new_password")
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    _set_password(session, user, new_password, action="password_changed")


def request_reset(session: Session, email: str) -> None:
    """Mail a one-time link to the address if it is an active user's; nothing otherwise.

    The caller answers the same either way, so the answer tells no one who has an account.
    """
    user = users.find_user(session, email)
    if user is None or not user.active:
        return
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=users.token_digest(token),
            expires_at=utcnow() + timedelta(minutes=RESET_MINUTES),
        )
    )
    session.flush()
    url = current_app.config["APP_BASE_URL"].rstrip("/") + f"/password-reset/{token}"
    _mail_user(session, user, "mail/password_reset.txt", url=url, minutes=RESET_MINUTES)


def _reset_row(session: Session, token: str) -> PasswordReset | None:
    row = session.exec(
        select(PasswordReset).where(PasswordReset.token_hash == users.token_digest(token))
    ).first()
    if row is None or row.used_at is not None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return row if expires > utcnow() else None


def reset_link_valid(session: Session, token: str) -> bool:
    """Whether the link is unused, unexpired and for an active user."""
    row = _reset_row(session, token)
    user = session.get(User, row.user_id) if row is not None else None
    return user is not None and user.active


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set the password through a mailed link (once, within its minutes; flushes)."""
    row = _reset_row(session, token)
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not user.active:
        raise ValidationFailed(
            _l("The link has expired or has already been used; ask for a new one."),
            problems=[Problem("token", _l("The link has expired or has already been used."))],
        )
    problems = password_problems(new_password, user)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    # One conditional UPDATE: of two uses racing with one link, one sets the password.
    spent = session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount < 1:  # type: ignore[attr-defined]
        raise ValidationFailed(
            _l("The link has expired or has already been used; ask for a new one."),
            problems=[Problem("token", _l("The link has expired or has already been used."))],
        )
    _set_password(session, user, new_password, action="password_reset")
    return user


def deactivate(session: Session, user: User, *, by: User) -> None:
    """End an account: sign-in refused, sessions and tokens ended, history kept (flushes)."""
    if not permissions.can_deactivate_user(by, user):
        raise Forbidden(_l("You may not end this account."))
    if not user.active:
        return
    user.active = False
    users.end_sessions(session, user)
    audit.record(
        session,
        action="user_deactivated",
        entity_type="user",
        entity_id=user.id,
        association_id=None,
        actor=by,
        data={"email": user.email},
    )
    _mail_user(session, user, "mail/account_deactivated.txt", when=_when(), by=by.name)
