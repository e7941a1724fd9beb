"""The application page: visibility, checklist, steps through the engine, history, versions."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from states.application import State
from tests.web.conftest import text
from workflow.models import Application, ApplicationVersion


def _fresh(session, app_id: int) -> Application:
    session.expire_all()
    return session.get(Application, app_id)


def _step(post, app_row, trigger: str, version: int | None = None, **fields):
    url = f"/applications/{app_row.id}"
    data = {f"{trigger}-expected_version": app_row.version if version is None else version}
    data.update({f"{trigger}-{k}": v for k, v in fields.items()})
    return post(f"{url}/transitions/{trigger}", data, from_page=url, prefix=trigger)


def test_applicant_sees_every_section_and_the_checklist(client, world, login, make_application):
    app_row = make_application()
    login(world.users["applicant"])
    response = client.get(f"/applications/{app_row.id}")
    assert response.status_code == 200
    body = text(response)
    for heading in (
        "Grunduppgifter",
        "Målgrupp",
        "Period",
        "Budget per år",
        "Medfinansiering",
        "Mål",
        "Planer",
        "Styrgrupp",
        "Checklista inför inlämning",
        "Historik",
        "Inlämnade versioner",
    ):
        assert f">{heading}</h2>" in body, heading
    assert "Kvartalsvis i Uppföljning Finsam" in body
    assert "Försäkringskassan" in body
    assert body.count("checklist__item--done") == 12
    assert ">Lämna in</button>" in body
    assert ">Återta</button>" in body


@pytest.mark.parametrize(
    ("viewer", "state", "lead"),
    [
        ("other_applicant", State.DRAFT, "jonkoping"),
        ("other_applicant", State.SUBMITTED, "jonkoping"),
        ("preparer", State.DRAFT, "jonkoping"),
        ("officer", State.DRAFT, "jonkoping"),
        ("board", State.DRAFT, "jonkoping"),
        ("auditor", State.DRAFT, "jonkoping"),
        ("outsider", State.SUBMITTED, "jonkoping"),
        ("outsider_applicant", State.SUBMITTED, "jonkoping"),
        ("admin", State.DRAFT, "jonkoping"),
    ],
)
def test_hidden_applications_are_404(client, world, login, make_application, viewer, state, lead):
    app_row = make_application(state=state, lead_member_id=world.members[lead].id)
    login(world.users[viewer])
    for url in (f"/applications/{app_row.id}", f"/applications/{app_row.id}/edit"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Enter – samlad väg" not in text(response)


def test_absent_application_is_404(client, world, login):
    login(world.users["applicant"])
    assert client.get("/applications/999999").status_code == 404


def test_preparer_reads_a_submitted_application_without_steps_of_the_applicant(
    client, world, login, make_application
):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["preparer"])
    body = text(client.get(f"/applications/{app_row.id}"))
    assert "Inlämnad" in body
    assert "Checklista inför inlämning" not in body
    assert ">Återta</button>" not in body


def test_submit_refused_for_an_incomplete_draft_names_what_is_missing(
    client, world, login, post, make_application, session
):
    app_row = make_application(complete=False)
    login(world.users["applicant"])
    page = text(client.get(f"/applications/{app_row.id}"))
    assert "checklist__item--missing" in page
    assert "Skriv en plan för uppföljning och utvärdering." in page
    response = _step(post, app_row, "submit")
    assert response.status_code == 422
    body = text(response)
    assert "Steget ”Lämna in” kunde inte tas" in body
    for missing in (
        "Välj om insatsen är individinriktad eller strukturövergripande.",
        "Beskriv målgruppen.",
        "Ange sökt belopp per år.",
        "Skriv en plan för uppföljning och utvärdering.",
        "Beskriv hur insatsen tillämpar förbundets handlingsplan för jämställdhetsintegrering.",
        "Beskriv vem som finansierar insatsen efter bidragstiden om den visar sig fungera.",
    ):
        assert missing in body, missing
    fresh = _fresh(session, app_row.id)
    assert fresh.state == State.DRAFT
    assert fresh.diary_number is None
    assert fresh.version == app_row.version


def test_submit_a_complete_application(client, world, login, post, make_application, session):
    app_row = make_application()
    login(world.users["applicant"])
    response = _step(post, app_row, "submit")
    assert response.status_code == 303
    fresh = _fresh(session, app_row.id)
    assert fresh.state == State.SUBMITTED
    assert re.fullmatch(r"SVB \d{4}/001", fresh.diary_number)
    body = text(client.get(response.headers["Location"]))
    assert fresh.diary_number in body
    # The receipt (kvittens): the diary number and the Swedish date of the submit.
    assert f"Kvittens: ansökan har tagits emot med diarienummer {fresh.diary_number} den" in body
    # History: who, what, from → to; the first frozen version is listed.
    history = body.split('id="history-title"')[1]
    assert "Lämna in" in history
    assert "Anna Sökande" in history
    assert "Utkast → Inlämnad" in history
    versions = body.split('id="versions-title"')[1]
    assert re.search(r'<th scope="row">1</th>', versions)
    assert session.exec(
        select(ApplicationVersion).where(ApplicationVersion.application_id == app_row.id)
    ).all()
    # Submitted: no more edit button, no checklist, withdraw still possible.
    assert "Redigera ansökan" not in body
    assert ">Återta</button>" in body
    assert ">Lämna in</button>" not in body


def test_withdraw_with_a_reason(client, world, login, post, make_application, session):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["applicant"])
    response = _step(post, app_row, "withdraw", reason="Vi har <b>inte</b> resurser")
    assert response.status_code == 303
    assert _fresh(session, app_row.id).state == State.WITHDRAWN
    body = text(client.get(response.headers["Location"]))
    assert "Återtagen" in body
    assert "Vi har &lt;b&gt;inte&lt;/b&gt; resurser" in body
    assert "Inlämnad → Återtagen" in body


def test_stale_version_is_a_409_page_and_changes_nothing(
    client, world, login, post, make_application, session
):
    app_row = make_application()
    login(world.users["applicant"])
    response = _step(post, app_row, "withdraw", version=app_row.version + 5)
    assert response.status_code == 409
    assert "Ansökan har ändrats av någon annan" in text(response)
    assert _fresh(session, app_row.id).state == State.DRAFT


def test_step_not_allowed_from_the_state_is_409(
    client, world, login, post, make_application, session
):
    app_row = make_application(state=State.WITHDRAWN)
    login(world.users["applicant"])
    response = _step(post, app_row, "submit")
    assert response.status_code == 409
    assert "Steget kan inte tas från läget" in text(response)
    assert _fresh(session, app_row.id).state == State.WITHDRAWN


def test_step_of_another_role_is_403(client, world, login, post, make_application, session):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["preparer"])
    response = _step(post, app_row, "withdraw")
    assert response.status_code == 403
    assert "Din roll får inte ta det här steget." in text(response)
    assert _fresh(session, app_row.id).state == State.SUBMITTED


def test_step_on_a_hidden_application_is_404(client, world, login, post, make_application):
    app_row = make_application()
    login(world.users["other_applicant"])
    assert _step(post, app_row, "withdraw").status_code == 404


def test_unknown_or_internal_step_is_404(client, world, login, post, make_application):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["officer"])
    assert _step(post, app_row, "teleport").status_code == 404
    assert _step(post, app_row, "board_approve").status_code == 404


def test_missing_version_is_refused(client, world, login, post, make_application, session):
    app_row = make_application()
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}"
    response = post(f"{url}/transitions/withdraw", {}, from_page=url, prefix="withdraw")
    assert response.status_code == 422
    assert "Formuläret är ofullständigt" in text(response)
    assert _fresh(session, app_row.id).state == State.DRAFT


def test_step_needing_a_reason_shows_a_textarea_and_requires_it(
    client, world, login, post, make_application, session
):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["officer"])
    body = text(client.get(f"/applications/{app_row.id}"))
    assert 'name="return_for_completion-reason"' in body
    response = _step(post, app_row, "return_for_completion", reason="   ")
    assert response.status_code == 422
    assert "Ange ett skäl." in text(response)
    assert _fresh(session, app_row.id).state == State.SUBMITTED
    done = _step(post, app_row, "return_for_completion", reason="Budgeten saknar år 2")
    assert done.status_code == 303
    assert _fresh(session, app_row.id).state == State.COMPLETION_REQUESTED


def test_times_are_shown_in_swedish_local_time(client, world, login, post, make_application):
    app_row = make_application()
    login(world.users["applicant"])
    _step(post, app_row, "withdraw")
    body = text(client.get(f"/applications/{app_row.id}"))
    stamp = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', body)
    assert stamp is not None
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    stored = datetime.fromisoformat(stamp.group(1))
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    local = stored.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M")
    assert stamp.group(2) == local


def test_step_payload_fields_reach_the_engine(
    client, world, login, post, make_application, session
):
    app_row = make_application(state=State.IN_PREPARATION)
    login(world.users["preparer"])
    body = text(client.get(f"/applications/{app_row.id}"))
    assert 'name="recommend-recommendation"' in body
    assert 'name="recommend-motivation"' in body
    refused = _step(post, app_row, "recommend", motivation="Bra insats")
    assert refused.status_code == 422
    assert "Välj bevilja, bevilja med villkor eller avslå." in text(refused)
    assert "Bra insats</textarea>" in text(refused)  # what was typed is kept
    done = _step(post, app_row, "recommend", recommendation="approve", motivation="Bra insats")
    assert done.status_code == 303
    assert _fresh(session, app_row.id).state == State.PREPARED
