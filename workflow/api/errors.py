"""One JSON error shape for every refusal of the API, including Flask's and the database's."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from workflow.api import bp
from workflow.errors import DomainError
from workflow.i18n import _l


class Unauthorized(DomainError):
    """No valid bearer token (or wrong credentials for a new one)."""

    status = 401
    code = "unauthorized"

    def __init__(
        self, message: Any = "", *, challenge: str | None = "Bearer", code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.challenge = challenge


class RateLimited(DomainError):
    """Too many attempts; `retry_after` seconds until the next one counts."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: Any, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# Stable codes and our own (translated) messages for the HTTP errors Flask raises itself.
HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
}
HTTP_MESSAGES: dict[int, Any] = {
    400: _l("The request could not be read."),
    401: _l("Sign in: send a bearer token in the Authorization header."),
    403: _l("Your role may not do this."),
    404: _l("There is nothing at this address in the API."),
    405: _l("This method is not allowed at this address."),
    409: _l("This conflicts with the current state."),
    429: _l("Too many requests; try again later."),
    500: _l("Something went wrong on our side. The error has been logged."),
}


def error_response(
    status: int,
    code: str,
    message: Any,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The JSON error answer: `{"error": {"code", "message", "details"}}`."""
    response = jsonify({"error": {"code": code, "message": str(message), "details": details or []}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_message(status: int) -> Any:
    if status == 413:
        return _l(
            "The body is too large: at most %(n)s bytes are accepted.",
            n=request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"],
        )
    return HTTP_MESSAGES.get(status, HTTP_MESSAGES[400])


def http_error(exc: HTTPException) -> Response:
    """A werkzeug HTTP error in our shape (headers such as Allow kept)."""
    status = exc.code or 500
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    retry_after = getattr(exc, "retry_after", None)
    if status == 429 and retry_after:
        headers["Retry-After"] = str(retry_after)
    code = HTTP_CODES.get(status) or (exc.name or "error").lower().replace(" ", "_")
    return error_response(status, code, _http_message(status), headers=headers)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    headers = {}
    if isinstance(exc, Unauthorized) and exc.challenge:
        headers["WWW-Authenticate"] = exc.challenge
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return error_response(exc.status, exc.code, exc.message, exc.details(), headers)


@bp.errorhandler(HTTPException)
def _http_exception(exc: HTTPException) -> Response:
    return http_error(exc)


@bp.errorhandler(StaleDataError)
def _stale(_exc: StaleDataError) -> Response:
    # A flush inside a verb lost a race with another request: the caller reloads.
    return error_response(
        409,
        "stale_version",
        _l("Someone else changed this at the same time; reload and try again."),
    )


@bp.errorhandler(IntegrityError)
def _integrity(_exc: IntegrityError) -> Response:
    return error_response(409, "conflict", _l("This conflicts with data saved at the same time."))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    # The answer must stay JSON even when the database itself is what failed (the
    # transaction is rolled back already: workflow.transaction).
    current_app.logger.exception(
        "Unhandled error in %s %s", request.method, request.path, exc_info=exc
    )
    return error_response(500, "internal_error", HTTP_MESSAGES[500])


def _under_api(path: str) -> bool:
    prefix = bp.url_prefix or ""
    return path == prefix or path.startswith(prefix + "/")


@bp.before_app_request
def _routing_error() -> Response | None:
    """Unknown API addresses and methods answer in JSON too (no blueprint handles them)."""
    exc = request.routing_exception
    if isinstance(exc, NotFound | MethodNotAllowed) and _under_api(request.path):
        return http_error(exc)
    return None
