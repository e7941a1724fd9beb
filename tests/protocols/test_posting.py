"""The notice (anslag): the last day to appeal, laga kraft, the posting rules, the extract mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.models import MailMessage
from workflow.operations import protocols
from workflow.rules.calendar import is_working_day
from workflow.rules.protocols import last_appeal_day, legal_force_date


@pytest.mark.parametrize(
    ("posted", "last_day", "legal_force"),
    [
        (date(2026, 3, 2), date(2026, 3, 23), date(2026, 3, 24)),
        # Across a month's end, a year's end and a leap day.
        (date(2026, 1, 20), date(2026, 2, 10), date(2026, 2, 11)),
        (date(2026, 4, 30), date(2026, 5, 21), date(2026, 5, 22)),
        (date(2026, 12, 15), date(2027, 1, 5), date(2027, 1, 6)),
        (date(2028, 2, 15), date(2028, 3, 7), date(2028, 3, 8)),
        (date(2027, 2, 15), date(2027, 3, 8), date(2027, 3, 9)),
        # Three weeks end on Saturday 21 March: the time limit runs to Monday.
        (date(2026, 2, 28), date(2026, 3, 23), date(2026, 3, 24)),
    ],
)
def test_three_weeks_from_the_posting(posted, last_day, legal_force):
    assert protocols.last_appeal_day(posted) == last_day
    assert protocols.legal_force_date(posted) == legal_force


@pytest.mark.parametrize(
    ("posted", "three_weeks", "last_day"),
    [
        # A Saturday and a Sunday.
        (date(2026, 3, 14), date(2026, 4, 4), date(2026, 4, 7)),  # påskafton, påskdagen, annandag
        (date(2026, 10, 4), date(2026, 10, 25), date(2026, 10, 26)),
        # Annandag jul on a Saturday, then a Sunday.
        (date(2026, 12, 5), date(2026, 12, 26), date(2026, 12, 28)),
        # Julafton (a Thursday), juldagen, annandag jul, the weekend.
        (date(2026, 12, 3), date(2026, 12, 24), date(2026, 12, 28)),
        # Midsommarafton (a Friday), midsommardagen, the Sunday.
        (date(2026, 5, 29), date(2026, 6, 19), date(2026, 6, 22)),
        # Nyårsafton, nyårsdagen, the weekend.
        (date(2026, 12, 10), date(2026, 12, 31), date(2027, 1, 4)),
        # Kristi himmelfärdsdag (a Thursday), a public holiday on a weekday.
        (date(2026, 4, 23), date(2026, 5, 14), date(2026, 5, 15)),
        # Sveriges nationaldag on a Sunday (2027).
        (date(2027, 5, 16), date(2027, 6, 6), date(2027, 6, 7)),
        # An ordinary Tuesday stays.
        (date(2026, 11, 17), date(2026, 12, 8), date(2026, 12, 8)),
    ],
)
def test_the_last_appeal_day_moves_off_weekends_and_holidays(posted, three_weeks, last_day):
    assert posted + timedelta(weeks=3) == three_weeks
    assert protocols.last_appeal_day(posted) == last_day
    assert protocols.legal_force_date(posted) == last_day + timedelta(days=1)
    assert is_working_day(last_day)


def test_recording_the_posting(session, world, board, signed, closed):
    officer = world.users["officer"]
    draft, _ = closed()
    with pytest.raises(Conflict) as unsigned:
        protocols.record_posting(
            session, draft, posted_on=protocols.local_today(), kept_at="Kansliet", by=officer
        )
    assert unsigned.value.code == "invalid_state"
    session.rollback()
    meeting, (first, second) = signed()
    with pytest.raises(Forbidden):
        protocols.record_posting(
            session,
            meeting,
            posted_on=protocols.local_today(),
            kept_at="Kansliet",
            by=world.users["chair"],
        )
    session.rollback()
    today = protocols.local_today()
    with pytest.raises(ValidationFailed) as invalid:
        protocols.record_posting(
            session, meeting, posted_on=today - timedelta(days=1), kept_at="  ", by=officer
        )
    assert [p.field for p in invalid.value.problems] == ["posted_on", "kept_at"]
    session.rollback()
    with pytest.raises(ValidationFailed) as future:
        protocols.record_posting(
            session, meeting, posted_on=today + timedelta(days=1), kept_at="K", by=officer
        )
    assert [p.field for p in future.value.problems] == ["posted_on"]
    session.rollback()
    assert protocols.default_kept_at(session, meeting) == f"Kansliet, {world.association.name}"
    row = protocols.record_posting(
        session, meeting, posted_on=today, kept_at="Förbundets kansli, Jönköping", by=officer
    )
    session.commit()
    assert row.posted_on == today
    with pytest.raises(Conflict) as twice:
        protocols.record_posting(session, meeting, posted_on=today, kept_at="K", by=officer)
    assert twice.value.code == "already_posted"
    session.rollback()
    # The next posting of the association starts from the same place.
    assert protocols.default_kept_at(session, meeting) == "Förbundets kansli, Jönköping"
    decided = protocols.board_decision_view(session, first)
    assert decided["legal_force_on"] == legal_force_date(today)
    assert decided["last_appeal_day"] == last_appeal_day(today)
    # The applicants of each decided application are sent a link to their extract.
    mails = session.exec(
        select(MailMessage)
        .where(MailMessage.event == "protocol_extract")
        .order_by(MailMessage.application_id)
    ).all()
    assert [(m.to_email, m.application_id) for m in mails] == [
        ("applicant@example.se", first.id),
        ("applicant@example.se", second.id),
    ]
    body = mails[0].body
    decision_id = decided["decision"].id
    assert f"/applications/{first.id}/decisions/{decision_id}/protocol-extract.pdf" in body
    assert last_appeal_day(today).isoformat() in body
    assert "laga kraft " + legal_force_date(today).isoformat() in body
    number = decided["decision"].paragraph
    assert mails[0].subject.startswith(f"Protokollsutdrag § {number}: Enter")
