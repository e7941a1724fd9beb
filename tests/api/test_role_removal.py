"""Removing one role of a user (issue 18, items 5/6): sessions and tokens end, history stays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlmodel import func, select

from tests import factories
from tests.api.helpers import error_code
from workflow import audit
from workflow.models import AuditEvent, MailMessage, RoleGrant, User
from workflow.operations import users


def _grant(user: User, role: str) -> RoleGrant:
    return next(g for g in user.grants if g.role == role)


def _url(world: factories.World, user: User, grant: RoleGrant, slug: str | None = None) -> str:
    slug = slug or world.association.slug
    return f"/api/v1/associations/{slug}/users/{user.id}/roles/{grant.id}"


def _copy_of_the_cookie(app: Flask, client: Any) -> Any:
    """A second browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _trace(session: Any) -> tuple[int, int, int, list[int]]:
    """What a refused removal must leave as it was: the grants, the removal events and mails,
    and every user's session generation."""
    session.expire_all()
    grants = session.exec(select(func.count()).select_from(RoleGrant)).one()
    events = session.exec(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "revoke_role")
    ).one()
    mails = session.exec(
        select(func.count()).select_from(MailMessage).where(MailMessage.event == "role_revoked")
    ).one()
    epochs = list(session.exec(select(User.session_epoch).order_by(User.id)).all())
    return grants, events, mails, epochs


def test_a_removed_role_ends_sessions_and_tokens_and_the_history_stays(
    app: Flask,
    api: Any,
    client: Any,
    world: factories.World,
    token: Callable,
    login: Callable,
    session: Any,
) -> None:
    board = world.users["board"]
    # Bo also prepares: he keeps that role when the board seat goes.
    users.grant_roles(session, board, world.association, [{"role": "preparer"}], by=None)
    session.commit()
    seat = _grant(board, "board")
    seat_id = seat.id
    board_token = token("board")
    login(board)
    stolen = _copy_of_the_cookie(app, client)
    assert stolen.get("/").status_code == 200  # the copy works before

    listed = api.get(f"/api/v1/associations/{world.association.slug}/users", token=token("officer"))
    assert listed.status_code == 200
    (row,) = [item for item in listed.get_json()["items"] if item["id"] == board.id]
    assert {r["id"] for r in row["roles"]} == {g.id for g in board.grants}

    answer = api.request("DELETE", _url(world, board, seat), token=token("officer"))
    assert answer.status_code == 200, answer.get_json()
    assert [r["role"] for r in answer.get_json()["roles"]] == ["preparer"]

    assert stolen.get("/").status_code == 302  # the cookie copied before is signed out
    assert api.get("/api/v1/associations", token=board_token).status_code == 401
    session.expire_all()
    assert session.get(RoleGrant, seat_id) is None
    assert [g.role for g in session.get(User, board.id).grants] == ["preparer"]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "revoke_role")).one()
    assert event.entity_id == board.id
    assert event.actor_id == world.users["officer"].id
    assert event.association_id == world.association.id
    assert event.data["roles"] == [
        {"role": "board", "member_id": world.members["af"].id, "substitute": False}
    ]
    assert event.data["grant_id"] == seat_id
    assert audit.verify(session).ok
    (mail,) = session.exec(
        select(MailMessage).where(
            MailMessage.to_email == board.email, MailMessage.event == "role_revoked"
        )
    ).all()
    assert "Arbetsförmedlingen" in mail.body
    assert world.association.name in mail.body
    # Bo signs in again and works with the role he kept.
    again = client.post(
        "/api/v1/tokens", json={"email": board.email, "password": factories.PASSWORD}
    )
    assert again.status_code == 201


