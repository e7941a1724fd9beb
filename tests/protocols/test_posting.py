"""The notice (anslag): the last day to appeal, laga kraft, the posting rules, the extract mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.models import MailMessage
from workflow.operations import protocols


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
        (date(2026, 2, 28), date(2026, 3, 21), date(2026, 3, 22)),
    ],
)
def test_three_weeks_from_the_posting(posted, last_day, legal_force):
    assert protocols.last_appeal_day(posted) == last_day
    assert protocols.legal_force_date(posted) == legal_force


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
    assert decided["legal_force_on"] == today + timedelta(days=22)
    assert decided["last_appeal_day"] == today + timedelta(days=21)
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
    assert (today + timedelta(days=21)).isoformat() in body
    assert "laga kraft " + (today + timedelta(days=22)).isoformat() in body
    number = decided["decision"].paragraph
    assert mails[0].subject.startswith(f"Protokollsutdrag § {number}: Enter")
