"""PostgreSQL: the main queries use indexes, not sequential scans of the big tables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from config import TestConfig
from tests.conftest import _truncate_pg
from workflow import create_app
from workflow.devdata import seed_scale
from workflow.extensions import db

BIG_TABLES = (
    "application",
    "application_version",
    "annotation",
    "audit_event",
    "decision",
    "agenda_item",
    "budget_line",
    "application_partner",
)


@pytest.fixture
def pg_app(pg_url: str) -> Iterator[Flask]:
    """The app on the session's PostgreSQL database, emptied first."""
    _truncate_pg(pg_url)
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=pg_url)
    with application.app_context():
        yield application
        db.session.close()
    application.extensions["db_engine"].dispose()


def _plan(app: Flask, sql: str, **params: object) -> str:
    with app.extensions["db_engine"].connect() as connection:
        rows = connection.execute(text(f"EXPLAIN {sql}"), params).scalars().all()
    return "\n".join(rows)


def test_main_queries_use_indexes(pg_app: Flask) -> None:
    engine = pg_app.extensions["db_engine"]
    seed_scale.seed(engine, associations=20, applications=3000, years=5, password_hash="x")
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
        assoc, app_id, meeting, member = connection.execute(
            text(
                "SELECT a.association_id, a.id, m.id, a.lead_member_id FROM application a"
                " JOIN meeting m ON m.association_id = a.association_id"
                " WHERE a.association_id = (SELECT min(id) FROM association) LIMIT 1"
            )
        ).one()
    queries = {
        "staff list": "SELECT * FROM application WHERE association_id = :a"
        " AND submitted_at IS NOT NULL AND state NOT IN ('draft')"
        " ORDER BY updated_at DESC, id DESC LIMIT 20",
        "list by state": "SELECT * FROM application WHERE association_id = :a"
        " AND state = 'closed' ORDER BY updated_at DESC, id DESC LIMIT 20",
        "applicant list": "SELECT * FROM application WHERE association_id = :a"
        " AND (lead_member_id = :m"
        " OR id IN (SELECT application_id FROM application_partner WHERE member_id = :m))"
        " ORDER BY updated_at DESC, id DESC LIMIT 20",
        "versions": "SELECT * FROM application_version WHERE application_id = :i",
        "annotations": "SELECT * FROM annotation WHERE application_id = :i",
        "history": "SELECT * FROM audit_event WHERE entity_type = 'application'"
        " AND entity_id = :i ORDER BY id",
        "decisions": "SELECT * FROM decision WHERE application_id = :i",
        "agenda": "SELECT * FROM agenda_item WHERE meeting_id = :g",
        "meeting decisions": "SELECT * FROM decision WHERE meeting_id = :g",
        "budget committed": "SELECT d.application_id, da.year, da.amount_sek FROM decision d"
        " JOIN decision_amount da ON da.decision_id = d.id WHERE d.association_id = :a"
        " AND da.year BETWEEN 2024 AND 2027",
        "budget lines": "SELECT * FROM budget_line WHERE application_id = :i",
        "partners": "SELECT * FROM application_partner WHERE application_id = :i",
    }
    params = {"a": assoc, "i": app_id, "g": meeting, "m": member}
    seq_scans = {}
    for name, sql in queries.items():
        plan = _plan(pg_app, sql, **params)
        scanned = [t for t in BIG_TABLES if f"Seq Scan on {t} " in plan + " "]
        if scanned:
            seq_scans[name] = plan
    assert seq_scans == {}
