"""Fixtures of the meeting tests: a full board, budgets, meetings and proposed applications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name
from workflow import engine
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.meeting import MEETING
from workflow.models import Application, AssociationBudget, Meeting, User
from workflow.operations import meetings
from workflow.rules import meetings as meetings_rules

YEAR = date.today().year


@dataclass
class Board:
    """The board of the world's association: one ledamot per member, two ersättare."""

    ledamot: dict[str, User]
    ersattare: dict[str, User]

    def everyone(self) -> list[User]:
        return [*self.ledamot.values(), *self.ersattare.values()]


@pytest.fixture
def board(session: Session, world: factories.World) -> Board:
    """Five seats (af, fk, region, jonkoping, habo); ersättare for af and jonkoping.

    The world's `board` user is the af ledamot; the chair holds the fk seat.
    """
    ledamot = {"af": world.users["board"], "fk": world.users["chair"]}
    names = {
        "region": "Rolf Ledamot",
        "jonkoping": "Jenny Ledamot",
        "habo": "Hugo Ledamot",
    }
    for key, name in names.items():
        ledamot[key] = factories.user(
            session,
            world.association,
            "board",
            world.members[key],
            email=f"ledamot.{key}@example.se",
            name=name,
        )
    ersattare = {
        key: factories.user(
            session,
            world.association,
            "board",
            world.members[key],
            substitute=True,
            email=f"ersattare.{key}@example.se",
            name=f"Ersättare {key}",
        )
        for key in ("af", "jonkoping")
    }
    session.commit()
    return Board(ledamot, ersattare)


@pytest.fixture
def budgets(session: Session, world: factories.World) -> list[AssociationBudget]:
    """Ample budgets for this year and the next two: approvals do not borrow."""
    rows = [
        AssociationBudget(
            association_id=world.association.id,
            year=year,
            contributions_sek=10_000_000,
            carried_over_sek=2_000_000,
            admin_costs_sek=800_000,
            other_costs_sek=200_000,
        )
        for year in (YEAR, YEAR + 1, YEAR + 2)
    ]
    session.add_all(rows)
    session.commit()
    return rows


@pytest.fixture
def proposed(make_application: Callable[..., Application]) -> Callable[..., Application]:
    """An application proposed to the board (ready for an agenda)."""

    def _make(**overrides: Any) -> Application:
        return make_application(state=State.PROPOSED, **overrides)

    return _make


@pytest.fixture
def proposed_with_preparation(
    session: Session, world: factories.World, make_application: Callable[..., Application]
) -> Callable[..., Application]:
    """An application taken through the group's recommendation and the officer's proposal."""

    def _make(**overrides: Any) -> Application:
        app = make_application(state=State.IN_PREPARATION, **overrides)
        engine.fire(
            APPLICATION,
            app,
            "recommend",
            by=world.users["preparer"],
            session=session,
            payload={"recommendation": "approve", "motivation": "Gruppen tillstyrker."},
        )
        engine.fire(
            APPLICATION,
            app,
            "propose",
            by=world.users["officer"],
            session=session,
            payload={"proposal": "Förslag till beslut: bevilja."},
        )
        session.commit()
        return app

    return _make


@pytest.fixture
def plan(session: Session, world: factories.World) -> Callable[..., Meeting]:
    """Plan a meeting (committed); `plan(on=date(...))`."""

    def _plan(
        on: date | None = None,
        location: str | None = "Förbundets kansli",
        starts_at: str | None = "13:00",
    ) -> Meeting:
        meeting = meetings.create_meeting(
            session,
            world.association,
            on=on or date(YEAR, 3, 14),
            location=location,
            starts_at=starts_at,
            by=world.users["officer"],
        )
        session.commit()
        return meeting

    return _plan


@pytest.fixture
def place(session: Session, world: factories.World) -> Callable[..., None]:
    """Put applications on a meeting's agenda (committed)."""

    def _place(meeting: Meeting, *apps: Application) -> None:
        meetings.add_to_agenda(session, meeting, [a.id for a in apps], by=world.users["officer"])
        session.commit()

    return _place


@pytest.fixture
def attend(session: Session, world: factories.World) -> Callable[..., None]:
    """Record attendance (committed): `attend(meeting, present=[...], absent=[...])`."""

    def _attend(
        meeting: Meeting,
        present: list[User] = (),
        absent: list[User] = (),  # type: ignore[assignment]
    ) -> None:
        entries = [meetings.AttendanceIn(u.id, True) for u in present]
        entries += [meetings.AttendanceIn(u.id, False) for u in absent]
        meetings.record_attendance(session, meeting, entries, by=world.users["officer"])
        session.commit()

    return _attend


@pytest.fixture
def step(session: Session, world: factories.World) -> Callable[..., Meeting]:
    """Take a meeting step as the chair (committed)."""

    def _step(meeting: Meeting, trigger: str, **payload: Any) -> Meeting:
        if trigger == "close":  # the meetings here are held on past dates: say when they ended
            payload.setdefault("ends_at", "15:30")
        engine.fire(
            MEETING, meeting, trigger, by=world.users["chair"], session=session, payload=payload
        )
        session.commit()
        return meeting

    return _step


@pytest.fixture
def held(
    board: Board,
    budgets: list[AssociationBudget],
    plan: Callable[..., Meeting],
    place: Callable[..., None],
    attend: Callable[..., None],
    step: Callable[..., Meeting],
    proposed: Callable[..., Application],
) -> Callable[..., tuple[Meeting, list[Application]]]:
    """An open meeting with every ledamot present and `n` proposed items on its agenda."""

    def _held(n: int = 1, on: date | None = None) -> tuple[Meeting, list[Application]]:
        meeting = plan(on=on)
        apps = [proposed(title=f"Insats {i + 1}") for i in range(n)]
        place(meeting, *apps)
        attend(meeting, present=list(board.ledamot.values()))
        step(meeting, "open")
        return meeting, apps

    return _held


@pytest.fixture
def decide(session: Session, world: factories.World) -> Callable[..., Any]:
    """Record a decision as the chair (committed); keyword arguments fill DecisionInput."""

    def _decide(meeting: Meeting, app: Application, outcome: str = "approve", **kwargs: Any):
        by = kwargs.pop("by", None) or world.users["chair"]
        if outcome in meetings_rules.APPROVALS:
            kwargs.setdefault("amounts", meetings_rules.requested_amounts(app))
        decision = meetings.decide(
            session,
            meeting,
            meetings.DecisionInput(application_id=app.id, outcome=outcome, **kwargs),
            by=by,
        )
        session.commit()
        return decision

    return _decide


@pytest.fixture
def bearer(api_token: Callable[[Any], str], world: factories.World) -> Callable[[Any], str]:
    """`bearer("officer")` or `bearer(user)`: a token, made once per user."""
    made: dict[int, str] = {}

    def _bearer(who: Any) -> str:
        user = world.users[who] if isinstance(who, str) else who
        if user.id not in made:
            made[user.id] = api_token(user)
        return made[user.id]

    return _bearer


@pytest.fixture
def sign_in(client: FlaskClient, login: Callable[[Any], Any], world: factories.World) -> Any:
    """Sign a user (a world name or a User) in on the pages, in English (texts stay stable)."""

    def _sign_in(who: Any) -> None:
        login(world.users[who] if isinstance(who, str) else who)
        with client.session_transaction() as browser:
            browser["lang"] = "en"

    return _sign_in
