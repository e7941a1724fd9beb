"""The single commit of a request, and what runs only after it."""

from __future__ import annotations

from collections.abc import Callable

from flask import g
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from workflow.errors import Conflict
from workflow.extensions import db
from workflow.i18n import _l


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the request's transaction has committed (e.g. send mail)."""
    g.setdefault("_after_commit", []).append(callback)


def commit() -> None:
    """Commit the request's session; a lost race becomes a 409, never a 500."""
    session = db.session
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        g.pop("_after_commit", None)
        raise Conflict(
            _l("Someone else changed this at the same time; reload and try again."),
            code="stale_version",
        ) from None
    except IntegrityError:
        session.rollback()
        g.pop("_after_commit", None)
        raise Conflict(
            _l("This conflicts with data saved at the same time."), code="conflict"
        ) from None
    for callback in g.pop("_after_commit", []):
        callback()


def rollback() -> None:
    """Throw away everything the request wrote."""
    db.session.rollback()
    g.pop("_after_commit", None)
