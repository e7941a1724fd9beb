"""Idempotency keys: the second request with a key its user already sent makes nothing new.

A create form carries a random key in a hidden field (an API client may send an
`Idempotency-Key` header). The first request claims the key and records what it created; a
repeat — a double click, a retry after a lost answer — gets that row back instead of a second
one. Two requests at the same moment queue on the key's unique index: the second sees the
first's row once it commits.
"""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workflow.errors import Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import User, utcnow
from workflow.models.idempotency import KEY_MAX, IdempotencyKey

# Visible ASCII, as an HTTP header value carries it; a UUID or a random token fits.
KEY_PATTERN = re.compile(rf"^[\x21-\x7e]{{1,{KEY_MAX}}}$")


def check_key(key: str | None, field: str = "idempotency_key") -> str | None:
    """The key, or None when none was sent; ValidationFailed when it is malformed."""
    if key is None or key == "":
        return None
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem(
                    field,
                    _l(
                        "An idempotency key is 1 to %(n)s visible characters without spaces.",
                        n=KEY_MAX,
                    ),
                )
            ],
        )
    return key


def _stored(session: Session, by: User, action: str, key: str) -> int | None:
    table = IdempotencyKey.__table__
    return session.execute(
        select(table.c.entity_id).where(
            table.c.user_id == by.id, table.c.action == action, table.c.key == key
        )
    ).scalar()


def claim(session: Session, *, by: User, action: str, key: str | None) -> int | None:
    """The id a previous request with this key created; None once this request holds the key."""
    if key is None:
        return None
    done = _stored(session, by, action, key)
    if done is not None:
        return done
    try:
        with session.begin_nested():
            session.execute(
                IdempotencyKey.__table__.insert().values(
                    user_id=by.id, action=action, key=key, created_at=utcnow()
                )
            )
    except IntegrityError:
        # A request with the same key committed while this one waited on the index.
        return _stored(session, by, action, key)
    return None


def complete(
    session: Session, *, by: User, action: str, key: str | None, entity_id: int | None
) -> None:
    """Record the row this request's key created (in the same transaction)."""
    if key is None:
        return
    table = IdempotencyKey.__table__
    session.execute(
        update(table)
        .where(table.c.user_id == by.id, table.c.action == action, table.c.key == key)
        .values(entity_id=entity_id)
    )
