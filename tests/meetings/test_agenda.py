"""The agenda: several applications at once, order, removal, the states they move through."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from states.application import State
from states.meeting import STANDARD_OPENING
from tests import factories
from tests.meetings.conftest import YEAR
from workflow import audit, engine
from workflow.errors import Conflict, Forbidden, NotFound, ValidationFailed
from workflow.lifecycles.meeting import MEETING
from workflow.models import AgendaItem, Application, AuditEvent, Meeting
from workflow.operations import meetings, protocols
from workflow.rules import meetings as meetings_rules


def _order(session, meeting: Meeting) -> list[int]:
    session.expire_all()
    return [e.application.id for e in meetings_rules.agenda(session, meeting) if e.application]


def _application_items(session) -> list[AgendaItem]:
    return list(session.exec(select(AgendaItem).where(AgendaItem.application_id.is_not(None))))


def _state(session, app: Application) -> str:
    session.expire_all()
    return session.get(Application, app.id).state


def test_a_planned_meeting_is_audited(session, world, plan):
    meeting = plan(on=date(YEAR, 4, 2), location="Jönköping")
    assert (meeting.state, meeting.location, meeting.version) == ("planned", "Jönköping", 1)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "create_meeting")).one()
    assert event.data == {"date": f"{YEAR}-04-02", "starts_at": "13:00", "location": "Jönköping"}


def test_only_officers_plan_meetings(session, world):
    for who in ("board", "chair", "applicant"):
        with pytest.raises(Forbidden):
            meetings.create_meeting(
                session, world.association, on=date(YEAR, 1, 1), by=world.users[who]
            )
        session.rollback()
    assert session.exec(select(Meeting)).all() == []


def test_several_applications_at_once_in_the_order_given(session, world, plan, place, proposed):
    meeting = plan()
    a, b, c = proposed(title="A"), proposed(title="B"), proposed(title="C")
    place(meeting, c, a)
    place(meeting, b)
    assert _order(session, meeting) == [c.id, a.id, b.id]
    assert {_state(session, x) for x in (a, b, c)} == {State.ON_AGENDA}
    # After the standard items that open the meeting, before the one that closes it.
    positions = [i.position for i in _application_items(session)]
    assert sorted(positions) == [5, 6, 7]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "place_on_agenda")).all()
    assert {e.data["meeting_id"] for e in events} == {meeting.id}
    assert audit.verify(session).ok


def test_ready_lists_only_proposed_applications(
    session, world, plan, place, proposed, make_application
):
    meeting = plan()
    ready, placed = proposed(), proposed()
    make_application(state=State.PREPARED)
    place(meeting, placed)
    assert [a.id for a in meetings_rules.ready_for_agenda(session, world.association.id)] == [
        ready.id
    ]


def test_placing_refusals_change_nothing(session, world, plan, place, proposed, make_application):
    meeting = plan()
    ok = proposed()
    prepared = make_application(state=State.PREPARED)
    officer = world.users["officer"]
    with pytest.raises(Forbidden):
        meetings.add_to_agenda(session, meeting, [ok.id], by=world.users["chair"])
    session.rollback()
    with pytest.raises(Conflict) as refused:
        meetings.add_to_agenda(session, meeting, [ok.id, prepared.id], by=officer)
    assert [p.field for p in refused.value.problems] == ["application_ids.1"]
    session.rollback()
    foreign = factories.application(session, world, state=State.PROPOSED)
    foreign.association_id = world.other_association.id
    session.commit()
    with pytest.raises(ValidationFailed) as refused:
        meetings.add_to_agenda(session, meeting, [ok.id, 999_999, foreign.id, ok.id], by=officer)
    assert [p.field for p in refused.value.problems] == [
        "application_ids.1",
        "application_ids.2",
        "application_ids.3",
    ]
    session.rollback()
    with pytest.raises(ValidationFailed):
        meetings.add_to_agenda(session, meeting, [], by=officer)
    session.rollback()
    assert _application_items(session) == []
    assert _state(session, ok) == State.PROPOSED


def test_an_application_goes_on_one_agenda_at_a_time(session, world, plan, place, proposed):
    first, second = plan(), plan(on=date(YEAR, 6, 1))
    app = proposed()
    place(first, app)
    with pytest.raises(Conflict):
        meetings.add_to_agenda(session, second, [app.id], by=world.users["officer"])


def test_reorder_and_move_up_and_down(session, world, plan, place, proposed):
    meeting = plan()
    a, b, c = proposed(), proposed(), proposed()
    place(meeting, a, b, c)
    officer = world.users["officer"]
    meetings.reorder(session, meeting, [c.id, a.id, b.id], by=officer)
    session.commit()
    assert _order(session, meeting) == [c.id, a.id, b.id]
    meetings.move(session, meeting, b.id, "up", by=officer)
    session.commit()
    assert _order(session, meeting) == [c.id, b.id, a.id]
    # One step up passes the standard item above it, not another application.
    meetings.move(session, meeting, c.id, "up", by=officer)
    session.commit()
    keys = [
        e.item.application_id or e.item.standard for e in meetings_rules.agenda(session, meeting)
    ]
    assert keys.index(c.id) == keys.index(STANDARD_OPENING[-1]) - 1
    meetings.move(session, meeting, c.id, "down", by=officer)
    meetings.move(session, meeting, c.id, "down", by=officer)
    session.commit()
    assert _order(session, meeting) == [b.id, c.id, a.id]
    with pytest.raises(ValidationFailed):
        meetings.reorder(session, meeting, [a.id, b.id], by=officer)
    session.rollback()
    with pytest.raises(ValidationFailed):
        meetings.reorder(session, meeting, [a.id, b.id, b.id], by=officer)
    session.rollback()
    assert _order(session, meeting) == [b.id, c.id, a.id]


def test_remove_before_the_meeting_opens(session, world, plan, place, proposed):
    meeting = plan()
    a, b, c = proposed(), proposed(), proposed()
    place(meeting, a, b, c)
    meetings.remove_from_agenda(session, meeting, b.id, by=world.users["officer"])
    session.commit()
    assert _order(session, meeting) == [a.id, c.id]
    # The five standard items and the two applications left, numbered without a gap.
    assert sorted(i.position for i in session.exec(select(AgendaItem)).all()) == list(range(1, 8))
    assert _state(session, b) == State.PROPOSED
    with pytest.raises(NotFound):
        meetings.remove_from_agenda(session, meeting, b.id, by=world.users["officer"])
    session.rollback()
    with pytest.raises(Forbidden):
        meetings.remove_from_agenda(session, meeting, a.id, by=world.users["chair"])


def test_no_agenda_changes_once_the_meeting_is_open(
    session, world, board, plan, place, attend, step, proposed
):
    meeting = plan()
    a, b = proposed(), proposed()
    place(meeting, a)
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    officer = world.users["officer"]
    for change in (
        lambda: meetings.add_to_agenda(session, meeting, [b.id], by=officer),
        lambda: meetings.remove_from_agenda(session, meeting, a.id, by=officer),
        lambda: meetings.reorder(session, meeting, [a.id], by=officer),
    ):
        with pytest.raises(Conflict):
            change()
        session.rollback()
    assert _order(session, meeting) == [a.id]
    assert (_state(session, a), _state(session, b)) == (State.ON_AGENDA, State.PROPOSED)


def test_an_undecided_item_can_be_taken_off_after_the_meeting(session, world, held, decide, step):
    meeting, (decided, tabled) = held(n=2)
    decide(meeting, decided, "reject")
    step(meeting, "close")
    officer = world.users["officer"]
    with pytest.raises(Conflict):
        meetings.remove_from_agenda(session, meeting, decided.id, by=officer)
    session.rollback()
    meetings.remove_from_agenda(session, meeting, tabled.id, by=officer)
    session.commit()
    assert _state(session, tabled) == State.PROPOSED


# --- the meeting's own steps ----------------------------------------------------------------


def test_open_close_sign_stamp_the_meeting(session, world, board, plan, attend, step):
    meeting = plan()
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open", justerare_id=board.ledamot["habo"].id)
    assert (meeting.state, meeting.chair_id, meeting.justerare_id) == (
        "open",
        world.users["chair"].id,
        board.ledamot["habo"].id,
    )
    assert meeting.opened_at is not None
    step(meeting, "close")
    assert meeting.closed_at is not None
    protocols.sign_as_justerare(session, meeting, by=board.ledamot["habo"])
    session.commit()
    step(meeting, "sign")
    assert (meeting.state, meeting.signed_by_id) == ("protocol_signed", world.users["chair"].id)
    assert meeting.version == 4
    actions = [
        e.action
        for e in session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == "meeting").order_by(AuditEvent.id)
        ).all()
    ]
    assert actions == ["create_meeting", "record_attendance", "open", "close", "justera", "sign"]


def test_meeting_step_refusals(session, world, board, plan, attend, step):
    meeting = plan()
    chair = world.users["chair"]
    with pytest.raises(Forbidden):
        engine.fire(MEETING, meeting, "open", by=world.users["officer"], session=session)
    with pytest.raises(Conflict):
        engine.fire(MEETING, meeting, "close", by=chair, session=session)
    with pytest.raises(Conflict) as stale:
        engine.fire(MEETING, meeting, "open", by=chair, session=session, expected_version=9)
    assert stale.value.code == "stale_version"
    with pytest.raises(NotFound):
        engine.fire(MEETING, meeting, "adjourn", by=chair, session=session)
    attend(meeting, present=[board.ledamot["af"]], absent=[board.ledamot["region"]])
    for who, field in (
        (world.users["applicant"], "justerare_id"),
        (board.ledamot["region"], "justerare_id"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            engine.fire(
                MEETING,
                meeting,
                "open",
                by=chair,
                session=session,
                payload={"justerare_id": who.id},
            )
        assert [p.field for p in refused.value.problems] == [field]
        session.rollback()
    step(meeting, "open")
    step(meeting, "close")
    with pytest.raises(ValidationFailed) as refused:
        engine.fire(MEETING, meeting, "sign", by=chair, session=session)
    assert [p.field for p in refused.value.problems] == ["justerare_id"]
    session.rollback()
    # Chosen after the meeting, the justerare signs before the chair can.
    protocols.choose_justerare(session, meeting, board.ledamot["af"].id, by=chair)
    session.commit()
    protocols.sign_as_justerare(session, meeting, by=board.ledamot["af"])
    session.commit()
    step(meeting, "sign", justerare_id=board.ledamot["af"].id)
    assert meeting.state == "protocol_signed"
