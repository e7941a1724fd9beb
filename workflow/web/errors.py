"""Error pages: HTML for pages, the API's JSON shape for anything under /api/."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from workflow.errors import DomainError
from workflow.i18n import _l
from workflow.json_errors import HTTP_CODES, error_response, http_error

# Title and explanation of each page; the API gets the same message in English codes.
PAGES: dict[int, tuple[Any, Any]] = {
    400: (_l("The request could not be read"), _l("Go back, reload the page and try again.")),
    401: (_l("Please sign in"), _l("You need to sign in to see this page.")),
    403: (
        _l("You may not do this"),
        _l("Your roles do not allow this page or step. Ask the office if you think they should."),
    ),
    404: (
        _l("Page not found"),
        _l("The page does not exist, or you do not have access to it."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("The change could not be made"),
        _l("Someone else may have changed the same thing; reload the page and try again."),
    ),
    413: (_l("Too much data"), _l("What you sent is larger than 1 MB.")),
    422: (_l("Some fields are invalid"), _l("Correct the fields and try again.")),
    429: (_l("Too many attempts"), _l("Wait a while and try again.")),
    500: (
        _l("Something went wrong"),
        _l("The error has been logged. Nothing was saved; try again in a while."),
    ),
}
FALLBACK_500 = (
    '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Något gick fel</title>'
    "</head><body><main><h1>Något gick fel</h1><p>Försök igen om en stund.</p>"
    '<p lang="en">Something went wrong. Try again in a while.</p></main></body></html>'
)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(
    status: int, *, message: Any = None, code: str | None = None, details: list[Any] | None = None
) -> tuple[Any, int]:
    title, explanation = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    if _wants_json():
        # Errors raised before the API blueprint is reached still answer in its shape.
        return error_response(
            status, code or HTTP_CODES.get(status, "error"), message or title, details
        ), status
    html = render_template(
        "errors/error.html",
        status=status,
        title=title,
        explanation=explanation,
        message=message,
        details=details or [],
    )
    return html, status


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    if _wants_json():
        return http_error(exc)
    message = None
    if isinstance(exc, CSRFError):
        message = _l(
            "The form has expired or did not come from this site. Reload the page and try again."
        )
    body, status = _respond(exc.code or 500, message=message)
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return body, status, headers


def _domain_error(exc: DomainError) -> ResponseReturnValue:
    return _respond(
        exc.status,
        message=exc.message,
        code=exc.code,
        details=exc.details() if _wants_json() else exc.problems,
    )


def _stale(_exc: StaleDataError) -> ResponseReturnValue:
    return _respond(
        409,
        message=_l("Someone else changed this at the same time; reload and try again."),
        code="stale_version",
    )


def _server_error(_exc: Exception) -> ResponseReturnValue:
    # Flask has logged the exception already, and the transaction is rolled back
    # (workflow.transaction); the page must render even if the database is down.
    try:
        return _respond(500)
    except Exception:  # the last resort may not fail
        return FALLBACK_500, 500, {"Content-Type": "text/html; charset=utf-8"}


def init_app(app: Flask) -> None:
    """Register the handlers at application level (the API blueprint may add its own)."""
    for status in (400, 401, 403, 404, 405, 409, 413, 422, 429):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(InternalServerError, _server_error)
