"""The beredning steps on the application page and the proposal page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlmodel import select

from states.application import State
from tests.web.conftest import text
from workflow.models import Annotation, Application, ApplicationVersion, Proposal


def _step(post, app_row, trigger: str, version: int | None = None, **fields):
    url = f"/applications/{app_row.id}"
    data = {f"{trigger}-expected_version": app_row.version if version is None else version}
    data.update({f"{trigger}-{k}": v for k, v in fields.items()})
    return post(f"{url}/transitions/{trigger}", data, from_page=url, prefix=trigger)


def _fresh(session, app_id: int) -> Application:
    session.expire_all()
    return session.get(Application, app_id)


def _refusal(body: str) -> str:
    """The text of the refusal box at the top of the application page."""
    return body.split('id="refused-title"')[1].split("</div>")[0]


def _textarea(body: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', body, re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1))


@pytest.mark.parametrize(
    ("trigger", "state", "who"),
    [
        ("return_for_completion", State.SUBMITTED, "officer"),
        ("request_completion", State.IN_PREPARATION, "preparer"),
        # Issue 19, friction 4: during beredning the förbundschef has this step too.
        ("request_completion", State.IN_PREPARATION, "officer"),
    ],
)
def test_steps_that_ask_the_applicant_need_a_reason_on_the_page(
    client, sign_in, post, make_application, session, trigger, state, who
):
    app_row = make_application(state=state)
    sign_in(who)
    page = text(client.get(f"/applications/{app_row.id}"))
    assert f'name="{trigger}-reason"' in page
    refused = _step(post, app_row, trigger)
    assert refused.status_code == 422
    assert "Give a reason." in _refusal(text(refused))
    assert _fresh(session, app_row.id).state == state
    done = _step(post, app_row, trigger, reason="Komplettera budgeten.")
    assert done.status_code == 303
    assert _fresh(session, app_row.id).state == State.COMPLETION_REQUESTED


def test_accept_for_preparation_on_the_page(client, sign_in, post, make_application, session):
    app_row = make_application(state=State.SUBMITTED)
    sign_in("officer")
    assert _step(post, app_row, "accept_for_preparation").status_code == 303
    assert _fresh(session, app_row.id).state == State.IN_PREPARATION


def test_the_recommendation_form_names_what_is_missing_and_keeps_the_input(
    client, sign_in, post, make_application, session, world
):
    app_row = make_application(state=State.IN_PREPARATION)
    sign_in("preparer")
    page = text(client.get(f"/applications/{app_row.id}"))
    for name in ("recommendation", "motivation", "conditions", "override_reason"):
        assert f'name="recommend-{name}"' in page, name
    refused = _step(
        post,
        app_row,
        "recommend",
        recommendation="approve_with_conditions",
        motivation="Bred förankring hos parterna.",
    )
    assert refused.status_code == 422
    body = text(refused)
    assert "Write the conditions of the approval." in _refusal(body)
    assert _textarea(body, "recommend-motivation") == "Bred förankring hos parterna."
    assert re.search(r'<input checked [^>]*value="approve_with_conditions"', body)
    empty = _step(post, app_row, "recommend")
    assert empty.status_code == 422
    assert "Give a motivation." in _refusal(text(empty))
    assert _fresh(session, app_row.id).state == State.IN_PREPARATION


def test_an_open_completion_request_needs_an_override_reason_on_the_page(
    client, sign_in, post, make_application, session, world
):
    app_row = make_application(state=State.IN_PREPARATION)
    session.add(
        Annotation(
            association_id=world.association.id,
            application_id=app_row.id,
            version_number=1,
            section="goals",
            body="Målen behöver mätbara indikatorer.",
            shared_with_applicant=True,
            requests_completion=True,
            author_id=world.users["preparer"].id,
        )
    )
    session.commit()
    sign_in("preparer")
    fields = {
        "recommendation": "approve_with_conditions",
        "motivation": "Bra insats.",
        "conditions": "Indikatorer läggs till före start.",
    }
    refused = _step(post, app_row, "recommend", **fields)
    assert refused.status_code == 422
    body = text(refused)
    assert "1 shared request for completion is still open" in _refusal(body)
    assert _textarea(body, "recommend-conditions") == "Indikatorer läggs till före start."
    done = _step(
        post, app_row, "recommend", override_reason="Villkoret täcker kompletteringen.", **fields
    )
    assert done.status_code == 303
    assert _fresh(session, app_row.id).state == State.PREPARED
    shown = text(client.get(f"/applications/{app_row.id}"))
    assert 'id="recommendation"' in shown
    assert "Indikatorer läggs till före start." in shown
    assert "Villkoret täcker kompletteringen." in shown


def test_the_officer_proposes_with_the_prefilled_text(
    client, sign_in, post, make_application, session, world
):
    app_row = make_application(state=State.PREPARED)
    sign_in("officer")
    page = text(client.get(f"/applications/{app_row.id}"))
    assert f'href="/applications/{app_row.id}/propose"' in page
    url = f"/applications/{app_row.id}/propose"
    form = text(client.get(url))
    draft = _textarea(form, "proposal")
    assert app_row.diary_number in draft
    assert "3 000 000" in draft
    assert "Enter – samlad väg till arbete" in draft

    empty = post(url, {"expected_version": app_row.version, "proposal": " "}, from_page=url)
    assert empty.status_code == 422
    assert "Write the proposal to the board." in text(empty)
    edited = draft + "\nKompletterande text från förbundschefen."
    stale = post(url, {"expected_version": app_row.version + 5, "proposal": edited}, from_page=url)
    assert stale.status_code == 409
    assert _textarea(text(stale), "proposal").strip() == edited.strip()
    assert session.exec(select(Proposal)).all() == []

    done = post(url, {"expected_version": app_row.version, "proposal": edited}, from_page=url)
    assert done.status_code == 303
    assert _fresh(session, app_row.id).state == State.PROPOSED
    stored = session.exec(select(Proposal)).one()
    assert stored.text.endswith("Kompletterande text från förbundschefen.")
    assert stored.author_id == world.users["officer"].id
    shown = text(client.get(f"/applications/{app_row.id}"))
    assert 'id="proposal-text"' in shown
    assert "Kompletterande text från förbundschefen." in shown


@pytest.mark.parametrize(
    ("who", "state", "status"),
    [
        ("preparer", State.PREPARED, 403),
        ("applicant", State.PREPARED, 403),
        ("officer", State.IN_PREPARATION, 409),
        ("outsider", State.PREPARED, 404),
    ],
)
def test_the_proposal_page_refuses_others_and_other_states(
    client, sign_in, make_application, who, state, status
):
    app_row = make_application(state=state)
    sign_in(who)
    assert client.get(f"/applications/{app_row.id}/propose").status_code == status


def test_resubmit_on_the_page_freezes_a_new_version(
    client, sign_in, post, make_application, session
):
    app_row = make_application(state=State.COMPLETION_REQUESTED)
    sign_in("applicant")
    assert _step(post, app_row, "resubmit").status_code == 303
    assert _fresh(session, app_row.id).state == State.SUBMITTED
    numbers = session.exec(
        select(ApplicationVersion.number).where(ApplicationVersion.application_id == app_row.id)
    ).all()
    assert sorted(numbers) == [1, 2]


@pytest.mark.parametrize(
    ("trigger", "state", "who", "status"),
    [
        ("return_for_completion", State.SUBMITTED, "preparer", 403),
        ("request_completion", State.IN_PREPARATION, "applicant", 403),
        ("recommend", State.IN_PREPARATION, "officer", 403),
        ("accept_for_preparation", State.IN_PREPARATION, "officer", 409),
        ("request_completion", State.COMPLETION_REQUESTED, "preparer", 409),
        ("resubmit", State.SUBMITTED, "applicant", 409),
    ],
)
def test_wrong_role_or_state_on_the_page_changes_nothing(
    client, sign_in, post, make_application, session, trigger, state, who, status
):
    app_row = make_application(state=state)
    sign_in(who)
    response = _step(post, app_row, trigger, reason="x", recommendation="approve", motivation="x")
    assert response.status_code == status
    fresh = _fresh(session, app_row.id)
    assert (fresh.state, fresh.version) == (state, app_row.version)
