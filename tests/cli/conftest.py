"""Fixtures for the CLI tests: throw-away databases that start out empty."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from config import TestConfig, normalise_database_url
from tests.conftest import LOCAL_PG, _server_url
from workflow import create_app


def _admin_url() -> str:
    """The maintenance database of the server the suite runs against."""
    given = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(_server_url(given, "postgres") if given else LOCAL_PG)


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    name = f"finsam_test_cli_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _server_url(_admin_url(), name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of the backend under test; SQLite's folder does not exist yet."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'instance' / 'finsam.db'}"
    return request.getfixturevalue("empty_pg_url")


@pytest.fixture
def app_for() -> Iterator[Callable[[str], Flask]]:
    """Build an application bound to another database; its engine is disposed afterwards."""
    built: list[Flask] = []

    def _build(url: str) -> Flask:
        application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        built.append(application)
        return application

    yield _build
    for application in built:
        application.extensions["db_engine"].dispose()
