"""Seats, attendance and quorum: ersättare replace absent ledamöter, jäviga leave the item."""

from __future__ import annotations

import pytest
from sqlmodel import select

from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.models import Attendance
from workflow.operations import meetings
from workflow.rules import meetings as meetings_rules


def _voters(q: meetings_rules.Quorum) -> set[str]:
    return {v.user.name for v in q.voters}


def test_one_seat_per_ledamot_and_none_before_attendance(session, board, plan):
    meeting = plan()
    q = meetings_rules.quorum(session, meeting)
    assert (q.seats, q.filled, q.quorate) == (5, 0, False)


def test_more_than_half_of_the_seats_is_quorate(session, board, plan, attend):
    meeting = plan()
    attend(meeting, present=[board.ledamot["af"], board.ledamot["fk"]])
    assert meetings_rules.quorum(session, meeting).quorate is False  # 2 of 5
    attend(meeting, present=[board.ledamot["region"]])
    q = meetings_rules.quorum(session, meeting)
    assert (q.filled, q.quorate) == (3, True)  # 3 of 5


def test_an_ersattare_fills_the_seat_of_an_absent_ledamot_of_the_same_member(
    session, board, plan, attend
):
    meeting = plan()
    attend(
        meeting,
        present=[board.ledamot["fk"], board.ersattare["af"], board.ersattare["jonkoping"]],
        absent=[board.ledamot["af"], board.ledamot["jonkoping"]],
    )
    q = meetings_rules.quorum(session, meeting)
    assert (q.filled, q.quorate) == (3, True)
    assert _voters(q) == {"Ola Ordförande", "Ersättare af", "Ersättare jonkoping"}


def test_an_ersattare_does_not_vote_beside_a_present_ledamot(session, board, plan, attend):
    meeting = plan()
    attend(meeting, present=[board.ledamot["af"], board.ersattare["af"], board.ledamot["fk"]])
    q = meetings_rules.quorum(session, meeting)
    assert q.filled == 2
    assert "Ersättare af" not in _voters(q)


def test_an_ersattare_cannot_fill_another_members_seat(session, board, plan, attend):
    meeting = plan()
    # Two ersättare and one ledamot: af's ersättare cannot sit for fk or region.
    attend(
        meeting,
        present=[board.ersattare["af"], board.ersattare["jonkoping"], board.ledamot["af"]],
    )
    q = meetings_rules.quorum(session, meeting)
    assert (q.filled, q.quorate) == (2, False)


def test_a_javig_member_leaves_the_item_and_its_quorum(session, board, plan, attend):
    meeting = plan()
    attend(meeting, present=[board.ledamot[k] for k in ("af", "fk", "region")])
    assert meetings_rules.quorum(session, meeting).quorate
    q = meetings_rules.quorum(session, meeting, recused_user_ids=[board.ledamot["fk"].id])
    assert (q.filled, q.quorate) == (2, False)
    assert [r.user.name for r in q.recused] == ["Ola Ordförande"]


def test_the_ersattare_steps_in_for_a_javig_ledamot(session, board, plan, attend):
    meeting = plan()
    attend(
        meeting,
        present=[board.ledamot["af"], board.ersattare["af"], board.ledamot["fk"]],
    )
    q = meetings_rules.quorum(session, meeting, recused_user_ids=[board.ledamot["af"].id])
    assert _voters(q) == {"Ola Ordförande", "Ersättare af"}


def test_attendance_is_recorded_with_member_and_seat(session, board, plan, attend):
    meeting = plan()
    attend(meeting, present=[board.ersattare["jonkoping"]], absent=[board.ledamot["jonkoping"]])
    rows = {r.user_id: r for r in session.exec(select(Attendance)).all()}
    substitute = rows[board.ersattare["jonkoping"].id]
    assert (substitute.seat, substitute.present) == ("ersattare", True)
    assert substitute.member_id == board.ledamot["jonkoping"].grants[0].member_id
    assert rows[board.ledamot["jonkoping"].id].present is False
    # Recording again changes the row, never adds a second one.
    attend(meeting, present=[board.ledamot["jonkoping"]])
    assert len(session.exec(select(Attendance)).all()) == 2


def test_attendance_refusals_change_nothing(session, world, board, plan, attend, step):
    meeting = plan()
    with pytest.raises(Forbidden):
        meetings.record_attendance(
            session,
            meeting,
            [meetings.AttendanceIn(board.ledamot["af"].id, True)],
            by=world.users["board"],
        )
    session.rollback()
    with pytest.raises(ValidationFailed) as refused:
        meetings.record_attendance(
            session,
            meeting,
            [
                meetings.AttendanceIn(board.ledamot["af"].id, True),
                meetings.AttendanceIn(world.users["applicant"].id, True),
                meetings.AttendanceIn(board.ledamot["af"].id, False),
            ],
            by=world.users["chair"],
        )
    assert [p.field for p in refused.value.problems] == ["1.user_id", "2.user_id"]
    session.rollback()
    assert len(session.exec(select(Attendance)).all()) == 0
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    step(meeting, "close")
    with pytest.raises(Conflict):
        meetings.record_attendance(
            session,
            meeting,
            [meetings.AttendanceIn(board.ledamot["af"].id, False)],
            by=world.users["chair"],
        )
    session.rollback()
    assert meetings_rules.quorum(session, meeting).filled == 5
