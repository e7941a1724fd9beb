"""Fixtures for reports: an active insats taken through the board's grant, and API helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from states.application import State
from tests import factories

START = date(2024, 3, 1)
END = date(2026, 6, 30)
# What the board granted the active insats, per year (what was applied for).
GRANTED = {2024: 800_000, 2025: 1_000_000, 2026: 500_000}


@pytest.fixture
def active_app(session: Session, world: factories.World) -> Any:
    """An active insats from 1 March 2024 to 30 June 2026, with two goals and a grant."""
    app = factories.application(
        session,
        world,
        state=State.ACTIVE,
        start_date=START,
        end_date=END,
        goals=[
            {
                "description": "Andel till arbete eller studier",
                "indicator": "Avslutade till arbete eller studier / avslutade",
                "target": "40 %",
            },
            {"description": "Nöjda deltagare", "indicator": "Enkät vid avslut", "target": "80 %"},
        ],
        budget=[{"year": y, "amount_sek": a} for y, a in GRANTED.items()],
        agreement_date=date(2024, 2, 15),
    )
    session.commit()
    return app


def figures(**overrides: Any) -> dict[str, Any]:
    """A consistent set of report figures (API shape)."""
    body: dict[str, Any] = {
        "participants_women": 20,
        "participants_men": 15,
        "new_women": 12,
        "new_men": 10,
        "ended_women": 8,
        "ended_men": 6,
        "outcomes": {
            "work": {"women": 3, "men": 2},
            "studies": {"women": 2, "men": 1},
            "job_seeking": {"women": 3, "men": 3},
        },
        "costs_sek": 750_000,
        "goal_results": [
            {"goal_index": 0, "value": "45 %"},
            {"goal_index": 1, "value": "85 %"},
        ],
        "narrative": "Året har gått bra.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def call(client: FlaskClient, api_token: Callable[[Any], str]) -> Callable[..., Any]:
    """`call(user, "post", path, json=...)`: an API request as `user`."""
    tokens: dict[int, str] = {}

    def _call(user: Any, method: str, path: str, **kwargs: Any) -> Any:
        if user.id not in tokens:
            tokens[user.id] = api_token(user)
        headers = {"Authorization": f"Bearer {tokens[user.id]}"}
        return getattr(client, method)(f"/api/v1{path}", headers=headers, **kwargs)

    return _call
