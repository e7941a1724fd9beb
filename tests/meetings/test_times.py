"""A meeting's own date and times (issue 16, wrong 1): planned with its start, opened on its
date and not before, closed with its end, printed on the protocol instead of the clicks' times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from tests.api.helpers import error_code, problem_fields
from tests.meetings.conftest import YEAR
from tests.protocols.test_api import _pdf_text
from tests.web.conftest import text
from workflow.models import Meeting, clock_at, today

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MEETINGS = "/api/v1/associations/svb/meetings"


def _swedish(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment given in Swedish time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def _fresh(session, meeting_id: int) -> Meeting:
    session.expire_all()
    return session.get(Meeting, meeting_id)


def test_a_meeting_is_planned_with_its_start_time(api, bearer, world):
    body = {"date": f"{YEAR}-03-14", "starts_at": "13:00", "location": "Kansliet"}
    created = api.post(MEETINGS, token=bearer("officer"), json=body)
    assert created.status_code == 201, created.get_json()
    meeting = created.get_json()
    assert (meeting["starts_at"], meeting["ends_at"]) == ("13:00", None)
    refused = api.post(MEETINGS, token=bearer("officer"), json={**body, "starts_at": "25:00"})
    assert refused.status_code == 422
    assert problem_fields(refused) == ["starts_at"]


def test_the_page_plans_a_meeting_with_its_start_time(client, sign_in, post, session):
    sign_in("officer")
    url = "/associations/svb/meetings"
    refused = post(url, {"date": f"{YEAR}-03-14", "starts_at": "kl ett"}, from_page=url)
    assert refused.status_code == 422
    assert "Write the time as HH:MM" in text(refused)
    assert 'value="kl ett"' in text(refused)  # the input is kept
    assert session.exec(select(Meeting)).first() is None
    done = post(url, {"date": f"{YEAR}-03-14", "starts_at": "9.30"}, from_page=url)
    assert done.status_code == 303
    assert session.exec(select(Meeting)).one().starts_at == time(9, 30)


def test_the_api_refuses_to_open_a_meeting_before_its_date(
    api, bearer, api_token, world, board, plan, attend, session
):
    day = today() + timedelta(days=8)
    meeting = plan(on=day)
    attend(meeting, present=list(board.ledamot.values()))
    url = f"/api/v1/meetings/{meeting.id}/transitions/open"
    refused = api.post(url, token=bearer("chair"))
    assert refused.status_code == 409
    assert error_code(refused) == "too_early"
    stored = _fresh(session, meeting.id)
    assert (stored.state, stored.opened_at, stored.chair_id) == ("planned", None, None)
    # At a quarter past midnight in Sweden on its day (still the day before in UTC) it opens.
    with clock_at(_swedish(day, 0, 15)):
        assert _swedish(day, 0, 15).astimezone(UTC).date() == day - timedelta(days=1)
        # A token of that day: the one above has expired by then.
        opened = api.post(url, token=api_token(world.users["chair"]))
    assert opened.status_code == 200, opened.get_json()
    assert opened.get_json()["state"] == "open"


def test_the_page_refuses_to_open_a_meeting_before_its_date_in_swedish(
    client, login, post, world, board, plan, attend, session, compiled_catalog
):
    meeting = plan(on=today() + timedelta(days=1))
    attend(meeting, present=list(board.ledamot.values()))
    login(world.users["chair"])
    url = f"/meetings/{meeting.id}"
    refused = post(
        f"{url}/transitions/open",
        {"open-expected_version": str(meeting.version)},
        from_page=url,
        prefix="open",
    )
    assert refused.status_code == 409
    day = meeting.date.isoformat()
    assert f"Mötet är planerat till {day} och kan inte öppnas före den dagen." in text(refused)
    assert _fresh(session, meeting.id).state == "planned"


def test_closing_a_meeting_held_earlier_needs_its_end_time(api, bearer, held, session):
    meeting, _ = held(on=date(YEAR, 3, 14))  # recorded afterwards: its date has passed
    url = f"/api/v1/meetings/{meeting.id}/transitions/close"
    unknown = api.post(url, token=bearer("chair"))
    assert unknown.status_code == 422
    assert problem_fields(unknown) == ["ends_at"]
    too_soon = api.post(url, token=bearer("chair"), json={"ends_at": "12:59"})
    assert too_soon.status_code == 422
    assert problem_fields(too_soon) == ["ends_at"]
    assert _fresh(session, meeting.id).state == "open"
    closed = api.post(url, token=bearer("chair"), json={"ends_at": "15:30"})
    assert closed.status_code == 200, closed.get_json()
    assert (closed.get_json()["starts_at"], closed.get_json()["ends_at"]) == ("13:00", "15:30")


def test_a_meeting_held_today_ends_now_by_default(api, bearer, board, plan, attend, session):
    day = today()
    meeting = plan(on=day, starts_at="00:05")
    attend(meeting, present=list(board.ledamot.values()))
    base = f"/api/v1/meetings/{meeting.id}/transitions"
    with clock_at(_swedish(day, 0, 10)):
        assert api.post(f"{base}/open", token=bearer("chair")).status_code == 200
    with clock_at(
        _swedish(
            day,
            0,
            47,
        )
    ):
        closed = api.post(f"{base}/close", token=bearer("chair"))
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["ends_at"] == "00:47"


def test_the_protocol_prints_the_meetings_times_not_the_clicks(
    api, bearer, client, board, plan, attend, session
):
    # Planned for 13.00; the chair clicked open at 00.18 and close at 00.19 the day after.
    meeting = plan(on=date(YEAR, 3, 14), starts_at="13:00")
    attend(meeting, present=list(board.ledamot.values()))
    base = f"/api/v1/meetings/{meeting.id}"
    with clock_at(_swedish(date(YEAR, 3, 15), 0, 18)):
        assert api.post(f"{base}/transitions/open", token=bearer("chair")).status_code == 200
    with clock_at(_swedish(date(YEAR, 3, 15), 0, 19)):
        closed = api.post(
            f"{base}/transitions/close", token=bearer("chair"), json={"ends_at": "15:30"}
        )
        assert closed.status_code == 200, closed.get_json()
    protocol = api.get(f"{base}/protocol", token=bearer("board")).get_json()
    assert protocol["time"] == "kl. 13.00–15.30"
    pdf = client.get(f"{base}/protocol.pdf", headers={"Authorization": f"Bearer {bearer('board')}"})
    assert pdf.status_code == 200
    printed = _pdf_text(pdf.data)
    assert "kl. 13.00–15.30" in printed
    assert "00.18" not in printed
    assert "00.19" not in printed
