"""Domain errors: raised by services and the engine, turned into 4xx by the web and API layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.i18n import _l


@dataclass(frozen=True)
class Problem:
    """One missing or invalid item: the field it concerns and a translatable message."""

    field: str
    message: Any  # a str or a lazy Babel string; rendered in the request's language

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message)}


class DomainError(Exception):
    """Base class: carries an HTTP status, a stable code and a message."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: Any = "", *, code: str | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.problems = list(problems or [])

    def details(self) -> list[dict[str, str]]:
        return [p.as_dict() for p in self.problems]


class BadRequest(DomainError):
    """The request could not be read (malformed JSON, wrong shape)."""

    status = 400
    code = "bad_request"


class NotFound(DomainError):
    """Absent, or not visible to the caller: the two are never told apart."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The caller's roles do not allow this step."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """Not allowed from the current state, or the caller's version is stale."""

    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    """A guard or a validation failed; `problems` names every item."""

    status = 422
    code = "validation_failed"


def stale_application() -> Conflict:
    """The 409 for an application changed since the caller read it."""
    return Conflict(
        _l("The application was changed by someone else; reload and try again."),
        code="stale_version",
    )
