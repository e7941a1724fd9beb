"""Response headers on pages, API answers and errors; cookie flags; a new session at sign-in."""

from __future__ import annotations

import pytest

from config import TestConfig
from workflow import create_app

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _check(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src *" not in csp


def _session_cookie(response) -> str:
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert found, response.headers.getlist("Set-Cookie")
    return found[0]


@pytest.mark.parametrize(
    "path",
    [
        "/login",
        "/",
        "/no-such-page",
        "/api/v1/openapi.json",
        "/api/v1/applications/1",
        "/api/v1/no-such-thing",
    ],
)
def test_every_answer_carries_the_headers(client, path):
    response = client.get(path)
    _check(response)


def test_signed_in_pages_and_errors_carry_the_headers(client, world, login, make_application):
    hidden = make_application()
    login(world.users["preparer"])
    for path in ("/", f"/applications/{hidden.id}", "/applications/999999"):
        _check(client.get(path))
    _check(client.post("/logout", data={}))  # a CSRF refusal (400) too


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_https_sends_hsts_and_secure_cookies(database_url):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        PREFER_HTTPS=True,
        SESSION_COOKIE_SECURE=True,
    )
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = _session_cookie(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    app.extensions["db_engine"].dispose()


def test_https_is_derived_from_the_base_url(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("APP_BASE_URL", "https://finsam.example.se")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("PREFER_HTTPS", raising=False)
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.PREFER_HTTPS is True
        assert reloaded.Config.SESSION_COOKIE_SECURE is True
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_session_cookie_is_httponly_and_lax(client):
    cookie = _session_cookie(client.get("/login"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests


def test_sign_in_starts_a_new_session(client, world, login):
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
        old_csrf = before.get("csrf_token")
    login(world.users["applicant"])
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != old_csrf
        assert after["_user_id"].startswith(f"{world.users['applicant'].id}:")
