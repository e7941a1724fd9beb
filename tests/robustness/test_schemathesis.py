"""schemathesis against /api/v1/openapi.json: no 500 on any input, every answer conforms."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config import TestConfig
from tests.robustness.conftest import demo_app_at
from workflow import create_app
from workflow.devdata import demo

# Each token walks the whole API on a demo database of its own (one module-scoped fixture
# per token, so an admin who ends an account or a role changes nothing the others see):
# the förbundschef of two associations, the role that may take the most steps; the system
# administrator, who sees every association; and an applicant, who may do the least.
SIGNED_IN = ("officer.svb-fsf@example.se", "admin@example.se", "applicant.svb@example.se")


@pytest.fixture(scope="module", params=SIGNED_IN)
def signed_in(
    request: pytest.FixtureRequest,
    sqlite_template: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Flask, str]]:
    """A demo application on its own SQLite file, and a bearer token of one demo user."""
    person = next(p for p in demo.PEOPLE if p.email == request.param)
    path = Path(tmp_path_factory.mktemp("demo")) / "demo.db"
    shutil.copyfile(sqlite_template, path)
    application = demo_app_at(f"sqlite:///{path}")
    client = application.test_client()
    response = client.post(
        "/api/v1/tokens", json={"email": person.email, "password": person.password}
    )
    assert response.status_code == 201, response.get_json()
    yield application, response.get_json()["token"]
    application.extensions["db_engine"].dispose()


# The document as the application serves it; it needs no database, so an application on
# an empty in-memory one serves it at collection. The calls go to `signed_in`'s (above).
# Examples and fuzzing only: the coverage phase's hundreds of boundary cases per operation
# would take the run far past its time budget.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app(TestConfig), config=CONFIG
)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms(case: schemathesis.Case, signed_in: tuple[Flask, str]) -> None:
    """Every generated request gets a documented, conforming answer and never a 500."""
    app, bearer = signed_in
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {bearer}"},
        # A schema-valid body may still break a rule of the domain (a guard, a budget, a
        # state): API.md documents 422 for that, so "valid data was rejected" is no bug here.
        excluded_checks=[positive_data_acceptance],
    )