def test_each_refusal_changes_nothing(
    api: Any, world: factories.World, token: Callable, session: Any
) -> None:
    officer, board = world.users["officer"], world.users["board"]
    admin = world.users["admin"]
    users.grant_roles(session, admin, world.association, [{"role": "auditor"}], by=None)
    session.commit()
    seat = _grant(board, "board")
    own = _grant(officer, "officer")
    foreign = world.users["outsider_applicant"].grants[0]
    before = _trace(session)

    def refused(url: str, who: str, status: int, code: str) -> None:
        answer = api.request("DELETE", url, token=token(who))
        assert answer.status_code == status, (url, who, answer.get_json())
        assert error_code(answer) == code, answer.get_json()
        assert _trace(session) == before, (url, who)

    # Another association: hidden by its slug, and not held here by its grant.
    refused(_url(world, board, seat), "outsider", 404, "not_found")
    refused(
        _url(world, world.users["outsider_applicant"], foreign, world.other_association.slug),
        "officer",
        404,
        "not_found",
    )
    refused(
        _url(world, world.users["outsider_applicant"], foreign), "officer", 404, "role_not_held"
    )
    # A grant that is not this user's, and one that does not exist.
    refused(_url(world, world.users["applicant"], seat), "officer", 404, "role_not_held")
    missing = f"/api/v1/associations/{world.association.slug}/users/{board.id}/roles/999999"
    refused(missing, "officer", 404, "role_not_held")
    # Roles of the association that do not manage it.
    refused(_url(world, board, seat), "board", 403, "forbidden")
    refused(_url(world, board, seat), "chair", 403, "forbidden")
    # Nobody removes their own officer role; the last officer role stays even for an admin.
    refused(_url(world, officer, own), "officer", 403, "own_officer_role")
    refused(_url(world, officer, own), "admin", 409, "last_officer")
    # Only an admin removes an admin's roles.
    refused(_url(world, admin, _grant(admin, "auditor")), "officer", 403, "forbidden")

    # With a second officer the first may go, and the role is then no longer held.
    preparer = world.users["preparer"]
    users.grant_roles(session, preparer, world.association, [{"role": "officer"}], by=None)
    session.commit()
    second = _url(world, preparer, _grant(preparer, "officer"))
    assert api.request("DELETE", second, token=token("officer")).status_code == 200
    after = _trace(session)
    gone = api.request("DELETE", second, token=token("officer"))
    assert gone.status_code == 404
    assert error_code(gone) == "role_not_held"
    assert _trace(session) == after
    # An ended account's officer role does not count as an officer: the active one stays.
    users.grant_roles(session, preparer, world.association, [{"role": "officer"}], by=None)
    preparer.active = False
    session.add(preparer)
    session.commit()
    refused_again = api.request("DELETE", _url(world, officer, own), token=token("admin"))
    assert refused_again.status_code == 409
    assert error_code(refused_again) == "last_officer"


def test_the_users_page_removes_a_role_with_the_same_rules(
    app: Flask,
    client: Any,
    world: factories.World,
    login: Callable,
    session: Any,
) -> None:
    officer, board = world.users["officer"], world.users["board"]
    seat, own = _grant(board, "board"), _grant(officer, "officer")
    seat_id = seat.id
    base = f"/admin/associations/{world.association.slug}/users"

    board_browser = app.test_client()
    page = board_browser.get("/login")
    board_browser.post(
        "/login",
        data={
            "email": board.email,
            "password": factories.PASSWORD,
            "csrf_token": factories.csrf_token(page.get_data(as_text=True)),
        },
    )
    assert board_browser.get("/").status_code == 200

    login(officer)
    html = client.get(base).get_data(as_text=True)
    assert f"{base}/{board.id}/roles/{seat.id}/revoke" in html
    assert f"{base}/{officer.id}/roles/{own.id}/revoke" not in html  # not their own
    csrf = factories.csrf_token(html)

    before = _trace(session)
    own_answer = client.post(
        f"{base}/{officer.id}/roles/{own.id}/revoke", data={"csrf_token": csrf}
    )
    assert own_answer.status_code == 403
    assert _trace(session) == before

    done = client.post(f"{base}/{board.id}/roles/{seat.id}/revoke", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(base)
    session.expire_all()
    assert session.get(RoleGrant, seat_id) is None
    assert board_browser.get("/").status_code == 302  # Bo's session has ended
    assert client.get("/").status_code == 200  # the officer's has not


def test_the_page_shows_why_the_last_officer_stays(
    client: Any, world: factories.World, login: Callable, session: Any
) -> None:
    officer = world.users["officer"]
    own = _grant(officer, "officer")
    base = f"/admin/associations/{world.association.slug}/users"
    login(world.users["admin"])
    html = client.get(base).get_data(as_text=True)
    assert f"{base}/{officer.id}/roles/{own.id}/revoke" in html
    before = _trace(session)
    answer = client.post(
        f"{base}/{officer.id}/roles/{own.id}/revoke",
        data={"csrf_token": factories.csrf_token(html)},
    )
    assert answer.status_code == 409
    assert "sista förbundschef" in answer.get_data(as_text=True)  # why, on the page
    assert _trace(session) == before
