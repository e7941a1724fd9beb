"""The route registry: `@route` adds a Flask view and records what the OpenAPI document says of it.

The wrapper does the request plumbing every endpoint shares, in a fixed order:
the bearer token (401 before anything is read), the query string and the JSON
body (400/413/422), then the view, whose return value becomes the JSON answer
through the route's response model, the one the OpenAPI document shows.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request
from flask_babel import lazy_ngettext
from pydantic import BaseModel, RootModel, ValidationError
from werkzeug.routing import BaseConverter, parse_converter_args

from workflow.api import bp
from workflow.api.errors import Unauthorized
from workflow.auth import bearer_user
from workflow.errors import BadRequest, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import User
from workflow.schemas import problems_from

# Path converter for row ids: bounded, so a huge number is a 404, not a database error.
ID = "id"
ID_MAX = 2147483647


class IdConverter(BaseConverter):
    """A row id, 1 to 2^31 - 1, matched by its pattern alone.

    With `int(min=1, ...)` an id out of range fails only after the URL pattern matched, and
    Werkzeug then answers a method another rule on the path allows with 405, not 404.
    """

    regex = (
        r"(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
        r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )
    part_isolating = True

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


# Registered before the blueprint's rules are added (this runs before any route is declared).
bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))

M = TypeVar("M", bound=BaseModel)

_PATH_PARAM = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Operation:
    """One method on one path, with everything the OpenAPI document needs."""

    rule: str
    method: str
    endpoint: str
    summary: str
    description: str
    tag: str
    auth: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # A document (e.g. "application/pdf") instead of JSON: the view returns the Response;
    # several types when the answer is one of them (an attachment in its own type).
    media_type: str | tuple[str, ...] = "application/json"
    # Optional request headers the view reads (name: OpenAPI parameter, schema and all).
    headers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The OpenAPI path: the full URL with `{name}` placeholders."""
        return _PATH_PARAM.sub(lambda m: "{" + m["name"] + "}", (bp.url_prefix or "") + self.rule)

    def path_parameters(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each path parameter's name and JSON schema, from its converter."""
        for match in _PATH_PARAM.finditer(self.rule):
            schema: dict[str, Any] = {"type": "string"}
            if match["converter"] == ID:
                schema = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
            elif match["converter"] == "int":
                schema = {"type": "integer"}
                _args, kwargs = parse_converter_args(match["args"] or "")
                if "min" in kwargs:
                    schema["minimum"] = kwargs["min"]
                if "max" in kwargs:
                    schema["maximum"] = kwargs["max"]
            schema.update(self.params.get(match["name"], {}))
            yield match["name"], schema

    @property
    def statuses(self) -> list[int]:
        """Every status this operation can answer."""
        codes = {self.status, 429, 500, *self.errors}  # 429: every call is rate limited
        if self.auth:
            codes.add(401)
        if self.body is not None:
            codes |= {400, 413, 422}
        if self.query is not None:
            codes.add(422)
        if _PATH_PARAM.search(self.rule):
            codes.add(404)
        return sorted(codes)


OPERATIONS: list[Operation] = []


def route(
    rule: str,
    *,
    method: str = "GET",
    summary: str,
    tag: str,
    description: str = "",
    auth: bool = True,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    media_type: str | tuple[str, ...] = "application/json",
    headers: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view` under the API blueprint and in the registry.

    The view gets the path arguments, plus `user` (when `auth`), `query` and
    `body` (validated models) as keyword arguments, and returns the JSON payload, which
    is built through `response` (required for JSON answers), or a Response of `media_type`.
    """

    if media_type == "application/json" and response is None:
        raise TypeError(f"{rule}: a JSON answer needs its response model")

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        operation = Operation(
            rule=rule,
            method=method.upper(),
            endpoint=view.__name__,
            summary=summary,
            description=description or (view.__doc__ or "").strip(),
            tag=tag,
            auth=auth,
            body=body,
            query=query,
            response=response,
            status=status,
            errors=tuple(errors),
            params=dict(params or {}),
            media_type=media_type,
            headers=dict(headers or {}),
        )

        @wraps(view)
        def handler(**path_args: Any) -> Response:
            kwargs = dict(path_args)
            if auth:
                kwargs["user"] = caller()
            if query is not None:
                kwargs["query"] = read_query(query)
            if body is not None:
                kwargs["body"] = read_body(body)
            result = view(**kwargs)
            if isinstance(result, Response):
                answer = result
            else:
                answer = jsonify(answer_of(response, result))
            answer.status_code = status
            return answer

        bp.add_url_rule(rule, endpoint=operation.endpoint, view_func=handler, methods=[method])
        OPERATIONS.append(operation)
        return view

    return decorator


class UndocumentedAnswer(RuntimeError):
    """A view returned what its response model does not describe: a bug, answered as a 500."""


def answer_of(model: type[BaseModel] | None, result: Any) -> Any:
    """The view's return value rebuilt through the route's response model, as JSON data.

    A key the model lacks, a key it requires but is missing, or a value of the wrong type
    fails here instead of reaching the client, so the answers are what the document says.
    """
    if model is None:  # pragma: no cover - `route` refuses a JSON route without its model
        raise UndocumentedAnswer(f"{request.method} {request.url_rule} has no response model")
    try:
        # Through JSON and strict: an ISO date is read as a date, but a "12" stays no number
        # and 12 no float, so nothing is coerced into an answer it was not.
        built = model.model_validate_json(current_app.json.dumps(result), strict=True)
    except ValidationError as exc:
        raise UndocumentedAnswer(f"{request.method} {request.url_rule}: {exc}") from exc
    return built.model_dump(mode="json", by_alias=True)


def caller() -> User:
    """The bearer token's user; the session cookie is never looked at (STACK.md pitfall 7)."""
    user = bearer_user()
    if user is None:
        if request.headers.get("Authorization"):
            raise Unauthorized(
                _l("The bearer token is invalid or has expired; ask for a new one."),
                challenge='Bearer error="invalid_token"',
            )
        raise Unauthorized(_l("Sign in: send a bearer token in the Authorization header."))
    return user


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


def _number(text: str) -> int | float:
    """A JSON number with a fraction or exponent: an int when it is whole (123.0, 1e3)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)  # 1e999: no number a field could hold
    return int(value) if value.is_integer() else value


def _nul_fields(data: Any) -> list[str]:
    """Paths of every string (or key) holding a NUL character, which PostgreSQL cannot store."""
    found = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            found.append(path or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    found.append(child)
                else:
                    stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return sorted(found)


def read_body(schema: type[M]) -> M:
    """The JSON body validated against `schema`; an empty body is an empty object."""
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    if limit is not None and len(raw) >= limit:
        # A streamed (chunked) body is cut at the limit without an error; reading past
        # the cut raises RequestEntityTooLarge when more was sent.
        request.stream.read(1)
    if not raw.strip():
        raw = b"{}"
    try:
        data = json.loads(raw, parse_constant=_reject_constant, parse_float=_number)
    except (ValueError, RecursionError):
        raise BadRequest(_l("The body is not valid JSON.")) from None
    # A list body only where the schema is a list (PUT /meetings/{id}/attendance).
    list_body = isinstance(data, list) and issubclass(schema, RootModel)
    if not isinstance(data, dict) and not list_body:
        raise BadRequest(_l("The body must be a JSON object."))
    nul = _nul_fields(data)
    if nul:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem(path, _l("Must not contain the NUL character.")) for path in nul],
        )
    try:
        # As JSON, so strict mode still reads ISO dates (a "12" stays no number); written
        # again from the parsed body, in which a whole number is an int however it was sent:
        # JSON has one number type, and an `integer` field takes 123.0 as 123.
        return schema.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors(include_url=False)):
            raise BadRequest(_l("The body is not valid JSON.")) from None
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems(exc)) from None


def read_query(schema: type[M]) -> M:
    """The query string validated against `schema` (the first value of each name)."""
    try:
        return schema.model_validate({name: request.args.get(name) for name in request.args})
    except ValidationError as exc:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems(exc)) from None


def problems(exc: ValidationError) -> list[Problem]:
    """Translated problems, with clearer words for a minimum length above one."""
    result = []
    for err, problem in zip(exc.errors(include_url=False), problems_from(exc), strict=True):
        minimum = (err.get("ctx") or {}).get("min_length")
        if err["type"] == "string_too_short" and minimum and minimum > 1:
            problem = Problem(problem.field, _l("At least %(n)s characters.", n=minimum))
        elif err["type"] == "too_short" and minimum:
            problem = Problem(
                problem.field,
                lazy_ngettext("At least %(num)s item.", "At least %(num)s items.", minimum),
            )
        elif err["type"] == "value_error" and problem.field.endswith("email"):
            problem = Problem(problem.field, _l("Is not a valid e-mail address."))
        result.append(problem)
    return result
