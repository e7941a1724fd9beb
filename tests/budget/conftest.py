"""Fixtures of the budget tests: budgets and decisions by the real steps, the API client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name
from workflow.models import Decision
from workflow.operations import associations
from workflow.operations.budget import set_budget
from workflow.rules.meetings import latest_decision


@pytest.fixture
def budgets(session: Session, world: factories.World) -> Callable[..., None]:
    """`budgets({2025: (contributions, carried, admin, other)})`: rows written and committed.

    `board_decision=True`: the board's own change, which may leave granted years below zero.
    """

    def _budgets(
        figures: dict[int, tuple[int, int, int, int]],
        association: Any = None,
        *,
        board_decision: bool = False,
    ) -> None:
        owner = association or world.association
        officer = world.users["officer" if owner.id == world.association.id else "outsider"]
        for year, (contributions, carried, admin, other) in figures.items():
            set_budget(
                session,
                owner,
                year,
                contributions_sek=contributions,
                carried_over_sek=carried,
                admin_costs_sek=admin,
                other_costs_sek=other,
                board_decision=board_decision,
                by=officer,
            )
        session.commit()

    return _budgets


@pytest.fixture
def decide(
    session: Session, world: factories.World, make_application: Callable[..., Any]
) -> Callable[..., Decision]:
    """`decide({2025: 400_000}, outcome="approve")`: the board's decision on a new application."""

    def _decide(amounts: dict[int, int], outcome: str = "approve") -> Decision:
        state = State.APPROVED if outcome == "approve" else State.REJECTED
        application = make_application(state=state, granted=amounts)
        decision = latest_decision(session, application)
        assert decision is not None
        return decision

    return _decide


@pytest.fixture
def sign_in(client: Any, login: Callable[[Any], Any], world: factories.World) -> Any:
    """Sign a user (a world name or a User) in on the pages, in English (texts stay stable)."""

    def _sign_in(who: Any) -> None:
        login(world.users[who] if isinstance(who, str) else who)
        with client.session_transaction() as browser:
            browser["lang"] = "en"

    return _sign_in


@pytest.fixture
def vatterbygden(session, world):
    """Södra Vätterbygden's four municipalities: the world's Habo and Jönköping, and two more."""
    officer = world.users["officer"]
    mullsjo = associations.add_member(
        session, world.association, name="Mullsjö kommun", party="municipality", by=officer
    )
    vaggeryd = associations.add_member(
        session, world.association, name="Vaggeryds kommun", party="municipality", by=officer
    )
    session.commit()
    return {
        "habo": world.members["habo"].id,
        "jonkoping": world.members["jonkoping"].id,
        "mullsjo": mullsjo.id,
        "vaggeryd": vaggeryd.id,
        "region": world.members["region"].id,
    }
