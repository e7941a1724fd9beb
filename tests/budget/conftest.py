"""Fixtures of the budget tests: budgets, decisions written directly, the validating API client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name
from workflow.models import AssociationBudget, Decision, DecisionAmount


@pytest.fixture
def budgets(session: Session, world: factories.World) -> Callable[..., None]:
    """`budgets({2025: (contributions, carried, admin, other)})`: rows written and committed."""

    def _budgets(figures: dict[int, tuple[int, int, int, int]], association: Any = None) -> None:
        owner = association or world.association
        for year, (contributions, carried, admin, other) in figures.items():
            session.add(
                AssociationBudget(
                    association_id=owner.id,
                    year=year,
                    contributions_sek=contributions,
                    carried_over_sek=carried,
                    admin_costs_sek=admin,
                    other_costs_sek=other,
                )
            )
        session.commit()

    return _budgets


@pytest.fixture
def decide(
    session: Session, world: factories.World, make_application: Callable[..., Any]
) -> Callable[..., Decision]:
    """`decide({2025: 400_000}, outcome="approve")`: a delegated decision on a new application."""

    def _decide(amounts: dict[int, int], outcome: str = "approve") -> Decision:
        state = State.APPROVED if outcome == "approve" else State.REJECTED
        application = make_application(state=state)
        decision = Decision(
            association_id=world.association.id,
            application_id=application.id,
            delegated=True,
            outcome=outcome,
            decided_by_id=world.users["officer"].id,
            amounts=[DecisionAmount(year=y, amount_sek=a) for y, a in amounts.items()],
        )
        session.add(decision)
        session.commit()
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
