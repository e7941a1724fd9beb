"""Helpers for the page tests: CSRF-carrying posts and a compiled Swedish catalog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests import factories

CATALOG = Path(__file__).resolve().parents[2] / "workflow" / "translations" / "sv" / "LC_MESSAGES"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalog() -> None:
    """Compile messages.po when its .mo is missing or older (`make install` does the same)."""
    po, mo = CATALOG / "messages.po", CATALOG / "messages.mo"
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with po.open("rb") as source:
        catalog = read_po(source, locale="sv")
    with mo.open("wb") as target:
        write_mo(target, catalog)


def page_token(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token of the session, read from a page's forms (error pages have them too)."""
    response = client.get(url)
    return factories.csrf_token(response.get_data(as_text=True))


@pytest.fixture
def post(client: FlaskClient) -> Callable[..., Any]:
    """POST a form with the session's CSRF token (read from `from_page`, default the dashboard)."""

    def _post(
        url: str,
        data: dict[str, Any] | None = None,
        *,
        from_page: str = "/",
        prefix: str | None = None,
    ) -> Any:
        form = dict(data or {})
        field = f"{prefix}-csrf_token" if prefix else "csrf_token"
        form.setdefault(field, page_token(client, from_page))
        return client.post(url, data=form)

    return _post


def text(response: Any) -> str:
    """The decoded body of a response."""
    return response.get_data(as_text=True)
