"""The database is down: 503 with Retry-After (JSON for the API, a plain page), logged once.

An outage is logged when the first request fails and again when a connection is handed out
once more, not once per request: under load a down database would otherwise fill the log
with identical tracebacks.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from workflow.i18n import _l
from workflow.json_errors import error_response

# SQLite's operational errors that mean "not reachable now" (the others are bugs: 500).
_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error", "readonly")
PAGE = (
    '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
    "<title>Tjänsten är inte tillgänglig just nu</title></head><body><main>"
    "<h1>Tjänsten är inte tillgänglig just nu</h1>"
    "<p>Databasen svarar inte. Ingenting har sparats. Försök igen om en stund.</p>"
    '<p lang="en">The database is not answering. Nothing was saved. Try again in a while.</p>'
    "</main></body></html>"
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (rather than a bug in a statement)."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    original = exc.orig
    if isinstance(original, sqlite3.Error):
        return any(text in str(original).lower() for text in _SQLITE_UNAVAILABLE)
    # psycopg's OperationalError and InterfaceError: the server is gone, refuses, or the
    # connection broke. A fault raised by hand (not by the driver) stays a 500.
    return type(original).__module__.startswith("psycopg")


def _state(app: Flask) -> dict[str, bool]:
    return app.extensions.setdefault("database_outage", {"down": False})


def _answer(exc: Exception) -> ResponseReturnValue:
    state = _state(current_app)
    if not state["down"]:
        state["down"] = True
        current_app.logger.error(
            "The database is unavailable (%s %s): %s; further failures are not logged until "
            "it answers again",
            request.method,
            request.path,
            exc.orig if isinstance(exc, DBAPIError) else exc,
        )
    retry = str(current_app.config["DATABASE_RETRY_AFTER"])
    if request.path.startswith("/api/"):
        return error_response(
            503,
            "database_unavailable",
            _l("The database is not answering; nothing was saved. Try again in a while."),
            headers={"Retry-After": retry},
        )
    return PAGE, 503, {"Retry-After": retry, "Content-Type": "text/html; charset=utf-8"}


def handle(exc: Exception) -> ResponseReturnValue | None:
    """The 503 answer if `exc` is an outage, else None (the caller answers 500)."""
    return _answer(exc) if database_unavailable(exc) else None


def _app_handler(exc: Exception) -> Any:
    answer = handle(exc)
    if answer is not None:
        return answer
    raise exc  # not an outage: Flask's own 500 handling logs it and renders the error page


def init_app(app: Flask) -> None:
    """Answer outages with 503 on every page, and log when a connection is handed out again."""
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error, _app_handler)
    state = _state(app)

    def _checked_out(*_args: Any) -> None:
        if state["down"]:
            state["down"] = False
            app.logger.warning("The database answers again")

    event.listen(app.extensions["db_engine"], "checkout", _checked_out)
