"""`flask create-app-role`: connected as that role the application works, but the audit log
can only grow (PostgreSQL; the owner's URL migrates, the role's URL serves)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from config import TestConfig
from tests import factories
from tests.conftest import IsolatedClient, _truncate_pg
from workflow import create_app
from workflow.extensions import db


@pytest.fixture
def owner_url(pg_url: str) -> str:
    """The test session's PostgreSQL database, emptied, reached as its owner."""
    _truncate_pg(pg_url)
    return pg_url


@pytest.fixture
def role(owner_url: str) -> Iterator[str]:
    """A fresh role name; the role and its grants are removed afterwards (roles are global)."""
    name = f"finsam_app_{uuid.uuid4().hex[:10]}"
    yield name
    engine = create_engine(owner_url)
    with engine.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}
        ).scalar()
        if exists:
            connection.execute(text(f'DROP OWNED BY "{name}"'))
            connection.execute(text(f'DROP ROLE "{name}"'))
    engine.dispose()


@pytest.fixture
def role_url(owner_url: str, role: str) -> str:
    """The role made by the command (run by an app whose MIGRATION_DATABASE_URL is the owner's)."""
    # The application's own URL is the role's, which does not exist yet: the command must
    # connect through MIGRATION_DATABASE_URL.
    url = make_url(owner_url).set(username=role).render_as_string(hide_password=False)
    setup = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MIGRATION_DATABASE_URL=owner_url)
    result = setup.test_cli_runner().invoke(args=["create-app-role", role])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Created the role {role}")
    setup.extensions["db_engine"].dispose()
    return url


@pytest.fixture
def role_app(role_url: str) -> Iterator[Flask]:
    """The application connected as the restricted role."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=role_url)
    with application.app_context():
        yield application
        db.session.close()
    application.extensions["db_engine"].dispose()


def _refused(url: str, statement: str) -> str:
    """Run one statement in its own transaction; the database's error message."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection, pytest.raises(DBAPIError) as caught:
            connection.execute(text(statement))
    finally:
        engine.dispose()
    return str(caught.value.orig)


def test_the_application_works_as_the_role_and_the_log_only_grows(
    role_app: Flask, role_url: str, role: str
) -> None:
    session = db.session
    world = factories.build_world(session)
    session.commit()
    application = factories.application(session, world, state="submitted")
    session.commit()
    # The pages work too: sign in and open the application.
    role_app.test_client_class = IsolatedClient
    client = role_app.test_client()
    page = client.get("/login")
    token = factories.csrf_token(page.get_data(as_text=True))
    signed_in = client.post(
        "/login",
        data={
            "email": world.users["officer"].email,
            "password": factories.PASSWORD,
            "csrf_token": token,
        },
    )
    assert signed_in.status_code in (302, 303)
    assert client.get(f"/applications/{application.id}").status_code == 200
    verified = role_app.test_cli_runner().invoke(args=["verify-audit"])
    assert verified.exit_code == 0, verified.output

    denied = "permission denied"
    for statement in (
        "TRUNCATE audit_event",
        "TRUNCATE audit_chain_head",
        "UPDATE audit_event SET reason = 'x'",
        "DELETE FROM audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER USER",
        "DROP TRIGGER audit_chain_head_forward_only ON audit_chain_head",
    ):
        message = _refused(role_url, statement)
        assert denied in message or "must be owner" in message, (statement, message)
    # The head: the role may advance it (it must), but never back, sideways or away.
    for statement in (
        "UPDATE audit_chain_head SET seq = seq - 1",
        "UPDATE audit_chain_head SET seq = seq + 1",
        "UPDATE audit_chain_head SET hash = repeat('0', 64)",
        "DELETE FROM audit_chain_head",
    ):
        message = _refused(role_url, statement)
        assert "only moves forward" in message or denied in message, (statement, message)
    engine = create_engine(role_url)
    with engine.connect() as connection:
        owners = connection.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = :r"),
            {"r": role},
        ).scalar()
        events = connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
    engine.dispose()
    assert owners == 0
    assert events > 5


def test_the_command_again_updates_the_role(owner_url: str, role: str, role_url: str) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=owner_url)
    result = app.test_cli_runner().invoke(args=["create-app-role", role, "--password", "x'y"])
    app.extensions["db_engine"].dispose()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Updated the role {role}")


def test_the_command_refuses_the_owner_and_odd_names(owner_url: str) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=owner_url)
    runner = app.test_cli_runner()
    owner = make_url(owner_url).username or "postgres"
    refused = runner.invoke(args=["create-app-role", owner])
    assert refused.exit_code == 1
    assert "must not be the owner" in refused.output
    odd = runner.invoke(args=["create-app-role", 'x"; DROP TABLE audit_event; --'])
    assert odd.exit_code == 1
    assert "lower-case letters" in odd.output
    app.extensions["db_engine"].dispose()


def test_on_sqlite_there_are_no_roles(tmp_path) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    result = app.test_cli_runner().invoke(args=["create-app-role", "finsam_app"])
    app.extensions["db_engine"].dispose()
    assert result.exit_code == 1
    assert "PostgreSQL only" in result.output


def test_init_db_migrates_the_owners_database(tmp_path) -> None:
    """init-db follows MIGRATION_DATABASE_URL, not the application's own URL."""
    owner = f"sqlite:///{tmp_path / 'owner.db'}"
    served = f"sqlite:///{tmp_path / 'served.db'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=served, MIGRATION_DATABASE_URL=owner)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["init-db"])
    app.extensions["db_engine"].dispose()
    assert result.exit_code == 0, result.output
    assert "owner.db" in result.output
    assert (tmp_path / "owner.db").stat().st_size > 0
    assert not (tmp_path / "served.db").exists() or (tmp_path / "served.db").stat().st_size == 0
