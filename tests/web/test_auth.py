"""Sign-in, sign-out, throttling, the safe `next` redirect and CSRF on page forms."""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.conftest import page_token, text


def _sign_in(client, email, password, **extra):
    token = page_token(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, **extra}
    )


def test_sign_in_opens_the_dashboard(client, world):
    response = _sign_in(client, "applicant@example.se", factories.PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Anna Sökande" in text(page)


def test_sign_in_is_case_insensitive_on_the_address(client, world):
    response = _sign_in(client, "Applicant@Example.SE", factories.PASSWORD)
    assert response.status_code == 303


def test_wrong_password_is_refused_in_swedish(client, world):
    response = _sign_in(client, "applicant@example.se", "wrong password!")
    assert response.status_code == 200
    body = text(response)
    assert "E-postadressen eller lösenordet är fel." in body
    assert 'role="alert"' in body
    # The address is kept, the password is not echoed back.
    assert 'value="applicant@example.se"' in body
    assert "wrong password!" not in body
    assert client.get("/").status_code == 302


def test_empty_form_names_both_fields(client, world):
    response = _sign_in(client, "", "")
    assert response.status_code == 422
    body = text(response)
    assert "Ange din e-postadress." in body
    assert "Ange ditt lösenord." in body
    assert 'aria-describedby="email-error"' in body


def test_repeated_failures_answer_429_even_with_the_right_password(client, world):
    for _ in range(5):
        assert _sign_in(client, "applicant@example.se", "nope nope nope").status_code == 200
    response = _sign_in(client, "applicant@example.se", factories.PASSWORD)
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in text(response)
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 302


def test_the_throttle_is_per_account(client, world):
    for _ in range(5):
        _sign_in(client, "applicant@example.se", "nope nope nope")
    assert _sign_in(client, "preparer@example.se", factories.PASSWORD).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
def test_next_never_leaves_the_site(client, world, target):
    response = _sign_in(client, "applicant@example.se", factories.PASSWORD, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_brings_the_user_back(client, world, make_application):
    app_row = make_application()
    wanted = f"/applications/{app_row.id}"
    redirect = client.get(wanted)
    assert redirect.status_code == 302
    assert "/login?next=" in redirect.headers["Location"]
    page = client.get(redirect.headers["Location"])
    assert f'value="{wanted}"' in text(page)
    response = _sign_in(client, "applicant@example.se", factories.PASSWORD, next=wanted)
    assert response.headers["Location"] == wanted


def test_sign_in_renews_the_session(client, world):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        sess["lang"] = "en"
    _sign_in(client, "applicant@example.se", factories.PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["lang"] == "en"  # the chosen language survives
        assert sess["_user_id"].startswith(f"{world.users['applicant'].id}:")


def test_sign_out(client, world, login, post):
    login(world.users["applicant"])
    response = post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_sign_out_is_not_a_get(client, world, login):
    login(world.users["applicant"])
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_form_posts_without_csrf_token_are_refused(client, world, login):
    refused = client.post(
        "/login", data={"email": "applicant@example.se", "password": factories.PASSWORD}
    )
    assert refused.status_code == 400
    assert "Formuläret har gått ut" in text(refused)
    login(world.users["applicant"])
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in


def test_signing_in_as_someone_else_replaces_the_user(client, world, login):
    login(world.users["applicant"])
    login(world.users["preparer"])
    body = text(client.get("/"))
    assert "Per Beredare" in body
    assert "Anna Sökande" not in body
