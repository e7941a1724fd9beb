"""The single commit of a request, the refused step, and what runs only after a commit.

A request commits once, by mechanism, never by hand (Indico's `RH.process`): views and verbs
change rows and return; `TransactionalFlask.dispatch_request` commits when the answer is a
success or a redirect and rolls back when it is an error or the view raised. A page's step
that is refused (`step`) is rolled back at once, so the page re-rendered with its errors
shows the rows as they were. CLI commands and jobs, which are not requests, call `commit`.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Flask, Response, g, request, session
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from workflow.db import READ_METHODS
from workflow.errors import Conflict, DomainError
from workflow.extensions import db
from workflow.i18n import _l


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the request's transaction has committed (e.g. send mail)."""
    g.setdefault("_after_commit", []).append(callback)


def on_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if the transaction is rolled back instead (e.g. remove a staged file)."""
    g.setdefault("_on_rollback", []).append(callback)


@contextlib.contextmanager
def _races_as_conflicts() -> Iterator[None]:
    """A write that lost a race with another transaction becomes a 409, never a 500."""
    try:
        yield
    except StaleDataError:
        rollback()
        raise Conflict(
            _l("Someone else changed this at the same time; reload and try again."),
            code="stale_version",
        ) from None
    except IntegrityError:
        rollback()
        raise Conflict(
            _l("This conflicts with data saved at the same time."), code="conflict"
        ) from None


def commit() -> None:
    """Commit the session, then run the after-commit callbacks; a lost race is a 409."""
    _commit_only()
    _run_after_commit()


def _commit_only() -> None:
    with _races_as_conflicts():
        db.session.commit()
    g.pop("_on_rollback", None)


def _run_after_commit() -> None:
    for callback in g.pop("_after_commit", []):
        callback()


def rollback() -> None:
    """Throw away everything written since the last commit, and what was to run after it."""
    g.pop("_after_commit", None)
    undo = g.pop("_on_rollback", [])
    db.session.rollback()
    for callback in undo:
        callback()


def end_reads() -> None:
    """End the request's transaction, which has only read, before work that runs in
    transactions of its own (mail delivery): on SQLite its lock would keep them waiting.

    Nothing is committed here: the request still commits once, at its end.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("end_reads() after a write: the write would be lost")
    rollback()


def keep_writes() -> None:
    """Commit this request's writes even if it answers a refusal (4xx) or is a GET.

    For the sign-in's own bookkeeping, which outlives the answer: a password hash upgraded
    before the second factor is asked for, the secret an enrolment page has just shown.
    An unexpected error (5xx) still rolls everything back.
    """
    g._keep_writes = True


@dataclass
class Refusal:
    """What `step` hands back: the error that refused the step, or None if it went through."""

    error: DomainError | None = None


@contextlib.contextmanager
def step(*refused: type[DomainError]) -> Iterator[Refusal]:
    """Run a page's step; if it raises one of `refused` (any `DomainError` by default), roll
    back to before it and keep the error.

    The view then re-renders its form with the error's problems and status; the rows it
    reloads are the committed ones. The rollback is the whole transaction, as a refusal has
    always been here (a savepoint would add two statements to every step). The step's
    writes are flushed at its end, so a lost race is refused here too (as a 409 `Conflict`).
    """
    caught = refused or (DomainError,)
    outcome = Refusal()
    try:
        yield outcome
        with _races_as_conflicts():
            db.session.flush()
    except caught as exc:
        rollback()
        outcome.error = exc


def _writes() -> bool:
    return request.method not in READ_METHODS or bool(g.get("_keep_writes"))


def _end(status: int) -> None:
    """End a writing request's transaction by its answer: commit a success, else roll back.

    The after-commit callbacks are left to run once the commit is known to have held.
    """
    if status < 400 or (g.get("_keep_writes") and status < 500):
        _commit_only()
    else:
        rollback()


def _end_raised(exc: Exception) -> None:
    """End the transaction of a request whose view raised `exc`."""
    refusal = isinstance(exc, DomainError | HTTPException)
    if refusal and g.get("_keep_writes"):
        commit()
    elif _writes() or not refusal:
        # A refused read wrote nothing and broke nothing: it ends as it would have, untouched.
        # Anything else is rolled back before the error page, which may read, is rendered.
        with contextlib.suppress(Exception):
            rollback()


class TransactionalFlask(Flask):
    """Flask whose requests commit once, after the view, by the answer's status.

    The commit sits in `dispatch_request`, between the view and the error handlers: the
    view's answer (and so its status) is known, and a commit that fails raises a `Conflict`
    exactly where the view would have, so the blueprint's own handler answers the 409 (an
    HTML page, or the API's JSON shape). An `after_request` hook sees the status too, but an
    exception raised there is a 500 and its order against the page cache's hook is by
    registration; a decorator on each view would have to be applied by every blueprint and
    by the API's registry, and a view that missed it would never commit.
    """

    def dispatch_request(self) -> ResponseReturnValue:
        """The view, then the request's one commit or rollback (reads are left as they are)."""
        # What the view tells the browser (a flash, a sign-in) is taken back with a commit
        # that fails, as when the view committed before saying it.
        before = copy.deepcopy(dict(session)) if _writes() else None
        try:
            response = self.make_response(super().dispatch_request())
        except Exception as exc:
            _end_raised(exc)
            raise
        if not _writes():
            if response.status_code >= 400:
                # Nothing to undo, but a failed statement (/healthz's 503) is ended here.
                with contextlib.suppress(Exception):
                    rollback()
            return response
        try:
            _end(response.status_code)
        except Exception:
            with contextlib.suppress(Exception):
                rollback()
            if before is not None:
                session.clear()
                session.update(before)
            raise
        _run_after_commit()
        return response

    def handle_exception(self, e: Exception) -> Response:
        """An unexpected error outside the view: roll back, so the error page can render."""
        with contextlib.suppress(Exception):
            rollback()
        return super().handle_exception(e)
