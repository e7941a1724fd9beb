"""The OpenAPI 3.1 document, built from the route registry and the pydantic models."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from workflow.api.registry import OPERATIONS, Operation, route
from workflow.api.schemas import ErrorResponse, OpenApiDocumentOut

REF = "#/components/schemas/{model}"

# What each error status means in this API, for the document's readers.
ERROR_MEANINGS: dict[int, str] = {
    400: "Malformed JSON, or a body that is not a JSON object (`bad_request`).",
    401: "No valid bearer token, or wrong credentials (`unauthorized`).",
    403: "Visible to you, but your role may not do this (`forbidden`).",
    404: "Not found, or not visible to you: the two are never told apart (`not_found`).",
    409: (
        "Not allowed from the current state (`invalid_transition`, `invalid_state`), a stale"
        " `expected_version` (`stale_version`), or a concurrent write (`conflict`)."
    ),
    413: "The body is larger than the configured maximum, 1 MB by default (`payload_too_large`).",
    422: (
        "Validation or a guard failed (`validation_failed`); `details` names every problem as"
        " `{field, message}`."
    ),
    429: ("Too many requests, or too many failed sign-ins (`rate_limited`); see `Retry-After`."),
    500: "An unexpected error (`internal_error`); it has been logged.",
}
ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "`Bearer` when a token is missing or invalid.",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before the next attempt.",
            "schema": {"type": "integer"},
        }
    },
}
TAGS = [
    {"name": "auth", "description": "Bearer tokens."},
    {"name": "associations", "description": "Associations, members and users."},
    {"name": "applications", "description": "Applications and their lifecycle."},
    {"name": "annotations", "description": "The preparation's notes on sections of versions."},
    {"name": "versions", "description": "Frozen versions of an application and their diff."},
    {"name": "budgets", "description": "The budget of an association per year."},
    {"name": "meetings", "description": "Board meetings: agenda, attendance and decisions."},
    {"name": "audit", "description": "The hash-chained audit log."},
    {"name": "meta", "description": "This document."},
]


def _schemas() -> tuple[dict[tuple[Any, JsonSchemaMode], dict[str, Any]], dict[str, Any]]:
    """JSON schemas of every model in use: bodies and queries as read, answers as written."""
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for op in OPERATIONS:
        for model in (op.body, op.query):
            if model is not None:
                wanted[(model, "validation")] = None
        if op.response is not None:
            wanted[(op.response, "serialization")] = None
    wanted[(ErrorResponse, "serialization")] = None
    refs, top = models_json_schema(list(wanted), ref_template=REF)
    return refs, top.get("$defs", {})


def _error_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": ERROR_MEANINGS.get(status, HTTPStatus(status).phrase),
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}},
    }
    if status in ERROR_HEADERS:
        answer["headers"] = ERROR_HEADERS[status]
    return answer


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a value, never JSON null: drop pydantic's `| None`."""
    schema = {k: v for k, v in schema.items() if k != "title"}
    options = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
    if "anyOf" in schema and len(options) == 1:
        del schema["anyOf"]
        schema.update(options[0])
        if schema.get("default", 0) is None:
            del schema["default"]
    return schema


def _operation(
    op: Operation, refs: dict[tuple[Any, JsonSchemaMode], Any], components: dict[str, Any]
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for name, schema in op.path_parameters():
        description = schema.pop("description", None)
        parameter = {"name": name, "in": "path", "required": True, "schema": schema}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    if op.query is not None:
        query_schema = components[refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[1]]
        required = set(query_schema.get("required", []))
        for name, schema in query_schema["properties"].items():
            schema = _without_null(schema)
            description = schema.pop("description", None)
            parameter = {"name": name, "in": "query", "required": name in required}
            if description:
                parameter["description"] = description
            parameter["schema"] = schema
            parameters.append(parameter)
    for name, spec in op.headers.items():
        parameters.append({"name": name, "in": "header", "required": False, **spec})
    success: dict[str, Any] = {"description": HTTPStatus(op.status).phrase}
    if op.media_type != "application/json":
        types = (op.media_type,) if isinstance(op.media_type, str) else op.media_type
        binary = {"schema": {"type": "string", "format": "binary"}}
        success["content"] = dict.fromkeys(types, binary)
    elif op.response is not None:  # every JSON route declares one (registry.route)
        success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    responses = {str(op.status): success}
    for status in op.statuses:
        if status != op.status:
            responses[str(status)] = _error_response(status)
    document: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "tags": [op.tag],
        "security": [{"bearer": []}] if op.auth else [],
        "responses": responses,
    }
    if op.description:
        document["description"] = op.description
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {
            "required": any(f.is_required() for f in op.body.model_fields.values()),
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    return document


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (built per call: the page size comes from the config)."""
    refs, components = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "finsam-grants API",
            "version": "1",
            "description": (
                "Grant applications of Swedish samordningsförbund. Money is whole SEK;"
                " dates are ISO 8601. Every error is"
                ' `{"error": {"code", "message", "details"}}`; messages follow'
                " `Accept-Language` (Swedish by default, `en` for English)."
            ),
        },
        "tags": TAGS,
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `POST /api/v1/tokens`.",
                }
            },
        },
    }


@route(
    "/openapi.json",
    summary="This OpenAPI document",
    tag="meta",
    auth=False,
    response=OpenApiDocumentOut,
)
def openapi_document() -> dict[str, Any]:
    """Generated from the routes and models on every call; needs no token."""
    return build_document()
