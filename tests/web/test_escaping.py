"""User text is escaped on every page that shows it."""

from __future__ import annotations

from states.application import State
from tests.web.conftest import text

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_application_text_is_escaped_everywhere(client, world, login, make_application):
    app_row = make_application(
        title=EVIL,
        target_group=EVIL,
        follow_up_plan=EVIL,
        goals=[{"description": EVIL, "indicator": EVIL, "target": "x"}],
    )
    login(world.users["applicant"])
    for url in ("/", f"/applications/{app_row.id}", f"/applications/{app_row.id}/edit"):
        body = text(client.get(url))
        assert EVIL not in body, url
        assert ESCAPED in body, url


def test_names_are_escaped_on_admin_pages(client, world, login, post, session):
    login(world.users["admin"])
    response = post(
        "/admin/associations/svb/members",
        {"name": EVIL, "party": "municipality"},
        from_page="/admin/associations/svb/members",
    )
    assert response.status_code == 303
    for url in ("/admin/associations/svb/members", "/admin/associations/svb/users"):
        body = text(client.get(url))
        assert EVIL not in body, url
    assert ESCAPED in text(client.get("/admin/associations/svb/members"))


def test_submitted_application_escaped_for_preparers(client, world, login, make_application):
    app_row = make_application(title=EVIL, state=State.SUBMITTED)
    login(world.users["preparer"])
    for url in ("/", f"/applications/{app_row.id}"):
        body = text(client.get(url))
        assert EVIL not in body
        assert ESCAPED in body
