"""The LIV path through the engine and the board: proposal, admission, yearly decisions, end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from states.application import State
from tests import factories
from tests.liv.conftest import LIV_TEXTS, YEAR
from workflow import engine
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.report import REPORT
from workflow.models import AuditEvent, Decision, DecisionAmount, Meeting
from workflow.models.liv import LivYear
from workflow.operations import meetings
from workflow.rules import budget
from workflow.rules import liv as liv_rules
from workflow.rules import meetings as meetings_rules


def _fields(exc: Any) -> list[str]:
    return [p.field for p in exc.value.problems]


def test_propose_liv_names_every_missing_text(
    session: Session, world: factories.World, active: Callable[..., Any]
) -> None:
    app = active()
    with pytest.raises(ValidationFailed) as exc:
        engine.fire(APPLICATION, app, "propose_liv", by=world.users["applicant"], session=session)
    assert _fields(exc) == ["activity_description", "report_plan", "results_summary"]
    assert app.state == State.ACTIVE


def test_propose_liv_stores_the_texts_sent_with_the_step(
    session: Session, world: factories.World, active: Callable[..., Any]
) -> None:
    app = active()
    engine.fire(
        APPLICATION,
        app,
        "propose_liv",
        by=world.users["applicant"],
        session=session,
        payload=LIV_TEXTS,
    )
    session.commit()
    session.refresh(app)
    assert app.state == State.LIV_PROPOSED
    assert app.report_plan == LIV_TEXTS["report_plan"]
    assert app.results_summary == LIV_TEXTS["results_summary"]


def test_propose_liv_from_a_closed_insats_with_its_own_texts(
    session: Session, world: factories.World, make_application: Callable[..., Any]
) -> None:
    app = make_application(state=State.CLOSED, **LIV_TEXTS)
    engine.fire(APPLICATION, app, "propose_liv", by=world.users["applicant"], session=session)
    assert app.state == State.LIV_PROPOSED


def test_board_admits_to_liv_with_the_first_year_financed(
    session: Session,
    world: factories.World,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
) -> None:
    app = liv_proposed()
    meeting = open_meeting(app)
    assert app.state == State.LIV_PROPOSED  # the agenda item, not a state, says it waits
    decision = decide(meeting, app, "approve", amounts=[meetings.AmountIn(YEAR + 1, 900_000)])
    session.refresh(app)
    assert app.state == State.IN_LIV
    assert decision.paragraph == 5  # after the four standard items
    assert liv_rules.financed_years(session, app) == {YEAR + 1}
    committed = budget.committed_by_year(session, world.association.id)
    assert committed[YEAR + 1] == 900_000


def test_liv_refusal_returns_the_insats_where_it_stood(
    session: Session,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
) -> None:
    app = liv_proposed()
    meeting = open_meeting(app)
    decide(meeting, app, "reject")
    session.refresh(app)
    assert app.state == State.ACTIVE


def test_yearly_decision_commits_that_years_amount(
    session: Session,
    world: factories.World,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
    step: Callable[..., Meeting],
) -> None:
    app = liv_proposed()
    first = open_meeting(app, on=date(YEAR, 3, 14))
    decide(first, app, "approve", amounts=[meetings.AmountIn(YEAR, 800_000)])
    step(first, "close")
    second = open_meeting(app, on=date(YEAR, 10, 10))
    decision = decide(second, app, "approve", amounts=[meetings.AmountIn(YEAR + 1, 950_000)])
    session.refresh(app)
    assert app.state == State.IN_LIV
    assert decision.paragraph == 11  # the first meeting took §§ 1–6
    amounts = session.exec(
        select(DecisionAmount.year, DecisionAmount.amount_sek).where(
            DecisionAmount.decision_id == decision.id
        )
    ).all()
    assert amounts == [(YEAR + 1, 950_000)]
    assert liv_rules.financed_years(session, app) == {YEAR, YEAR + 1}
    actions = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "application", AuditEvent.entity_id == app.id
        )
    ).all()
    assert "liv_year_decision" in actions


def test_a_year_is_financed_once_and_one_year_at_a_time(
    session: Session,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
    step: Callable[..., Meeting],
) -> None:
    app = liv_proposed()
    first = open_meeting(app, on=date(YEAR, 3, 14))
    with pytest.raises(ValidationFailed) as exc:
        decide(
            first,
            app,
            "approve",
            amounts=[meetings.AmountIn(YEAR, 1), meetings.AmountIn(YEAR + 1, 1)],
        )
    assert "amounts" in _fields(exc)
    session.rollback()
    decide(first, app, "approve", amounts=[meetings.AmountIn(YEAR, 500_000)])
    step(first, "close")
    second = open_meeting(app, on=date(YEAR, 9, 1))
    with pytest.raises(ValidationFailed) as exc:
        decide(second, app, "approve", amounts=[meetings.AmountIn(YEAR, 500_000)])
    assert _fields(exc) == ["amounts.0.year"]


def test_refer_back_is_no_liv_outcome(
    session: Session,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
) -> None:
    app = liv_proposed()
    meeting = open_meeting(app)
    with pytest.raises(ValidationFailed) as exc:
        decide(meeting, app, "refer_back", questions="Varför?")
    assert "outcome" in _fields(exc)


def test_a_yearly_decision_that_would_borrow_is_refused(
    session: Session,
    world: factories.World,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
) -> None:
    app = liv_proposed()
    meeting = open_meeting(app)
    # The budgets fixture: 10 000 000 + 2 000 000 carried - 1 000 000 costs a year, so
    # 30 000 000 for next year takes the projected balance below zero.
    with pytest.raises(ValidationFailed) as exc:
        decide(meeting, app, "approve", amounts=[meetings.AmountIn(YEAR + 1, 30_000_000)])
    assert any(f.startswith("amounts") for f in _fields(exc))
    session.rollback()
    # Nothing of the refused decision remains (the grant's decision, at its own meeting, does).
    assert session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).first() is None
    session.refresh(app)
    assert app.state == State.LIV_PROPOSED


def test_flag_when_last_years_report_is_not_accepted(
    session: Session,
    world: factories.World,
    liv_proposed: Callable[..., Any],
) -> None:
    app = liv_proposed()
    assert liv_rules.unreported(session, [app], YEAR) == {app.id}
    report = factories.report(session, world, app, state="submitted", year=YEAR - 1)
    session.commit()
    # Submitted is not enough: only an accepted report counts.
    assert liv_rules.unreported(session, [app], YEAR) == {app.id}
    engine.fire(REPORT, report, "accept", by=world.users["officer"], session=session)
    session.commit()
    assert liv_rules.unreported(session, [app], YEAR) == set()


def test_a_liv_item_waits_on_one_agenda_at_a_time(
    session: Session,
    world: factories.World,
    liv_proposed: Callable[..., Any],
    plan: Callable[..., Meeting],
    place: Callable[..., None],
) -> None:
    app = liv_proposed()
    assert app in meetings_rules.ready_for_agenda(session, world.association.id)
    first = plan(on=date(YEAR, 3, 1))
    place(first, app)
    assert app not in meetings_rules.ready_for_agenda(session, world.association.id)
    second = plan(on=date(YEAR, 4, 1))
    with pytest.raises(Conflict):
        place(second, app)
    session.rollback()
    meetings.remove_from_agenda(session, first, app.id, by=world.users["officer"])
    session.commit()
    session.refresh(app)
    assert app.state == State.LIV_PROPOSED
    assert app in meetings_rules.ready_for_agenda(session, world.association.id)


def test_phase_out_ends_the_activity(
    session: Session,
    world: factories.World,
    liv_proposed: Callable[..., Any],
    open_meeting: Callable[..., Meeting],
    decide: Callable[..., Any],
) -> None:
    app = liv_proposed()
    meeting = open_meeting(app)
    decide(meeting, app, "approve", amounts=[meetings.AmountIn(YEAR, 700_000)])
    with pytest.raises(Forbidden):
        engine.fire(APPLICATION, app, "phase_out", by=world.users["applicant"], session=session)
    engine.fire(
        APPLICATION,
        app,
        "phase_out",
        by=world.users["officer"],
        session=session,
        payload={"reason": "Klar."},
    )
    session.commit()
    assert app.state == State.ENDED
    # The financed year stays on record after the activity ends.
    assert session.exec(select(LivYear.year).where(LivYear.application_id == app.id)).all() == [
        YEAR
    ]
