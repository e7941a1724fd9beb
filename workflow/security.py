"""Trust wiring: HSTS, rate limits, upload sizes and the two-factor enrolment rule."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, Request, Response, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from workflow.errors import Problem, ValidationFailed
from workflow.extensions import db, limiter
from workflow.i18n import _l

# Endpoints that take an attachment: their bodies may be as large as a file plus the form.
UPLOAD_ENDPOINTS = frozenset(
    {
        "attachments.upload",
        "attachments.upload_to_report",
        "api.upload_attachment",
        "api.upload_report_attachment",
    }
)
UPLOAD_OVERHEAD = 64 * 1024


class TrustedProxies:
    """Werkzeug's ProxyFix for the TRUSTED_PROXIES reverse proxies in front (none: off).

    Read per request, so the setting is the running app's; with 0 the X-Forwarded-* headers
    are ignored, as any client could send them.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app
        self._fixes: dict[int, ProxyFix] = {}

    def __call__(self, environ: dict, start_response: Any) -> Any:
        """Hand the request on, its client address and scheme taken from trusted headers."""
        count = int(self.app.config.get("TRUSTED_PROXIES") or 0)
        if count <= 0:
            return self.wsgi_app(environ, start_response)
        if count not in self._fixes:
            self._fixes[count] = ProxyFix(self.wsgi_app, x_for=count, x_proto=count)
        return self._fixes[count](environ, start_response)


class SecureRequest(Request):
    """Bodies up to MAX_CONTENT_LENGTH, except attachment uploads (up to the file limit)."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        """The largest body this request may send."""
        if self.url_rule is not None and self.url_rule.endpoint in UPLOAD_ENDPOINTS:
            return current_app.config["ATTACHMENT_MAX_BYTES"] + UPLOAD_OVERHEAD
        return current_app.config["MAX_CONTENT_LENGTH"]


def api_client_key() -> str:
    """Rate-limit key of an API call: its bearer token (digested), else the client address."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "address:" + get_remote_address()


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _hsts(response: Response) -> Response:
    """Over HTTPS, browsers are told to use nothing else for this site."""
    if current_app.config.get("PREFER_HTTPS"):
        seconds = current_app.config["HSTS_SECONDS"]
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={seconds}; includeSubDomains"
        )
    return response


def _enrolment_first() -> ResponseReturnValue | None:
    """A user whose association requires two-factor sign-in sets it up before anything else."""
    from workflow.operations import twofactor
    from workflow.web.twofactor import ENROLMENT_ENDPOINTS

    if request.path.startswith("/api/") or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if request.endpoint is None or not current_user.is_authenticated:
        return None
    if twofactor.must_enrol(db.session, current_user):
        return redirect(url_for("twofactor.setup"), code=303)
    return None


def _refuse_nul_in_query() -> None:
    """A NUL character in the query string is a 422 naming the parameter, on pages and API.

    PostgreSQL cannot hold NUL in text, so a search for it would fail in the database.
    """
    names = sorted({name for name, value in request.args.items(multi=True) if "\x00" in value})
    names += sorted(name for name in request.args if "\x00" in name)
    if names:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem(name.replace("\x00", ""), _l("Must not contain the NUL character."))
                for name in names
            ],
        )


def init_app(app: Flask) -> None:
    """Attach the request class, the pages and hooks, and the rate limits' key prefix."""
    from workflow.web import attachments as attachment_pages
    from workflow.web import twofactor as twofactor_pages

    app.request_class = SecureRequest
    app.wsgi_app = TrustedProxies(app)  # type: ignore[method-assign]
    # Flask-Limiter keeps the first app's prefix; each app (each test) gets its own.
    limiter._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
    app.register_blueprint(twofactor_pages.bp)
    app.register_blueprint(attachment_pages.bp)
    app.before_request(_refuse_nul_in_query)
    app.before_request(_enrolment_first)
    app.after_request(_hsts)


def limit_api(blueprint: object) -> None:
    """A generous limit on every API call, per token or address (the sign-in has its own)."""
    limiter.limit(_api_limit, key_func=api_client_key)(blueprint)  # type: ignore[arg-type]
