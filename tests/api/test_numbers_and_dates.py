"""Integral numbers written as 123.0 are integers; a draft's dates stay within 2000–2100; an
attachment download answers in a content type the OpenAPI document names."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.security.conftest import FILES
from tests.security.test_attachments import multipart
from workflow.operations import attachments as service


def _create(api, token, world, body: dict, **kwargs):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    return api.post(url, json=body, token=token("applicant"), **kwargs)


def test_integral_numbers_are_integers(api, token, world, session):
    created = _create(
        api, token, world, {"age_min": 30.0, "participants_women": 1e1, "age_max": 6.4e1}
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["age_min"], body["participants_women"], body["age_max"]) == (30, 10, 64)
    assert isinstance(body["age_min"], int)
    patched = api.patch(
        f"/api/v1/applications/{body['id']}",
        json={"budget": [{"year": 2027.0, "amount_sek": 100000.0}], "expected_version": 1.0},
        token=token("applicant"),
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["budget"] == [{"year": 2027, "amount_sek": 100000}]


@pytest.mark.parametrize("value", [30.5, "30", True])
def test_a_fraction_text_or_boolean_is_no_integer(api, token, world, value):
    refused = _create(api, token, world, {"age_min": value})
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    assert details[0]["field"] == "age_min"


def test_a_number_too_large_for_a_float_is_a_bad_request(api, token, world):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    refused = api.post(url, data='{"age_min": 1e999}', token=token("applicant"))
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "9999-12-31"), ("1999-12-31", "2101-01-01")],
)
def test_draft_dates_outside_2000_to_2100_are_refused(api, token, world, session, start, end):
    refused = _create(api, token, world, {"start_date": start, "end_date": end}, lang="en")
    assert refused.status_code == 422
    details = {d["field"]: d["message"] for d in refused.get_json()["error"]["details"]}
    message = "Must be a date between 2000-01-01 and 2100-12-31."
    assert details == {"start_date": message, "end_date": message}
    swedish = _create(api, token, world, {"start_date": start})
    assert swedish.get_json()["error"]["details"][0]["message"] == (
        "Måste vara ett datum mellan 2000-01-01 och 2100-12-31."
    )


def test_the_first_and_last_allowed_dates_pass(api, token, world):
    created = _create(api, token, world, {"start_date": "2000-01-01", "end_date": "2100-12-31"})
    assert created.status_code == 201
    draft = created.get_json()
    patched = api.patch(
        f"/api/v1/applications/{draft['id']}",
        json={"end_date": "9999-12-31"},
        token=token("applicant"),
    )
    assert patched.status_code == 422
    assert patched.get_json()["error"]["details"][0]["field"] == "end_date"


def test_the_download_answers_in_a_documented_type(api, client, world, make_application, token):
    operation = api.document["paths"]["/api/v1/attachments/{attachment_id}"]["get"]
    documented = set(operation["responses"]["200"]["content"])
    assert documented == set(service.CONTENT_TYPES.values())
    draft = make_application()
    headers = {"Authorization": f"Bearer {token('applicant')}"}
    for kind in ("pdf", "xlsx"):
        created = client.post(
            f"/api/v1/applications/{draft.id}/attachments",
            **multipart({"file": FileStorage(io.BytesIO(FILES[kind][1]), f"f.{kind}")}),
            headers=headers,
        )
        assert created.status_code == 201, created.get_json()
        download = client.get(created.get_json()["download_url"], headers=headers, buffered=True)
        assert download.status_code == 200
        assert download.mimetype == service.CONTENT_TYPES[kind]
        assert download.mimetype in documented
