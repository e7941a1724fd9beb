"""The beredning steps over the API: required fields, wrong state, wrong role, the guards."""

from __future__ import annotations

import pytest
from sqlmodel import select

from states.application import State
from tests.api.helpers import error_code, problem_fields
from workflow.models import (
    Annotation,
    Application,
    ApplicationVersion,
    Proposal,
    Recommendation,
    utcnow,
)


def _fire(api, bearer, app_id: int, trigger: str, who: str, **body):
    return api.post(
        f"/api/v1/applications/{app_id}/transitions/{trigger}", token=bearer(who), json=body
    )


def _state(session, app_id: int) -> str:
    session.expire_all()
    return session.get(Application, app_id).state


def _completion_request(session, world, app, **overrides) -> Annotation:
    values = {
        "association_id": world.association.id,
        "application_id": app.id,
        "version_number": 1,
        "section": "budget",
        "body": "Dela upp budgeten på personal och lokaler.",
        "shared_with_applicant": True,
        "requests_completion": True,
        "author_id": world.users["preparer"].id,
    }
    values.update(overrides)
    note = Annotation(**values)
    session.add(note)
    session.commit()
    return note


# --- required fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state", "who", "dest"),
    [
        ("return_for_completion", State.SUBMITTED, "officer", State.COMPLETION_REQUESTED),
        ("request_completion", State.IN_PREPARATION, "preparer", State.COMPLETION_REQUESTED),
    ],
)
def test_a_step_that_asks_the_applicant_needs_a_reason(
    api, bearer, make_application, session, trigger, state, who, dest
):
    app = make_application(state=state)
    refused = _fire(api, bearer, app.id, trigger, who, reason="   ")
    assert refused.status_code == 422
    assert problem_fields(refused) == ["reason"]
    assert _state(session, app.id) == state
    done = _fire(api, bearer, app.id, trigger, who, reason="Budgeten saknar fördelning per år.")
    assert done.status_code == 200
    assert done.get_json()["state"] == dest
    history = api.get(f"/api/v1/applications/{app.id}/history", token=bearer("applicant"))
    last = history.get_json()["items"][-1]
    assert (last["trigger"], last["reason"]) == (trigger, "Budgeten saknar fördelning per år.")


def test_accept_for_preparation(api, bearer, make_application):
    app = make_application(state=State.SUBMITTED)
    response = _fire(api, bearer, app.id, "accept_for_preparation", "officer")
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "in_preparation"
    # The officer waits for the group's recommendation, but may ask the applicant to complete.
    assert body["allowed_transitions"] == ["request_completion"]


def test_recommend_names_what_is_missing(api, bearer, make_application, session):
    app = make_application(state=State.IN_PREPARATION)
    empty = _fire(api, bearer, app.id, "recommend", "preparer")
    assert empty.status_code == 422
    assert set(problem_fields(empty)) == {"recommendation", "motivation"}
    conditional = _fire(
        api,
        bearer,
        app.id,
        "recommend",
        "preparer",
        recommendation="approve_with_conditions",
        motivation="Väl förankrad hos parterna.",
    )
    assert conditional.status_code == 422
    assert problem_fields(conditional) == ["conditions"]
    assert _state(session, app.id) == State.IN_PREPARATION
    assert session.exec(select(Recommendation)).all() == []


