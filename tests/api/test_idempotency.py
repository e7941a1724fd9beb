"""A create request repeated with its idempotency key makes one draft (API header, page form)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests import factories
from workflow.models import Application


def _drafts(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Application)).one()


def test_the_same_key_twice_makes_one_draft(api, token, world, session):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    headers = {"Idempotency-Key": "3f0c9a1e-double-click"}
    first = api.post(url, json={"title": "Ett"}, token=token("applicant"), headers=headers)
    again = api.post(url, json={"title": "Två"}, token=token("applicant"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["title"] == "Ett"
    assert _drafts(session) == 1
    other = api.post(
        url, json={"title": "Tre"}, token=token("applicant"), headers={"Idempotency-Key": "b"}
    )
    assert other.get_json()["id"] != first.get_json()["id"]
    without = api.post(url, json={"title": "Fyra"}, token=token("applicant"))
    assert without.status_code == 201
    assert _drafts(session) == 3


def test_a_refused_request_does_not_use_up_its_key(api, token, world, session):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    headers = {"Idempotency-Key": "retry-me"}
    refused = api.post(
        url, json={"title": "x", "age_min": -5}, token=token("applicant"), headers=headers
    )
    assert refused.status_code == 422
    created = api.post(url, json={"title": "x"}, token=token("applicant"), headers=headers)
    assert created.status_code == 201
    assert _drafts(session) == 1


@pytest.mark.parametrize("key", ["has space", "x" * 101, "å"])
def test_a_malformed_key_is_refused(api, token, world, session, key):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    response = api.post(
        url,
        json={"title": "x"},
        token=token("applicant"),
        headers={"Idempotency-Key": key.encode().decode("latin-1")},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "Idempotency-Key"
    assert _drafts(session) == 0


def test_the_new_application_form_posted_twice_makes_one_draft(client, login, world, session):
    login(world.users["applicant"])
    page = client.get(f"/associations/{world.association.slug}/applications/new")
    html = page.get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html)
    assert key is not None, "the form carries a key"
    data = {
        "csrf_token": factories.csrf_token(html),
        "idempotency_key": key.group(1),
        "title": "Dubbelklick",
    }
    url = f"/associations/{world.association.slug}/applications/new"
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _drafts(session) == 1
    # A fresh form has a fresh key.
    again = client.get(f"/associations/{world.association.slug}/applications/new")
    assert key.group(1) not in again.get_data(as_text=True)
