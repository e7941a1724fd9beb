"""Fixtures of the protocol tests: a meeting held, closed and ready for justering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from tests import factories
from tests.meetings.conftest import (  # noqa: F401 - fixtures, used by name
    YEAR,
    Board,
    api,
    attend,
    bearer,
    board,
    budgets,
    compiled_catalog,
    decide,
    held,
    place,
    plan,
    post,
    proposed,
    sign_in,
    step,
    token,
)
from workflow import engine
from workflow.lifecycles.meeting import MEETING
from workflow.models import Application, Meeting
from workflow.operations import protocols
from workflow.rules import meetings as meetings_rules


@pytest.fixture
def closed(
    session: Session,
    world: factories.World,
    board: Board,  # noqa: F811
    budgets: Any,  # noqa: F811
    plan: Callable[..., Meeting],  # noqa: F811
    place: Callable[..., None],  # noqa: F811
    attend: Callable[..., None],  # noqa: F811
    proposed: Callable[..., Application],  # noqa: F811
    decide: Callable[..., Any],  # noqa: F811
    step: Callable[..., Meeting],  # noqa: F811
) -> Callable[..., tuple[Meeting, list[Application]]]:
    """A closed meeting: the first item approved with conditions, votes and dissents, the
    second rejected. Jenny (jonkoping) is absent and her ersättare serves for her; the af
    ersättare is present without a seat; Hugo (habo) is the justerare.
    """

    def _closed(on: date | None = None) -> tuple[Meeting, list[Application]]:
        meeting = plan(on=on)
        first = proposed(title="Enter – samlad väg till arbete")
        second = proposed(title="Hälsoskola")
        place(meeting, first, second)
        led, ers = board.ledamot, board.ersattare
        attend(
            meeting,
            present=[led["af"], led["fk"], led["region"], led["habo"], ers["jonkoping"], ers["af"]],
            absent=[led["jonkoping"]],
        )
        step(meeting, "open", justerare_id=led["habo"].id)
        decide(
            meeting,
            first,
            "approve_with_conditions",
            conditions="Rapport varje kvartal.",
            votes=[
                meetings_rules.VoteIn(led["af"].id, "yes"),
                meetings_rules.VoteIn(led["fk"].id, "yes"),
                meetings_rules.VoteIn(led["region"].id, "yes"),
                meetings_rules.VoteIn(ers["jonkoping"].id, "yes"),
                meetings_rules.VoteIn(led["habo"].id, "no"),
            ],
            dissents=[
                meetings_rules.DissentIn(led["habo"].id, "reservation", "För dyrt."),
                meetings_rules.DissentIn(
                    led["fk"].id, "protocol_note", "FK vill se statistik per kön."
                ),
            ],
        )
        decide(meeting, second, "reject")
        step(meeting, "close")
        return meeting, [first, second]

    return _closed


@pytest.fixture
def signed(
    session: Session,
    world: factories.World,
    board: Board,  # noqa: F811
    closed: Callable[..., tuple[Meeting, list[Application]]],
    step: Callable[..., Meeting],  # noqa: F811
) -> Callable[..., tuple[Meeting, list[Application]]]:
    """A meeting whose protocol the justerare and then the chair have signed."""

    def _signed(on: date | None = None) -> tuple[Meeting, list[Application]]:
        meeting, apps = closed(on=on)
        protocols.sign_as_justerare(session, meeting, by=board.ledamot["habo"])
        session.commit()
        engine.fire(MEETING, meeting, "sign", by=world.users["chair"], session=session)
        session.commit()
        return meeting, apps

    return _signed
