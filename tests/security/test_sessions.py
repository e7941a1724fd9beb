"""Sessions and tokens end: sign-out ends a copied cookie, a two-factor change ends tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests import factories
from tests.security.conftest import token_of
from tests.security.test_twofactor import _enrol


def _copy_of_the_cookie(app: Flask, client: Any) -> Any:
    """A second browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_cookie_copied_before_sign_out_no_longer_works(
    app: Flask, client: Any, world: factories.World, login: Callable
) -> None:
    login(world.users["officer"])
    thief = _copy_of_the_cookie(app, client)
    assert thief.get("/").status_code == 200  # the copy works while the session lasts
    client.post("/logout", data={"csrf_token": token_of(client, "/")})
    assert client.get("/").status_code == 302
    answer = thief.get("/")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


def test_enrolling_in_two_factor_ends_tokens_and_other_sessions_not_this_one(
    app: Flask,
    client: Any,
    world: factories.World,
    login: Callable,
    post: Callable,
    api_token: Callable,
) -> None:
    user = world.users["officer"]
    token = api_token(user)
    login(user)
    other_browser = _copy_of_the_cookie(app, client)
    assert client.get("/api/v1/associations", headers=_bearer(token)).status_code == 200
    _enrol(client, post)
    assert client.get("/api/v1/associations", headers=_bearer(token)).status_code == 401
    assert other_browser.get("/").status_code == 302
    assert client.get("/").status_code == 200  # the enrolling session itself goes on


def test_an_admin_reset_of_two_factor_ends_tokens_and_sessions(
    app: Flask,
    client: Any,
    world: factories.World,
    login: Callable,
    post: Callable,
    api_token: Callable,
) -> None:
    user = world.users["officer"]
    login(user)
    secret, _codes = _enrol(client, post)
    from tests.security.conftest import code_at

    token = client.post(
        "/api/v1/tokens",
        json={"email": user.email, "password": factories.PASSWORD, "otp": code_at(secret, 1)},
    ).get_json()["token"]
    phone_thief = _copy_of_the_cookie(app, client)
    admin = app.test_client()
    page = admin.get("/login")
    admin.post(
        "/login",
        data={
            "email": world.users["admin"].email,
            "password": factories.PASSWORD,
            "csrf_token": factories.csrf_token(page.get_data(as_text=True)),
        },
    )
    url = f"/admin/users/{user.id}/two-factor"
    done = admin.post(url, data={"csrf_token": token_of(admin, url)})
    assert done.status_code == 303
    assert admin.get("/api/v1/associations", headers=_bearer(token)).status_code == 401
    assert phone_thief.get("/").status_code == 302
