"""Steps of the lifecycle over the API, the history they leave and the audit chain."""

from __future__ import annotations

import pytest

from states.application import State
from tests import factories
from tests.api.helpers import error_code, problem_fields
from workflow.models import utcnow

PLANS = ["follow_up_plan", "gender_equality_plan", "continuation_plan"]


def _fire(api, token, app_id: int, trigger: str, who: str = "applicant", **body):
    return api.post(
        f"/api/v1/applications/{app_id}/transitions/{trigger}", token=token(who), json=body
    )


def test_submitting_an_incomplete_application_names_every_missing_item(
    api, token, make_application, stored
):
    app = make_application(state=State.DRAFT, complete=False)
    before = stored(app.id)
    response = _fire(api, token, app.id, "submit")
    assert response.status_code == 422
    assert error_code(response) == "validation_failed"
    fields = problem_fields(response)
    assert set(PLANS) <= set(fields)
    assert {
        "kind",
        "partner_member_ids",
        "target_group",
        "age_min",
        "age_max",
        "participants_women",
        "participants_men",
        "start_date",
        "end_date",
        "budget",
        "goals",
    } <= set(fields)
    assert all(detail["message"] for detail in response.get_json()["error"]["details"])
    assert stored(app.id) == before


def test_submit_numbers_applications_in_order(api, token, make_application, stored):
    first = make_application(state=State.DRAFT)
    second = make_application(state=State.DRAFT)
    year, version = utcnow().year, first.version
    one = _fire(api, token, first.id, "submit", expected_version=version)
    assert one.status_code == 200
    body = one.get_json()
    assert (body["state"], body["diary_number"], body["version"]) == (
        "submitted",
        f"SVB {year}/001",
        version + 1,
    )
    assert body["submitted_at"] is not None
    assert body["allowed_transitions"] == ["withdraw"]
    two = _fire(api, token, second.id, "submit")
    assert two.get_json()["diary_number"] == f"SVB {year}/002"
    assert stored(first.id)["diary_number"] == f"SVB {year}/001"


def test_a_submitted_application_reaches_the_officer(api, token, make_application):
    app = make_application(state=State.DRAFT)
    assert api.get(f"/api/v1/applications/{app.id}", token=token("officer")).status_code == 404
    _fire(api, token, app.id, "submit")
    seen = api.get(f"/api/v1/applications/{app.id}", token=token("officer"))
    assert seen.status_code == 200
    assert seen.get_json()["allowed_transitions"] == [
        "accept_for_preparation",
        "return_for_completion",
    ]


@pytest.mark.parametrize(
    "state",
    [State.DRAFT, State.SUBMITTED, State.IN_PREPARATION, State.COMPLETION_REQUESTED],
)
def test_withdraw_from_each_allowed_state(api, token, make_application, stored, state):
    app = make_application(state=state)
    response = _fire(api, token, app.id, "withdraw", reason="Insatsen ryms i ordinarie budget")
    assert response.status_code == 200
    assert response.get_json()["state"] == "withdrawn"
    assert response.get_json()["allowed_transitions"] == []
    assert stored(app.id)["state"] == "withdrawn"


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.PREPARED, State.APPROVED, State.ACTIVE])
def test_withdraw_from_a_disallowed_state_is_409(api, token, make_application, stored, state):
    app = make_application(state=state)
    before = stored(app.id)
    response = _fire(api, token, app.id, "withdraw")
    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"
    assert stored(app.id) == before


def test_submit_twice_is_409(api, token, make_application, stored):
    app = make_application(state=State.SUBMITTED)
    before = stored(app.id)
    response = _fire(api, token, app.id, "submit")
    assert response.status_code == 409
    assert stored(app.id) == before


def test_a_stale_expected_version_is_409_and_changes_nothing(api, token, make_application, stored):
    app = make_application(state=State.DRAFT)
    api.patch(f"/api/v1/applications/{app.id}", token=token("applicant"), json={"title": "Ny"})
    before = stored(app.id)
    response = _fire(api, token, app.id, "submit", expected_version=1)
    assert response.status_code == 409
    assert error_code(response) == "stale_version"
    assert stored(app.id) == before
    assert before["diary_number"] is None


@pytest.mark.parametrize(
    ("who", "trigger"),
    [
        ("officer", "withdraw"),
        ("preparer", "accept_for_preparation"),
        ("board", "return_for_completion"),
        ("auditor", "withdraw"),
    ],
)
def test_visible_but_not_your_step_is_403(api, token, make_application, stored, who, trigger):
    app = make_application(state=State.SUBMITTED)
    before = stored(app.id)
    response = _fire(api, token, app.id, trigger, who=who, reason="Saknas")
    assert response.status_code == 403
    assert error_code(response) == "forbidden"
    assert stored(app.id) == before


@pytest.mark.parametrize("who", ["other_applicant", "officer", "outsider_applicant"])
def test_a_step_on_an_application_you_cannot_see_is_404(api, token, make_application, stored, who):
    app = make_application(state=State.DRAFT)
    before = stored(app.id)
    response = _fire(api, token, app.id, "submit", who=who)
    assert response.status_code == 404
    assert stored(app.id) == before


