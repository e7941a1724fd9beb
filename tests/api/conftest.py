"""API test helpers: a client that holds every answer to the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from tests import factories
from workflow.extensions import db
from workflow.models import Application
from workflow.operations import applications

_PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
_UNSET = object()


class Api:
    """Sends API requests and checks each answer against the served OpenAPI document.

    Every answer must be JSON, its status must be documented for the operation, and
    its body must match the documented schema; a request body that succeeded must
    match the documented request schema too.
    """

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self._document: dict[str, Any] | None = None

    @property
    def document(self) -> dict[str, Any]:
        if self._document is None:
            response = self.client.get("/api/v1/openapi.json")
            assert response.status_code == 200
            self._document = response.get_json()
        return self._document

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = _UNSET,
        data: bytes | str | None = None,
        lang: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        sent_headers = dict(headers or {})
        if token is not None:
            sent_headers["Authorization"] = f"Bearer {token}"
        if lang is not None:
            sent_headers["Accept-Language"] = lang
        kwargs: dict[str, Any] = {}
        if json is not _UNSET:
            kwargs["json"] = json
        if data is not None:
            kwargs["data"] = data
            sent_headers.setdefault("Content-Type", "application/json")
        response = self.client.open(path, method=method, headers=sent_headers, **kwargs)
        self.check(method, path, response, None if json is _UNSET else json)
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, **kwargs)

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        """The documented operation a request reaches, or None when no route matches."""
        adapter = self.app.url_map.bind("localhost")
        try:
            rule, _args = adapter.match(urlsplit(path).path, method=method, return_rule=True)
        except HTTPException:
            return None
        openapi_path = _PATH_PARAM.sub(r"{\1}", rule.rule)
        operations = self.document["paths"].get(openapi_path)
        assert operations is not None, f"{rule.rule} is not in the OpenAPI document"
        assert method.lower() in operations, f"{method} {openapi_path} is not documented"
        return operations[method.lower()]

    def validate(self, instance: Any, schema: dict[str, Any]) -> None:
        """Validate against a schema of the document (its `$ref`s resolve in components)."""
        root = {**schema, "components": self.document["components"]}
        Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
            instance
        )

    def check(self, method: str, path: str, response: TestResponse, sent: Any) -> None:
        assert response.is_json, f"{method} {path} answered {response.content_type}"
        body = response.get_json()
        operation = self.operation(method, path)
        if operation is None:
            assert response.status_code in (404, 405), response.status_code
            self.validate(body, {"$ref": "#/components/schemas/ErrorResponse"})
            return
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method} {path} answered {status}, not documented: {body}"
        )
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        self.validate(body, schema)
        if response.status_code < 300 and isinstance(sent, dict):
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            self.validate(sent, request_schema)


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    """A validating API client."""
    return Api(app, client)


@pytest.fixture
def token(world: factories.World, api_token: Callable[[Any], str]) -> Callable[[str], str]:
    """`token("applicant")`: a bearer token for one of the world's users (made once each)."""
    made: dict[str, str] = {}

    def _token(name: str) -> str:
        if name not in made:
            made[name] = api_token(world.users[name])
        return made[name]

    return _token


@pytest.fixture
def stored() -> Callable[[int], dict[str, Any]]:
    """What the database holds for an application now (content, state, version, number)."""

    def _stored(application_id: int) -> dict[str, Any]:
        session = db.session
        session.rollback()  # end the request's transaction; read what was committed
        session.expire_all()
        row = session.get(Application, application_id)
        assert row is not None
        return {
            **applications.content(row),
            "state": row.state,
            "version": row.version,
            "diary_number": row.diary_number,
        }

    return _stored
