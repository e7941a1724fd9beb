"""One JSON error shape for everything, in the request's language; never a 500 for bad input."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import func, select

from tests.api.helpers import error_code, problem_fields
from workflow import audit as audit_service
from workflow.models import Application
from workflow.operations import applications as application_service


def _count(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Application)).one()


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1", "/api/v1/applications/abc"])
def test_unknown_addresses_answer_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_an_id_beyond_the_database_integer_is_404_not_500(api, token):
    response = api.get("/api/v1/applications/99999999999999999999", token=token("applicant"))
    assert response.status_code == 404


def test_a_wrong_method_answers_json_405_with_allow(api):
    response = api.request("DELETE", "/api/v1/tokens")
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_pages_outside_the_api_keep_their_own_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response.is_json


def test_an_unexpected_error_is_json_500_without_details(api, token, monkeypatch):
    def explode(_session):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(audit_service, "verify", explode)
    response = api.get("/api/v1/audit/verify", token=token("auditor"))
    assert response.status_code == 500
    assert error_code(response) == "internal_error"
    text = response.get_data(as_text=True)
    assert "secret internals" not in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("raised", "code"),
    [
        (StaleDataError("lost a race"), "stale_version"),
        (IntegrityError("INSERT", {}, Exception("duplicate")), "conflict"),
    ],
)
def test_database_races_in_a_verb_answer_409(
    api, token, make_application, monkeypatch, raised, code
):
    app = make_application(complete=False)

    def lose_race(*_args, **_kwargs):
        raise raised

    monkeypatch.setattr(application_service, "update_fields", lose_race)
    response = api.patch(
        f"/api/v1/applications/{app.id}", token=token("applicant"), json={"title": "Ny"}
    )
    assert response.status_code == 409
    assert error_code(response) == code


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"title": "unterminated',
        b'{"age_min": NaN}',
        b'{"age_min": Infinity}',
        b"\xff\xfe\xfa",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"goals": ' + b"[" * 500 + b"]" * 500 + b"}",
    ],
    ids=["garbage", "unterminated", "nan", "infinity", "not-utf8", "deep", "deep-in-field"],
)
def test_malformed_json_is_400_and_creates_nothing(api, token, session, body):
    before = _count(session)
    response = api.post(
        "/api/v1/associations/svb/applications", token=token("applicant"), data=body
    )
    assert response.status_code == 400
    assert error_code(response) == "bad_request"
    assert _count(session) == before


@pytest.mark.parametrize("body", [b"[]", b'"title"', b"12", b"null", b"true"])
def test_a_body_that_is_not_an_object_is_400(api, token, make_application, stored, body):
    app = make_application(complete=False)
    before = stored(app.id)
    response = api.patch(f"/api/v1/applications/{app.id}", token=token("applicant"), data=body)
    assert response.status_code == 400
    assert error_code(response) == "bad_request"
    assert stored(app.id) == before


def test_a_body_over_the_limit_is_413_and_changes_nothing(
    api, app, token, make_application, stored
):
    application = make_application(complete=False)
    before = stored(application.id)
    oversized = b'{"target_group": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = api.patch(
        f"/api/v1/applications/{application.id}", token=token("applicant"), data=oversized
    )
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert stored(application.id) == before


def test_a_streamed_body_over_the_limit_is_413(api, app, world):
    oversized = b'{"email": "' + b"a" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = api.client.post(
        "/api/v1/tokens",
        input_stream=io.BytesIO(oversized),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},  # as servers set for chunked bodies
    )
    api.check("POST", "/api/v1/tokens", response, None)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"


def test_a_token_request_over_the_limit_is_413(api, app, world):
    oversized = b'{"email": "' + b"a" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = api.post("/api/v1/tokens", data=oversized)
    assert response.status_code == 413


def test_a_nul_character_is_a_validation_error(api, token, make_application, stored):
    app = make_application(complete=False)
    before = stored(app.id)
    response = api.patch(
        f"/api/v1/applications/{app.id}",
        token=token("applicant"),
        json={"title": "a\x00b", "goals": [{"description": "ok", "target": "\x00"}]},
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["goals.0.target", "title"]
    assert stored(app.id) == before


def test_a_nul_character_in_credentials_is_a_validation_error(api, world):
    response = api.post("/api/v1/tokens", json={"email": "a\x00@example.se", "password": "x"})
    assert response.status_code == 422


def test_messages_follow_accept_language(api, token, make_application):
    app = make_application(complete=False)
    path = f"/api/v1/applications/{app.id}"
    english = api.patch(path, token=token("applicant"), json={"bogus": 1}, lang="en")
    assert english.status_code == 422
    assert english.get_json()["error"]["details"] == [
        {"field": "bogus", "message": "Unknown field."}
    ]
    assert english.get_json()["error"]["message"] == "Some fields are invalid."
    default = api.patch(path, token=token("applicant"), json={"bogus": 1})
    with force_locale("sv"):
        swedish = gettext("Unknown field.")
    assert default.get_json()["error"]["details"][0]["message"] == swedish


def test_an_unknown_application_and_a_hidden_one_look_alike(api, token, make_application):
    hidden = make_application(complete=False)  # a draft: the officer may not see it
    officer = token("officer")
    absent = api.get("/api/v1/applications/999999", token=officer)
    invisible = api.get(f"/api/v1/applications/{hidden.id}", token=officer)
    assert absent.status_code == invisible.status_code == 404
    assert absent.get_json() == invisible.get_json()
