"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (set by `make test`); without it the suite
creates a throw-away database on the local server itself. An unreachable server
is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlmodel import Session

from config import TestConfig, normalise_database_url
from tests import factories
from workflow import create_app, jobs
from workflow.extensions import db
from workflow.migrate import upgrade

BACKENDS = ("sqlite", "postgresql")
LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def _server_url(database_url: str, dbname: str) -> str:
    base, _, _ = database_url.rpartition("/")
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session."""
    given = os.environ.get("TEST_DATABASE_URL")
    # Under pytest-xdist each worker needs a database of its own: it creates one beside
    # the given database (or the local server's) and drops it at the end.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    owned = None
    if given and not worker:
        url = normalise_database_url(given)
    else:
        owned = f"finsam_test_{uuid.uuid4().hex[:10]}"
        server = _server_url(normalise_database_url(given), "postgres") if given else LOCAL_PG
        admin = create_engine(normalise_database_url(server), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{owned}"'))
        except Exception as exc:  # pragma: no cover - the environment is broken
            pytest.fail(f"PostgreSQL is required for the test suite and is not reachable: {exc}")
        finally:
            admin.dispose()
        url = normalise_database_url(_server_url(server, owned))
    upgrade(url)
    yield url
    if owned:
        admin = create_engine(normalise_database_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{owned}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file that each test copies (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    " AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A clean, migrated database of each backend in turn."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
        _truncate_pg(url)
        yield url


def drop_job_queue(app: Flask) -> None:
    """Remove the app's RQ queue, its registries and its jobs from Redis (when it has one).

    Each test app has a queue of its own (TestConfig.JOB_QUEUE); without this a run with
    REDIS_URL set would leave a registry per test behind in Redis, some for a year.
    """
    url = app.config.get("REDIS_URL")
    name = jobs.queue_name(app)
    # Only a test's own queue: never an installation's (`finsam`) on a shared Redis.
    if not url or not name.startswith(("finsam-test-", "test-")):
        return
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    connection = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        queue = Queue(name, connection=connection)
        registries = (
            queue.started_job_registry,
            queue.finished_job_registry,
            queue.failed_job_registry,
            queue.deferred_job_registry,
            queue.ready_job_registry,
            queue.scheduled_job_registry,
            queue.canceled_job_registry,
        )
        ids = set(queue.get_job_ids())
        for registry in registries:
            ids.update(registry.get_job_ids(cleanup=False))
        for job_id in ids:
            with contextlib.suppress(NoSuchJobError):  # expired meanwhile
                Job.fetch(job_id, connection=connection).delete()
        # The registries' own keys (and any RQ adds later) end in the queue's unique name.
        for key in connection.scan_iter(match=f"rq:*:{name}"):
            connection.delete(key)
        queue.delete(delete_jobs=True)
    except RedisError:
        pass  # a test pointed REDIS_URL at a server that is down: nothing was stored
    finally:
        connection.close()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The application bound to a clean database."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with application.app_context():
        yield application
        db.session.close()
    drop_job_queue(application)
    application.extensions["db_engine"].dispose()
    # Signed protocols' PDFs the test's jobs stored (a fresh temporary folder per app).
    shutil.rmtree(application.config["DOCUMENTS_DIR"], ignore_errors=True)


@pytest.fixture
def backend(app: Flask) -> str:
    """`sqlite` or `postgresql`: the dialect the test runs on."""
    return app.extensions["db_engine"].dialect.name


@pytest.fixture
def session(app: Flask) -> Session:
    """The app context's session (commit it yourself to make rows visible to requests)."""
    return db.session


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The `app` fixture keeps an app context open for the test's own session; Flask would
    reuse it for each request, sharing `g` (the database session, cached locale, CSRF
    token, bearer user) between the test and its requests. Hiding it makes each
    request push a fresh one, with its own session and transaction.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        test_session = db.session
        # What the test wrote is committed before the request, as a real client would
        # find it; this also ends the test's transaction, so it holds no lock.
        test_session.commit()
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            # Rows the test holds are re-read on next use: the request may have changed them.
            test_session.expire_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for pages and API (requests isolated from the test's app context)."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A runner for `flask` CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def world(session: Session) -> factories.World:
    """An association with members, one user per role and committed rows."""
    built = factories.build_world(session)
    session.commit()
    return built


@pytest.fixture
def make_application(session: Session, world: factories.World) -> Callable[..., Any]:
    """An application brought to any state by the real steps (committed): `state="submitted"`."""

    def _make(**overrides: Any) -> Any:
        app_row = factories.application(session, world, **overrides)
        session.commit()
        return app_row

    return _make


@pytest.fixture
def api_token(client: FlaskClient) -> Callable[[Any], str]:
    """Sign a user in through the API and return a bearer token."""

    def _token(user: Any) -> str:
        response = client.post(
            "/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    return _token


@pytest.fixture
def login(client: FlaskClient) -> Callable[[Any], Any]:
    """Sign a user in through the sign-in page (with its CSRF token)."""

    def _login(user: Any) -> Any:
        page = client.get("/login")
        token = factories.csrf_token(page.get_data(as_text=True))
        response = client.post(
            "/login",
            data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
        )
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    return _login
