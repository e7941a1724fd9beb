"""Administration pages: associations (admins), members and users (admins and officers)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from tests.web.conftest import text
from workflow.models import Association, Member, User
from workflow.operations import users
from workflow.rules import delegations as delegation_rules

ASSOCIATIONS = "/admin/associations"
MEMBERS = "/admin/associations/svb/members"
USERS = "/admin/associations/svb/users"


def test_admin_creates_an_association(client, world, login, post, session):
    login(world.users["admin"])
    page = text(client.get(ASSOCIATIONS))
    assert "Samordningsförbundet Södra Vätterbygden" in page
    response = post(
        ASSOCIATIONS,
        {
            "slug": "vsf",
            "name": "Vätterbygdens samordningsförbund",
            "diary_prefix": "VSF",
            "delegation_limit_sek": "150 000",
        },
        from_page=ASSOCIATIONS,
    )
    assert response.status_code == 303
    session.expire_all()
    created = session.exec(select(Association).where(Association.slug == "vsf")).one()
    # The limit given starts the delegationsordning: the director decides grants up to it.
    rows = delegation_rules.rows_of(session, created.id)
    assert [(r.matter, r.delegate, r.limit_sek) for r in rows] == [("grant", "director", 150_000)]
    assert "Förbundet Vätterbygdens samordningsförbund har skapats." in text(
        client.get(ASSOCIATIONS)
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Not A Slug!", "Använd 2–63 små bokstäver, siffror och bindestreck."),
        ("slug", "svb", "Det finns redan ett förbund med det här kortnamnet."),
        ("name", "", "Fältet måste fyllas i."),
        ("delegation_limit_sek", "-1", "Måste vara mellan 0 och 100000000."),
        ("delegation_limit_sek", "mycket", "Måste vara ett heltal."),
    ],
)
def test_association_errors_are_inline(client, world, login, post, session, field, value, message):
    login(world.users["admin"])
    data = {"slug": "ny", "name": "Nytt förbund", "diary_prefix": "NY", "delegation_limit_sek": "0"}
    data[field] = value
    response = post(ASSOCIATIONS, data, from_page=ASSOCIATIONS)
    assert response.status_code == 422
    body = text(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert f'href="#{field}"' in body
    session.expire_all()
    assert session.exec(select(Association).where(Association.slug == "ny")).first() is None


@pytest.mark.parametrize("role", ["officer", "applicant", "board", "auditor", "outsider"])
def test_only_admins_see_the_association_list(client, world, login, role):
    login(world.users[role])
    assert client.get(ASSOCIATIONS).status_code == 403


def test_officer_adds_a_member(client, world, login, post, session):
    login(world.users["officer"])
    page = text(client.get(MEMBERS))
    assert "Arbetsförmedlingen" in page
    assert "Kommun" in page
    response = post(
        MEMBERS,
        {"name": "Mullsjö kommun", "party": "municipality", "population": "7 300"},
        from_page=MEMBERS,
    )
    assert response.status_code == 303
    session.expire_all()
    member = session.exec(select(Member).where(Member.name == "Mullsjö kommun")).one()
    assert (member.party, member.population, member.association_id) == (
        "municipality",
        7_300,
        world.association.id,
    )


def test_member_errors_are_inline(client, world, login, post, session):
    login(world.users["officer"])
    response = post(
        MEMBERS, {"name": "Habo kommun", "party": "pirates", "population": "-3"}, from_page=MEMBERS
    )
    assert response.status_code == 422
    body = text(response)
    assert 'id="party-error"' in body
    assert 'id="population-error"' in body
    duplicate = post(MEMBERS, {"name": "Habo kommun", "party": "municipality"}, from_page=MEMBERS)
    assert duplicate.status_code == 422
    assert "Förbundet har redan en medlem med det här namnet." in text(duplicate)


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("outsider", MEMBERS, 404),
        ("outsider", USERS, 404),
        ("applicant", MEMBERS, 403),
        ("preparer", USERS, 403),
        ("board", MEMBERS, 403),
        ("officer", "/admin/associations/hog/members", 404),
        ("officer", "/admin/associations/hog/users", 404),
        ("officer", "/admin/associations/nope/users", 404),
    ],
)
def test_officers_manage_only_their_own_association(client, world, login, post, role, url, status):
    login(world.users[role])
    assert client.get(url).status_code == status
    refused = post(url, {"name": "Smuggel kommun", "party": "municipality"})
    assert refused.status_code == status


def test_admin_manages_any_association(client, world, login):
    login(world.users["admin"])
    assert client.get("/admin/associations/hog/members").status_code == 200
    assert client.get("/admin/associations/hog/users").status_code == 200


def test_officer_creates_a_user_with_roles(client, world, login, post, session):
    login(world.users["officer"])
    page = text(client.get(USERS))
    assert "Anna Sökande" in page
    assert "Otto Utanför" not in page
    response = post(
        USERS,
        {
            "email": "Ny.Person@Example.se",
            "name": "Ny Person",
            "password": "ett långt lösenord",
            "roles-0-role": "applicant",
            "roles-0-member_id": str(world.members["habo"].id),
            "roles-1-role": "board",
            "roles-1-member_id": str(world.members["habo"].id),
            "roles-1-substitute": "y",
            "roles-2-role": "",
            "roles-2-member_id": str(world.members["af"].id),
        },
        from_page=USERS,
    )
    assert response.status_code == 303
    session.expire_all()
    person = session.exec(select(User).where(User.email == "ny.person@example.se")).one()
    assert sorted((g.role, g.member_id, g.substitute) for g in person.grants) == [
        ("applicant", world.members["habo"].id, False),
        ("board", world.members["habo"].id, True),
    ]
    assert users.authenticate(session, "ny.person@example.se", "ett långt lösenord") is not None
    assert not person.is_admin


def test_user_errors_are_inline_and_keep_input(client, world, login, post, session):
    login(world.users["officer"])
    response = post(
        USERS,
        {
            "email": "applicant@example.se",
            "name": "Dubblett",
            "password": "ett långt lösenord",
            "roles-0-role": "preparer",
            "roles-1-role": "applicant",
            "roles-1-member_id": "",
        },
        from_page=USERS,
    )
    assert response.status_code == 422
    body = text(response)
    # An officer learns nothing of other associations' accounts: the neutral words.
    assert "E-postadressen kan inte användas för en ny användare." in body
    assert "Rollen innehas för en medlemsorganisation: ange vilken." in body
    assert 'id="roles-1-member_id-error"' in body
    assert 'value="Dubblett"' in body
    short = post(
        USERS, {"email": "inte-en-adress", "name": "X", "password": "kort"}, from_page=USERS
    )
    assert short.status_code == 422
    assert "Ange en giltig e-postadress." in text(short)
    assert "Mellan 10 och 200 tecken." in text(short)
    session.expire_all()
    assert session.exec(select(User).where(User.name == "Dubblett")).first() is None


def test_add_role_rows(client, world, login, post):
    login(world.users["officer"])
    response = post(
        USERS,
        {"email": "a@example.se", "name": "Behåll", "add_rows": "1", "roles-0-role": "preparer"},
        from_page=USERS,
    )
    assert response.status_code == 200
    body = text(response)
    assert 'name="roles-3-role"' in body
    assert 'value="Behåll"' in body


def test_password_of_the_world_is_not_shown(client, world, login):
    login(world.users["admin"])
    assert factories.PASSWORD not in text(client.get(USERS))
