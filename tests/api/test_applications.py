"""Applications over the API: create, read, change, list; visibility; bad input changes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import func, select

from states.application import State
from tests import factories
from tests.api.helpers import error_code, problem_fields
from workflow import limits
from workflow.models import Application

PLANS = ["follow_up_plan", "gender_equality_plan", "continuation_plan"]


def _json_fields(world) -> dict:
    """A complete application as a client sends it (dates as ISO strings)."""
    return json.loads(json.dumps(factories.complete_fields(world), default=date.isoformat))


def _count(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Application)).one()


def test_an_applicant_creates_an_empty_draft(api, token, world):
    response = api.post("/api/v1/associations/svb/applications", token=token("applicant"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "draft"
    assert body["association"] == "svb"
    assert body["version"] == 1
    assert body["diary_number"] is None
    assert body["lead_member_id"] == world.members["jonkoping"].id
    assert body["allowed_transitions"] == ["submit", "withdraw"]
    missing = [m["field"] for m in body["missing"]]
    assert set(PLANS) <= set(missing)
    assert api.get(f"/api/v1/applications/{body['id']}", token=token("applicant")).get_json() == (
        body
    )


def test_an_applicant_creates_a_complete_draft(api, token, world):
    fields = _json_fields(world)
    response = api.post(
        "/api/v1/associations/svb/applications", token=token("applicant"), json=fields
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["missing"] == []
    fields["partner_member_ids"].sort()  # answered in member order
    assert {k: body[k] for k in fields} == fields
    assert body["cofunding"] == []


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("auditor", 403), ("admin", 403)])
def test_only_applicants_create_applications(api, token, session, who, status):
    response = api.post("/api/v1/associations/svb/applications", token=token(who), json={})
    assert response.status_code == status
    assert _count(session) == 0


def test_an_applicant_of_another_association_gets_404(api, token, session):
    response = api.post(
        "/api/v1/associations/svb/applications", token=token("outsider_applicant"), json={}
    )
    assert response.status_code == 404
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("applicant", True),
        ("other_applicant", False),
        ("preparer", False),
        ("officer", False),
        ("board", False),
        ("chair", False),
        ("auditor", False),
        ("admin", False),
        ("outsider", False),
        ("outsider_applicant", False),
    ],
)
def test_a_draft_is_visible_only_to_its_own_applicants(api, token, make_application, who, visible):
    app = make_application(state=State.DRAFT, complete=False)
    response = api.get(f"/api/v1/applications/{app.id}", token=token(who))
    assert response.status_code == (200 if visible else 404)
    history = api.get(f"/api/v1/applications/{app.id}/history", token=token(who))
    assert history.status_code == (200 if visible else 404)


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("applicant", True),
        ("other_applicant", False),
        ("preparer", True),
        ("officer", True),
        ("board", True),
        ("chair", True),
        ("auditor", True),
        ("admin", False),
        ("outsider", False),
    ],
)
def test_a_submitted_application_is_visible_by_role(api, token, make_application, who, visible):
    app = make_application(state=State.SUBMITTED)
    response = api.get(f"/api/v1/applications/{app.id}", token=token(who))
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.get_json()["diary_number"].startswith("SVB ")


@pytest.mark.parametrize("who", ["officer", "preparer", "board", "auditor"])
def test_visible_but_not_yours_to_change_is_403(api, token, make_application, stored, who):
    app = make_application(state=State.SUBMITTED)
    before = stored(app.id)
    response = api.patch(f"/api/v1/applications/{app.id}", token=token(who), json={"title": "X"})
    assert response.status_code == 403
    assert error_code(response) == "forbidden"
    assert stored(app.id) == before


def test_an_applicant_edits_a_draft(api, token, make_application, stored):
    app = make_application(state=State.DRAFT, complete=False)
    response = api.patch(
        f"/api/v1/applications/{app.id}",
        token=token("applicant"),
        json={"title": "  Ny titel  ", "age_min": 18, "age_max": 29, "expected_version": 1},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["age_min"], body["age_max"], body["version"]) == (
        "Ny titel",
        18,
        29,
        2,
    )
    now = stored(app.id)
    assert (now["title"], now["version"]) == ("Ny titel", 2)


def test_an_empty_patch_changes_nothing(api, token, make_application, stored):
    app = make_application(state=State.DRAFT, complete=False)
    before = stored(app.id)
    response = api.patch(f"/api/v1/applications/{app.id}", token=token("applicant"), json={})
    assert response.status_code == 200
    assert stored(app.id) == before


def test_an_emptied_text_field_becomes_null(api, token, make_application, stored):
    app = make_application(state=State.DRAFT)
    response = api.patch(
        f"/api/v1/applications/{app.id}", token=token("applicant"), json={"steering_group": " "}
    )
    assert response.get_json()["steering_group"] is None
    assert stored(app.id)["steering_group"] is None


@pytest.mark.parametrize("state", [State.SUBMITTED, State.IN_PREPARATION, State.WITHDRAWN])
def test_a_patch_after_submit_is_409(api, token, make_application, stored, state):
    app = make_application(state=state)
    before = stored(app.id)
    response = api.patch(
        f"/api/v1/applications/{app.id}", token=token("applicant"), json={"title": "Sent"}
    )
    assert response.status_code == 409
    assert error_code(response) == "invalid_state"
    assert stored(app.id) == before


def test_a_patch_while_completion_is_requested_is_allowed(api, token, make_application):
    app = make_application(state=State.COMPLETION_REQUESTED)
    response = api.patch(
        f"/api/v1/applications/{app.id}", token=token("applicant"), json={"title": "Kompletterad"}
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "Kompletterad"


def test_a_stale_expected_version_is_409_and_changes_nothing(api, token, make_application, stored):
    app = make_application(state=State.DRAFT, complete=False)
    first = api.patch(
        f"/api/v1/applications/{app.id}", token=token("applicant"), json={"title": "Först"}
    )
    assert first.get_json()["version"] == 2
    before = stored(app.id)
    response = api.patch(
        f"/api/v1/applications/{app.id}",
        token=token("applicant"),
        json={"title": "Sen", "expected_version": 1},
    )
    assert response.status_code == 409
    assert error_code(response) == "stale_version"
    assert stored(app.id) == before


BAD_INPUT = [
    ({"bogus": 1}, ["bogus"]),
    ({"title": "x" * (limits.TITLE_MAX + 1)}, ["title"]),
    ({"follow_up_plan": "x" * (limits.PLAN_MAX + 1)}, ["follow_up_plan"]),
    ({"gender_equality_plan": 5}, ["gender_equality_plan"]),
    ({"age_min": "18"}, ["age_min"]),
    ({"age_min": 18.5}, ["age_min"]),  # 18.0 is the integer 18 (test_numbers_and_dates.py)
    ({"age_min": True}, ["age_min"]),
    ({"age_min": 15}, ["age_min"]),
    ({"age_max": 68}, ["age_max"]),
    ({"age_min": 40, "age_max": 30}, ["age_max"]),
    ({"participants_women": -1}, ["participants_women"]),
    ({"start_date": "2026-05-01", "end_date": "2026-04-30"}, ["end_date"]),
    ({"start_date": "01/05/2026"}, ["start_date"]),
    ({"start_date": "2026-02-30"}, ["start_date"]),
    ({"start_date": "0001-01-01", "end_date": "9999-12-31"}, ["end_date", "start_date"]),
    ({"kind": "other"}, ["kind"]),
    ({"budget": [{"year": 2026, "amount_sek": -1}]}, ["budget.0.amount_sek"]),
    ({"budget": [{"year": 2026, "amount_sek": limits.AMOUNT_MAX + 1}]}, ["budget.0.amount_sek"]),
    ({"budget": [{"year": 2026, "amount_sek": 10**30}]}, ["budget.0.amount_sek"]),
    ({"budget": [{"year": 2026, "amount_sek": 1, "vat": 0}]}, ["budget.0.vat"]),
    ({"budget": {"year": 2026}}, ["budget"]),
    ({"partner_member_ids": ["fk"]}, ["partner_member_ids.0"]),
    ({"lead_member_id": 2**40}, ["lead_member_id"]),
    (
        {"title": "x" * (limits.TITLE_MAX + 1), "age_min": 99, "bogus": 1},
        ["age_min", "bogus", "title"],
    ),
]


@pytest.mark.parametrize(("body", "fields"), BAD_INPUT)
def test_bad_input_to_patch_is_422_and_changes_nothing(
    api, token, make_application, stored, body, fields
):
    app = make_application(state=State.DRAFT, complete=False)
    before = stored(app.id)
    response = api.patch(f"/api/v1/applications/{app.id}", token=token("applicant"), json=body)
    assert response.status_code == 422
    assert error_code(response) == "validation_failed"
    assert sorted(problem_fields(response)) == fields
    assert stored(app.id) == before


@pytest.mark.parametrize(("body", "fields"), BAD_INPUT)
def test_bad_input_to_create_is_422_and_creates_nothing(api, token, session, body, fields):
    response = api.post(
        "/api/v1/associations/svb/applications", token=token("applicant"), json=body
    )
    assert response.status_code == 422
    assert sorted(problem_fields(response)) == fields
    assert _count(session) == 0


def test_members_of_another_association_are_refused_by_field(
    api, token, world, make_application, stored
):
    app = make_application(state=State.DRAFT, complete=False)
    before = stored(app.id)
    other = world.other_members["nassjo"].id
    response = api.patch(
        f"/api/v1/applications/{app.id}",
        token=token("applicant"),
        json={
            "lead_member_id": other,
            "partner_member_ids": [world.members["fk"].id, other],
            "cofunding": [{"member_id": other, "year": 2026, "amount_sek": 1000}],
        },
    )
    assert response.status_code == 422
    assert problem_fields(response) == [
        "lead_member_id",
        "partner_member_ids.1",
        "cofunding.0.member_id",
    ]
    assert stored(app.id) == before


def test_an_applicant_cannot_apply_for_another_member(api, token, world, session):
    response = api.post(
        "/api/v1/associations/svb/applications",
        token=token("applicant"),
        json={"lead_member_id": world.members["region"].id},
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["lead_member_id"]
    assert _count(session) == 0


# --- the list --------------------------------------------------------------------------------


def _ids(response) -> list[int]:
    return [item["id"] for item in response.get_json()["items"]]


def test_the_list_shows_only_what_you_can_see(api, token, world, make_application):
    draft = make_application(state=State.DRAFT, complete=False)
    submitted = make_application(state=State.SUBMITTED)
    region_draft = make_application(
        state=State.DRAFT, complete=False, lead_member_id=world.members["region"].id
    )
    path = "/api/v1/associations/svb/applications"
    assert set(_ids(api.get(path, token=token("applicant")))) == {draft.id, submitted.id}
    assert _ids(api.get(path, token=token("other_applicant"))) == [region_draft.id]
    for role in ("officer", "preparer", "board", "chair", "auditor"):
        assert _ids(api.get(path, token=token(role))) == [submitted.id], role
    assert api.get(path, token=token("outsider")).status_code == 404
    assert _ids(api.get(path, token=token("admin"))) == []


def test_the_list_filters_by_state(api, token, make_application):
    draft = make_application(state=State.DRAFT, complete=False)
    submitted = make_application(state=State.SUBMITTED)
    path = "/api/v1/associations/svb/applications"
    applicant = token("applicant")
    assert _ids(api.get(f"{path}?state=draft", token=applicant)) == [draft.id]
    assert _ids(api.get(f"{path}?state=submitted", token=applicant)) == [submitted.id]
    assert _ids(api.get(f"{path}?state=approved", token=applicant)) == []


def test_the_list_is_paginated(api, app, token, make_application):
    made = [make_application(state=State.DRAFT, complete=False).id for _ in range(5)]
    path = "/api/v1/associations/svb/applications"
    applicant = token("applicant")
    pages = [api.get(f"{path}?per_page=2&page={n}", token=applicant).get_json() for n in (1, 2, 3)]
    assert [(p["page"], p["per_page"], p["total"], p["pages"]) for p in pages] == [
        (1, 2, 5, 3),
        (2, 2, 5, 3),
        (3, 2, 5, 3),
    ]
    seen = [item["id"] for p in pages for item in p["items"]]
    assert sorted(seen) == sorted(made)
    beyond = api.get(f"{path}?per_page=2&page=4", token=applicant).get_json()
    assert (beyond["items"], beyond["total"]) == ([], 5)
    default = api.get(path, token=applicant).get_json()
    assert default["per_page"] == app.config["PAGE_SIZE"]
    assert default["page"] == 1


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("state=flying", ["state"]),
        ("state=DRAFT", ["state"]),
        ("page=0", ["page"]),
        ("page=-1", ["page"]),
        ("page=abc", ["page"]),
        ("page=", ["page"]),
        ("page=99999999999999999999", ["page"]),
        ("per_page=0", ["per_page"]),
        ("per_page=101", ["per_page"]),
        ("per_page=1.5", ["per_page"]),
        ("page=0&per_page=0&state=x", ["page", "per_page", "state"]),
        ("colour=blue", ["colour"]),
    ],
)
def test_a_bad_list_query_is_422(api, token, query, fields):
    response = api.get(f"/api/v1/associations/svb/applications?{query}", token=token("applicant"))
    assert response.status_code == 422
    assert sorted(problem_fields(response)) == fields
