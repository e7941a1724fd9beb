"""`flask backup` and `flask restore`: the full demo data round-trips between backends."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from config import TestConfig
from tests.robustness.conftest import demo_app_at
from workflow import backup as backups
from workflow import create_app


def _app(url: str) -> Flask:
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)


def _invoke(app: Flask, *args: str) -> tuple[int, str]:
    # `flask` pushes an app context for every command; the runner needs one pushed here.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("source", "target"),
    [("sqlite", "sqlite"), ("postgresql", "postgresql"), ("sqlite", "postgresql")],
)
def test_round_trip_of_the_demo_data(
    source: str, target: str, migrated: Callable[[str], str], tmp_path: Path
) -> None:
    """Every table's rows are equal after restore, and the audit chain still verifies."""
    original = demo_app_at(migrated(source))
    copy = _app(migrated(target))
    file = tmp_path / "finsam.backup.gz"
    try:
        code, output = _invoke(original, "backup", str(file))
        assert code == 0, output
        assert "audit_event" in output

        code, output = _invoke(copy, "restore", str(file))
        assert code == 0, output
        assert "Restored" in output

        before = backups.snapshot(original.extensions["db_engine"])
        after = backups.snapshot(copy.extensions["db_engine"])
        assert before.keys() == after.keys()
        for table, rows in before.items():
            assert after[table] == rows, table
        assert len(before["application"]) >= 12
        assert len(before["audit_event"]) > 12

        code, output = _invoke(copy, "verify-audit")
        assert code == 0, output
        assert output.startswith("ok:")

        # The restored database goes on working: new rows get fresh ids (sequences reset).
        code, output = _invoke(
            copy, "create-admin", "new.admin@example.se", "--password", "a long new password"
        )
        assert code == 0, output
    finally:
        original.extensions["db_engine"].dispose()
        copy.extensions["db_engine"].dispose()


def _lines(file: Path) -> list[str]:
    with gzip.open(file, "rt", encoding="utf-8") as stream:
        return stream.read().splitlines()


@pytest.fixture
def demo_backup(demo_app: Flask, tmp_path: Path) -> Path:
    """A backup file of the demo data."""
    file = tmp_path / "demo.backup.gz"
    code, output = _invoke(demo_app, "backup", str(file))
    assert code == 0, output
    return file


def test_refuses_a_database_that_is_not_empty(demo_app: Flask, demo_backup: Path) -> None:
    """Restoring over data would mix two databases: refused, nothing changed."""
    before = backups.counts(demo_app.extensions["db_engine"])
    code, output = _invoke(demo_app, "restore", str(demo_backup))
    assert code == 1
    assert "not empty" in output
    assert backups.counts(demo_app.extensions["db_engine"]) == before


def test_refuses_another_schema_revision(
    demo_backup: Path, migrated: Callable[[str], str], tmp_path: Path
) -> None:
    """A backup of another revision does not fit the tables: refused with the two revisions."""
    lines = _lines(demo_backup)
    header = json.loads(lines[0])
    header["revision"] = "0001"
    other = tmp_path / "old.backup.gz"
    with gzip.open(other, "wt", encoding="utf-8") as stream:
        stream.write("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    copy = _app(migrated("sqlite"))
    code, output = _invoke(copy, "restore", str(other))
    assert code == 1
    assert "revision 0001" in output
    assert sum(backups.counts(copy.extensions["db_engine"]).values()) == 0


def test_a_cut_short_file_restores_nothing(
    demo_backup: Path, migrated: Callable[[str], str], tmp_path: Path
) -> None:
    """A truncated file is refused and the one transaction leaves the database empty."""
    lines = _lines(demo_backup)
    cut = tmp_path / "cut.backup.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as stream:
        stream.write("\n".join(lines[: len(lines) - 3]) + "\n")
    copy = _app(migrated("sqlite"))
    code, output = _invoke(copy, "restore", str(cut))
    assert code == 1
    assert "incomplete" in output
    assert sum(backups.counts(copy.extensions["db_engine"]).values()) == 0


def test_refuses_a_file_that_is_not_a_backup(
    migrated: Callable[[str], str], tmp_path: Path
) -> None:
    """Any other file is named as such."""
    other = tmp_path / "notes.txt"
    other.write_text("hej")
    copy = _app(migrated("sqlite"))
    code, output = _invoke(copy, "restore", str(other))
    assert code == 1
    assert "not a backup file" in output


def test_does_not_overwrite_without_force(demo_app: Flask, demo_backup: Path) -> None:
    """An existing file is kept unless --force is given."""
    size = demo_backup.stat().st_size
    code, output = _invoke(demo_app, "backup", str(demo_backup))
    assert code == 1
    assert "--force" in output
    assert demo_backup.stat().st_size == size
    code, output = _invoke(demo_app, "backup", "--force", str(demo_backup))
    assert code == 0, output
