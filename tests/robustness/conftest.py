"""Fixtures of the robustness tests: an application loaded with the full demo data set."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from config import TestConfig, normalise_database_url
from tests.conftest import LOCAL_PG, _server_url
from workflow import create_app
from workflow.devdata import demo
from workflow.extensions import db
from workflow.migrate import upgrade


def demo_app_at(url: str) -> Flask:
    """An application on `url` (already migrated) with the demo data committed."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        summary = demo.build(db.session)
        assert summary is not None, "the database was expected to be empty"
        db.session.commit()
        db.session.close()
    return application


@pytest.fixture(scope="module")
def demo_app(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A SQLite file database with the demo data, shared by a module's tests."""
    path = Path(tmp_path_factory.mktemp("demo")) / "demo.db"
    shutil.copyfile(sqlite_template, path)
    application = demo_app_at(f"sqlite:///{path}")
    yield application
    application.extensions["db_engine"].dispose()


def _pg_server() -> str:
    """The PostgreSQL server's maintenance database (as tests/conftest.py finds it)."""
    given = os.environ.get("TEST_DATABASE_URL")
    return _server_url(normalise_database_url(given), "postgres") if given else LOCAL_PG


def _create_database(server: str, name: str, template: str | None = None) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        admin.dispose()
    return _server_url(server, name)


def _drop_databases(server: str, names: list[str]) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_migrated_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head, copied for each test (fast)."""
    server = normalise_database_url(_pg_server())
    name = f"finsam_rbt_{uuid.uuid4().hex[:10]}"
    url = _create_database(server, name)
    upgrade(url)
    yield name
    _drop_databases(server, [name])


@pytest.fixture
def scratch_pg() -> Iterator[Callable[..., str]]:
    """Make PostgreSQL databases of the test's own, empty or copied from a template."""
    server = normalise_database_url(_pg_server())
    made: list[str] = []

    def _make(template: str | None = None) -> str:
        name = f"finsam_rb_{uuid.uuid4().hex[:10]}"
        url = _create_database(server, name, template)
        made.append(name)
        return url

    yield _make
    _drop_databases(server, made)


@pytest.fixture(params=("sqlite", "postgresql"))
def empty_url(
    request: pytest.FixtureRequest, tmp_path: Path, scratch_pg: Callable[..., str]
) -> str:
    """An empty database (no schema at all) of each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return scratch_pg()


@pytest.fixture
def migrated(
    sqlite_template: str,
    tmp_path: Path,
    scratch_pg: Callable[..., str],
    request: pytest.FixtureRequest,
) -> Callable[[str], str]:
    """Make an empty database of a backend, migrated to head: `migrated("postgresql")`."""

    def _make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path / f"{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(sqlite_template, path)
            return f"sqlite:///{path}"
        return scratch_pg(request.getfixturevalue("pg_migrated_template"))

    return _make
