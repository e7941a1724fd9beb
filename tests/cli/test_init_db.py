"""`flask init-db` and the migrations: empty databases, idempotence, models in step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, create_engine, inspect

from config import normalise_database_url
from workflow.migrate import alembic_config, downgrade, upgrade
from workflow.models import metadata

EXPECTED_TABLES = {table.name for table in metadata.sorted_tables}
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _differences(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def _tables(url: str) -> set[str]:
    engine = create_engine(normalise_database_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _init_db(application: Flask) -> tuple[int, str]:
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["init-db"])
    return result.exit_code, result.output


def test_init_db_creates_every_table_on_an_empty_database(
    empty_database_url: str, app_for: Callable[[str], Flask]
) -> None:
    code, output = _init_db(app_for(empty_database_url))
    assert code == 0, output
    assert f"migrated from an empty schema to revision {HEAD}" in output
    assert _tables(empty_database_url) == EXPECTED_TABLES | {"alembic_version"}


def test_init_db_creates_the_sqlite_folder(
    backend: str, empty_database_url: str, app_for: Callable[[str], Flask]
) -> None:
    code, output = _init_db(app_for(empty_database_url))
    assert code == 0, output
    assert ("Created the folder" in output) == (backend == "sqlite")


def test_init_db_on_an_existing_empty_sqlite_file(
    tmp_path: Path, app_for: Callable[[str], Flask]
) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    code, output = _init_db(app_for(f"sqlite:///{path}"))
    assert code == 0, output
    assert _tables(f"sqlite:///{path}") == EXPECTED_TABLES | {"alembic_version"}


def test_init_db_twice_changes_nothing(
    empty_database_url: str, app_for: Callable[[str], Flask]
) -> None:
    application = app_for(empty_database_url)
    assert _init_db(application)[0] == 0
    code, output = _init_db(application)
    assert code == 0, output
    assert f"already at revision {HEAD}; nothing to do" in output
    assert _tables(empty_database_url) == EXPECTED_TABLES | {"alembic_version"}


def test_init_db_on_the_migrated_test_database_is_a_no_op(runner) -> None:
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output


def test_init_db_hides_the_database_password(
    empty_pg_url: str, app_for: Callable[[str], Flask]
) -> None:
    # Trust authentication accepts any password, so one can be put in the URL.
    url = empty_pg_url.replace("postgres@", "postgres:s3cret-pw@", 1)
    code, output = _init_db(app_for(url))
    assert code == 0, output
    assert "s3cret-pw" not in output
    assert "postgres:***@" in output


def test_migrations_match_the_models(app: Flask) -> None:
    assert _differences(app.extensions["db_engine"]) == []


def test_downgrade_to_base_and_upgrade_again_on_postgresql(empty_pg_url: str) -> None:
    upgrade(empty_pg_url)
    assert _tables(empty_pg_url) == EXPECTED_TABLES | {"alembic_version"}
    downgrade(empty_pg_url, "base")
    assert _tables(empty_pg_url) == {"alembic_version"}
    upgrade(empty_pg_url)
    engine = create_engine(normalise_database_url(empty_pg_url))
    try:
        assert _differences(engine) == []
        with engine.connect() as conn:
            triggers = conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass"
                " AND NOT tgisinternal"
            ).scalars()
            assert set(triggers) == {"audit_event_no_update"}
    finally:
        engine.dispose()


def test_init_db_reports_an_unreachable_database(app_for: Callable[[str], Flask]) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    code, output = _init_db(app_for("postgresql://postgres@127.0.0.1:1/finsam"))
    assert code == 1
    assert "Cannot open the database postgresql://postgres@127.0.0.1:1/finsam" in output
    assert "Traceback" not in output