@pytest.mark.parametrize("trigger", ["fly", "board_approve", "place_on_agenda", "SUBMIT"])
def test_an_unknown_or_internal_step_is_404(api, token, make_application, stored, trigger):
    app = make_application(state=State.DRAFT)
    before = stored(app.id)
    response = _fire(api, token, app.id, trigger)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert stored(app.id) == before


def test_a_payload_key_the_step_does_not_use_is_422(api, token, make_application, stored):
    app = make_application(state=State.DRAFT)
    before = stored(app.id)
    response = _fire(api, token, app.id, "withdraw", proposal="Bevilja", motivation="x")
    assert response.status_code == 422
    assert problem_fields(response) == ["motivation", "proposal"]
    assert stored(app.id) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"reason": 5}, ["reason"]),
        ({"reason": "x" * 5001}, ["reason"]),
        ({"expected_version": "1"}, ["expected_version"]),
        ({"expected_version": 0}, ["expected_version"]),
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_a_bad_step_body_is_422(api, token, make_application, stored, body, fields):
    app = make_application(state=State.DRAFT)
    before = stored(app.id)
    response = _fire(api, token, app.id, "withdraw", **body)
    assert response.status_code == 422
    assert problem_fields(response) == fields
    assert stored(app.id) == before


def test_a_step_that_needs_a_reason_names_it(api, token, make_application, stored):
    app = make_application(state=State.SUBMITTED)
    before = stored(app.id)
    response = _fire(api, token, app.id, "return_for_completion", who="officer")
    assert response.status_code == 422
    assert problem_fields(response) == ["reason"]
    assert stored(app.id) == before
    returned = _fire(
        api, token, app.id, "return_for_completion", who="officer", reason="Budget saknas"
    )
    assert returned.get_json()["state"] == "completion_requested"


def test_the_history_tells_who_did_what(api, token, world):
    applicant = token("applicant")
    created = api.post(
        "/api/v1/associations/svb/applications", token=applicant, json={"title": "Första"}
    ).get_json()
    path = f"/api/v1/applications/{created['id']}"
    api.patch(path, token=applicant, json={"title": "Andra", "age_min": 20})
    api.post(f"{path}/transitions/withdraw", token=applicant, json={"reason": "Fel part"})
    history = api.get(f"{path}/history", token=applicant).get_json()
    assert history["total"] == 3
    events = history["items"]
    assert [e["action"] for e in events] == ["create", "update", "withdraw"]
    assert [e["trigger"] for e in events] == [None, None, "withdraw"]
    assert [(e["from"], e["to"]) for e in events] == [
        (None, "draft"),
        (None, None),
        ("draft", "withdrawn"),
    ]
    assert events[1]["changed_fields"] == ["age_min", "title"]
    assert events[2]["reason"] == "Fel part"
    name = world.users["applicant"].name
    assert {(e["actor"]["id"], e["actor"]["name"]) for e in events} == {
        (world.users["applicant"].id, name)
    }
    assert events[0]["at"] <= events[1]["at"] <= events[2]["at"]


def test_the_history_is_paginated(api, token, make_application):
    app = make_application(state=State.DRAFT, complete=False)
    for n in range(3):
        api.patch(
            f"/api/v1/applications/{app.id}", token=token("applicant"), json={"title": f"V{n}"}
        )
    page = api.get(
        f"/api/v1/applications/{app.id}/history?per_page=2&page=2", token=token("applicant")
    ).get_json()
    # The draft's creation and three edits.
    assert (page["total"], page["pages"], len(page["items"])) == (4, 2, 2)


@pytest.mark.parametrize("who", ["admin", "auditor", "officer"])
def test_the_audit_chain_verifies(api, token, make_application, who):
    app = make_application(state=State.DRAFT)
    _fire(api, token, app.id, "submit")
    response = api.get("/api/v1/audit/verify", token=token(who))
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert body["events"] >= 10  # the world's users and members, and the submit
    assert body["broken"] == []


@pytest.mark.parametrize("who", ["applicant", "preparer", "board"])
def test_only_admins_auditors_and_officers_verify_the_audit_chain(api, token, who):
    response = api.get("/api/v1/audit/verify", token=token(who))
    assert response.status_code == 403


def test_a_truncated_chain_is_reported(api, token, world, session, backend):
    seq = factories.truncate_audit_chain(session, world.association.id, backend)
    body = api.get("/api/v1/audit/verify", token=token("auditor")).get_json()
    assert body["ok"] is False
    assert body["broken"] == [
        {"chain_id": world.association.id, "seq": seq, "id": None, "problem": "truncated"}
    ]


def test_an_officer_checks_only_the_chains_of_their_associations(
    api, token, world, session, backend
):
    """A break in another association's chain is not reported, nor its events counted."""
    mine = api.get("/api/v1/audit/verify", token=token("officer")).get_json()
    everything = api.get("/api/v1/audit/verify", token=token("admin")).get_json()
    assert mine["events"] < everything["events"]
    factories.truncate_audit_chain(session, world.other_association.id, backend)
    assert api.get("/api/v1/audit/verify", token=token("officer")).get_json()["ok"] is True
    assert api.get("/api/v1/audit/verify", token=token("admin")).get_json()["ok"] is False
