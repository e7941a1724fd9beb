"""Every list page exports its filtered rows as CSV: the applications and a year's decisions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from states.application import State
from tests import factories
from workflow.models import clock_at, today
from workflow.operations import meetings


def _csv(client: Any, url: str) -> list[list[str]]:
    # The list is streamed: read it while the request runs (buffered), as a browser would.
    answer = client.get(url, buffered=True)
    assert answer.status_code == 200
    raw = answer.get_data()
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_application_list_as_csv_keeps_the_filter(
    client: Any, login: Callable, world: factories.World, make_application: Callable
) -> None:
    make_application(state=State.SUBMITTED, title="Inskickad insats")
    make_application(state=State.DRAFT, title="=Utkast")
    make_application(
        state=State.SUBMITTED, title="Regionens insats", lead_member_id=world.members["region"].id
    )
    login(world.users["applicant"])
    dashboard = client.get("/?state=submitted").get_data(as_text=True)
    assert "/applications.csv?state=submitted" in dashboard
    rows = _csv(client, "/applications.csv")
    assert rows[0][:3] == ["Diarienummer", "Titel", "Förbund"]
    titles = sorted(r[1] for r in rows[1:])
    # The applicant's own member's applications only; a formula-like title is quoted.
    assert titles == ["'=Utkast", "Inskickad insats"]
    filtered = _csv(client, "/applications.csv?state=submitted")
    assert [r[1] for r in filtered[1:]] == ["Inskickad insats"]
    assert filtered[1][5] == "Inlämnad"
    assert filtered[1][8] == "3000000"  # 1 500 000 a year for two years


def test_the_decisions_of_a_year_page_and_csv(
    client: Any,
    login: Callable,
    session: Session,
    world: factories.World,
    make_application: Callable,
) -> None:
    # Decisions by the real steps: the board's at a meeting early this year, the officer's
    # (dated when taken) today, and one the board took last year, which is not listed.
    year = date.today().year
    make_application(
        state=State.APPROVED,
        title="Styrelsens insats",
        granted={year: 700_000, year + 1: 800_000},
        decided_on=date(year, 1, 10),
    )
    make_application(
        state=State.REJECTED, title="Fjolårets insats", decided_on=date(year - 1, 12, 30)
    )
    delegated_app = make_application(
        state=State.PREPARED,
        title="Delegerad insats",
        budget=[{"year": year, "amount_sek": 150_000}],
    )
    meetings.decide_delegated(session, delegated_app, by=world.users["officer"], outcome="reject")
    session.commit()
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    login(world.users["auditor"])
    page = client.get(f"/associations/svb/decisions?year={year}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 beslut" in html
    assert "Styrelsens insats" in html
    rows = _csv(client, f"/associations/svb/decisions.csv?year={year}")
    assert rows[0] == [
        "§",
        "Datum",
        "Beslutat av",
        "Diarienummer",
        "Titel",
        "Huvudsökande medlemsorganisation",
        "Beslut",
        "Beviljat (kr)",
    ]
    assert [(r[0], r[1], r[2], r[4], r[6], r[7]) for r in rows[1:]] == [
        ("5", f"{year}-01-10", "Styrelsen", "Styrelsens insats", "Beviljad", "1500000"),
        ("", today, "Delegation", "Delegerad insats", "Avslagen", "0"),
    ]


def test_the_decisions_page_is_for_the_board_side_only(
    client: Any, login: Callable, world: factories.World
) -> None:
    login(world.users["applicant"])
    assert client.get("/associations/svb/decisions").status_code == 403
    assert client.get("/associations/svb/decisions.csv").status_code == 403
    assert client.get("/associations/hog/decisions").status_code == 404


def test_exports_show_the_swedish_date_of_a_step_taken_just_after_midnight(
    client: Any,
    login: Callable,
    session: Session,
    world: factories.World,
    make_application: Callable,
) -> None:
    day = today()
    # 00.30 in Sweden: in UTC it is still the evening before.
    moment = datetime(day.year, day.month, day.day, 0, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert moment.astimezone(UTC).date() != day
    app = make_application(
        state=State.PREPARED,
        title="Delegerad insats",
        budget=[{"year": day.year, "amount_sek": 150_000}],
    )
    with clock_at(moment):
        meetings.decide_delegated(session, app, by=world.users["officer"], outcome="reject")
    session.commit()
    login(world.users["officer"])
    decisions = _csv(client, f"/associations/svb/decisions.csv?year={day.year}")
    assert [(r[1], r[4]) for r in decisions[1:]] == [(day.isoformat(), "Delegerad insats")]
    listed = _csv(client, "/applications.csv")
    assert [(r[1], r[9]) for r in listed[1:]] == [("Delegerad insats", day.isoformat())]
