"""Associations, members and users: who may create them, who sees them, what input is refused."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.api.helpers import error_code, problem_fields
from workflow import audit
from workflow.models import Association, Member, RoleGrant, User

NEW_ASSOCIATION = {
    "slug": "vsf",
    "name": "Samordningsförbundet Vätterbygden",
    "diary_prefix": "VSF",
    "delegation_limit_sek": 150_000,
}


def _count(session, model, *where) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_an_admin_creates_an_association(api, token, session):
    response = api.post("/api/v1/associations", token=token("admin"), json=NEW_ASSOCIATION)
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in NEW_ASSOCIATION if k != "delegation_limit_sek"} == {
        k: v for k, v in NEW_ASSOCIATION.items() if k != "delegation_limit_sek"
    }
    assert body["version"] == 1
    rows = api.get("/api/v1/associations/vsf/delegations", token=token("admin")).get_json()
    assert rows["items"] == [
        {
            "matter": "grant",
            "delegate": "director",
            "limit_sek": 150_000,
            "report_to_board": True,
            "note": None,
        }
    ]
    listed = api.get("/api/v1/associations", token=token("admin")).get_json()
    assert [a["slug"] for a in listed["items"]] == ["hog", "svb", "vsf"]
    assert audit.verify(session).ok


@pytest.mark.parametrize("role", ["officer", "applicant", "auditor"])
def test_only_admins_create_associations(api, token, session, role):
    response = api.post("/api/v1/associations", token=token(role), json=NEW_ASSOCIATION)
    assert response.status_code == 403
    assert error_code(response) == "forbidden"
    assert _count(session, Association, Association.slug == "vsf") == 0


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"slug": "Not A Slug!"}, ["slug"]),
        ({"slug": "svb"}, ["slug"]),
        ({"delegation_limit_sek": -1}, ["delegation_limit_sek"]),
        ({"delegation_limit_sek": "100"}, ["delegation_limit_sek"]),
        ({"name": ""}, ["name"]),
        ({"diary_prefix": "X" * 21}, ["diary_prefix"]),
        ({"homepage": "https://example.se"}, ["homepage"]),
    ],
)
def test_bad_association_input_is_refused(api, token, session, changes, fields):
    before = _count(session, Association)
    response = api.post(
        "/api/v1/associations", token=token("admin"), json={**NEW_ASSOCIATION, **changes}
    )
    assert response.status_code == 422
    assert problem_fields(response) == fields
    assert _count(session, Association) == before


@pytest.mark.parametrize(
    ("who", "slugs", "roles"),
    [
        ("applicant", ["svb"], [["applicant"]]),
        ("officer", ["svb"], [["officer"]]),
        ("outsider", ["hog"], [["officer"]]),
        ("admin", ["hog", "svb"], [[], []]),
    ],
)
def test_the_association_list_shows_only_your_own(api, token, who, slugs, roles):
    items = api.get("/api/v1/associations", token=token(who)).get_json()["items"]
    assert [a["slug"] for a in items] == slugs
    assert [a["roles"] for a in items] == roles


@pytest.mark.parametrize("who", ["admin", "officer"])
def test_admins_and_officers_add_members(api, token, session, who):
    response = api.post(
        "/api/v1/associations/svb/members",
        token=token(who),
        json={"name": "Mullsjö kommun", "party": "municipality", "population": 7_300},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["association"], body["name"], body["party"], body["population"]) == (
        "svb",
        "Mullsjö kommun",
        "municipality",
        7_300,
    )
    assert _count(session, Member, Member.name == "Mullsjö kommun") == 1


@pytest.mark.parametrize(("who", "status"), [("applicant", 403), ("board", 403), ("outsider", 404)])
def test_others_may_not_add_members(api, token, session, who, status):
    response = api.post(
        "/api/v1/associations/svb/members",
        token=token(who),
        json={"name": "Mullsjö kommun", "party": "municipality"},
    )
    assert response.status_code == status
    assert _count(session, Member, Member.name == "Mullsjö kommun") == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "Mullsjö kommun", "party": "church"}, ["party"]),
        ({"name": "Habo kommun", "party": "municipality"}, ["name"]),
        ({"name": "Mullsjö kommun", "party": "municipality", "population": -5}, ["population"]),
        ({"party": "municipality"}, ["name"]),
    ],
)
def test_bad_member_input_is_refused(api, token, session, body, fields):
    before = _count(session, Member)
    response = api.post("/api/v1/associations/svb/members", token=token("officer"), json=body)
    assert response.status_code == 422
    assert problem_fields(response) == fields
    assert _count(session, Member) == before


@pytest.mark.parametrize("who", ["board", "auditor", "applicant", "admin"])
def test_anyone_with_a_role_lists_the_members(api, token, world, who):
    response = api.get("/api/v1/associations/svb/members", token=token(who))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(world.members)
    assert {m["name"] for m in body["items"]} == {m.name for m in world.members.values()}


@pytest.mark.parametrize("slug", ["hog", "nowhere", "UPPER", "x" * 500])
def test_an_association_you_cannot_see_is_404(api, token, slug):
    response = api.get(f"/api/v1/associations/{slug}/members", token=token("applicant"))
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_an_officer_creates_a_substitute_board_member(api, token, world, session):
    response = api.post(
        "/api/v1/associations/svb/users",
        token=token("officer"),
        json={
            "email": "ersattare@example.se",
            "name": "Eva Ersättare",
            "password": "ett långt lösenord",
            "roles": [
                {"role": "board", "member_id": world.members["fk"].id, "substitute": True},
                {"role": "preparer"},
            ],
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "ersattare@example.se"
    assert [{k: v for k, v in role.items() if k != "id"} for role in body["roles"]] == [
        {"role": "board", "member_id": world.members["fk"].id, "substitute": True},
        {"role": "preparer", "member_id": None, "substitute": False},
    ]
    assert len({role["id"] for role in body["roles"]}) == 2  # each grant by its own id
    assert "password" not in str(body)
    signed_in = api.post(
        "/api/v1/tokens", json={"email": "ersattare@example.se", "password": "ett långt lösenord"}
    )
    assert signed_in.status_code == 201


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"roles": [{"role": "applicant"}]}, ["roles.0.member_id"]),
        ({"roles": [{"role": "officer", "substitute": True}]}, ["roles.0.substitute"]),
        ({"roles": [{"role": "king"}]}, ["roles.0.role"]),
        ({"roles": []}, ["roles"]),
        ({"password": "kort"}, ["password"]),
        ({"email": "not-an-address"}, ["email"]),
        ({"email": "applicant@example.se"}, ["email"]),
        ({"is_admin": True}, ["is_admin"]),
    ],
)
def test_bad_user_input_is_refused(api, token, session, changes, fields):
    before = (_count(session, User), _count(session, RoleGrant))
    body = {
        "email": "ny@example.se",
        "name": "Ny Person",
        "password": "ett långt lösenord",
        "roles": [{"role": "preparer"}],
        **changes,
    }
    response = api.post("/api/v1/associations/svb/users", token=token("officer"), json=body)
    assert response.status_code == 422
    assert problem_fields(response) == fields
    assert (_count(session, User), _count(session, RoleGrant)) == before


def test_a_member_of_another_association_cannot_be_granted(api, token, world, session):
    before = _count(session, User)
    response = api.post(
        "/api/v1/associations/svb/users",
        token=token("admin"),
        json={
            "email": "ny@example.se",
            "name": "Ny Person",
            "password": "ett långt lösenord",
            "roles": [{"role": "applicant", "member_id": world.other_members["nassjo"].id}],
        },
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["roles.0.member_id"]
    assert _count(session, User) == before


def test_password_length_is_explained(api, token, app):
    response = api.post(
        "/api/v1/associations/svb/users",
        token=token("officer"),
        lang="en",
        json={"email": "ny@example.se", "name": "N", "password": "kort", "roles": []},
    )
    details = response.get_json()["error"]["details"]
    assert details == [
        {"field": "password", "message": "At least 10 characters."},
        {"field": "roles", "message": "At least 1 item."},
    ]


@pytest.mark.parametrize(("who", "status"), [("applicant", 403), ("outsider", 404)])
def test_others_may_not_create_users(api, token, session, who, status):
    response = api.post(
        "/api/v1/associations/svb/users",
        token=token(who),
        json={
            "email": "ny@example.se",
            "name": "Ny Person",
            "password": "ett långt lösenord",
            "roles": [{"role": "officer"}],
        },
    )
    assert response.status_code == status
    assert _count(session, User, User.email == "ny@example.se") == 0
