"""The menu shows one association at a time, chosen once and remembered (issue 19, friction 1)."""

from __future__ import annotations

from tests.web.conftest import page_token, text
from workflow.models import RoleGrant


def _menu(html: str) -> str:
    return html.split('class="site-nav"')[1].split("</nav>")[0]


def test_an_officer_of_two_associations_switches_the_menu(client, login, session, world):
    officer = world.users["officer"]
    session.add(
        RoleGrant(user_id=officer.id, association_id=world.other_association.id, role="officer")
    )
    session.commit()
    login(officer)
    first, second = sorted([world.association, world.other_association], key=lambda a: a.id)
    menu = _menu(text(client.get("/")))
    assert f"/associations/{first.slug}/inbox" in menu
    assert f"/associations/{second.slug}/" not in menu
    assert f"/associations/{first.slug}/reports" in menu  # the reports page is in the menu
    token = page_token(client, "/")
    chosen = client.post(
        "/menu/association",
        data={"association_id": str(second.id), "next": "/", "csrf_token": token},
    )
    assert chosen.status_code == 303
    menu = _menu(text(client.get("/")))
    assert f"/associations/{second.slug}/inbox" in menu
    assert f"/associations/{first.slug}/" not in menu
    # Remembered: another page keeps the choice.
    assert f"/associations/{second.slug}/budget" in _menu(
        text(client.get(f"/associations/{first.slug}/inbox"))
    )


def test_the_switch_refuses_an_association_of_others(client, login, session, world):
    login(world.users["officer"])
    token = page_token(client, "/")
    refused = client.post(
        "/menu/association",
        data={"association_id": str(world.other_association.id), "csrf_token": token},
    )
    assert refused.status_code == 404
    assert (
        client.post(
            "/menu/association", data={"association_id": "x", "csrf_token": token}
        ).status_code
        == 400
    )
    menu = _menu(text(client.get("/")))
    assert f"/associations/{world.association.slug}/inbox" in menu
    assert 'id="menu-association"' not in text(client.get("/"))  # one association: no switch
