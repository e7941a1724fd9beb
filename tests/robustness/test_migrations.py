"""Migrations: empty → head → base → head on each backend, one revision at a time."""

from __future__ import annotations

from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from workflow.migrate import alembic_config, downgrade, upgrade


def _schema(url: str) -> dict[str, Any]:
    """Tables with their columns, indexes, unique and check constraints and foreign keys."""
    engine = create_engine(url)
    try:
        seen = inspect(engine)
        shape: dict[str, Any] = {}
        # Alembic's own bookkeeping table stays at base; it is not part of the schema.
        for table in sorted(set(seen.get_table_names()) - {"alembic_version"}):
            shape[table] = {
                "columns": sorted(
                    (c["name"], str(c["type"]), c["nullable"]) for c in seen.get_columns(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in seen.get_indexes(table)
                ),
                "uniques": sorted(
                    tuple(u["column_names"]) for u in seen.get_unique_constraints(table)
                ),
                "checks": sorted(c["name"] or "" for c in seen.get_check_constraints(table)),
                "foreign_keys": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in seen.get_foreign_keys(table)
                ),
            }
        shape["triggers"] = _triggers(engine)
        return shape
    finally:
        engine.dispose()


def _triggers(engine: Engine) -> list[str]:
    """The names of the database's triggers (the audit log's append-only guards among them)."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT DISTINCT trigger_name FROM information_schema.triggers"
            " WHERE trigger_schema = 'public'"
        )
    with engine.connect() as conn:
        return sorted(row[0] for row in conn.execute(text(query)))


def _revisions(url: str) -> list[str]:
    """Every revision from the first to head."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def test_up_down_up_one_revision_at_a_time(empty_url: str) -> None:
    """Each downgrade restores exactly the schema of the revision before it; up again matches."""
    revisions = _revisions(empty_url)
    assert len(revisions) >= 8
    assert _schema(empty_url) == {"triggers": []}
    shapes: dict[str, dict[str, Any]] = {"base": _schema(empty_url)}
    for revision in revisions:
        upgrade(empty_url, revision)
        shapes[revision] = _schema(empty_url)
    head = shapes[revisions[-1]]
    assert "application" in head
    assert "audit_event" in head

    below = ["base", *revisions[:-1]]
    for revision, previous in zip(reversed(revisions), reversed(below), strict=True):
        downgrade(empty_url, previous)
        assert _schema(empty_url) == shapes[previous], f"downgrade of {revision} left changes"
    assert _schema(empty_url) == {"triggers": []}

    upgrade(empty_url)
    assert _schema(empty_url) == head
