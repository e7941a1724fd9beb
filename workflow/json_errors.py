"""The JSON error shape, `{"error": {"code", "message", "details"}}`, shared by both faces.

The API answers every refusal in it; the pages answer in it too for an address under /api/
that no API view reached (an unknown address, a body too large, a CSRF refusal).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from workflow.i18n import _l

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
