"""The OpenAPI document: valid, complete against the routes, and true to the answers."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from jsonschema import ValidationError
from openapi_spec_validator import validate

from states.application import PUBLIC_TRIGGERS
from tests import factories
from workflow import limits

_PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (method, _PATH_PARAM.sub(r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - IGNORED_METHODS
    }


def _documented(document) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_the_document_is_valid_openapi_3_1(api):
    document = api.document
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.is_json


def test_every_route_is_documented_and_every_operation_is_routed(app, api):
    routes = _routes(app)
    assert len(routes) >= 12
    assert routes == _documented(api.document)


def test_operation_ids_are_unique(api):
    ids = [op["operationId"] for ops in api.document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_each_operation_lists_the_statuses_its_plumbing_can_answer(api):
    for path, operations in api.document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "500" in statuses, (method, path)
            if operation["security"]:
                assert "401" in statuses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            for status, answer in operation["responses"].items():
                if status.startswith("2"):
                    # JSON, or a document (a PDF) described as binary.
                    assert answer["content"], (method, path)
                    continue
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


def test_the_security_scheme_is_bearer(api):
    schemes = api.document["components"]["securitySchemes"]
    assert schemes == {"bearer": schemes["bearer"]}
    assert (schemes["bearer"]["type"], schemes["bearer"]["scheme"]) == ("http", "bearer")
    tokens = api.document["paths"]["/api/v1/tokens"]["post"]
    assert tokens["security"] == []
    assert "429" in tokens["responses"]
    assert "Retry-After" in tokens["responses"]["429"]["headers"]


def test_parameters_are_described(app, api):
    operation = api.document["paths"]["/api/v1/associations/{slug}/applications"]["get"]
    parameters = {(p["in"], p["name"]): p for p in operation["parameters"]}
    assert set(parameters) == {
        ("path", "slug"),
        ("query", "page"),
        ("query", "per_page"),
        ("query", "state"),
        ("query", "q"),
    }
    assert "title or diary number" in parameters[("query", "q")]["description"]
    assert parameters[("query", "q")]["schema"]["maxLength"] == limits.SEARCH_MAX
    assert parameters[("query", "per_page")]["schema"]["maximum"] == app.config["MAX_PAGE_SIZE"]
    assert parameters[("query", "per_page")]["schema"]["default"] == app.config["PAGE_SIZE"]
    assert "draft" in parameters[("query", "state")]["schema"]["enum"]
    transition = api.document["paths"][
        "/api/v1/applications/{application_id}/transitions/{trigger}"
    ]["post"]
    by_name = {p["name"]: p["schema"] for p in transition["parameters"]}
    assert set(by_name["trigger"]["enum"]) == PUBLIC_TRIGGERS
    assert by_name["application_id"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**31 - 1,
    }


def _request_schema(api, path: str, method: str) -> dict:
    operation = api.document["paths"][path][method]
    return operation["requestBody"]["content"]["application/json"]["schema"]


def test_a_complete_application_example_validates(api, world):
    example = json.loads(json.dumps(factories.complete_fields(world), default=date.isoformat))
    api.validate(example, _request_schema(api, "/api/v1/associations/{slug}/applications", "post"))


@pytest.mark.parametrize(
    "bad",
    [{"title": "x" * 301}, {"age_min": 15}, {"bogus": 1}, {"budget": [{"year": 2026}]}],
)
def test_the_request_schemas_refuse_what_the_api_refuses(api, bad):
    schema = _request_schema(api, "/api/v1/applications/{application_id}", "patch")
    with pytest.raises(ValidationError):
        api.validate(bad, schema)


def test_the_answers_follow_the_document(api, token, world):
    """A walk through the API; the validating client checks each answer against the document."""
    applicant = token("applicant")
    created = api.post(
        "/api/v1/associations/svb/applications",
        token=applicant,
        json=json.loads(json.dumps(factories.complete_fields(world), default=date.isoformat)),
    )
    assert created.status_code == 201
    path = f"/api/v1/applications/{created.get_json()['id']}"
    assert api.patch(path, token=applicant, json={"steering_group": "Alla"}).status_code == 200
    assert api.post(f"{path}/transitions/submit", token=applicant).status_code == 200
    assert api.get(f"{path}/history", token=applicant).status_code == 200
    assert api.get("/api/v1/associations/svb/applications", token=applicant).status_code == 200
    assert api.get("/api/v1/audit/verify", token=token("auditor")).status_code == 200
    # The client refuses an answer the document does not allow.
    with pytest.raises(ValidationError):
        api.validate({"id": 1}, {"$ref": "#/components/schemas/ApplicationOut"})
