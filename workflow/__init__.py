"""finsam-grants: the Flask application package."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type = Config, **overrides: object) -> Flask:
    """Build the application: config, extensions, blueprints, CLI."""
    # Its requests commit once, after the view, by the answer's status (workflow.transaction).
    from workflow.transaction import TransactionalFlask

    app = TransactionalFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)

    from workflow.extensions import babel, csrf, db, limiter, login_manager, select_locale

    db.init_app(app)
    from workflow import outage

    outage.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "workflow" / "translations"),
    )
    from workflow.i18n import install_template_gettext

    install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from workflow import auth

    auth.init_app(app)

    from workflow.api import bp as api_bp
    from workflow.web import init_app as init_web

    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API takes bearer tokens only, never the session cookie
    init_web(app)

    from workflow import pagecache, security

    # Before the two-factor rule: a stored page was rendered for a session that passed it.
    pagecache.init_app(app)

    security.init_app(app)

    from workflow import cli

    cli.init_app(app)
    return app
