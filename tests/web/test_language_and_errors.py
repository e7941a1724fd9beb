"""The language switch, error pages (HTML for pages, JSON under /api/) and security headers."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import page_token, text

CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self';"
    " object-src 'none'"
)


def test_swedish_is_the_default(client, world):
    body = text(client.get("/login"))
    assert '<html lang="sv">' in body
    assert "<h1>Logga in</h1>" in body
    assert "Hoppa till huvudinnehållet" in body


def test_language_switch_changes_the_text(client, world):
    token = page_token(client, "/login")
    response = client.post("/language", data={"lang": "en", "next": "/login", "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    body = text(client.get("/login"))
    assert '<html lang="en">' in body
    assert "<h1>Sign in</h1>" in body
    client.post("/language", data={"lang": "sv", "csrf_token": token})
    assert "<h1>Logga in</h1>" in text(client.get("/login"))


def test_language_switch_stays_on_the_site(client, world):
    token = page_token(client, "/login")
    response = client.post(
        "/language", data={"lang": "en", "next": "https://evil.example/", "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_unknown_language_is_refused(client, world):
    token = page_token(client, "/login")
    response = client.post("/language", data={"lang": "xx", "csrf_token": token})
    assert response.status_code == 400
    with client.session_transaction() as sess:
        assert "lang" not in sess


def test_language_switch_is_on_every_page(client, world, login, make_application):
    login(world.users["applicant"])
    app_row = make_application()
    for url in ("/", f"/applications/{app_row.id}", "/associations/svb/applications/new"):
        body = text(client.get(url))
        assert 'action="/language"' in body, url
        assert 'lang="en">In English</button>' in body, url


def test_pages_stay_swedish_for_an_english_browser_until_switched(client, world):
    body = text(client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert "<h1>Logga in</h1>" in body


@pytest.mark.parametrize("url", ["/login", "/no/such/page", "/api/v1/no-such-thing"])
def test_security_headers_on_every_response(client, world, url):
    response = client.get(url)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client, world, login, make_application):
    login(world.users["applicant"])
    app_row = make_application()
    for url in ("/", f"/applications/{app_row.id}", f"/applications/{app_row.id}/edit"):
        body = text(client.get(url))
        assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []  # only external scripts
        assert "<style" not in body
        assert " style=" not in body


def test_unknown_page_is_an_html_404_in_swedish(client, world):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Sidan finns inte" in text(response)


def test_unknown_api_address_is_json(client, world):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert isinstance(error["details"], list)


def test_too_large_form_is_an_html_413(client, world):
    response = client.post("/login", data={"email": "x" * (1024 * 1024 + 10), "password": "y"})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "För mycket data" in text(response)


def test_method_not_allowed_page(client, world):
    response = client.post("/")
    assert response.status_code in (400, 405)  # CSRF refuses the post first when it is checked
    assert response.mimetype == "text/html"


def test_unexpected_error_is_a_500_page_or_json(app, client, world):
    def boom() -> str:
        raise RuntimeError("internal detail 4711")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    page = client.get("/boom")
    assert page.status_code == 500
    assert "Något gick fel" in text(page)
    assert "4711" not in text(page)
    api = client.get("/api/boom")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "internal_error"
