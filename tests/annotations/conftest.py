"""Fixtures of the annotation tests: the API's validating client, the page helpers, a flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.annotations.helpers import Flow
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name


@pytest.fixture
def flow(session: Session, world: factories.World) -> Flow:
    """Steps through the engine and the services, each committed like a request would."""
    return Flow(session, world)


@pytest.fixture
def in_preparation(flow: Flow, make_application: Callable[..., Any]) -> Any:
    """A submitted application (version 1) that the officer has accepted for preparation."""
    app = make_application(state=State.SUBMITTED)
    flow.fire(app, "accept_for_preparation", "officer")
    return app


@pytest.fixture
def sign_in(client: FlaskClient, login: Callable[[Any], Any], world: factories.World) -> Any:
    """Sign one of the world's users in on the pages, in English (texts stay stable)."""

    def _sign_in(name: str) -> None:
        login(world.users[name])
        with client.session_transaction() as browser:
            browser["lang"] = "en"

    return _sign_in
