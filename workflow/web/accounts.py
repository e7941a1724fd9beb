"""Accounts that end: change your password, reset it by a mailed link, end someone's account."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required, logout_user

from forms.accounts import DeactivateForm, PasswordChangeForm, ResetForm, ResetRequestForm
from workflow import permissions, transaction
from workflow.errors import ValidationFailed
from workflow.extensions import db, limiter
from workflow.models import User
from workflow.operations import accounts
from workflow.web.auth import _login_limit, _renew_session
from workflow.web.formerrors import FormErrors
from workflow.web.navigation import safe_next

bp = Blueprint("accounts", __name__)


def _locator(form: Any) -> Any:
    def locate(name: str) -> tuple[str | None, Any, str | None]:
        if name in form._fields:
            return form[name].id, form[name].label.text, None
        return None, "", None

    return locate


def _signed_out_to_login(message: str) -> ResponseReturnValue:
    """The user's sessions ended with the change: this one too, with a word on the sign-in page."""
    logout_user()
    _renew_session()
    flash(message, "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])
def password() -> ResponseReturnValue:
    """Change your own password: the current one first; every session and token ends."""
    form = PasswordChangeForm()
    errors = FormErrors()
    if request.method == "POST":
        if form.validate():
            with transaction.step(ValidationFailed) as refusal:
                accounts.change_password(
                    db.session,
                    current_user._get_current_object(),  # type: ignore[attr-defined]
                    form.old_password.data or "",
                    form.new_password.data or "",
                )
            if refusal.error is None:
                return _signed_out_to_login(
                    gettext("Your password is changed. Sign in with the new one.")
                )
            errors.add_problems(refusal.error.problems, _locator(form))
        else:
            errors.add_form(form)
    status = 422 if errors else 200
    return render_template("accounts/password.html", form=form, errors=errors), status


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    """Ask for a mailed link; the answer is the same whether the address has an account."""
    form = ResetRequestForm()
    errors = FormErrors()
    sent = False
    if request.method == "POST":
        if form.validate():
            accounts.request_reset(db.session, form.email.data or "")
            sent = True
        else:
            errors.add_form(form)
    status = 422 if errors else 200
    html = render_template("accounts/reset_request.html", form=form, errors=errors, sent=sent)
    return html, status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset(token: str) -> ResponseReturnValue:
    """Set a new password through the mailed link (once, within 15 minutes)."""
    form = ResetForm()
    errors = FormErrors()
    valid = accounts.reset_link_valid(db.session, token)
    if request.method == "POST" and valid:
        if form.validate():
            with transaction.step(ValidationFailed) as refusal:
                accounts.reset_password(db.session, token, form.password.data or "")
            if refusal.error is None:
                return _signed_out_to_login(
                    gettext("Your password is changed. Sign in with the new one.")
                )
            errors.add_problems(refusal.error.problems, _locator(form))
        else:
            errors.add_form(form)
    status = 200 if valid and not errors else (422 if valid else 404)
    html = render_template("accounts/reset.html", form=form, errors=errors, valid=valid)
    # The page's address is the secret: no cache keeps it, no link on it tells it on.
    return html, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int) -> ResponseReturnValue:
    """An officer or admin ends someone's account; the history stays."""
    user = db.session.get(User, user_id)
    if user is None or not (
        permissions.is_admin(current_user)
        or permissions.association_ids(current_user) & permissions.association_ids(user)
    ):
        abort(404)
    if not permissions.can_deactivate_user(current_user, user):
        abort(403)
    form = DeactivateForm()
    if not form.validate():
        abort(400)
    accounts.deactivate(db.session, user, by=current_user._get_current_object())  # type: ignore[attr-defined]
    flash(gettext("The account of %(name)s is ended.", name=user.name), "success")
    return redirect(safe_next(form.next.data) or url_for("main.dashboard"), code=303)
