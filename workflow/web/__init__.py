"""HTML page blueprints, error pages, security headers and template helpers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self';"
    " object-src 'none'"
)


def _security_headers(response: Response) -> Response:
    """Headers every response carries, pages and API alike."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    return response


def _template_context() -> dict[str, Any]:
    """What every template may use: labels, the locale and the user's menu."""
    from workflow import permissions
    from workflow.labels import template_helpers
    from workflow.web.formerrors import row_caption

    context = template_helpers()
    context["row_caption"] = row_caption
    context["current_locale"] = str(get_locale() or "sv")
    context["is_admin"] = permissions.is_admin(current_user)
    context["return_path"] = _return_path()
    return context


def _return_path() -> str:
    """Where the language switch brings the user back: this page, if it can be shown again."""
    if not has_request_context():  # a document rendered by a background job
        return "/"
    if request.method == "GET":
        return request.full_path.rstrip("?")
    try:
        current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:
        return "/"
    return request.path


def init_app(app: Flask) -> None:
    """Register the page blueprints, error pages, headers and template helpers."""
    from workflow.web import (
        accounts,
        admin,
        applications,
        audit,
        auth,
        beredning,
        budget,
        classification,
        delegations,
        errors,
        exports,
        kallelse,
        liv,
        main,
        medlemsrad,
        meetings,
        menu,
        outbox,
        protocols,
        queues,
        reports,
        shares,
        statistics,
        versions,
    )

    # Imported by its full name: the package's own `annotations` is the __future__ feature.
    from workflow.web.annotations import bp as annotations_bp

    app.register_blueprint(auth.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(applications.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(outbox.bp)
    app.register_blueprint(annotations_bp)
    app.register_blueprint(versions.bp)
    app.register_blueprint(beredning.bp)
    app.register_blueprint(queues.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(protocols.bp)
    app.register_blueprint(kallelse.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(budget.bp)
    app.register_blueprint(delegations.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(liv.bp)
    app.register_blueprint(statistics.bp)
    app.register_blueprint(shares.bp)
    app.register_blueprint(medlemsrad.bp)
    app.register_blueprint(classification.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(menu.bp)
    from workflow.web import anslagstavla, diagram, health

    app.register_blueprint(anslagstavla.bp)

    app.register_blueprint(diagram.bp)
    app.register_blueprint(health.bp)
    errors.init_app(app)
    app.after_request(_security_headers)
    app.context_processor(_template_context)
