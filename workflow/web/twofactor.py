"""Two-factor sign-in pages: the code step, enrolment, recovery codes and the admin's reset."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required, login_user

from forms.twofactor import CodeForm, ConfirmForm, SettingsForm, SignInCodeForm
from workflow import auth, http, permissions, transaction
from workflow.errors import NotFound
from workflow.extensions import db, limiter
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.operations import associations, twofactor
from workflow.web.auth import _renew_session
from workflow.web.formerrors import FormErrors
from workflow.web.navigation import safe_next

bp = Blueprint("twofactor", __name__)

# The password step is remembered this long while the code is asked for.
PENDING_SECONDS = 300
PENDING_KEY = "_2fa_pending"
# Pages a user who must enrol may still reach (the rest redirect to the enrolment).
ENROLMENT_ENDPOINTS = frozenset(
    {
        "static",
        "auth.login",
        "auth.logout",
        "main.language",
        "twofactor.verify",
        "twofactor.setup",
        "twofactor.qr",
        "twofactor.account",
        # The public notice board: the same page for everyone, signed in or not.
        "anslagstavla.index",
        "anslagstavla.board",
        "anslagstavla.feed",
        "anslagstavla.protocol_pdf",
    }
)


def _code_limit() -> str:
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _no_store(response: Any) -> Response:
    """Pages that show a secret or recovery codes are never cached."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the second step of signing in ----------------------------------------------------------


def begin_sign_in(user: User, next_url: str | None) -> ResponseReturnValue:
    """After the right password: remember who is signing in and ask for the code."""
    _renew_session()
    session[PENDING_KEY] = {"id": user.get_id(), "next": next_url or "", "at": int(time.time())}
    return redirect(url_for("twofactor.verify"), code=303)


def _pending_user() -> tuple[User | None, str]:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, ""
    user_id, _, epoch = str(pending.get("id", "")).partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None, ""
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None, ""
    return user, safe_next(pending.get("next")) or ""


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
def verify() -> ResponseReturnValue:
    """The code from the authenticator app (or a recovery code) after the password."""
    user, next_url = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(gettext("Sign in again: the sign-in took too long or was not started."), "info")
        return redirect(url_for("auth.login"), code=303)
    form = SignInCodeForm()
    errors = FormErrors()
    if request.method == "GET":
        return render_template("twofactor/verify.html", form=form, errors=errors)
    if not form.validate():
        errors.add_form(form)
        return render_template("twofactor/verify.html", form=form, errors=errors), 422
    wait = auth.login_blocked(user.email)
    if wait is not None:
        minutes = max(1, math.ceil(wait / 60))
        errors.add(
            None,
            "",
            gettext(
                "Too many failed sign-in attempts. Wait %(minutes)s minutes and try again.",
                minutes=minutes,
            ),
        )
        html = render_template("twofactor/verify.html", form=form, errors=errors)
        return html, 429, {"Retry-After": str(wait)}
    if not twofactor.verify_sign_in(db.session, user, form.code.data or ""):
        auth.record_failed_login(user.email)
        errors.add(
            "code", form.code.label.text, gettext("The code is wrong or has already been used.")
        )
        return render_template("twofactor/verify.html", form=form, errors=errors), 422
    _renew_session()
    login_user(user)
    return redirect(next_url or url_for("main.dashboard"), code=303)


# --- the user's own two-factor sign-in ------------------------------------------------------


@bp.route("/account/two-factor")
@login_required
def account() -> ResponseReturnValue:
    """Whether two-factor sign-in is on, with recovery codes left, and what can be done."""
    enabled = twofactor.is_enabled(db.session, current_user)
    return render_template(
        "twofactor/account.html",
        enabled=enabled,
        remaining=twofactor.remaining_recovery_codes(db.session, current_user) if enabled else 0,
        required=twofactor.required_for(db.session, current_user),
        codes_form=CodeForm(prefix="codes"),
        disable_form=CodeForm(prefix="disable"),
        errors=FormErrors(),
    )


def _render_setup(form: CodeForm, errors: FormErrors, status: int = 200) -> ResponseReturnValue:
    row = twofactor.start_enrolment(db.session, current_user)
    # The secret shown is the one stored, on the first GET and on a form sent back with errors.
    transaction.keep_writes()
    html = render_template(
        "twofactor/setup.html",
        form=form,
        errors=errors,
        secret=twofactor.grouped_secret(row.secret),
        uri=twofactor.provisioning_uri(current_user, row),
        must_enrol=twofactor.must_enrol(db.session, current_user),
    )
    return _no_store((html, status))


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
@limiter.limit(_code_limit, methods=["POST"])
def setup() -> ResponseReturnValue:
    """Enrolment: the secret as text and as a QR code, confirmed by a first code."""
    if twofactor.is_enabled(db.session, current_user):
        return redirect(url_for("twofactor.account"), code=303)
    form = CodeForm()
    errors = FormErrors()
    if request.method == "GET":
        return _render_setup(form, errors)
    if not form.validate():
        errors.add_form(form)
        return _render_setup(form, errors, 422)
    codes = twofactor.confirm(db.session, current_user, form.code.data or "")
    if codes is None:
        errors.add("code", form.code.label.text, gettext("The code is wrong; try the next one."))
        return _render_setup(form, errors, 422)
    login_user(current_user._get_current_object())  # this session goes on, the others ended
    return _no_store(render_template("twofactor/codes.html", codes=codes, first=True))


