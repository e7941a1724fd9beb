"""Browser fixtures: one live server on the demo data and one Chromium for the whole session.

Debian's Chromium is used (Playwright's own download does not work here, STACK.md pitfall 9).
A missing browser fails the tests, it never skips them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from config import TestConfig
from workflow import create_app
from workflow.devdata import demo
from workflow.extensions import db
from workflow.models import Application, Association, Meeting

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@dataclass
class LiveServer:
    """The running demo application: its address and the ids of the rows pages are about."""

    url: str
    app: Flask
    ids: dict[str, Any] = field(default_factory=dict)

    def password(self, email: str) -> str:
        return next(p.password for p in demo.PEOPLE if p.email == email)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ids(application: Flask) -> dict[str, Any]:
    """The demo rows the page list points at, found by state and association."""
    with application.app_context():
        session = db.session
        svb = session.execute(select(Association).where(Association.slug == "svb")).scalar_one()
        # The first application of each state, Södra Vätterbygden's before the others'.
        apps = session.execute(select(Application)).scalars()
        by_state: dict[str, int] = {}
        for row in sorted(apps, key=lambda a: (a.association_id != svb.id, a.id)):
            by_state.setdefault(str(row.state), row.id)
        meeting = (
            session.execute(
                select(Meeting).where(Meeting.association_id == svb.id).order_by(Meeting.id)
            )
            .scalars()
            .first()
        )
        session.close()
        return {"by_state": by_state, "meeting": meeting.id if meeting else None}


@pytest.fixture(scope="session")
def live_server(
    sqlite_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The application with the demo data on a SQLite file, served on a free loopback port."""
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    # Every role signs in from the same address: the sign-in limit must not stop the run.
    application = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
        LOGIN_LIMIT_PER_ADDRESS_ACCOUNT="1000 per minute",
    )
    with application.app_context():
        assert demo.build(db.session) is not None
        db.session.commit()
        db.session.close()
    port = _free_port()
    server = make_server("127.0.0.1", port, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{port}", application, _ids(application))
    server.shutdown()
    thread.join(timeout=10)
    application.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; fails (never skips) when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests and is missing: {CHROMIUM}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (cookies) per test, Swedish like the users."""
    made = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    made.set_default_timeout(15_000)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab of the fresh profile."""
    return context.new_page()


def sign_in(page: Page, server: LiveServer, email: str) -> None:
    """Sign in through the sign-in page."""
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", server.password(email))
    page.click("main [type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not sign in: {page.url}"
