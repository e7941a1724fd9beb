"""One recovery code or one TOTP step signs in once, also when requests race with it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.security.conftest import code_at
from tests.security.test_twofactor import _enrol
from workflow.extensions import db

RACERS = 4


def _race(app: Flask, body: dict[str, str]) -> list[Any]:
    """POST /api/v1/tokens with `body` from RACERS threads released at once; the statuses."""
    barrier = threading.Barrier(RACERS)
    statuses: list[Any] = [None] * RACERS

    def racer(i: int) -> None:
        client = FlaskClient(app)  # a plain client: the thread has no app context of its own
        barrier.wait()
        try:
            statuses[i] = client.post("/api/v1/tokens", json=body).status_code
        except Exception as exc:  # shown in the assertion, not lost in the thread
            statuses[i] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return statuses


@pytest.mark.parametrize("kind", ["recovery", "totp"])
def test_parallel_sign_ins_with_one_code_give_one_token(
    app: Flask, client: Any, world: factories.World, login: Callable, post: Callable, kind: str
) -> None:
    user = world.users["officer"]
    login(user)
    secret, codes = _enrol(client, post)
    code = codes[0] if kind == "recovery" else code_at(secret, 1)
    body = {"email": user.email, "password": factories.PASSWORD, "otp": code}
    db.session.commit()  # the test's transaction holds no lock while the racers run
    statuses = _race(app, body)
    assert sorted(statuses) == [201] + [401] * (RACERS - 1), statuses
    assert client.post("/api/v1/tokens", json=body).status_code == 401