@bp.route("/account/two-factor/qr.svg")
@login_required
def qr() -> ResponseReturnValue:
    """The QR code of the pending secret, as an SVG image (the CSP allows images from here)."""
    row = twofactor.record_for(db.session, current_user)
    if row is None or row.confirmed_at is not None:
        abort(404)  # a confirmed secret is never shown again
    svg = twofactor.qr_svg(twofactor.provisioning_uri(current_user, row))
    return http.svg_response(svg)


def _checked_code(form: CodeForm) -> FormErrors | None:
    """Errors if the form's code is not a valid current code of the signed-in user."""
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return errors
    row = twofactor.record_for(db.session, current_user)
    if row is None or row.confirmed_at is None:
        abort(404)
    if not twofactor.check_code(db.session, row, form.code.data or ""):
        errors.add(
            form.code.id,
            form.code.label.text,
            gettext("The code is wrong or has already been used."),
        )
        return errors
    return None


def _render_account(
    errors: FormErrors, codes_form: CodeForm, disable_form: CodeForm
) -> ResponseReturnValue:
    html = render_template(
        "twofactor/account.html",
        enabled=True,
        remaining=twofactor.remaining_recovery_codes(db.session, current_user),
        required=twofactor.required_for(db.session, current_user),
        codes_form=codes_form,
        disable_form=disable_form,
        errors=errors,
    )
    return html, 422


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
@limiter.limit(_code_limit)
def recovery_codes() -> ResponseReturnValue:
    """Ten new recovery codes (the old ones stop working), after a current code."""
    form = CodeForm(prefix="codes")
    errors = _checked_code(form)
    if errors is not None:
        return _render_account(errors, form, CodeForm(prefix="disable"))
    codes = twofactor.new_recovery_codes(db.session, current_user)
    return _no_store(render_template("twofactor/codes.html", codes=codes, first=False))


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@limiter.limit(_code_limit)
def disable() -> ResponseReturnValue:
    """Turn two-factor sign-in off, after a current code, unless the association requires it."""
    if twofactor.required_for(db.session, current_user):
        abort(403)
    form = CodeForm(prefix="disable")
    errors = _checked_code(form)
    if errors is not None:
        return _render_account(errors, CodeForm(prefix="codes"), form)
    twofactor.reset(db.session, current_user, by=current_user)
    _renew_session()  # the reset signed every session of the user out, this one too
    flash(gettext("Two-factor sign-in is off. Sign in again."), "info")
    return redirect(url_for("auth.login"), code=303)


# --- administration -------------------------------------------------------------------------


@bp.route("/admin/users/<int:user_id>/two-factor", methods=["GET", "POST"])
@login_required
def admin_user(user_id: int) -> ResponseReturnValue:
    """An administrator resets a user's two-factor sign-in (a lost phone): they enrol again."""
    if not permissions.is_admin(current_user):
        abort(403)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        if twofactor.reset(db.session, user, by=current_user):
            flash(gettext("Two-factor sign-in of %(name)s is reset.", name=user.name), "info")
        return redirect(url_for("twofactor.admin_user", user_id=user.id), code=303)
    return render_template(
        "twofactor/admin_user.html",
        user=user,
        enabled=twofactor.is_enabled(db.session, user),
        form=form,
    )


def _managed(slug: str) -> Association:
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_manage_association(current_user, association):
        abort(403)
    return association


@bp.route("/admin/associations/<slug>/security", methods=["GET", "POST"])
@login_required
def settings(slug: str) -> ResponseReturnValue:
    """The association's security settings: whether two-factor sign-in is required."""
    association = _managed(slug)
    current = twofactor.settings_for(db.session, association.id)
    form = SettingsForm(data={"require_two_factor": current.require_two_factor})
    if request.method == "POST" and form.validate():
        twofactor.set_required(
            db.session, association.id, bool(form.require_two_factor.data), by=current_user
        )
        flash(gettext("The settings are saved."), "info")
        return redirect(url_for("twofactor.settings", slug=slug), code=303)
    return render_template("twofactor/settings.html", association=association, form=form)
