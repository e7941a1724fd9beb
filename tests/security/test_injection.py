"""CSRF on every form, stored XSS, SQL-injection strings and secrets that never leave the server."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.routing.converters import NumberConverter

from workflow.models import Application, AuditEvent

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert("
SQLI = ("' OR '1'='1", "1; DROP TABLE application; --", '" OR ""="', "submitted' --")
# Every free-text field of an application, as the applicant writes it.
TEXT_FIELDS = (
    "title",
    "target_group",
    "follow_up_plan",
    "gender_equality_plan",
    "continuation_plan",
    "steering_group",
)


def _counts(session: Any) -> tuple[int, int]:
    """How many applications and audit events exist (what a refused request must not change)."""
    session.expire_all()
    apps = session.execute(select(func.count()).select_from(Application)).scalar_one()
    events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return apps, events


def _page_post_rules(app: Any) -> list[Any]:
    """Every POST rule of the pages (the API takes bearer tokens, not the session cookie)."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")
    ]


def test_every_form_refuses_a_post_without_its_csrf_token(
    app, client, world, login, make_application, session
):
    application = make_application(state="submitted")
    login(world.users["officer"])
    before = _counts(session)
    adapter = app.url_map.bind("localhost")
    rules = _page_post_rules(app)
    assert len(rules) > 20  # the walk covers the app's forms, not an empty list
    for rule in rules:
        values: dict[str, Any] = {}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):  # any(up, down): one of its words
                values[name] = sorted(converter.items)[0]
            elif name == "slug":
                values[name] = world.association.slug
            elif isinstance(converter, NumberConverter):
                values[name] = converter.min if converter.min is not None else application.id
            else:
                values[name] = "submit"
        url = adapter.build(rule.endpoint, values, "POST")
        response = client.post(url, data={"title": "ändrad"})
        assert response.status_code == 400, (rule.rule, response.status_code)
    assert _counts(session) == before
    session.refresh(application)
    assert application.state == "submitted"


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_stored_script_in_a_free_text_field_is_escaped_on_every_page(
    client, world, login, make_application, field
):
    application = make_application(state="submitted", **{field: f"Text {XSS}"})
    pages = ["/", f"/applications/{application.id}", f"/applications/{application.id}/versions"]
    for user in ("applicant", "officer"):
        login(world.users[user])
        for url in pages:
            body = client.get(url).get_data(as_text=True)
            assert XSS not in body, (user, url)
            assert "onerror=alert" not in body.replace("&lt;img src=x onerror=alert", ""), url
        client.get("/logout")
    login(world.users["officer"])
    shown = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert ESCAPED in shown  # the text is there, escaped, not dropped


def test_stored_script_in_an_annotation_is_escaped(
    client, world, api_token, make_application, login
):
    application = make_application(state="in_preparation")
    token = api_token(world.users["officer"])
    answer = client.post(
        f"/api/v1/applications/{application.id}/annotations",
        json={"section": "target_group", "body": f"Fråga {XSS}", "shared_with_applicant": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["body"] == f"Fråga {XSS}"  # JSON keeps the text as written
    login(world.users["applicant"])
    body = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert XSS not in body
    assert "Fråga &lt;script&gt;" in body


@pytest.mark.parametrize("payload", SQLI)
def test_sql_injection_strings_in_filters_change_nothing(
    client, world, login, api_token, make_application, session, payload
):
    make_application(state="submitted")
    before = _counts(session)
    login(world.users["officer"])
    page = client.get("/", query_string={"state": payload})
    assert page.status_code in (200, 400, 422)
    token = api_token(world.users["officer"])
    headers = {"Authorization": f"Bearer {token}"}
    listing = client.get(
        f"/api/v1/associations/{world.association.slug}/applications",
        query_string={"state": payload},
        headers=headers,
    )
    assert listing.status_code in (400, 422), listing.get_json()
    paged = client.get(
        f"/api/v1/associations/{world.association.slug}/applications",
        query_string={"page": payload},
        headers=headers,
    )
    assert paged.status_code in (400, 422)
    wrong_slug = client.get(f"/api/v1/associations/{payload}/applications", headers=headers)
    assert wrong_slug.status_code == 404
    assert _counts(session)[0] == before[0]


def test_password_hashes_and_secrets_never_leave_the_server(
    client, world, login, api_token, session
):
    officer = world.users["officer"]
    secrets = [officer.password_hash, world.users["applicant"].password_hash]
    assert all(s and s.startswith("$argon2") for s in secrets)
    token = api_token(world.users["admin"])
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        f"/api/v1/associations/{world.association.slug}/users",
        json={
            "email": "ny@example.se",
            "name": "Ny Person",
            "password": "ett-langt-losenord-2026",
            "roles": [{"role": "preparer"}],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    bodies = [created.get_data(as_text=True)]
    login(world.users["admin"])
    slug = world.association.slug
    for url in ("/admin/associations", f"/admin/associations/{slug}/users", "/account/two-factor"):
        bodies.append(client.get(url).get_data(as_text=True))
    for body in bodies:
        assert "$argon2" not in body
        assert "ett-langt-losenord-2026" not in body
        for secret in secrets:
            assert secret not in body


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "state=%00", "%00=x"])
def test_a_nul_character_in_the_query_string_is_a_422_not_a_500(
    client, world, login, api_token, make_application, query
):
    """PostgreSQL cannot hold NUL in text: the list, the dashboard and the CSV refuse it first."""
    make_application(state="submitted")
    token = api_token(world.users["officer"])
    listing = client.get(
        f"/api/v1/associations/{world.association.slug}/applications?{query}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert listing.status_code == 422, listing.get_data(as_text=True)
    assert listing.get_json()["error"]["code"] == "validation_failed"
    login(world.users["officer"])
    for url in (f"/?{query}", f"/applications.csv?{query}"):
        page = client.get(url)
        assert page.status_code == 422, (url, page.status_code)
        assert "NUL" in page.get_data(as_text=True)
    assert client.get("/?q=Insats").status_code == 200
