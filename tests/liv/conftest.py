"""Fixtures of the LIV tests: the meeting fixtures, and an insats that may be proposed for LIV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.meetings.conftest import (  # noqa: F401 - fixtures, used by name
    YEAR,
    api,
    attend,
    bearer,
    board,
    budgets,
    compiled_catalog,
    decide,
    place,
    plan,
    post,
    sign_in,
    step,
    token,
)
from workflow import engine
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, Meeting

LIV_TEXTS = {
    "activity_description": "Samlad väg till arbete för unga vuxna, i ordinarie samverkan.",
    "report_plan": "Årsrapport till förbundet senast 28 februari, i Uppföljning Finsam.",
    "results_summary": "42 % av de avslutade gick till arbete eller studier 2024–2025.",
}


@pytest.fixture
def active(make_application: Callable[..., Application]) -> Callable[..., Application]:
    """An active insats (through the board's grant), started two years ago."""

    def _make(**overrides: Any) -> Application:
        overrides.setdefault("start_date", date(YEAR - 2, 1, 1))
        overrides.setdefault("end_date", date(YEAR, 12, 31))
        overrides.setdefault(
            "budget",
            [{"year": y, "amount_sek": 1_200_000} for y in (YEAR - 2, YEAR - 1, YEAR)],
        )
        # Granted at a meeting before the period: this year's LIV decisions are §§ 1, 2, ...
        overrides.setdefault("decided_on", date(YEAR - 3, 12, 1))
        return make_application(state=State.ACTIVE, **overrides)

    return _make


@pytest.fixture
def liv_proposed(
    session: Session, world: factories.World, active: Callable[..., Application]
) -> Callable[..., Application]:
    """An insats the applicant has proposed for LIV through the engine (committed)."""

    def _make(**overrides: Any) -> Application:
        app = active(**overrides)
        engine.fire(
            APPLICATION,
            app,
            "propose_liv",
            by=world.users["applicant"],
            session=session,
            payload=LIV_TEXTS,
        )
        session.commit()
        return app

    return _make


@pytest.fixture
def open_meeting(request: pytest.FixtureRequest) -> Callable[..., Meeting]:
    """An open, quorate meeting with the given applications on its agenda."""
    # The meeting fixtures, by name: their names are the imports above.
    board_ = request.getfixturevalue("board")
    request.getfixturevalue("budgets")
    plan_, place_ = request.getfixturevalue("plan"), request.getfixturevalue("place")
    attend_, step_ = request.getfixturevalue("attend"), request.getfixturevalue("step")

    def _open(*apps: Application, on: date | None = None) -> Meeting:
        meeting = plan_(on=on)
        if apps:
            place_(meeting, *apps)
        attend_(meeting, present=list(board_.ledamot.values()))
        step_(meeting, "open")
        return meeting

    return _open
