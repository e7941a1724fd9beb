"""Flask extensions, created here and attached in `create_app` with `init_app`."""

from __future__ import annotations

from flask import request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from workflow.db import db

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """Pages: the language chosen with the switch, else Swedish. API: Accept-Language."""
    from flask import current_app, has_request_context

    config = current_app.config
    if not has_request_context():  # CLI and background work speak the default language
        return config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return (
            request.accept_languages.best_match(config["LANGUAGES"])
            or config["BABEL_DEFAULT_LOCALE"]
        )
    # Swedish is the language of the service; a browser set to English does not
    # override it, the switch in the header does.
    chosen = session.get("lang")
    return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "select_locale"]