def test_recommend_with_conditions_moves_to_prepared_and_shows_in_the_application(
    api, bearer, make_application, session, world
):
    app = make_application(state=State.IN_PREPARATION)
    response = _fire(
        api,
        bearer,
        app.id,
        "recommend",
        "preparer",
        recommendation="approve_with_conditions",
        motivation="Väl förankrad hos parterna.",
        conditions="Extern utvärdering upphandlas före start.",
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "prepared"
    recommendation = body["recommendation"]
    assert recommendation["recommendation"] == "approve_with_conditions"
    assert recommendation["conditions"] == "Extern utvärdering upphandlas före start."
    assert recommendation["override_reason"] is None
    assert recommendation["author"] == {"id": world.users["preparer"].id, "name": "Per Beredare"}
    assert recommendation["version_number"] == 1
    assert body["proposal"] is None
    listed = api.get(f"/api/v1/applications/{app.id}/recommendations", token=bearer("applicant"))
    assert listed.status_code == 200
    assert [r["id"] for r in listed.get_json()["items"]] == [recommendation["id"]]


def test_conditions_are_not_kept_when_the_recommendation_is_not_conditional(
    api, bearer, make_application
):
    app = make_application(state=State.IN_PREPARATION)
    response = _fire(
        api,
        bearer,
        app.id,
        "recommend",
        "preparer",
        recommendation="reject",
        motivation="Saknar koppling till förbundets mål.",
        conditions="Ska inte sparas",
    )
    assert response.status_code == 200
    assert response.get_json()["recommendation"]["conditions"] is None


def test_an_open_shared_completion_request_blocks_the_recommendation_without_a_reason(
    api, bearer, make_application, session, world
):
    app = make_application(state=State.IN_PREPARATION)
    _completion_request(session, world, app)
    # Neither an internal note nor a resolved request holds the group back.
    _completion_request(session, world, app, shared_with_applicant=False, requests_completion=False)
    _completion_request(
        session,
        world,
        app,
        resolved=True,
        resolved_at=utcnow(),
        resolved_by_id=world.users["preparer"].id,
    )
    body = {"recommendation": "approve", "motivation": "Bra insats."}
    refused = _fire(api, bearer, app.id, "recommend", "preparer", **body)
    assert refused.status_code == 422
    assert problem_fields(refused) == ["override_reason"]
    assert "1" in refused.get_json()["error"]["details"][0]["message"]
    assert _state(session, app.id) == State.IN_PREPARATION
    done = _fire(
        api,
        bearer,
        app.id,
        "recommend",
        "preparer",
        override_reason="Kompletteringen gäller en detalj som kan lösas i avtalet.",
        **body,
    )
    assert done.status_code == 200
    assert done.get_json()["recommendation"]["override_reason"] == (
        "Kompletteringen gäller en detalj som kan lösas i avtalet."
    )


def test_propose_needs_the_proposal_text(api, bearer, make_application, session, world):
    app = make_application(state=State.PREPARED)
    refused = _fire(api, bearer, app.id, "propose", "officer", proposal="  ")
    assert refused.status_code == 422
    assert problem_fields(refused) == ["proposal"]
    assert session.exec(select(Proposal)).all() == []
    done = _fire(api, bearer, app.id, "propose", "officer", proposal="Styrelsen beslutar ...")
    assert done.status_code == 200
    body = done.get_json()
    assert body["state"] == "proposed"
    assert body["proposal"]["text"] == "Styrelsen beslutar ..."
    assert body["proposal"]["author"]["id"] == world.users["officer"].id


def test_keys_of_other_steps_are_refused(api, bearer, make_application):
    app = make_application(state=State.SUBMITTED)
    response = _fire(
        api, bearer, app.id, "accept_for_preparation", "officer", conditions="Inte här"
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["conditions"]


# --- resubmit -----------------------------------------------------------------------------------


def test_resubmit_freezes_a_new_version(api, bearer, make_application, session):
    app = make_application(state=State.COMPLETION_REQUESTED)
    patched = api.patch(
        f"/api/v1/applications/{app.id}",
        token=bearer("applicant"),
        json={"steering_group": "En per part, ordförande från kommunen"},
    )
    assert patched.status_code == 200
    response = _fire(api, bearer, app.id, "resubmit", "applicant")
    assert response.status_code == 200
    assert response.get_json()["state"] == "submitted"
    numbers = session.exec(
        select(ApplicationVersion.number, ApplicationVersion.trigger)
        .where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.number)
    ).all()
    assert [tuple(row) for row in numbers] == [(1, "submit"), (2, "resubmit")]
    assert response.get_json()["diary_number"] == app.diary_number  # the number is kept


def test_resubmit_checks_completeness_again(api, bearer, make_application, session):
    app = make_application(state=State.COMPLETION_REQUESTED)
    api.patch(
        f"/api/v1/applications/{app.id}",
        token=bearer("applicant"),
        json={"follow_up_plan": "", "budget": []},
    )
    response = _fire(api, bearer, app.id, "resubmit", "applicant")
    assert response.status_code == 422
    assert {"follow_up_plan", "budget"} <= set(problem_fields(response))
    assert _state(session, app.id) == State.COMPLETION_REQUESTED


# --- wrong state, wrong role --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state", "who", "body"),
    [
        ("return_for_completion", State.IN_PREPARATION, "officer", {"reason": "x"}),
        ("accept_for_preparation", State.COMPLETION_REQUESTED, "officer", {}),
        ("request_completion", State.SUBMITTED, "preparer", {"reason": "x"}),
        ("recommend", State.SUBMITTED, "preparer", {"recommendation": "approve"}),
        ("propose", State.IN_PREPARATION, "officer", {"proposal": "x"}),
        ("resubmit", State.SUBMITTED, "applicant", {}),
    ],
)
def test_a_step_from_the_wrong_state_is_409(
    api, bearer, make_application, session, trigger, state, who, body
):
    app = make_application(state=state)
    response = _fire(api, bearer, app.id, trigger, who, **body)
    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"
    assert _state(session, app.id) == state


