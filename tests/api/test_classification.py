"""The national classification of an insats over the API: officers only, fixed after the start."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from states.application import State
from tests import factories
from tests.api.helpers import error_code, problem_fields
from workflow.models import AuditEvent
from workflow.models.classification import InsatsClassification

BODY = {
    "direction": "individual",
    "precise_direction": "vocational_rehabilitation",
    "follow_up_method": "participant_records",
    "esf": True,
    "esf_project": "ESF Vägen vidare 2024-00123",
}


def _put(api, app_id, who, token, body=BODY):
    return api.request(
        "PUT", f"/api/v1/applications/{app_id}/classification", token=token(who), json=body
    )


def _stored(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(InsatsClassification)).one()


def test_an_officer_classifies_an_approved_insats_and_the_application_shows_it(
    api, token, session, make_application
):
    app = make_application(state=State.APPROVED)
    answer = _put(api, app.id, "officer", token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert {k: body[k] for k in BODY} == BODY
    assert body["fixed"] is False
    shown = api.get(f"/api/v1/applications/{app.id}", token=token("auditor")).get_json()
    assert {k: shown["classification"][k] for k in BODY} == BODY
    # A change before the start is allowed; the audit log names both.
    changed = {**BODY, "esf": False, "esf_project": None, "precise_direction": "assessment"}
    assert _put(api, app.id, "officer", token, changed).status_code == 200
    session.rollback()
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "classify_insats", AuditEvent.entity_id == app.id
        )
    ).all()
    assert len(events) == 2
    assert events[1].data["before"]["precise_direction"] == "vocational_rehabilitation"
    assert events[1].data["classification"]["esf"] is False


def test_during_beredning_too(api, token, make_application):
    app = make_application(state=State.IN_PREPARATION)
    assert _put(api, app.id, "officer", token).status_code == 200


@pytest.mark.parametrize("who", ["applicant", "preparer", "board", "chair", "auditor"])
def test_others_are_refused_and_nothing_is_written(api, token, session, make_application, who):
    app = make_application(state=State.APPROVED)
    answer = _put(api, app.id, who, token)
    assert answer.status_code == 403
    assert _stored(session) == 0


def test_an_officer_of_another_association_does_not_see_the_insats(api, token, make_application):
    app = make_application(state=State.APPROVED)
    assert _put(api, app.id, "outsider", token).status_code == 404


def test_after_the_start_the_classification_is_fixed(api, token, session, world, make_application):
    app = make_application(state=State.APPROVED)
    assert _put(api, app.id, "officer", token).status_code == 200
    session.rollback()
    factories.take_step(session, world, app, "start")  # the start by the real step
    session.commit()
    answer = _put(api, app.id, "officer", token, {**BODY, "precise_direction": "assessment"})
    assert answer.status_code == 409
    assert error_code(answer) == "classification_fixed"
    session.rollback()
    row = session.get(InsatsClassification, app.id)
    assert row.precise_direction == "vocational_rehabilitation"
    shown = api.get(f"/api/v1/applications/{app.id}", token=token("officer")).get_json()
    assert shown["classification"]["fixed"] is True


def test_an_active_insats_never_classified_is_refused_too(api, token, session, make_application):
    app = make_application(state=State.ACTIVE)
    answer = _put(api, app.id, "officer", token)
    assert answer.status_code == 409
    assert error_code(answer) == "classification_fixed"
    assert _stored(session) == 0


def test_before_beredning_it_is_not_open(api, token, session, make_application):
    app = make_application(state=State.SUBMITTED)
    answer = _put(api, app.id, "officer", token)
    assert answer.status_code == 409
    assert error_code(answer) == "classification_not_open"
    assert _stored(session) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"direction": "structural", "follow_up_method": "aggregate_counts"}, "direction"),
        ({"precise_direction": "competence_development"}, "precise_direction"),
        ({"precise_direction": "nonsense"}, "precise_direction"),
        ({"follow_up_method": "guesswork"}, "follow_up_method"),
        ({"esf": "yes"}, "esf"),
        ({"esf_project": None}, "esf_project"),
        ({"esf": False}, "esf_project"),
        ({"esf_project": "x" * 201}, "esf_project"),
    ],
)
def test_bad_codes_are_422_naming_the_field_and_nothing_is_written(
    api, token, session, make_application, change, field
):
    app = make_application(state=State.APPROVED)
    answer = _put(api, app.id, "officer", token, {**BODY, **change})
    assert answer.status_code == 422, answer.get_json()
    assert field in problem_fields(answer)
    assert _stored(session) == 0


def test_a_structural_insats_is_counted_only(api, token, session, make_application):
    app = make_application(state=State.APPROVED, kind="structural")
    structural = {
        "direction": "structural",
        "precise_direction": "competence_development",
        "follow_up_method": "participant_records",
        "esf": False,
    }
    answer = _put(api, app.id, "officer", token, structural)
    assert answer.status_code == 422
    assert problem_fields(answer) == ["follow_up_method"]
    fine = {**structural, "follow_up_method": "aggregate_counts"}
    assert _put(api, app.id, "officer", token, fine).status_code == 200


# --- the page's form --------------------------------------------------------------------------

FORM = {
    "direction": "individual",
    "precise_direction": "coordination",
    "follow_up_method": "participant_records",
    "esf": "no",
    "esf_project": "",
}


def _post_form(client, app_id, data):
    page = client.get(f"/applications/{app_id}")
    token = factories.csrf_token(page.get_data(as_text=True))
    return client.post(f"/applications/{app_id}/classification", data={**data, "csrf_token": token})


def test_the_officer_sets_it_on_the_application_page(
    client, login, session, world, make_application
):
    app = make_application(state=State.PREPARED)
    login(world.users["officer"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Nationell klassificering (Uppföljning Finsam)" in page
    assert f'action="/applications/{app.id}/classification"' in page
    answer = _post_form(client, app.id, FORM)
    assert answer.status_code == 303
    session.rollback()
    row = session.get(InsatsClassification, app.id)
    assert (row.precise_direction, row.esf, row.esf_project) == ("coordination", False, None)
    shown = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Samordning av deltagarens stöd" in shown


def test_a_bad_answer_keeps_the_input_and_says_why_in_swedish(
    client, login, session, world, make_application
):
    app = make_application(state=State.APPROVED)
    login(world.users["officer"])
    answer = _post_form(client, app.id, {**FORM, "esf": "yes", "esf_project": ""})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Skriv namnet på ESF-projektet." in html
    assert 'value="coordination" selected' in html or 'selected value="coordination"' in html
    assert _stored(session) == 0


def test_the_page_refuses_a_change_after_the_start_in_swedish(
    client, login, session, world, make_application
):
    app = make_application(state=State.ACTIVE)
    login(world.users["officer"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Klassificeringen är låst" in page
    assert f'action="/applications/{app.id}/classification"' not in page
    answer = _post_form(client, app.id, FORM)
    assert answer.status_code == 409
    assert "Klassificeringen är låst: insatsen startade" in answer.get_data(as_text=True)
    assert _stored(session) == 0


def test_the_board_sees_it_but_has_no_form(client, login, session, world, make_application):
    app = make_application(state=State.APPROVED)
    login(world.users["board"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Inte klassificerad än." in page
    assert f'action="/applications/{app.id}/classification"' not in page
    assert _post_form(client, app.id, FORM).status_code == 403
    assert _stored(session) == 0
