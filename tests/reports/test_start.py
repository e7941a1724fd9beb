"""`start`: the agreement date, and one confirmation per condition of the decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from states.application import State
from tests import factories
from workflow.models import clock_at, today
from workflow.models.reports import ConditionConfirmation, InsatsStart

CONDITIONS = (
    "- Styrgruppen är tillsatt\n- Uppföljning i Uppföljning Finsam\n\n3. Avtal med regionen"
)


def _approved(session: Any, world: Any, conditions: str | None = CONDITIONS) -> Any:
    app = factories.application(session, world, state=State.APPROVED, conditions=conditions)
    session.commit()
    return app


def test_start_is_refused_until_every_condition_is_confirmed(
    call: Any, world: Any, session: Any
) -> None:
    app = _approved(session, world)
    officer = world.users["officer"]
    path = f"/applications/{app.id}/transitions/start"
    refused = call(officer, "post", path, json={"confirmed_conditions": [2]})
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    assert {d["field"] for d in details} == {
        "agreement_date",
        "confirmed_conditions.1",
        "confirmed_conditions.3",
    }
    messages = " ".join(d["message"] for d in details)
    assert "Styrgruppen är tillsatt" in messages
    assert "Avtal med regionen" in messages
    assert "Uppföljning i Uppföljning Finsam" not in messages
    started = call(
        officer,
        "post",
        path,
        json={"agreement_date": "2026-01-15", "confirmed_conditions": [1, 2, 3]},
    )
    assert started.status_code == 200, started.get_json()
    assert started.get_json()["state"] == "active"
    session.expire_all()
    record = session.exec(select(InsatsStart).where(InsatsStart.application_id == app.id)).one()
    assert record.agreement_date == date(2026, 1, 15)
    confirmed = session.exec(
        select(ConditionConfirmation.text)
        .where(ConditionConfirmation.application_id == app.id)
        .order_by(ConditionConfirmation.position)
    ).all()
    assert confirmed == [
        "Styrgruppen är tillsatt",
        "Uppföljning i Uppföljning Finsam",
        "Avtal med regionen",
    ]


def test_start_without_conditions_needs_only_the_agreement_date(
    call: Any, world: Any, session: Any
) -> None:
    app = _approved(session, world, conditions=None)
    officer = world.users["officer"]
    path = f"/applications/{app.id}/transitions/start"
    future = (date.today() + timedelta(days=3)).isoformat()
    refused = call(officer, "post", path, json={"agreement_date": future})
    assert refused.status_code == 422
    assert [d["field"] for d in refused.get_json()["error"]["details"]] == ["agreement_date"]
    assert call(world.users["applicant"], "post", path, json={}).status_code == 403
    ok = call(officer, "post", path, json={"agreement_date": date.today().isoformat()})
    assert ok.get_json()["state"] == "active"


def test_start_on_the_page_keeps_the_input(
    client: Any, login: Any, world: Any, session: Any
) -> None:
    app = _approved(session, world)
    login(world.users["officer"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Avtal med regionen" in page
    token = factories.csrf_token(page)
    refused = client.post(
        f"/applications/{app.id}/start",
        data={
            "csrf_token": token,
            "expected_version": app.version,
            "agreement_date": "2026-01-15",
            "confirmed_conditions": ["1", "3"],
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Bekräfta att villkoret är uppfyllt: Uppföljning i Uppföljning Finsam" in html
    assert 'value="2026-01-15"' in html
    done = client.post(
        f"/applications/{app.id}/start",
        data={
            "csrf_token": token,
            "expected_version": app.version,
            "agreement_date": "2026-01-15",
            "confirmed_conditions": ["1", "2", "3"],
        },
    )
    assert done.status_code == 303
    shown = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "2026-01-15" in shown
    assert 'id="reporting-plan"' in shown


def test_the_start_form_takes_todays_swedish_date_just_after_midnight(
    client: Any, login: Any, world: Any, session: Any
) -> None:
    app = _approved(session, world, conditions=None)
    day = today() + timedelta(days=1)
    # 00.30 in Sweden on `day`: in UTC it is still the evening before.
    moment = datetime(day.year, day.month, day.day, 0, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert moment.astimezone(UTC).date() == day - timedelta(days=1)
    login(world.users["officer"])
    with clock_at(moment):
        page = client.get(f"/applications/{app.id}").get_data(as_text=True)
        done = client.post(
            f"/applications/{app.id}/start",
            data={
                "csrf_token": factories.csrf_token(page),
                "expected_version": app.version,
                "agreement_date": day.isoformat(),
            },
        )
    assert done.status_code == 303, done.get_data(as_text=True)
    record = session.exec(select(InsatsStart).where(InsatsStart.application_id == app.id)).one()
    assert record.agreement_date == day
