"""Fixtures of the beredning tests: partner applicants, the validating API client, page helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from tests import factories
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name
from workflow import engine
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, User


@pytest.fixture
def partners(session: Session, world: factories.World) -> dict[str, User]:
    """Applicants of the two partner members of a complete application (fk and af)."""
    people = {
        "fk": factories.user(
            session,
            world.association,
            "applicant",
            world.members["fk"],
            email="fk.applicant@example.se",
            name="Fia Kassan",
        ),
        "af": factories.user(
            session,
            world.association,
            "applicant",
            world.members["af"],
            email="af.applicant@example.se",
            name="Arne Förmedling",
        ),
    }
    session.commit()
    return people


@pytest.fixture
def bearer(api_token: Callable[[Any], str], world: factories.World) -> Callable[[Any], str]:
    """`bearer("officer")` or `bearer(user)`: a token, made once per user."""
    made: dict[int, str] = {}

    def _bearer(who: Any) -> str:
        user = world.users[who] if isinstance(who, str) else who
        if user.id not in made:
            made[user.id] = api_token(user)
        return made[user.id]

    return _bearer


@pytest.fixture
def fire(session: Session, world: factories.World) -> Callable[..., Application]:
    """Take a step directly through the engine and commit, as a request would."""

    def _fire(app: Application, trigger: str, who: str, **payload: Any) -> Application:
        engine.fire(
            APPLICATION, app, trigger, by=world.users[who], session=session, payload=payload
        )
        session.commit()
        return app

    return _fire


@pytest.fixture
def sign_in(client: FlaskClient, login: Callable[[Any], Any], world: factories.World) -> Any:
    """Sign a user (a world name or a User) in on the pages, in English (texts stay stable)."""

    def _sign_in(who: Any) -> None:
        login(world.users[who] if isinstance(who, str) else who)
        with client.session_transaction() as browser:
            browser["lang"] = "en"

    return _sign_in
