"""One JSON error shape for every refusal of the API, including Flask's and the database's."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from workflow import outage
from workflow.api import bp
from workflow.errors import DomainError
from workflow.i18n import _l
from workflow.json_errors import HTTP_MESSAGES, error_response, http_error


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
    unavailable = outage.handle(exc)
    if unavailable is not None:
        return unavailable  # type: ignore[return-value]  # the 503 JSON answer, logged once
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
