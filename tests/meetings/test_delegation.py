"""Delegated decisions: within the limit, above it, and reported at the next meeting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from states.application import State
from tests.meetings.conftest import YEAR
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.models import AgendaItem, Application, AuditEvent, Decision
from workflow.operations import meetings
from workflow.rules import budget
from workflow.rules import meetings as meetings_rules

SMALL = [{"year": YEAR, "amount_sek": 120_000}, {"year": YEAR + 1, "amount_sek": 60_000}]


@pytest.fixture
def small(make_application, budgets):
    """A prepared application asking 180 000 SEK, within the 200 000 SEK limit."""
    return make_application(state=State.PREPARED, budget=SMALL)


def _amounts(lines=SMALL) -> list[meetings.AmountIn]:
    return [meetings.AmountIn(line["year"], line["amount_sek"]) for line in lines]


def _state(session, app: Application) -> str:
    session.expire_all()
    return session.get(Application, app.id).state


def _nothing_decided(session, app: Application) -> None:
    session.rollback()
    assert session.exec(select(Decision)).all() == []
    assert _state(session, app) == State.PREPARED


def test_approve_within_the_limit(session, world, small):
    decision = meetings.decide_delegated(
        session, small, by=world.users["officer"], outcome="approve", amounts=_amounts()
    )
    session.commit()
    assert (decision.delegated, decision.meeting_id, decision.paragraph) == (True, None, None)
    assert sum(a.amount_sek for a in decision.amounts) == 180_000
    assert _state(session, small) == State.APPROVED
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "delegated_approve")).one()
    assert event.data["decision_id"] == decision.id


def test_reject_within_the_limit(session, world, small):
    decision = meetings.decide_delegated(
        session, small, by=world.users["officer"], outcome="reject", reason="Utanför målgruppen."
    )
    session.commit()
    assert (decision.outcome, decision.amounts) == ("reject", [])
    assert _state(session, small) == State.REJECTED
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "delegated_reject")).one()
    assert event.reason == "Utanför målgruppen."


def test_above_the_limit_the_board_decides(session, world, make_application, budgets):
    big = make_application(state=State.PREPARED)  # asks 3 000 000 SEK
    for outcome in ("approve", "reject"):
        with pytest.raises(Forbidden) as refused:
            meetings.decide_delegated(
                session,
                big,
                by=world.users["officer"],
                outcome=outcome,
                amounts=_amounts(),
            )
        assert refused.value.code == "above_delegation_limit"
        assert [p.field for p in refused.value.problems] == ["amounts"]
        assert str(budget.Kronor(200_000)) in str(refused.value.message)
        _nothing_decided(session, big)


def test_granting_more_than_the_limit_is_above_it_too(session, world, small):
    with pytest.raises(Forbidden):
        meetings.decide_delegated(
            session,
            small,
            by=world.users["officer"],
            outcome="approve",
            amounts=[meetings.AmountIn(YEAR, 250_000)],
        )
    _nothing_decided(session, small)


def test_at_the_limit_exactly_is_within_it(session, world, make_application, budgets):
    app = make_application(state=State.PREPARED, budget=[{"year": YEAR, "amount_sek": 200_000}])
    meetings.decide_delegated(
        session,
        app,
        by=world.users["officer"],
        outcome="approve",
        amounts=[meetings.AmountIn(YEAR, 200_000)],
    )
    session.commit()
    assert _state(session, app) == State.APPROVED


@pytest.mark.parametrize("who", ["chair", "board", "preparer"])
def test_only_officers_decide_by_delegation(session, world, small, who):
    with pytest.raises(Forbidden):
        meetings.decide_delegated(
            session, small, by=world.users[who], outcome="reject", amounts=_amounts()
        )
    _nothing_decided(session, small)


def test_delegated_decision_refusals(session, world, small, make_application):
    officer = world.users["officer"]
    with pytest.raises(ValidationFailed) as refused:
        meetings.decide_delegated(session, small, by=officer, outcome="approve")
    assert [p.field for p in refused.value.problems] == ["amounts"]
    _nothing_decided(session, small)
    with pytest.raises(ValidationFailed) as refused:
        meetings.decide_delegated(session, small, by=officer, outcome="refer_back")
    assert [p.field for p in refused.value.problems] == ["outcome"]
    _nothing_decided(session, small)
    with pytest.raises(Conflict) as refused:
        meetings.decide_delegated(
            session, small, by=officer, outcome="reject", expected_version=small.version + 1
        )
    assert refused.value.code == "stale_version"
    _nothing_decided(session, small)
    proposed = make_application(state=State.PROPOSED, budget=SMALL)
    with pytest.raises(Conflict):
        meetings.decide_delegated(session, proposed, by=officer, outcome="reject")
    _nothing_decided(session, small)


def test_a_delegated_approval_may_not_borrow(session, world, make_application):
    # No budget at all: every krona granted would be borrowed.
    app = make_application(state=State.PREPARED, budget=SMALL)
    with pytest.raises(ValidationFailed) as refused:
        meetings.decide_delegated(
            session, app, by=world.users["officer"], outcome="approve", amounts=_amounts()
        )
    assert {p.field for p in refused.value.problems} == {"amounts"}
    _nothing_decided(session, app)


# --- reported at the next meeting -----------------------------------------------------------


def _delegate(session, world, app, outcome="approve"):
    decision = meetings.decide_delegated(
        session,
        app,
        by=world.users["officer"],
        outcome=outcome,
        amounts=_amounts() if outcome == "approve" else (),
    )
    session.commit()
    return decision


def _reports(session, meeting) -> list[AgendaItem]:
    session.expire_all()
    return [
        e.item
        for e in meetings_rules.agenda(session, meeting)
        if e.item.kind == "delegation_report"
    ]


def test_delegated_decisions_are_listed_on_the_next_meeting_planned(
    session, world, small, make_application, plan
):
    other = make_application(state=State.PREPARED, budget=SMALL)
    first = _delegate(session, world, small)
    second = _delegate(session, world, other, "reject")
    meeting = plan()
    reports = _reports(session, meeting)
    assert [r.decision_id for r in reports] == [first.id, second.id]
    assert [r.paragraph for r in reports] == [None, None]
    # Reported once: a later meeting does not list them again.
    assert _reports(session, plan(on=date(YEAR, 9, 1))) == []


def test_decisions_taken_after_planning_are_reported_when_the_meeting_opens(
    session, world, board, small, plan, attend, step
):
    meeting = plan()
    assert _reports(session, meeting) == []
    decision = _delegate(session, world, small)
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    assert [r.decision_id for r in _reports(session, meeting)] == [decision.id]


def test_reports_take_their_paragraphs_in_agenda_order_when_the_meeting_opens(
    session, world, board, small, plan, place, attend, step, proposed, decide
):
    _delegate(session, world, small)
    meeting = plan()  # the report goes on the agenda as the meeting is planned
    item = proposed()
    place(meeting, item)  # after the report, before the closing item
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    (report,) = _reports(session, meeting)
    assert (report.paragraph_year, report.paragraph) == (YEAR, 5)
    assert decide(meeting, item, "reject").paragraph == 6
    step(meeting, "close")
    session.refresh(report)
    assert report.state == "decided"  # noted at the close
    assert meetings_rules.paragraph_range(session, meeting) == (1, 7)


def test_a_report_stays_on_the_agenda_and_cannot_be_decided(
    session, world, board, small, plan, attend, step
):
    _delegate(session, world, small)
    meeting = plan()
    with pytest.raises(Conflict):
        meetings.remove_from_agenda(session, meeting, small.id, by=world.users["officer"])
    session.rollback()
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    with pytest.raises(Conflict) as refused:
        meetings.decide(
            session,
            meeting,
            meetings.DecisionInput(application_id=small.id, outcome="reject"),
            by=world.users["chair"],
        )
    assert refused.value.code == "not_on_agenda"
