"""Rate limits: sign-in, token endpoint, the two-factor code, the API; 429 pages and JSON; Redis."""

from __future__ import annotations

import redis

from config import TestConfig
from tests import factories
from tests.security.conftest import token_of
from workflow import create_app


def test_sign_in_attempts_are_limited_with_a_swedish_page(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    token = token_of(client, "/login")
    data = {"email": "nobody@example.se", "password": "whatever-it-is", "csrf_token": token}
    statuses = [client.post("/login", data=data).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    page = client.post("/login", data=data)
    assert page.status_code == 429
    assert "För många försök" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) > 0


def test_the_token_endpoint_is_limited_in_the_problem_shape(app, client, world):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    body = {"email": world.users["officer"].email, "password": factories.PASSWORD}
    assert client.post("/api/v1/tokens", json=body).status_code == 201
    assert client.post("/api/v1/tokens", json=body).status_code == 201
    refused = client.post("/api/v1/tokens", json=body)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0


def test_the_api_has_a_default_limit_per_token(app, client, world, api_token):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    token = api_token(world.users["officer"])
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/associations/{world.association.slug}/applications"
    statuses = [client.get(url, headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(url, headers=headers)
    assert refused.is_json
    assert refused.get_json()["error"]["code"] == "rate_limited"
    # Another token has its own counter.
    other = api_token(world.users["auditor"])
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_the_two_factor_code_check_is_limited(app, client, world, login):
    import re

    app.config["TWO_FACTOR_RATE_LIMIT"] = "2 per minute"
    login(world.users["officer"])
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    statuses = [
        client.post(
            "/account/two-factor/setup", data={"code": "000000", "csrf_token": token}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 429]


def test_every_api_operation_documents_429(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)


def test_counters_live_in_redis_when_redis_url_is_set(database_url):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        LOGIN_RATE_LIMIT="2 per minute",
    )
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    store = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client = app.test_client()
        token = token_of(client, "/login")
        data = {"email": "nobody@example.se", "password": "whatever-it-is", "csrf_token": token}
        assert client.post("/login", data=data).status_code == 200
        keys = [k.decode() for k in store.scan_iter(match=f"*{prefix}*")]
        assert keys, "the counter is in Redis under this app's prefix"
        assert client.post("/login", data=data).status_code == 200
        assert client.post("/login", data=data).status_code == 429
        # A second app instance has a prefix of its own: counters are never shared.
        other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
        assert other.config["RATELIMIT_KEY_PREFIX"] != prefix
        other.extensions["db_engine"].dispose()
    finally:
        for key in store.scan_iter(match=f"*{prefix}*"):
            store.delete(key)
        store.close()
        app.extensions["db_engine"].dispose()


def _sign_in(client, email: str, password: str, address: str):
    token = token_of(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": address},
    )


def test_behind_trusted_proxies_the_client_address_is_counted(app, client, world):
    """With TRUSTED_PROXIES=1, one place's failures do not block the account from another."""
    app.config["TRUSTED_PROXIES"] = 1
    app.config["LOGIN_LIMIT_PER_ADDRESS_ACCOUNT"] = "2 per 15 minutes"
    email = world.users["officer"].email
    for _ in range(2):
        assert _sign_in(client, email, "not it at all", "203.0.113.7").status_code == 200
    assert _sign_in(client, email, factories.PASSWORD, "203.0.113.7").status_code == 429
    assert _sign_in(client, email, factories.PASSWORD, "198.51.100.9").status_code == 303


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, client, world):
    """With TRUSTED_PROXIES=0 (the default), a forged X-Forwarded-For escapes no limit."""
    assert app.config["TRUSTED_PROXIES"] == 0
    app.config["LOGIN_LIMIT_PER_ADDRESS_ACCOUNT"] = "2 per 15 minutes"
    email = world.users["officer"].email
    for _ in range(2):
        assert _sign_in(client, email, "not it at all", "203.0.113.7").status_code == 200
    assert _sign_in(client, email, factories.PASSWORD, "198.51.100.9").status_code == 429


def test_one_address_over_its_limit_still_signs_in_a_correct_password(app, client, world):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    for i in range(3):
        assert _sign_in(client, f"typo{i}@example.se", "fel", "x").status_code == 200
    assert _sign_in(client, "typo9@example.se", "fel", "x").status_code == 429
    email = world.users["officer"].email
    assert _sign_in(client, email, factories.PASSWORD, "x").status_code == 303
