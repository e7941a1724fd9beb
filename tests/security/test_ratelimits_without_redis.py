"""Rate limits without Redis: counters in memory, even when the suite runs with REDIS_URL set."""

from __future__ import annotations

import redis

from config import TestConfig
from tests.security.conftest import token_of
from workflow import create_app
from workflow.extensions import limiter


def test_without_redis_the_counters_live_in_memory(database_url):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=None,
        RATELIMIT_STORAGE_URI="memory://",
        LOGIN_RATE_LIMIT="2 per minute",
    )
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    store = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client = app.test_client()
        token = token_of(client, "/login")
        data = {"email": "nobody@example.se", "password": "whatever-it-is", "csrf_token": token}
        statuses = [client.post("/login", data=data).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert not list(store.scan_iter(match=f"*{prefix}*")), "nothing of it is in Redis"
    finally:
        store.close()
        app.extensions["db_engine"].dispose()


def test_when_redis_is_down_the_limits_count_in_memory(database_url):
    down = "redis://127.0.0.1:1/0"  # nothing listens there
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=down,
        RATELIMIT_STORAGE_URI=down,
        LOGIN_RATE_LIMIT="2 per minute",
    )
    try:
        client = app.test_client()
        token = token_of(client, "/login")
        data = {"email": "nobody@example.se", "password": "whatever-it-is", "csrf_token": token}
        statuses = [client.post("/login", data=data).status_code for _ in range(3)]
        # The sign-in still answers (no 500), and the limit still holds.
        assert statuses == [200, 200, 429]
    finally:
        # One Limiter per process, shared by the test apps: the next app's storage is alive.
        limiter._storage_dead = False
        app.extensions["db_engine"].dispose()
