"""The reason for a completion request stands at the top of the application page, with what to
do, not only under Historik at the bottom."""

from __future__ import annotations

from states.application import State
from tests.web.conftest import text


def _step(post, app_row, trigger: str, **fields):
    url = f"/applications/{app_row.id}"
    data = {f"{trigger}-expected_version": app_row.version}
    data.update({f"{trigger}-{k}": v for k, v in fields.items()})
    return post(f"{url}/transitions/{trigger}", data, from_page=url, prefix=trigger)


def _panel(body: str) -> str:
    start = body.index('id="completion-request"')
    return body[start : body.index("</section>", start)]


def test_the_applicant_sees_the_reason_first_with_what_to_do(
    client, world, login, post, make_application, session
):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["officer"])
    returned = _step(post, app_row, "return_for_completion", reason="Styrgruppen saknas.")
    assert returned.status_code == 303
    session.refresh(app_row)
    login(world.users["applicant"])
    body = text(client.get(f"/applications/{app_row.id}"))
    # At the top: before the status panel, long before the history.
    assert body.index('id="completion-request"') < body.index('id="status-title"')
    panel = _panel(body)
    assert "Styrgruppen saknas." in panel
    assert "Frida Förbundschef" in panel
    assert f'href="/applications/{app_row.id}/edit"' in panel
    assert 'href="#steps-title"' in panel
    # Resubmitted, the request is answered: the panel is gone.
    assert _step(post, app_row, "resubmit").status_code == 303
    assert 'id="completion-request"' not in text(client.get(f"/applications/{app_row.id}"))


def test_the_preparers_request_names_them_and_others_see_no_steps(
    client, world, login, post, make_application, session
):
    app_row = make_application(state=State.IN_PREPARATION)
    login(world.users["preparer"])
    reason = "Beskriv målgruppens storlek per kommun."
    assert _step(post, app_row, "request_completion", reason=reason).status_code == 303
    login(world.users["applicant"])
    panel = _panel(text(client.get(f"/applications/{app_row.id}")))
    assert reason in panel
    assert "Per Beredare" in panel
    # The officer reads the reason too, without the applicant's to-do list.
    login(world.users["officer"])
    panel = _panel(text(client.get(f"/applications/{app_row.id}")))
    assert reason in panel
    assert 'href="#steps-title"' not in panel


def test_no_panel_while_nothing_is_requested(client, world, login, make_application):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["applicant"])
    assert 'id="completion-request"' not in text(client.get(f"/applications/{app_row.id}"))
