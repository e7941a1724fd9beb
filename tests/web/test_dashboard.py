"""The dashboard lists exactly the applications the user may see."""

from __future__ import annotations

import re

import pytest

from states.application import State
from tests.web.conftest import text


def _titles(body: str) -> set[str]:
    return set(re.findall(r'<a href="/applications/\d+">([^<]+)</a>', body))


@pytest.fixture
def spread(world, make_application):
    """Applications of two organisations in two associations, in several states."""
    region = world.members["region"].id
    return {
        "own_draft": make_application(title="Egen ansökan"),
        "own_submitted": make_application(title="Egen inlämnad", state=State.SUBMITTED),
        "region_draft": make_application(
            title="Regionens utkast", lead_member_id=region, by=world.users["other_applicant"]
        ),
        "region_submitted": make_application(
            title="Regionens inlämnade",
            lead_member_id=region,
            by=world.users["other_applicant"],
            state=State.SUBMITTED,
        ),
    }


def test_applicant_sees_only_its_own_organisation(client, world, login, spread):
    login(world.users["applicant"])
    body = text(client.get("/"))
    assert _titles(body) == {"Egen ansökan", "Egen inlämnad"}
    assert "Utkast" in body
    assert "Inlämnad" in body
    assert "SVB " in body  # the diary number of the submitted one


def test_preparer_never_sees_drafts(client, world, login, spread):
    login(world.users["preparer"])
    body = text(client.get("/"))
    assert _titles(body) == {"Egen inlämnad", "Regionens inlämnade"}
    assert "Ny ansökan" not in body


@pytest.mark.parametrize("role", ["officer", "board", "chair", "auditor"])
def test_other_roles_see_submitted_only(client, world, login, spread, role):
    login(world.users[role])
    assert _titles(text(client.get("/"))) == {"Egen inlämnad", "Regionens inlämnade"}


def test_another_association_sees_nothing(client, world, login, spread):
    login(world.users["outsider"])
    body = text(client.get("/"))
    assert _titles(body) == set()
    assert "Det finns inga ansökningar att visa." in body


def test_filter_by_state(client, world, login, spread):
    login(world.users["applicant"])
    body = text(client.get("/?state=submitted"))
    assert _titles(body) == {"Egen inlämnad"}
    # An unknown state is ignored rather than an error.
    assert _titles(text(client.get("/?state=nonsense"))) == {"Egen ansökan", "Egen inlämnad"}


def test_pagination(client, world, login, make_application, app):
    size = app.config["PAGE_SIZE"]
    for n in range(size + 3):
        make_application(title=f"Ansökan {n:02d}", complete=False)
    login(world.users["applicant"])
    first = text(client.get("/"))
    second = text(client.get("/?page=2"))
    assert len(_titles(first)) == size
    assert len(_titles(second)) == 3
    assert not _titles(first) & _titles(second)
    assert 'aria-current="page"' in second
    # A page past the end shows the last page instead of failing.
    assert _titles(text(client.get("/?page=99"))) == _titles(second)


def test_new_application_button_for_applicants(client, world, login):
    login(world.users["applicant"])
    body = text(client.get("/"))
    assert 'href="/associations/svb/applications/new"' in body
    assert "Ny ansökan" in body
    assert 'href="/admin/associations"' not in body


def test_admin_gets_a_link_to_administration(client, world, login):
    login(world.users["admin"])
    body = text(client.get("/"))
    assert 'href="/admin/associations"' in body


def test_officer_gets_links_to_manage_their_association(client, world, login):
    login(world.users["officer"])
    body = text(client.get("/"))
    assert 'href="/admin/associations/svb/members"' in body
    assert 'href="/admin/associations/hog/members"' not in body


def test_dashboard_needs_sign_in(client, world):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
