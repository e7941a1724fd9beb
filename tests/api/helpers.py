"""Small readers of API answers."""

from __future__ import annotations

from werkzeug.test import TestResponse


def problem_fields(response: TestResponse) -> list[str]:
    """The `field` of each detail of an error answer."""
    return [detail["field"] for detail in response.get_json()["error"]["details"]]


def error_code(response: TestResponse) -> str:
    """The `code` of an error answer."""
    return response.get_json()["error"]["code"]
