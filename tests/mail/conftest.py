"""Mail test fixtures: a real SMTP server on loopback (aiosmtpd) and the people mail goes to."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tests import factories
from tests.api.conftest import Api
from workflow.models import MailMessage


def free_port() -> int:
    """A port nothing listens on: aiosmtpd cannot start on port 0 (STACK.md, pitfall 8)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One message as the SMTP server got it: envelope recipients and the parsed message."""

    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_content().replace("\r\n", "\n")


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives; start and stop at will."""

    def __init__(self, port: int, *, delay: float = 0.0, **options: Any) -> None:
        self.port = port
        self.delay = delay
        self.options = options  # e.g. an authenticator
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)  # hold the sender, so concurrent runs overlap
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append(Received(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **self.options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        """The messages that reached `address`."""
        return [r for r in self.received if address in r.rcpt_tos]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server on a free loopback port."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app: Flask, smtp: SmtpServer) -> Flask:
    """The application, sending through the test's SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    return app


@pytest.fixture
def people(session: Session, world: factories.World) -> dict[str, Any]:
    """More people around the world's: who must and must not get mail."""
    svb, hog = world.association, world.other_association
    jonkoping = world.members["jonkoping"]
    extra = {
        "applicant2": factories.user(
            session, svb, "applicant", jonkoping, email="applicant2@example.se", name="Ali Två"
        ),
        "gone_applicant": factories.user(
            session, svb, "applicant", jonkoping, email="gone@example.se", name="Gun Slutat"
        ),
        "preparer2": factories.user(
            session, svb, "preparer", email="preparer2@example.se", name="Pia Beredare"
        ),
        "hog_preparer": factories.user(
            session, hog, "preparer", email="hog.preparer@example.se", name="Hugo Höglandet"
        ),
        "officer2": factories.user(
            session, svb, "officer", email="officer2@example.se", name="Filip Kansli"
        ),
        "gone_officer": factories.user(
            session, svb, "officer", email="gone.officer@example.se", name="Greta Slutat"
        ),
    }
    extra["gone_applicant"].active = False
    extra["gone_officer"].active = False
    session.commit()
    world.users.update(extra)
    return world.users


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    """The validating API client of tests/api."""
    return Api(app, client)


@pytest.fixture
def token(people: dict[str, Any], api_token: Callable[[Any], str]) -> Callable[[str], str]:
    """`token("officer")`: a bearer token for one of the people (made once each)."""
    made: dict[str, str] = {}

    def _token(name: str) -> str:
        if name not in made:
            made[name] = api_token(people[name])
        return made[name]

    return _token


@pytest.fixture
def fire(api: Api, token: Callable[[str], str]) -> Callable[..., Any]:
    """`fire(app_id, trigger, who, **body)`: take a step through the API."""

    def _fire(app_id: int, trigger: str, who: str, **body: Any) -> Any:
        return api.post(
            f"/api/v1/applications/{app_id}/transitions/{trigger}", token=token(who), json=body
        )

    return _fire


@pytest.fixture
def setup_mail() -> list[int]:
    """The last message the fixtures' own steps queued (0: none); the outbox starts after it."""
    return [0]


@pytest.fixture
def make_application(
    session: Session, world: factories.World, setup_mail: list[int]
) -> Callable[..., Any]:
    """An application brought to a state by the real steps; the mail those steps queued is
    left out of `outbox()`, which holds only what the test itself caused."""

    def _make(**overrides: Any) -> Any:
        app_row = factories.application(session, world, **overrides)
        session.commit()
        last = session.exec(select(MailMessage.id).order_by(MailMessage.id.desc())).first()  # type: ignore[union-attr]
        setup_mail[0] = last or 0
        session.commit()  # end the read: on SQLite it holds the write lock (BEGIN IMMEDIATE)
        return app_row

    return _make


@pytest.fixture
def outbox(session: Session, setup_mail: list[int]) -> Callable[[], list[MailMessage]]:
    """The outbox as committed now, oldest first, after the fixtures' own mail."""

    def _rows() -> list[MailMessage]:
        session.rollback()
        session.expire_all()
        rows = list(
            session.exec(
                select(MailMessage)
                .where(MailMessage.id > setup_mail[0])  # type: ignore[operator]
                .order_by(MailMessage.id)
            ).all()
        )
        # End the read: on SQLite every transaction holds the write lock (BEGIN IMMEDIATE).
        session.commit()
        return rows

    return _rows
