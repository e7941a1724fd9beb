"""Joint applications: partners endorse or decline, see but cannot edit; the submit rule."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from states.application import State
from tests.api.helpers import error_code, problem_fields
from tests.web.conftest import text
from workflow.models import Application, Association, AuditEvent, Endorsement


def _put(api, token, app_id: int, member_id: int, **body):
    return api.request(
        "PUT", f"/api/v1/applications/{app_id}/endorsements/{member_id}", token=token, json=body
    )


def _stored(session, app_id: int) -> dict[int, tuple[str, str | None]]:
    session.expire_all()
    rows = session.exec(select(Endorsement).where(Endorsement.application_id == app_id)).all()
    return {row.member_id: (row.decision, row.comment) for row in rows}


def _require_endorsements(session, world) -> None:
    association = session.get(Association, world.association.id)
    association.require_partner_endorsement = True
    session.commit()


# --- the API ------------------------------------------------------------------------------------


def test_a_partner_applicant_endorses_and_everyone_sees_it(
    api, bearer, world, partners, make_application, session
):
    app = make_application(state=State.SUBMITTED)
    fk, af = world.members["fk"].id, world.members["af"].id
    response = _put(api, bearer(partners["fk"]), app.id, fk, decision="endorse")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["member_id"], body["member_name"], body["decision"]) == (
        fk,
        "Försäkringskassan",
        "endorse",
    )
    assert body["by"] == {"id": partners["fk"].id, "name": "Fia Kassan"}
    assert body["version"] == 1
    for who in ("officer", "preparer", "applicant"):
        listed = api.get(f"/api/v1/applications/{app.id}/endorsements", token=bearer(who))
        assert listed.status_code == 200
        items = {i["member_id"]: i["decision"] for i in listed.get_json()["items"]}
        assert items == {fk: "endorse", af: None}
        assert listed.get_json()["require_partner_endorsement"] is False
    event = session.exec(
        select(AuditEvent).where(AuditEvent.entity_id == app.id, AuditEvent.action == "endorse")
    ).one()
    assert (event.actor_id, event.data["member_id"]) == (partners["fk"].id, fk)


def test_declining_needs_a_comment_and_the_answer_can_change(
    api, bearer, world, partners, make_application, session
):
    app = make_application(state=State.IN_PREPARATION)
    af = world.members["af"].id
    token = bearer(partners["af"])
    refused = _put(api, token, app.id, af, decision="decline", comment="  ")
    assert refused.status_code == 422
    assert problem_fields(refused) == ["comment"]
    assert _stored(session, app.id) == {}
    declined = _put(api, token, app.id, af, decision="decline", comment="Ingen budget i år.")
    assert declined.status_code == 200
    assert _stored(session, app.id) == {af: ("decline", "Ingen budget i år.")}
    stale = _put(api, token, app.id, af, decision="endorse", expected_version=7)
    assert stale.status_code == 409
    assert error_code(stale) == "stale_version"
    changed = _put(
        api, token, app.id, af, decision="endorse", expected_version=declined.get_json()["version"]
    )
    assert changed.status_code == 200
    assert changed.get_json()["version"] == 2
    assert _stored(session, app.id) == {af: ("endorse", None)}


@pytest.mark.parametrize(
    ("who", "status"),
    [("applicant", 403), ("other_applicant", 404), ("outsider_applicant", 404), ("officer", 403)],
)
def test_only_the_partners_own_applicants_answer_for_it(
    api, bearer, world, partners, make_application, session, who, status
):
    app = make_application(state=State.SUBMITTED)
    response = _put(api, bearer(who), app.id, world.members["fk"].id, decision="endorse")
    assert response.status_code == status
    # A partner's applicant cannot answer for the other partner either.
    other = _put(api, bearer(partners["af"]), app.id, world.members["fk"].id, decision="endorse")
    assert other.status_code == 403
    assert _stored(session, app.id) == {}


def test_a_member_that_is_not_a_partner_is_422(api, bearer, world, partners, make_application):
    app = make_application(state=State.SUBMITTED)
    for member_id in (world.members["habo"].id, world.members["jonkoping"].id, 999_999):
        response = _put(api, bearer(partners["fk"]), app.id, member_id, decision="endorse")
        assert response.status_code == 422
        assert problem_fields(response) == ["member_id"]


@pytest.mark.parametrize("state", [State.PREPARED, State.PROPOSED, State.WITHDRAWN])
def test_answers_close_with_the_recommendation(
    api, bearer, world, partners, make_application, session, state
):
    app = make_application(state=state)
    response = _put(api, bearer(partners["fk"]), app.id, world.members["fk"].id, decision="endorse")
    assert response.status_code == 409
    assert _stored(session, app.id) == {}


def test_a_partner_applicant_sees_the_draft_but_cannot_change_it(
    api, bearer, world, partners, make_application, session
):
    app = make_application(state=State.DRAFT)
    token = bearer(partners["fk"])
    seen = api.get(f"/api/v1/applications/{app.id}", token=token)
    assert seen.status_code == 200
    assert seen.get_json()["allowed_transitions"] == []
    listed = api.get("/api/v1/associations/svb/applications", token=token)
    assert [item["id"] for item in listed.get_json()["items"]] == [app.id]
    assert (
        api.get(
            "/api/v1/associations/svb/applications", token=bearer("other_applicant")
        ).get_json()["items"]
        == []
    )
    patched = api.patch(f"/api/v1/applications/{app.id}", token=token, json={"title": "Kapad"})
    assert patched.status_code == 403
    submitted = api.post(f"/api/v1/applications/{app.id}/transitions/submit", token=token)
    assert submitted.status_code == 403
    session.expire_all()
    stored = session.get(Application, app.id)
    assert (stored.title, stored.state) == ("Enter – samlad väg till arbete", State.DRAFT)


def test_submit_waits_for_every_partner_when_the_association_requires_it(
    api, bearer, world, partners, make_application, session
):
    _require_endorsements(session, world)
    app = make_application(state=State.DRAFT)
    fk, af = world.members["fk"].id, world.members["af"].id
    path = f"/api/v1/applications/{app.id}/transitions/submit"
    refused = api.post(path, token=bearer("applicant"))
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    assert {d["field"] for d in details} == {f"endorsements.{fk}", f"endorsements.{af}"}
    messages = " ".join(d["message"] for d in details)
    assert "Försäkringskassan" in messages
    assert "Arbetsförmedlingen" in messages
    _put(api, bearer(partners["fk"]), app.id, fk, decision="endorse")
    _put(api, bearer(partners["af"]), app.id, af, decision="decline", comment="Inte nu.")
    still = api.post(path, token=bearer("applicant"))
    assert still.status_code == 422
    assert problem_fields(still) == [f"endorsements.{af}"]
    assert "Arbetsförmedlingen" in still.get_json()["error"]["details"][0]["message"]
    _put(api, bearer(partners["af"]), app.id, af, decision="endorse")
    done = api.post(path, token=bearer("applicant"))
    assert done.status_code == 200
    assert done.get_json()["state"] == "submitted"


def test_without_the_setting_submit_does_not_wait(api, bearer, make_application):
    app = make_application(state=State.DRAFT)
    done = api.post(f"/api/v1/applications/{app.id}/transitions/submit", token=bearer("applicant"))
    assert done.status_code == 200


# --- the association setting over the API -------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officers_and_admins_change_the_settings(api, bearer, world, session, who):
    response = api.patch(
        "/api/v1/associations/svb",
        token=bearer(who),
        json={
            "require_partner_endorsement": True,
            "expected_version": world.association.version,
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["require_partner_endorsement"] is True
    assert body["name"] == "Samordningsförbundet Södra Vätterbygden"
    session.expire_all()
    stored = session.get(Association, world.association.id)
    assert stored.require_partner_endorsement is True
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "update_association")).one()
    assert event.data == {"require_partner_endorsement": True}


@pytest.mark.parametrize(
    ("who", "body", "status", "fields"),
    [
        ("preparer", {"require_partner_endorsement": True}, 403, []),
        ("outsider", {"require_partner_endorsement": True}, 404, []),
        ("officer", {"require_partner_endorsement": True, "expected_version": 99}, 409, []),
        # The delegation limit lives in the delegationsordning now (its own endpoint).
        ("officer", {"delegation_limit_sek": 1}, 422, ["delegation_limit_sek"]),
        ("officer", {"name": "  "}, 422, ["name"]),
        ("officer", {"require_partner_endorsement": "yes"}, 422, ["require_partner_endorsement"]),
        ("officer", {"slug": "ny"}, 422, ["slug"]),
    ],
)
def test_bad_setting_changes_change_nothing(api, bearer, world, session, who, body, status, fields):
    response = api.patch("/api/v1/associations/svb", token=bearer(who), json=body)
    assert response.status_code == status
    if fields:
        assert problem_fields(response) == fields
    session.expire_all()
    stored = session.get(Association, world.association.id)
    assert (stored.require_partner_endorsement, stored.version) == (False, 1)


# --- the pages ----------------------------------------------------------------------------------


def _answer(post, app_id: int, member_id: int, **fields):
    url = f"/applications/{app_id}/endorsements/{member_id}"
    prefix = f"endorsement-{member_id}"
    data = {f"{prefix}-{k}": v for k, v in fields.items()}
    return post(url, data, from_page=url, prefix=prefix)


def test_a_partner_applicant_answers_on_the_application_page(
    client, sign_in, post, world, partners, make_application, session
):
    app = make_application(state=State.DRAFT)
    fk = world.members["fk"].id
    sign_in(partners["fk"])
    page = text(client.get(f"/applications/{app.id}"))
    assert f'action="/applications/{app.id}/endorsements/{fk}"' in page
    assert f"endorsements/{world.members['af'].id}" not in page  # only for its own member
    assert f"/applications/{app.id}/edit" not in page
    assert "/transitions/" not in page
    assert client.get(f"/applications/{app.id}/edit").status_code == 403
    refused = _answer(post, app.id, fk, decision="decline", comment="")
    assert refused.status_code == 422
    body = text(refused)
    assert "Required when you decline" in body  # the hint, and the error tied to the field
    assert f'id="endorsement-{fk}-comment-error"' in body
    assert re.search(r'<input checked [^>]*value="decline"', body)  # the choice is kept
    assert _stored(session, app.id) == {}
    done = _answer(post, app.id, fk, decision="decline", comment="Vi saknar handläggare.")
    assert done.status_code == 303
    assert _stored(session, app.id) == {fk: ("decline", "Vi saknar handläggare.")}
    shown = text(client.get(f"/applications/{app.id}"))
    assert "Vi saknar handläggare." in shown
    assert "endorsement--decline" in shown


@pytest.mark.parametrize(("who", "status"), [("applicant", 403), ("other_applicant", 404)])
def test_others_cannot_answer_for_a_partner_on_the_pages(
    client, sign_in, post, world, partners, make_application, session, who, status
):
    app = make_application(state=State.SUBMITTED)
    fk = world.members["fk"].id
    sign_in(who)
    url = f"/applications/{app.id}/endorsements/{fk}"
    assert client.get(url).status_code == status
    prefix = f"endorsement-{fk}"
    response = post(url, {f"{prefix}-decision": "endorse"}, prefix=prefix)
    assert response.status_code == status
    assert _stored(session, app.id) == {}


def test_the_officer_sees_each_partners_answer(
    client, sign_in, world, partners, make_application, session
):
    app = make_application(state=State.SUBMITTED)
    session.add(
        Endorsement(
            application_id=app.id,
            member_id=world.members["fk"].id,
            decision="endorse",
            user_id=partners["fk"].id,
        )
    )
    session.commit()
    sign_in("officer")
    page = text(client.get(f"/applications/{app.id}"))
    assert 'id="endorsements"' in page
    assert page.count("endorsement--endorse") == 1
    assert page.count("endorsement--none") == 1
    assert "Fia Kassan" in page
    assert "/endorsements/" not in page  # nothing to answer for the officer


def test_the_settings_page_switches_the_endorsement_rule(
    client, sign_in, post, world, session, make_application
):
    sign_in("officer")
    url = "/admin/associations/svb"
    page = text(client.get(url))
    assert 'name="require_partner_endorsement"' in page
    data = {
        "version": world.association.version,
        "name": world.association.name,
        "require_partner_endorsement": "y",
    }
    response = post(url, data, from_page=url)
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Association, world.association.id).require_partner_endorsement is True
    stale = post(url, {**data, "require_partner_endorsement": ""}, from_page=url)
    assert stale.status_code == 409
    assert session.get(Association, world.association.id).require_partner_endorsement is True
    invalid = post(url, {**data, "name": "x" * 201}, from_page=url)
    assert invalid.status_code == 422


@pytest.mark.parametrize(("who", "status"), [("preparer", 403), ("outsider", 404)])
def test_the_settings_page_is_for_managers(client, sign_in, world, who, status):
    sign_in(who)
    assert client.get("/admin/associations/svb").status_code == status


def test_submit_on_the_page_names_each_missing_partner(
    client, sign_in, post, world, partners, make_application, session
):
    _require_endorsements(session, world)
    app = make_application(state=State.DRAFT)
    sign_in("applicant")
    url = f"/applications/{app.id}"
    response = post(
        f"{url}/transitions/submit",
        {"submit-expected_version": app.version},
        from_page=url,
        prefix="submit",
    )
    assert response.status_code == 422
    body = text(response)
    refusal = body.split('id="refused-title"')[1].split("</div>")[0]
    assert "Försäkringskassan" in refusal
    assert "Arbetsförmedlingen" in refusal
    assert _stored(session, app.id) == {}
    session.expire_all()
    assert session.get(Application, app.id).state == State.DRAFT
