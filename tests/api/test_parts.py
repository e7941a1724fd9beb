"""Mixed insatser: the individual and the structural part, each its own application, as a pair."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.api.helpers import error_code, problem_fields
from tests.web.conftest import text
from workflow.models import Application
from workflow.models.shares import InsatsPart


def _counts(session) -> tuple[int, int]:
    session.rollback()
    apps = session.exec(select(func.count()).select_from(Application)).one()
    pairs = session.exec(select(func.count()).select_from(InsatsPart)).one()
    return apps, pairs


def test_the_applicant_makes_the_structural_part_of_an_individual_draft(
    api, token, make_application, world
):
    first = make_application(title="Projekt Efterstöd")
    response = api.post(f"/api/v1/applications/{first.id}/parts", token=token("applicant"))
    assert response.status_code == 201, response.get_json()
    part = response.get_json()
    assert part["kind"] == "structural"
    assert part["title"] == "Projekt Efterstöd – strukturdel"
    assert part["state"] == "draft"
    # Who, for whom, when and how it is steered come along; budget and goals are its own.
    for name in ("lead_member_id", "target_group", "steering_group"):
        assert part[name] == getattr(first, name)
    assert (part["start_date"], part["end_date"]) == (
        first.start_date.isoformat(),
        first.end_date.isoformat(),
    )
    assert sorted(part["partner_member_ids"]) == sorted(p.member_id for p in first.partners)
    assert part["budget"] == []
    assert part["goals"] == []
    # Each part names the other.
    for mine, other in ((first.id, part["id"]), (part["id"], first.id)):
        answer = api.get(f"/api/v1/applications/{mine}/parts", token=token("applicant"))
        assert [i["id"] for i in answer.get_json()["items"]] == [other]


def test_an_application_has_one_other_part_at_most(api, token, make_application, session):
    first = make_application()
    part = api.post(f"/api/v1/applications/{first.id}/parts", token=token("applicant"))
    before = _counts(session)
    for target in (first.id, part.get_json()["id"]):
        again = api.post(f"/api/v1/applications/{target}/parts", token=token("applicant"))
        assert again.status_code == 409
        assert error_code(again) == "part_exists"
    assert _counts(session) == before


def test_a_draft_without_a_kind_is_asked_for_it(api, token, make_application, session):
    first = make_application(complete=False)
    before = _counts(session)
    response = api.post(f"/api/v1/applications/{first.id}/parts", token=token("applicant"))
    assert response.status_code == 422
    assert problem_fields(response) == ["kind"]
    assert _counts(session) == before


def test_a_submitted_application_keeps_its_shape(api, token, make_application, session):
    first = make_application(state="submitted")
    before = _counts(session)
    response = api.post(f"/api/v1/applications/{first.id}/parts", token=token("applicant"))
    assert response.status_code == 409
    assert error_code(response) == "invalid_state"
    assert _counts(session) == before


@pytest.mark.parametrize("who", ["officer", "preparer", "other_applicant", "outsider"])
def test_only_the_leading_members_applicants_make_a_part(
    api, token, make_application, session, who
):
    first = make_application(state="submitted")
    before = _counts(session)
    response = api.post(f"/api/v1/applications/{first.id}/parts", token=token(who))
    assert response.status_code in (403, 404)
    assert _counts(session) == before


def test_the_page_makes_the_part_and_links_the_two(client, login, world, make_application):
    first = make_application(title="Projekt Efterstöd")
    login(world.users["applicant"])
    page = text(client.get(f"/applications/{first.id}"))
    assert "Skapa den strukturövergripande delen" in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    made = client.post(f"/applications/{first.id}/parts", data={"csrf_token": token})
    assert made.status_code == 303
    assert "/edit" in made.headers["Location"]
    page = text(client.get(f"/applications/{first.id}"))
    assert "Projekt Efterstöd – strukturdel" in page
    assert "Skapa den strukturövergripande delen" not in page
