"""Bearer tokens: issued for good credentials, throttled after failures, required everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_login import current_user
from limits import parse
from sqlmodel import func, select

from tests import factories
from tests.api.helpers import error_code
from tests.sql import recorded_statements
from workflow.models import ApiToken, Application, User, utcnow
from workflow.operations import users


def test_good_credentials_give_a_working_token(api, world):
    response = api.post(
        "/api/v1/tokens",
        json={"email": "Applicant@Example.se ", "password": factories.PASSWORD},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["token"]) >= 32
    assert body["expires_at"] > utcnow().isoformat()
    listed = api.get("/api/v1/associations", token=body["token"])
    assert listed.status_code == 200
    assert [a["slug"] for a in listed.get_json()["items"]] == ["svb"]


def test_only_the_hash_of_a_token_is_stored(api, world, session):
    token = api.post(
        "/api/v1/tokens", json={"email": "applicant@example.se", "password": factories.PASSWORD}
    ).get_json()["token"]
    session.rollback()
    stored = session.exec(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert users.token_digest(token) in stored


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "applicant@example.se", "password": "wrong password"},
        {"email": "nobody@example.se", "password": factories.PASSWORD},
    ],
)
def test_bad_credentials_are_refused_alike(api, world, credentials):
    response = api.post("/api/v1/tokens", json=credentials)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_missing_credentials_are_a_validation_error(api, world):
    response = api.post("/api/v1/tokens", json={"email": "applicant@example.se"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "password"


def test_repeated_failures_for_an_account_answer_429(api, app, world):
    allowed = parse(app.config["LOGIN_LIMIT_PER_ADDRESS_ACCOUNT"]).amount
    for _ in range(allowed):
        wrong = api.post(
            "/api/v1/tokens", json={"email": "applicant@example.se", "password": "not it at all"}
        )
        assert wrong.status_code == 401
    blocked = api.post(
        "/api/v1/tokens", json={"email": "applicant@example.se", "password": factories.PASSWORD}
    )
    assert blocked.status_code == 429
    assert error_code(blocked) == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    # Another account from the same address is not blocked by this account's failures.
    other = api.post(
        "/api/v1/tokens", json={"email": "officer@example.se", "password": factories.PASSWORD}
    )
    assert other.status_code == 201


def test_failures_for_one_account_from_many_addresses_answer_429(api, app, world):
    app.config["TRUSTED_PROXIES"] = 1
    allowed = parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]).amount
    for i in range(allowed):
        wrong = api.post(
            "/api/v1/tokens",
            json={"email": "applicant@example.se", "password": "not it at all"},
            headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
        )
        assert wrong.status_code == 401
    blocked = api.post(
        "/api/v1/tokens",
        json={"email": "applicant@example.se", "password": factories.PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )
    assert blocked.status_code == 429


def test_failures_from_one_address_never_lock_out_a_correct_password(api, app, world):
    """A municipality's NAT: many people's typos from one address lock nobody else out."""
    allowed = parse(app.config["LOGIN_LIMIT_PER_ADDRESS"]).amount
    for i in range(allowed):
        wrong = api.post(
            "/api/v1/tokens", json={"email": f"guess{i}@example.se", "password": "not it at all"}
        )
        assert wrong.status_code == 401
    # Over the address's limit a wrong password waits, ...
    slowed = api.post(
        "/api/v1/tokens", json={"email": "guess-more@example.se", "password": "not it either"}
    )
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) > 0
    # ... a correct one of another account signs in.
    signed_in = api.post(
        "/api/v1/tokens", json={"email": "officer@example.se", "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 201


def _secured_operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation["security"]:
                yield method.upper(), path


def test_every_secured_operation_answers_401_without_a_token(api, world):
    filled = {"{application_id}": "1", "{slug}": "svb", "{trigger}": "submit"}
    secured = list(_secured_operations(api.document))
    assert len(secured) >= 10
    for method, path in secured:
        for placeholder, value in filled.items():
            path = path.replace(placeholder, value)
        path = re.sub(r"\{\w+\}", "1", path)  # any other id: the token is checked first
        response = api.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert error_code(response) == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer "])
def test_a_bad_authorization_header_answers_401(api, world, header):
    response = api.get("/api/v1/associations", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_answers_401(api, world, token, session):
    value = token("applicant")
    row = session.exec(
        select(ApiToken).where(ApiToken.token_hash == users.token_digest(value))
    ).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    session.add(row)
    session.commit()
    response = api.get("/api/v1/associations", token=value)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_deactivated_users_token_answers_401(api, world, token, session):
    value = token("applicant")
    user = session.get(User, world.users["applicant"].id)
    user.active = False
    session.add(user)
    session.commit()
    assert api.get("/api/v1/associations", token=value).status_code == 401


def test_a_signed_in_browser_session_is_not_accepted(app, api, world, session, login):
    """STACK.md pitfall 7: the session cookie must never drive the API."""

    def whoami() -> str:
        return str(current_user.get_id()) if current_user.is_authenticated else "anonymous"

    app.add_url_rule("/_test/whoami", view_func=whoami)
    applicant = world.users["applicant"]
    login(applicant)  # through the sign-in page, with its CSRF token
    # The cookie really signs the browser in ...
    assert api.client.get("/_test/whoami").get_data(as_text=True) == applicant.get_id()
    # ... and the API answers as if nobody were there, for reads and for writes.
    listed = api.get("/api/v1/associations")
    assert listed.status_code == 401
    assert listed.headers["WWW-Authenticate"] == "Bearer"
    created = api.post("/api/v1/associations/svb/applications", json={"title": "Via cookie"})
    assert created.status_code == 401
    session.rollback()
    assert session.exec(select(func.count()).select_from(Application)).one() == 0


def test_a_token_finds_its_user_and_the_users_grants_in_one_statement(app, world, token, session):
    """Every API request starts with this lookup: one statement, whatever roles the user has."""
    value = token("applicant")
    session.expunge_all()  # nothing already loaded may spare a statement
    with recorded_statements(app) as statements:
        user = users.user_for_token(session, value)
        assert user is not None
        roles = {grant.role for grant in user.grants}
    assert roles == {"applicant"}
    # SQLite's write-ready transaction begins with a statement of its own.
    queries = [s for s in statements if not s.upper().startswith("BEGIN")]
    assert len(queries) == 1
    assert "role_grant" in queries[0]
