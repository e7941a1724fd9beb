"""Justering: the justerare signs, then the chair; the signed protocol locks the meeting."""

from __future__ import annotations

import pytest
from sqlmodel import select

from workflow import engine
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.lifecycles.meeting import MEETING
from workflow.models import AuditEvent
from workflow.models.protocols import ProtocolSignature
from workflow.operations import meetings, protocols
from workflow.rules import meetings as meetings_rules


def _actions(session, meeting) -> list[str]:
    return [
        e.action
        for e in session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "meeting", AuditEvent.entity_id == meeting.id)
            .order_by(AuditEvent.id)
        ).all()
    ]


def test_the_justerare_signs_then_the_chair(session, world, board, closed):
    meeting, _ = closed()
    chair, hugo = world.users["chair"], board.ledamot["habo"]
    with pytest.raises(ValidationFailed) as early:
        engine.fire(MEETING, meeting, "sign", by=chair, session=session)
    assert [p.field for p in early.value.problems] == ["justerare_id"]
    assert str(early.value.problems[0].message) == "Justeraren har inte justerat protokollet än."
    session.rollback()
    protocols.sign_as_justerare(session, meeting, by=hugo)
    session.commit()
    engine.fire(MEETING, meeting, "sign", by=chair, session=session)
    session.commit()
    assert meeting.state == "protocol_signed"
    rows = session.exec(
        select(ProtocolSignature).where(ProtocolSignature.meeting_id == meeting.id)
    ).all()
    assert {(r.role, r.user_id) for r in rows} == {("justerare", hugo.id), ("chair", chair.id)}
    assert all(r.signed_at is not None for r in rows)
    assert _actions(session, meeting)[-2:] == ["justera", "sign"]


def test_who_may_sign_and_when(session, world, board, plan, attend, step, closed):
    meeting = plan()
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open", justerare_id=board.ledamot["habo"].id)
    with pytest.raises(Conflict) as before_close:
        protocols.sign_as_justerare(session, meeting, by=board.ledamot["habo"])
    assert before_close.value.code == "invalid_state"
    session.rollback()
    held, _ = closed()
    for someone in (board.ledamot["af"], world.users["chair"], world.users["officer"]):
        with pytest.raises(Forbidden):
            protocols.sign_as_justerare(session, held, by=someone)
        session.rollback()
    protocols.sign_as_justerare(session, held, by=board.ledamot["habo"])
    session.commit()
    with pytest.raises(Conflict) as twice:
        protocols.sign_as_justerare(session, held, by=board.ledamot["habo"])
    assert twice.value.code == "already_signed"
    session.rollback()
    # Changing the justerare at `sign` needs the new one's signature.
    with pytest.raises(ValidationFailed) as other:
        engine.fire(
            MEETING,
            held,
            "sign",
            by=world.users["chair"],
            session=session,
            payload={"justerare_id": board.ledamot["af"].id},
        )
    assert [p.field for p in other.value.problems] == ["justerare_id"]
    session.rollback()
    with pytest.raises(Forbidden):
        engine.fire(MEETING, held, "sign", by=board.ledamot["habo"], session=session)


def test_undecided_items_leave_the_agenda_before_signing(
    session, world, board, plan, place, attend, step, proposed
):
    meeting = plan()
    app = proposed()
    place(meeting, app)
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open", justerare_id=board.ledamot["habo"].id)
    step(meeting, "close")
    protocols.sign_as_justerare(session, meeting, by=board.ledamot["habo"])
    session.commit()
    with pytest.raises(ValidationFailed) as refused:
        engine.fire(MEETING, meeting, "sign", by=world.users["chair"], session=session)
    assert [p.field for p in refused.value.problems] == ["agenda"]
    assert app.title in str(refused.value.problems[0].message)
    session.rollback()
    meetings.remove_from_agenda(session, meeting, app.id, by=world.users["officer"])
    session.commit()
    step(meeting, "sign")
    assert meeting.state == "protocol_signed"


def test_a_signed_meeting_is_locked(session, world, board, signed, proposed):
    meeting, (first, second) = signed()
    officer, chair = world.users["officer"], world.users["chair"]
    other = proposed()
    refusals = {
        "attendance": lambda: meetings.record_attendance(
            session, meeting, [meetings.AttendanceIn(board.ledamot["af"].id, False)], by=officer
        ),
        "decision": lambda: meetings.decide(
            session,
            meeting,
            meetings.DecisionInput(application_id=second.id, outcome="reject"),
            by=chair,
        ),
        "agenda add": lambda: meetings.add_to_agenda(session, meeting, [other.id], by=officer),
        "agenda order": lambda: meetings.reorder(
            session, meeting, [second.id, first.id], by=officer
        ),
        "agenda remove": lambda: meetings.remove_from_agenda(
            session, meeting, second.id, by=officer
        ),
        "item add": lambda: meetings.add_item(
            session, meeting, meetings.ItemIn("other", "Sent påkommet"), by=officer
        ),
        "item decide": lambda: meetings.decide_item(
            session, meeting, meetings_rules.items_of(session, meeting)[0].id, "Nytt.", by=chair
        ),
        "close": lambda: engine.fire(MEETING, meeting, "close", by=chair, session=session),
        "sign": lambda: engine.fire(MEETING, meeting, "sign", by=chair, session=session),
        "justera": lambda: protocols.sign_as_justerare(session, meeting, by=board.ledamot["habo"]),
    }
    for name, change in refusals.items():
        with pytest.raises(Conflict) as refused:
            change()
        assert refused.value.status == 409, name
        assert str(refused.value.message), name
        session.rollback()
    session.expire_all()
    assert [e.item.position for e in meetings_rules.agenda(session, meeting)] == list(range(1, 8))
    assert meetings_rules.present_user_ids(session, meeting) >= {board.ledamot["af"].id}


def test_the_chair_chooses_a_justerare_after_the_meeting(
    session, world, board, plan, attend, step, closed
):
    meeting = plan()
    led = board.ledamot
    attend(meeting, present=[led["af"], led["fk"], led["region"]], absent=[led["habo"]])
    step(meeting, "open")
    chair = world.users["chair"]
    with pytest.raises(Conflict) as still_open:
        protocols.choose_justerare(session, meeting, led["af"].id, by=chair)
    assert still_open.value.code == "invalid_state"
    session.rollback()
    step(meeting, "close")
    with pytest.raises(Forbidden):
        protocols.choose_justerare(session, meeting, led["af"].id, by=world.users["officer"])
    session.rollback()
    with pytest.raises(ValidationFailed) as absent:
        protocols.choose_justerare(session, meeting, led["habo"].id, by=chair)
    assert [p.field for p in absent.value.problems] == ["justerare_id"]
    session.rollback()
    protocols.choose_justerare(session, meeting, led["af"].id, by=chair)
    session.commit()
    assert meeting.justerare_id == led["af"].id
    protocols.sign_as_justerare(session, meeting, by=led["af"])
    session.commit()
    with pytest.raises(Conflict) as signed:
        protocols.choose_justerare(session, meeting, led["fk"].id, by=chair)
    assert signed.value.code == "already_signed"
    session.rollback()
    assert _actions(session, meeting)[-3:] == ["close", "choose_justerare", "justera"]
