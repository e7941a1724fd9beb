"""The board's decisions: paragraphs, amounts, votes, dissents, jäv, and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from states.application import State
from tests import factories
from tests.meetings.conftest import YEAR
from workflow import audit
from workflow.errors import Conflict, Forbidden, NotFound, ValidationFailed
from workflow.models import (
    Application,
    AssociationBudget,
    AuditEvent,
    Decision,
    DecisionAmount,
    Dissent,
    MailMessage,
    Recusal,
    Vote,
    clock_at,
)
from workflow.operations import meetings
from workflow.rules import meetings as meetings_rules


def _fields(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.field for p in exc.value.problems]


def _count(session, model) -> int:
    return len(session.exec(select(model)).all())


def _state(session, app: Application) -> str:
    session.expire_all()
    return session.get(Application, app.id).state


def _refused(session, exc_type, meeting, app, *, by, **kwargs):
    """Decide, expect `exc_type`, and check that nothing was written."""
    before = (_count(session, Decision), _count(session, AuditEvent), _state(session, app))
    with pytest.raises(exc_type) as refused:
        meetings.decide(
            session,
            meeting,
            meetings.DecisionInput(application_id=app.id, **kwargs),
            by=by,
        )
    session.rollback()
    after = (_count(session, Decision), _count(session, AuditEvent), _state(session, app))
    assert after == before
    return refused


def test_an_approval_takes_a_paragraph_and_moves_the_application(session, world, held, decide):
    meeting, (app,) = held()
    decision = decide(meeting, app)
    # §§ 1–4 are the standard items that open the meeting; the application is § 5.
    assert (decision.paragraph_year, decision.paragraph) == (YEAR, 5)
    assert (decision.quorum_seats, decision.quorum_present) == (5, 5)
    assert [(a.year, a.amount_sek) for a in decision.amounts] == [
        (YEAR, 1_500_000),
        (YEAR + 1, 1_500_000),
    ]
    assert _state(session, app) == State.APPROVED
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "board_approve")).one()
    assert (event.entity_id, event.data["paragraph"], event.data["meeting_id"]) == (
        app.id,
        5,
        meeting.id,
    )
    assert audit.verify(session).ok


def test_paragraphs_continue_across_meetings_and_restart_each_year(session, held, decide, step):
    first, apps = held(n=2, on=date(YEAR, 2, 1))
    # Four standard items open each meeting, one closes it.
    assert [decide(first, a, "reject").paragraph for a in apps] == [5, 6]
    step(first, "close")
    second, (later,) = held(on=date(YEAR, 5, 1))
    assert decide(second, later, "reject").paragraph == 12
    step(second, "close")
    # The next year's meeting is held on its date: the clock stands there.
    with clock_at(datetime(YEAR + 1, 1, 20, 9, tzinfo=UTC)):
        next_year, (new,) = held(on=date(YEAR + 1, 1, 20))
        decision = decide(next_year, new, "reject")
    assert (decision.paragraph_year, decision.paragraph) == (YEAR + 1, 5)
    assert meetings_rules.paragraph_range(session, first) == (1, 7)
    assert meetings_rules.paragraph_range(session, second) == (8, 13)


def test_paragraphs_follow_the_agenda_whatever_the_order_of_decisions(session, world, held, decide):
    meeting, (one, two) = held(n=2)
    _refused(
        session,
        ValidationFailed,
        meeting,
        one,
        by=world.users["chair"],
        outcome="approve",
    )
    assert decide(meeting, two, "reject").paragraph == 6
    assert decide(meeting, one, "reject").paragraph == 5


@pytest.mark.parametrize("who", ["board", "officer", "auditor"])
def test_only_the_chair_decides(session, world, held, who):
    meeting, (app,) = held()
    _refused(session, Forbidden, meeting, app, by=world.users[who], outcome="reject")


def test_no_decision_before_the_meeting_opens_or_after_it_closes(
    session, world, board, budgets, plan, place, attend, step, proposed
):
    meeting = plan()
    app = proposed()
    place(meeting, app)
    attend(meeting, present=list(board.ledamot.values()))
    refused = _refused(session, Conflict, meeting, app, by=world.users["chair"], outcome="reject")
    assert refused.value.code == "invalid_state"
    step(meeting, "open")
    step(meeting, "close")
    refused = _refused(session, Conflict, meeting, app, by=world.users["chair"], outcome="reject")
    assert refused.value.code == "invalid_state"


def test_no_decision_when_the_board_is_not_quorate(
    session, world, board, budgets, plan, place, attend, step, proposed
):
    meeting = plan()
    app = proposed()
    place(meeting, app)
    attend(meeting, present=[board.ledamot["af"], board.ledamot["fk"]])
    step(meeting, "open")
    refused = _refused(
        session, ValidationFailed, meeting, app, by=world.users["chair"], outcome="reject"
    )
    assert _fields(refused) == ["attendance"]
    assert "2 av 5" in str(refused.value.problems[0].message)  # Swedish: the default language


def test_no_decision_on_an_item_not_on_this_agenda(
    session, world, held, proposed, make_application
):
    meeting, _ = held()
    elsewhere = proposed()
    refused = _refused(
        session, Conflict, meeting, elsewhere, by=world.users["chair"], outcome="reject"
    )
    assert refused.value.code == "not_on_agenda"
    other = factories.application(session, world)
    other.association_id = world.other_association.id
    session.commit()
    _refused(session, NotFound, meeting, other, by=world.users["chair"], outcome="reject")


def test_no_second_decision_on_the_same_item(session, world, held, decide):
    meeting, (app,) = held()
    decide(meeting, app, "approve")
    refused = _refused(session, Conflict, meeting, app, by=world.users["chair"], outcome="reject")
    assert refused.value.code == "already_decided"
    assert "§ 5" in str(refused.value.message)


def test_an_approval_needs_valid_amounts(session, world, held):
    meeting, (app,) = held()
    chair = world.users["chair"]
    refused = _refused(session, ValidationFailed, meeting, app, by=chair, outcome="approve")
    assert _fields(refused) == ["amounts"]
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=chair,
        outcome="approve",
        amounts=[
            meetings.AmountIn(YEAR + 5, 100),
            meetings.AmountIn(YEAR, 100),
            meetings.AmountIn(YEAR, -1),
        ],
    )
    assert _fields(refused) == ["amounts.0.year", "amounts.2.year", "amounts.2.amount_sek"]
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=chair,
        outcome="approve",
        amounts=[meetings.AmountIn(YEAR, 0)],
    )
    assert _fields(refused) == ["amounts"]


def test_conditions_and_questions_are_required_where_they_belong(session, world, held):
    meeting, (app,) = held()
    chair = world.users["chair"]
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=chair,
        outcome="approve_with_conditions",
        amounts=meetings_rules.requested_amounts(app),
        conditions="   ",
    )
    assert _fields(refused) == ["conditions"]
    refused = _refused(session, ValidationFailed, meeting, app, by=chair, outcome="refer_back")
    assert _fields(refused) == ["questions"]


def test_an_approval_may_not_make_the_association_borrow(session, world, held, budgets):
    meeting, (app,) = held()
    budget = session.exec(select(AssociationBudget).where(AssociationBudget.year == YEAR + 1)).one()
    budget.admin_costs_sek = 20_000_000  # the office spends the whole year and more
    session.commit()
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=world.users["chair"],
        outcome="approve",
        amounts=meetings_rules.requested_amounts(app),
    )
    assert set(_fields(refused)) == {"amounts"}
    assert str(YEAR + 1) in " ".join(str(p.message) for p in refused.value.problems)


def test_conditional_approval_and_amounts_are_stored(session, held, decide):
    meeting, (app,) = held()
    decision = decide(
        meeting,
        app,
        "approve_with_conditions",
        conditions="Avtal om medfinansiering ska vara undertecknat.",
        amounts=[meetings.AmountIn(YEAR, 1_000_000), meetings.AmountIn(YEAR + 1, 900_000)],
    )
    assert decision.conditions == "Avtal om medfinansiering ska vara undertecknat."
    assert sum(a.amount_sek for a in session.exec(select(DecisionAmount)).all()) == 1_900_000
    assert _state(session, app) == State.APPROVED


def test_reject_stores_no_amounts(session, held, decide):
    meeting, (app,) = held()
    decision = decide(meeting, app, "reject", amounts=meetings_rules.requested_amounts(app))
    assert decision.amounts == []
    assert _state(session, app) == State.REJECTED


def test_refer_back_returns_the_application_with_the_boards_questions(session, world, held, decide):
    meeting, (app,) = held()
    decision = decide(meeting, app, "refer_back", questions="Hur ska kommunerna medfinansiera?")
    assert decision.questions == "Hur ska kommunerna medfinansiera?"
    assert _state(session, app) == State.IN_PREPARATION
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "board_refer_back")).one()
    assert event.reason == "Hur ska kommunerna medfinansiera?"
    mail = session.exec(select(MailMessage).where(MailMessage.event == "board_refer_back")).one()
    assert "Hur ska kommunerna medfinansiera?" in mail.body
    assert world.users["preparer"].email in mail.to_email


# --- votes ---------------------------------------------------------------------------------


def _votes(board, **by_key) -> list[meetings_rules.VoteIn]:
    return [meetings_rules.VoteIn(board.ledamot[k].id, v) for k, v in by_key.items()]


def test_a_majority_of_votes_cast_carries(session, board, held, decide):
    meeting, (app,) = held()
    votes = _votes(board, af="yes", fk="yes", region="no", jonkoping="abstain", habo="abstain")
    decision = decide(meeting, app, "approve", votes=votes)
    stored = {v.user_id: v.vote for v in session.exec(select(Vote)).all()}
    assert stored[board.ledamot["region"].id] == "no"
    assert len(stored) == 5
    assert decision.casting_vote is None


def test_the_outcome_must_agree_with_the_votes(session, world, board, held, decide):
    meeting, (app,) = held()
    votes = _votes(board, af="no", fk="no", region="yes", jonkoping="abstain", habo="no")
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=world.users["chair"],
        outcome="approve",
        amounts=meetings_rules.requested_amounts(app),
        votes=votes,
    )
    assert _fields(refused) == ["outcome"]
    assert decide(meeting, app, "reject", votes=votes).outcome == "reject"


def test_every_serving_member_votes_once_and_only_they(session, world, board, held):
    meeting, (app,) = held()
    chair = world.users["chair"]
    partial = _votes(board, af="yes", fk="yes")
    refused = _refused(
        session, ValidationFailed, meeting, app, by=chair, outcome="reject", votes=partial
    )
    assert _fields(refused) == ["votes"]
    assert "Hugo Ledamot" in str(refused.value.problems[0].message)
    extra = [
        *_votes(board, af="no", fk="no", region="no", jonkoping="no", habo="no"),
        meetings_rules.VoteIn(board.ersattare["af"].id, "no"),
        meetings_rules.VoteIn(world.users["applicant"].id, "no"),
        meetings_rules.VoteIn(board.ledamot["af"].id, "yes"),
    ]
    refused = _refused(
        session, ValidationFailed, meeting, app, by=chair, outcome="reject", votes=extra
    )
    assert _fields(refused) == ["votes.5.user_id", "votes.6.user_id", "votes.7.user_id"]


def test_a_tie_is_decided_by_the_chairs_casting_vote(session, world, board, held, decide):
    meeting, (app,) = held()
    # The chair (fk) abstains: the tie is decided by the casting vote the chair names.
    votes = _votes(board, af="yes", fk="abstain", region="no", jonkoping="yes", habo="no")
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=world.users["chair"],
        outcome="approve",
        amounts=meetings_rules.requested_amounts(app),
        votes=votes,
    )
    assert _fields(refused) == ["casting_vote"]
    decision = decide(meeting, app, "approve", votes=votes, casting_vote="yes")
    assert decision.casting_vote == "yes"
    assert _state(session, app) == State.APPROVED


def test_a_casting_vote_without_a_tie_is_refused(session, world, board, held):
    meeting, (app,) = held()
    votes = _votes(board, af="yes", fk="yes", region="yes", jonkoping="no", habo="no")
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=world.users["chair"],
        outcome="approve",
        amounts=meetings_rules.requested_amounts(app),
        votes=votes,
        casting_vote="yes",
    )
    assert _fields(refused) == ["casting_vote"]


def test_a_voting_chair_casts_with_their_own_vote(session, world, board, held, decide):
    # The chair holds the fk seat: on a tie their own vote decides.
    chair = board.ledamot["fk"]
    assert chair == world.users["chair"]
    meeting, (one, two) = held(n=2)
    votes = _votes(board, af="yes", fk="no", region="yes", jonkoping="no", habo="abstain")
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        one,
        by=chair,
        outcome="approve",
        amounts=meetings_rules.requested_amounts(one),
        votes=votes,
        casting_vote="yes",
    )
    assert _fields(refused) == ["casting_vote"]
    decision = decide(meeting, one, "reject", votes=votes, by=chair)
    assert decision.casting_vote == "no"
    assert decide(meeting, two, "reject", by=chair).paragraph == 6


# --- dissents and jäv -----------------------------------------------------------------------


def test_reservations_and_protocol_notes(session, world, board, held, decide):
    meeting, (app,) = held()
    votes = _votes(board, af="yes", fk="yes", region="yes", jonkoping="no", habo="no")
    reservation = meetings_rules.DissentIn(
        board.ledamot["habo"].id, "reservation", "Insatsen saknar förankring i Habo."
    )
    note = meetings_rules.DissentIn(
        board.ledamot["af"].id, "protocol_note", "Följs upp efter ett år."
    )
    wrong_side = meetings_rules.DissentIn(board.ledamot["fk"].id, "reservation", "Ändrade mig.")
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=world.users["chair"],
        outcome="approve",
        amounts=meetings_rules.requested_amounts(app),
        votes=votes,
        dissents=[
            reservation,
            wrong_side,
            meetings_rules.DissentIn(board.ledamot["jonkoping"].id, "reservation", " "),
        ],
    )
    assert _fields(refused) == ["dissents.1.user_id", "dissents.2.text"]
    decide(meeting, app, "approve", votes=votes, dissents=[reservation, note])
    stored = {(d.user_id, d.kind): d.text for d in session.exec(select(Dissent)).all()}
    assert stored == {
        (board.ledamot["habo"].id, "reservation"): "Insatsen saknar förankring i Habo.",
        (board.ledamot["af"].id, "protocol_note"): "Följs upp efter ett år.",
    }


def test_an_absent_member_cannot_reserve(
    session, world, board, budgets, plan, place, attend, step, proposed
):
    meeting = plan()
    app = proposed()
    place(meeting, app)
    attend(meeting, present=[board.ledamot[k] for k in ("af", "fk", "region")])
    step(meeting, "open")
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        app,
        by=world.users["chair"],
        outcome="reject",
        dissents=[meetings_rules.DissentIn(board.ledamot["habo"].id, "protocol_note", "Borta.")],
    )
    assert _fields(refused) == ["dissents.0.user_id"]


def test_a_javig_member_is_recorded_and_neither_counts_nor_votes(
    session, world, board, budgets, plan, place, attend, step, proposed, decide
):
    meeting = plan()
    one, two = proposed(), proposed()
    place(meeting, one, two)
    attend(meeting, present=[board.ledamot[k] for k in ("af", "fk", "region")])
    step(meeting, "open")
    javig = meetings_rules.RecusalIn(board.ledamot["region"].id, "Anställd hos sökande part.")
    # Without region only two of five seats are filled for this item.
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        one,
        by=world.users["chair"],
        outcome="reject",
        recusals=[javig],
    )
    assert _fields(refused) == ["attendance"]
    attend(meeting, present=[board.ledamot["habo"]])
    refused = _refused(
        session,
        ValidationFailed,
        meeting,
        one,
        by=world.users["chair"],
        outcome="reject",
        recusals=[javig],
        votes=_votes(board, af="no", fk="no", region="no", habo="no"),
    )
    assert _fields(refused) == ["votes.2.user_id"]
    decision = decide(
        meeting,
        one,
        "reject",
        recusals=[javig],
        votes=_votes(board, af="no", fk="no", habo="yes"),
    )
    assert (decision.quorum_seats, decision.quorum_present) == (5, 3)
    recusal = session.exec(select(Recusal)).one()
    assert (recusal.user_id, recusal.application_id, recusal.reason) == (
        board.ledamot["region"].id,
        one.id,
        "Anställd hos sökande part.",
    )
    # The jäv holds for that item only: region takes part in the next one.
    assert decide(meeting, two, "reject").quorum_present == 4
