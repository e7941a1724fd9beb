"""Accounts that end: password change, reset by a mailed one-time link, deactivation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from tests import factories
from tests.api.helpers import problem_fields
from workflow.models import AuditEvent, MailMessage, utcnow
from workflow.operations import accounts

NEW = "ett-nytt-langt-losen-2026"


def _mails(session: Any, to: str, event: str) -> list[MailMessage]:
    session.expire_all()
    return list(
        session.exec(
            select(MailMessage).where(MailMessage.to_email == to, MailMessage.event == event)
        ).all()
    )


def _signs_in(api: Any, email: str, password: str) -> int:
    return api.post("/api/v1/tokens", json={"email": email, "password": password}).status_code


def test_a_password_change_wants_the_old_one_and_refuses_common_ones(
    api: Any, world: factories.World, token: Callable, session: Any
) -> None:
    user = world.users["applicant"]
    bearer = token("applicant")
    url = "/api/v1/account/password"
    wrong = api.post(url, token=bearer, json={"old_password": "fel", "new_password": NEW})
    assert wrong.status_code == 422
    assert problem_fields(wrong) == ["old_password"]
    common = {"old_password": factories.PASSWORD, "new_password": "password123"}
    refused = api.post(url, token=bearer, json=common)
    assert refused.status_code == 422
    assert problem_fields(refused) == ["new_password"]
    assert _mails(session, user.email, "password_changed") == []

    done = api.post(
        url, token=bearer, json={"old_password": factories.PASSWORD, "new_password": NEW}
    )
    assert done.status_code == 200, done.get_json()
    assert api.get("/api/v1/associations", token=bearer).status_code == 401  # tokens end
    assert _signs_in(api, user.email, factories.PASSWORD) == 401
    assert _signs_in(api, user.email, NEW) == 201
    assert len(_mails(session, user.email, "password_changed")) == 1


def _reset_token(session: Any, email: str) -> str:
    (message,) = _mails(session, email, "password_reset")
    found = re.search(r"/password-reset/([A-Za-z0-9_-]+)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_reset_link_works_once_and_names_no_one(
    api: Any, world: factories.World, token: Callable, session: Any
) -> None:
    user = world.users["officer"]
    bearer = token("officer")
    unknown = api.post("/api/v1/password-reset", json={"email": "ingen@example.se"})
    known = api.post("/api/v1/password-reset", json={"email": user.email.upper()})
    assert unknown.status_code == known.status_code == 202
    assert unknown.get_json() == known.get_json()
    assert _mails(session, "ingen@example.se", "password_reset") == []
    secret = _reset_token(session, user.email)

    common = api.post(
        "/api/v1/password-reset/confirm", json={"token": secret, "password": "qwertyuiop"}
    )
    assert common.status_code == 422
    done = api.post("/api/v1/password-reset/confirm", json={"token": secret, "password": NEW})
    assert done.status_code == 200, done.get_json()
    again = api.post(
        "/api/v1/password-reset/confirm", json={"token": secret, "password": NEW + "x"}
    )
    assert again.status_code == 422
    assert problem_fields(again) == ["token"]
    assert api.get("/api/v1/associations", token=bearer).status_code == 401
    assert _signs_in(api, user.email, NEW) == 201
    assert len(_mails(session, user.email, "password_changed")) == 1
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "password_reset")).first()


def test_a_reset_link_expires_after_15_minutes(
    api: Any, world: factories.World, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = world.users["officer"]
    api.post("/api/v1/password-reset", json={"email": user.email})
    secret = _reset_token(session, user.email)
    later = utcnow() + timedelta(minutes=accounts.RESET_MINUTES, seconds=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    late = api.post("/api/v1/password-reset/confirm", json={"token": secret, "password": NEW})
    assert late.status_code == 422
    assert _signs_in(api, user.email, factories.PASSWORD) == 201


def test_an_officer_ends_an_account_history_kept(
    api: Any, world: factories.World, token: Callable, session: Any, make_application: Callable
) -> None:
    application = make_application(state="submitted")
    applicant = world.users["applicant"]
    applicant_token = token("applicant")
    url = f"/api/v1/users/{applicant.id}/deactivate"
    assert api.post(url, token=token("outsider")).status_code == 404  # another association's
    assert api.post(url, token=token("board")).status_code == 403
    assert api.post(url, token=token("officer")).status_code == 200
    assert api.get("/api/v1/associations", token=applicant_token).status_code == 401
    assert _signs_in(api, applicant.email, factories.PASSWORD) == 401
    assert len(_mails(session, applicant.email, "account_deactivated")) == 1
    shown = api.get(f"/api/v1/applications/{application.id}", token=token("officer"))
    assert shown.status_code == 200  # what the person did stays
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user_deactivated")).one()
    assert event.entity_id == applicant.id
    # No reset link for an ended account either.
    api.post("/api/v1/password-reset", json={"email": applicant.email})
    assert _mails(session, applicant.email, "password_reset") == []


def test_an_officer_learns_nothing_of_other_associations_accounts(
    api: Any, world: factories.World, token: Callable
) -> None:
    url = f"/api/v1/associations/{world.association.slug}/users"
    body = {"name": "Ny", "password": NEW, "roles": [{"role": "preparer"}]}
    elsewhere = api.post(
        url, token=token("officer"), json={**body, "email": world.users["outsider"].email}
    )
    here = api.post(
        url, token=token("officer"), json={**body, "email": world.users["preparer"].email}
    )
    assert elsewhere.status_code == here.status_code == 422
    assert elsewhere.get_json() == here.get_json()
    assert "already exists" not in str(elsewhere.get_json())
