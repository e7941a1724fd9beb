"""The account pages: change your password, reset it by the mailed link, end an account."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlmodel import select

from tests import factories
from workflow.models import MailMessage, User

NEW = "ett-nytt-langt-losen-2026"


def _csrf(client: Any, url: str) -> str:
    return factories.csrf_token(client.get(url).get_data(as_text=True))


def test_change_the_password_on_the_page(
    client: Any, world: factories.World, login: Callable
) -> None:
    user = world.users["applicant"]
    login(user)
    url = "/account/password"
    common = client.post(
        url,
        data={
            "old_password": factories.PASSWORD,
            "new_password": "1234567890",
            "csrf_token": _csrf(client, url),
        },
    )
    assert common.status_code == 422
    assert "vanligt" in common.get_data(as_text=True)
    done = client.post(
        url,
        data={
            "old_password": factories.PASSWORD,
            "new_password": NEW,
            "csrf_token": _csrf(client, url),
        },
    )
    assert done.status_code == 303
    assert client.get("/").status_code == 302  # signed out with the change


def test_reset_by_the_mailed_link_on_the_page(
    client: Any, world: factories.World, session: Any
) -> None:
    user = world.users["officer"]
    answers = []
    for email in (user.email, "ingen@example.se"):
        answer = client.post(
            "/password-reset", data={"email": email, "csrf_token": _csrf(client, "/password-reset")}
        )
        # The CSRF token carries the second it was signed in: two requests may straddle one.
        page = re.sub(
            r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', answer.get_data(as_text=True)
        )
        answers.append((answer.status_code, page))
    assert answers[0] == answers[1]  # the same page for an account and for nobody
    session.expire_all()
    body = session.exec(select(MailMessage).where(MailMessage.event == "password_reset")).one().body
    path = re.search(r"(/password-reset/[A-Za-z0-9_-]+)", body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    done = client.post(path, data={"password": NEW, "csrf_token": _csrf(client, path)})
    assert done.status_code == 303
    assert client.get(path).status_code == 404  # used once


def test_an_officer_ends_an_account_on_the_user_list(
    app: Flask, client: Any, world: factories.World, login: Callable, session: Any
) -> None:
    login(world.users["officer"])
    users_url = f"/admin/associations/{world.association.slug}/users"
    page = client.get(users_url).get_data(as_text=True)
    assert "Avsluta kontot" in page
    target = world.users["preparer"]
    done = client.post(
        f"/users/{target.id}/deactivate",
        data={"csrf_token": _csrf(client, users_url), "next": users_url},
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(User, target.id).active is False
    outsider = world.users["outsider"]
    other = client.post(
        f"/users/{outsider.id}/deactivate", data={"csrf_token": _csrf(client, users_url)}
    )
    assert other.status_code == 404


def test_the_account_page_links_to_two_factor_sign_in(client, world, login):
    login(world.users["board"])
    body = client.get("/account/password").get_data(as_text=True)
    assert 'href="/account/two-factor"' in body
    assert "Tvåstegsinloggning" in body