@pytest.mark.parametrize(
    ("trigger", "state", "who"),
    [
        ("return_for_completion", State.SUBMITTED, "preparer"),
        ("return_for_completion", State.SUBMITTED, "applicant"),
        ("accept_for_preparation", State.SUBMITTED, "preparer"),
        ("request_completion", State.IN_PREPARATION, "board"),
        ("recommend", State.IN_PREPARATION, "officer"),
        ("recommend", State.IN_PREPARATION, "board"),
        ("propose", State.PREPARED, "preparer"),
        ("resubmit", State.COMPLETION_REQUESTED, "officer"),
    ],
)
def test_a_step_by_the_wrong_role_is_403(
    api, bearer, make_application, session, trigger, state, who
):
    app = make_application(state=state)
    response = _fire(
        api,
        bearer,
        app.id,
        trigger,
        who,
        reason="x",
        **({"recommendation": "approve", "motivation": "x"} if trigger == "recommend" else {}),
        **({"proposal": "x"} if trigger == "propose" else {}),
    )
    assert response.status_code == 403
    assert _state(session, app.id) == state


def test_withdraw_still_works_while_completion_is_requested(api, bearer, make_application):
    app = make_application(state=State.COMPLETION_REQUESTED)
    response = _fire(api, bearer, app.id, "withdraw", "applicant", reason="Ryms i budgeten")
    assert response.status_code == 200
    assert response.get_json()["state"] == "withdrawn"


# --- a whole round and the proposal draft -------------------------------------------------------


def test_a_full_round_from_submission_to_proposal(api, bearer, make_application, session):
    app = make_application(state=State.DRAFT)
    steps = [
        ("submit", "applicant", {}),
        ("accept_for_preparation", "officer", {}),
        ("request_completion", "preparer", {"reason": "Beskriv styrgruppen närmare."}),
        ("resubmit", "applicant", {}),
        ("accept_for_preparation", "officer", {}),
        ("recommend", "preparer", {"recommendation": "approve", "motivation": "Bra."}),
    ]
    for trigger, who, body in steps:
        response = _fire(api, bearer, app.id, trigger, who, **body)
        assert response.status_code == 200, (trigger, response.get_json())
    draft = api.get(f"/api/v1/applications/{app.id}/proposal-draft", token=bearer("officer"))
    assert draft.status_code == 200
    text = draft.get_json()["text"]
    number = response.get_json()["diary_number"]
    assert number in text
    assert "3 000 000" in text
    assert draft.get_json()["version"] == response.get_json()["version"]
    proposed = _fire(
        api,
        bearer,
        app.id,
        "propose",
        "officer",
        proposal=text,
        expected_version=draft.get_json()["version"],
    )
    assert proposed.status_code == 200
    body = proposed.get_json()
    assert body["state"] == "proposed"
    assert body["recommendation"]["version_number"] == 2
    assert body["proposal"]["version_number"] == 2
    assert body["proposal"]["text"] == text.strip()


@pytest.mark.parametrize(("who", "status"), [("preparer", 403), ("applicant", 403)])
def test_only_officers_get_the_proposal_draft(api, bearer, make_application, who, status):
    app = make_application(state=State.PREPARED)
    response = api.get(f"/api/v1/applications/{app.id}/proposal-draft", token=bearer(who))
    assert response.status_code == status


def test_the_proposal_draft_of_a_hidden_application_is_404(api, bearer, make_application):
    app = make_application(state=State.PREPARED)
    response = api.get(f"/api/v1/applications/{app.id}/proposal-draft", token=bearer("outsider"))
    assert response.status_code == 404
    draft = make_application(state=State.DRAFT)
    response = api.get(f"/api/v1/applications/{draft.id}/proposal-draft", token=bearer("officer"))
    assert response.status_code == 404
