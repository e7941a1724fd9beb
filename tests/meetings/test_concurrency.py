"""Decisions at the same instant: one wins per item, paragraphs stay unique and gap-free."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from states.application import State
from tests.meetings.conftest import YEAR
from workflow import audit, transaction
from workflow.errors import Conflict
from workflow.extensions import db
from workflow.models import Application, Decision, Meeting, User
from workflow.operations import meetings
from workflow.rules import meetings as meetings_rules


def _together(app: Any, work: Callable[[int], Any], count: int) -> list[Any]:
    """Run `work(i)` in `count` threads, each with its own app context and session."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def runner(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
            except Exception as exc:
                results[i] = exc
                transaction.rollback()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_simultaneous_decisions_on_one_item_exactly_one_wins(app, session, world, held):
    meeting, (item,) = held()
    meeting_id, app_id, chair_id = meeting.id, item.id, world.users["chair"].id
    outcomes = ["approve", "reject", "refer_back", "approve_with_conditions"]
    session.close()

    def decide(i: int) -> int:
        s: Session = db.session
        row = s.get(Application, app_id)
        decision = meetings.decide(
            s,
            s.get(Meeting, meeting_id),
            meetings.DecisionInput(
                application_id=app_id,
                outcome=outcomes[i],
                amounts=meetings_rules.requested_amounts(row),
                conditions="Villkor.",
                questions="Frågor.",
            ),
            by=s.get(User, chair_id),
        )
        transaction.commit()
        return decision.paragraph

    results = _together(app, decide, len(outcomes))
    wins = [r for r in results if isinstance(r, int)]
    losses = [r for r in results if not isinstance(r, int)]
    assert wins == [5], results  # the item's §, after the four standard items
    # The losers waited on the meeting's lock, then found the item decided.
    assert {(type(r), r.code) for r in losses} == {(Conflict, "already_decided")}, results
    decisions = session.exec(select(Decision)).all()
    assert len(decisions) == 1
    stored = session.get(Application, app_id, populate_existing=True)
    expected = {
        "approve": State.APPROVED,
        "approve_with_conditions": State.APPROVED,
        "reject": State.REJECTED,
        "refer_back": State.IN_PREPARATION,
    }[decisions[0].outcome]
    assert stored.state == expected
    assert audit.verify(session).ok


def test_simultaneous_decisions_on_different_items_keep_their_agenda_paragraphs(
    app, session, world, held
):
    count = 6
    meeting, items = held(n=count)
    meeting_id, chair_id = meeting.id, world.users["chair"].id
    ids = [i.id for i in items]
    session.close()

    def decide(i: int) -> int:
        s: Session = db.session
        decision = meetings.decide(
            s,
            s.get(Meeting, meeting_id),
            meetings.DecisionInput(application_id=ids[i], outcome="reject"),
            by=s.get(User, chair_id),
        )
        transaction.commit()
        return (i, decision.paragraph)

    results = _together(app, decide, count)
    # Each item keeps the § it took when the meeting opened, in agenda order.
    assert sorted(results) == [(i, 5 + i) for i in range(count)], results
    assert audit.verify(session).ok


def test_simultaneous_delegated_decisions_exactly_one_wins(
    app, session, world, make_application, budgets
):
    budget = [{"year": YEAR, "amount_sek": 100_000}]
    app_id = make_application(state=State.PREPARED, budget=budget).id
    officer_id = world.users["officer"].id
    session.close()

    def delegate(i: int) -> str:
        s: Session = db.session
        row = s.get(Application, app_id)
        decision = meetings.decide_delegated(
            s,
            row,
            by=s.get(User, officer_id),
            outcome="approve" if i % 2 else "reject",
            amounts=[meetings.AmountIn(YEAR, 100_000)],
        )
        transaction.commit()
        return decision.outcome

    results = _together(app, delegate, 4)
    wins = [r for r in results if isinstance(r, str)]
    assert len(wins) == 1, results
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, str)), results
    assert len(session.exec(select(Decision)).all()) == 1
