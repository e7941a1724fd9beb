"""Bearer tokens: the API's only way to sign in."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from workflow import transaction
from workflow.api.errors import RateLimited, Unauthorized
from workflow.api.registry import route
from workflow.api.schemas import TokenOut, TokenRequest
from workflow.api.serializers import timestamp
from workflow.auth import address_blocked, login_blocked, record_failed_login
from workflow.errors import Forbidden
from workflow.extensions import db, limiter
from workflow.i18n import _l
from workflow.models import ApiToken
from workflow.operations import twofactor, users


def _token_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@route(
    "/tokens",
    method="POST",
    summary="Sign in: exchange e-mail and password for a bearer token",
    tag="auth",
    auth=False,
    body=TokenRequest,
    response=TokenOut,
    status=201,
    errors=(401, 403, 429),
)
@limiter.limit(_token_limit)  # below @route: the registry's handler calls the limited view
def create_token(body: TokenRequest) -> dict[str, Any]:
    """Failed attempts are throttled per account and address, as on the sign-in page."""
    wait = login_blocked(body.email)
    if wait is not None:
        raise RateLimited(_l("Too many failed sign-ins; try again later."), retry_after=wait)
    user = users.authenticate(db.session, body.email, body.password)
    if user is None:
        wait = address_blocked(body.email)  # asked before this failure counts
        record_failed_login(body.email)
        if wait is not None:  # this address failed too often: a wrong password waits
            raise RateLimited(_l("Too many failed sign-ins; try again later."), retry_after=wait)
        raise Unauthorized(_l("Wrong e-mail address or password."), challenge=None)
    if twofactor.is_enabled(db.session, user):
        if not body.otp:
            transaction.keep_writes()  # a password hash upgraded to current parameters is kept
            raise Unauthorized(
                _l("This account uses two-factor sign-in: send the code as `otp`."),
                code="otp_required",
                challenge=None,
            )
        if not twofactor.verify_sign_in(db.session, user, body.otp):
            record_failed_login(body.email)
            raise Unauthorized(
                _l("The two-factor code is wrong or has already been used."),
                code="otp_invalid",
                challenge=None,
            )
    elif twofactor.must_enrol(db.session, user):
        raise Forbidden(
            _l("Your association requires two-factor sign-in: set it up on the web first."),
            code="two_factor_enrolment_required",
        )
    token = users.issue_token(db.session, user)
    row = db.session.exec(
        select(ApiToken).where(ApiToken.token_hash == users.token_digest(token))
    ).one()
    return {"token": token, "expires_at": timestamp(row.expires_at)}
