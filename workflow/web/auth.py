"""Sign-in and sign-out pages."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from forms.auth import LoginForm, LogoutForm
from workflow import auth
from workflow.extensions import db, limiter
from workflow.operations import twofactor, users
from workflow.web.formerrors import FormErrors
from workflow.web.navigation import safe_next

bp = Blueprint("auth", __name__)


def _renew_session() -> None:
    """Start a fresh session (a new id and CSRF secret), keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    # Flask-WTF caches the request's token in `g`; it belonged to the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if lang is not None:
        session["lang"] = lang


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _too_many(form: LoginForm, errors: FormErrors, wait: int) -> ResponseReturnValue:
    """The sign-in form again, 429, saying how many minutes to wait."""
    minutes = max(1, math.ceil(wait / 60))
    errors.add(
        None,
        "",
        gettext(
            "Too many failed sign-in attempts. Wait %(minutes)s minutes and try again.",
            minutes=minutes,
        ),
    )
    html = render_template("auth/login.html", form=form, errors=errors)
    return html, 429, {"Retry-After": str(wait)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """The sign-in form; repeated failures for one account (or from one address) answer 429."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        return render_template("auth/login.html", form=form, errors=FormErrors())
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return render_template("auth/login.html", form=form, errors=errors), 422
    email = form.email.data or ""
    wait = auth.login_blocked(email)
    if wait is not None:
        return _too_many(form, errors, wait)
    user = users.authenticate(db.session, email, form.password.data or "")
    if user is None:
        wait = auth.address_blocked(email)  # asked before this failure counts
        auth.record_failed_login(email)
        if wait is not None:  # this address failed too often: a wrong password waits
            return _too_many(form, errors, wait)
        errors.add(
            "email",
            form.email.label.text,
            gettext("The e-mail address or the password is wrong."),
        )
        return render_template("auth/login.html", form=form, errors=errors), 200
    if twofactor.is_enabled(db.session, user):
        from workflow.web.twofactor import begin_sign_in

        return begin_sign_in(user, safe_next(form.next.data))
    _renew_session()
    login_user(user)
    return redirect(safe_next(form.next.data) or url_for("main.dashboard"), code=303)


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Sign out (a POST with CSRF token, so another site cannot do it)."""
    form = LogoutForm()
    if form.validate():
        if current_user.is_authenticated:
            # A copy of the cookie taken before now signs in nobody.
            users.sign_out(db.session, current_user)
        logout_user()
        _renew_session()
        flash(gettext("You are signed out."), "info")
    return redirect(url_for("auth.login"), code=303)
