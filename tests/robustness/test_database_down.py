"""The database goes down: 503 with Retry-After on pages and API, logged once, and back again."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests import factories
from workflow.extensions import db


@pytest.fixture
def database_down(app: Flask) -> Iterator[Callable[[bool], None]]:
    """Make every new connection fail as the driver does when the server is gone."""
    engine = app.extensions["db_engine"]
    down = {"on": False}

    def _connect(*_args: Any) -> None:
        if not down["on"]:
            return
        if engine.dialect.name == "sqlite":
            raise sqlite3.OperationalError("unable to open database file")
        raise psycopg.OperationalError("connection refused (the server is down)")

    event.listen(engine, "do_connect", _connect)

    def _set(on: bool) -> None:
        down["on"] = on
        db.session.close()  # the test's own connection goes back to the pool first
        engine.dispose()  # pooled connections go with the server

    yield _set
    event.remove(engine, "do_connect", _connect)


def test_a_database_outage_is_a_503_with_retry_after_logged_once(
    app: Flask,
    client: FlaskClient,
    world: factories.World,
    api_token: Callable[[Any], str],
    database_down: Callable[[bool], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = api_token(world.users["officer"])
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get("/login")
    csrf = factories.csrf_token(page.get_data(as_text=True))
    email = world.users["officer"].email
    caplog.set_level(logging.INFO)

    database_down(True)
    for _ in range(3):
        answer = client.get("/api/v1/associations", headers=headers)
        assert answer.status_code == 503, answer.get_data(as_text=True)
        # Flask-Limiter may raise it to its own window's end, never lower it.
        assert int(answer.headers["Retry-After"]) >= app.config["DATABASE_RETRY_AFTER"]
        assert answer.get_json()["error"]["code"] == "database_unavailable"
    signed_in = client.post(
        "/login",
        data={"email": email, "password": "x", "csrf_token": csrf},
    )
    assert signed_in.status_code == 503
    assert int(signed_in.headers["Retry-After"]) >= app.config["DATABASE_RETRY_AFTER"]
    assert signed_in.mimetype == "text/html"
    assert "Försök igen om en stund" in signed_in.get_data(as_text=True)
    outage = [r for r in caplog.records if "database is unavailable" in r.getMessage()]
    assert len(outage) == 1  # four failed requests, one line in the log
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r not in outage]

    database_down(False)
    assert client.get("/api/v1/associations", headers=headers).status_code == 200
    assert any("answers again" in r.getMessage() for r in caplog.records)
