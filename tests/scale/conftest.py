"""Scale fixtures: the bulk seeder run into the test database, and signing in as its people."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from tests import factories
from workflow.devdata import seed_scale
from workflow.operations import users


@pytest.fixture
def seed(app: Flask) -> Callable[..., seed_scale.Summary]:
    """Run the bulk seeder into the test's database (new associations scale-NN each call)."""
    password_hash = users.hash_password(factories.PASSWORD)

    def _seed(associations: int, applications: int, years: int = 3) -> seed_scale.Summary:
        return seed_scale.seed(
            app.extensions["db_engine"],
            associations=associations,
            applications=applications,
            years=years,
            password_hash=password_hash,
        )

    return _seed


@pytest.fixture
def sign_in(client: FlaskClient, app: Flask) -> Callable[[str], FlaskClient]:
    """A new client signed in through the page as a seeded person, e.g. `officer.1.scale-01`."""

    def _sign_in(who: str) -> FlaskClient:
        browser = app.test_client()  # the `client` fixture set the isolating client class
        page = browser.get("/login")
        token = factories.csrf_token(page.get_data(as_text=True))
        response = browser.post(
            "/login",
            data={
                "email": f"{who}@{seed_scale.EMAIL_DOMAIN}",
                "password": factories.PASSWORD,
                "csrf_token": token,
            },
        )
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        return browser

    return _sign_in


class StatementCounter:
    """Counts the SQL statements sent on an engine while active."""

    def __init__(self) -> None:
        self.count = 0
        self.active = True
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self.active:
            return
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_statements(app: Flask) -> Iterator[Callable[[], StatementCounter]]:
    """`with counting() as c:`-style helper: a fresh counter listening on the app's engine."""
    engine = app.extensions["db_engine"]
    counters: list[StatementCounter] = []

    def _start() -> StatementCounter:
        counter = StatementCounter()
        event.listen(engine, "before_cursor_execute", counter)
        counters.append(counter)
        return counter

    yield _start
    for counter in counters:
        event.remove(engine, "before_cursor_execute", counter)


def scalar(app: Flask, sql: str, **params: Any) -> Any:
    """One value from the test database."""
    with app.extensions["db_engine"].connect() as connection:
        return connection.execute(text(sql), params).scalar_one()
