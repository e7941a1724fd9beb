"""The page cache: a hit is exactly what the view would render now, for this session.

Hits are asserted on SQLite, where nothing else writes to the test's database file; on
PostgreSQL the data version is the cluster's snapshot, which other test workers move at any
moment (a miss then, never a wrong page), so there the tests assert freshness only.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.conftest import IsolatedClient
from tests.security.test_permission_matrix import _foreign_resources
from tests.web.conftest import text as body_of
from workflow import create_app
from workflow.extensions import db
from workflow.pagecache import HEADER, MARK, PageStore, data_version, store

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def cache_state(response: Any) -> str | None:
    """`hit`, `miss` (rendered and stored) or None (not stored)."""
    return response.headers.get(HEADER)


def warm(client: Any, url: str) -> Any:
    """Request `url` until it is stored (the first visit may create the CSRF token)."""
    for _ in range(3):
        response = client.get(url)
        if cache_state(response) == "miss":
            return response
    raise AssertionError(f"{url} was never stored: {response.status_code}")


@SQLITE
def test_a_second_visit_is_served_from_the_cache(client, world, login, make_application):
    app_row = make_application(title="Cachad ansökan")
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}"
    rendered = warm(client, url)
    again = client.get(url)
    assert cache_state(again) == "hit"
    assert again.get_data() == rendered.get_data()
    # The headers every page carries are on a hit too.
    assert again.headers["Content-Security-Policy"] == rendered.headers["Content-Security-Policy"]
    assert again.headers["Content-Type"].startswith("text/html")


def test_a_step_taken_on_the_page_shows_at_once(client, world, login, make_application, post):
    app_row = make_application(title="Före steget")
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}"
    client.get(url)
    client.get(url)
    response = post(
        f"{url}/transitions/submit",
        {"submit-expected_version": app_row.version},
        from_page=url,
        prefix="submit",
    )
    assert response.status_code == 303, body_of(response)[:400]
    after = client.get(url)
    assert cache_state(after) != "hit"
    assert "Inlämnad" in body_of(after)


def test_a_change_by_another_database_client_shows_at_once(
    client, world, login, make_application, database_url
):
    app_id = make_application(title="Gammal titel").id
    login(world.users["applicant"])
    url = f"/applications/{app_id}"
    client.get(url)
    assert "Gammal titel" in body_of(client.get(url))
    # As psql or another app instance would: a connection of its own, outside the app.
    outside = create_engine(database_url)
    with outside.begin() as connection:
        connection.execute(
            text("UPDATE application SET title = 'Ny titel' WHERE id = :i"), {"i": app_id}
        )
    outside.dispose()
    body = body_of(client.get(url))
    assert "Ny titel" in body
    assert "Gammal titel" not in body


def test_each_session_gets_its_own_page(app, world, make_application):
    make_application(title="Jönköpings ansökan")
    make_application(
        title="Regionens ansökan",
        lead_member_id=world.members["region"].id,
        by=world.users["other_applicant"],
    )
    app.test_client_class = IsolatedClient
    region, own = app.test_client(), app.test_client()
    sign_in(region, world.users["other_applicant"])
    sign_in(own, world.users["applicant"])
    for _ in range(3):  # alternating, each visit after the other session's stored page
        theirs, ours = body_of(region.get("/")), body_of(own.get("/"))
        assert "Regionens ansökan" in theirs
        assert "Jönköpings ansökan" not in theirs
        assert "Jönköpings ansökan" in ours
        assert "Regionens ansökan" not in ours


def sign_in(client: Any, user: Any) -> None:
    """Sign `user` in on `client` through the sign-in page."""
    token = factories.csrf_token(body_of(client.get("/login")))
    response = client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code in (302, 303)


@SQLITE
def test_a_copied_cookie_in_another_browser_is_not_served(app, client, world, login):
    login(world.users["officer"])
    warm(client, "/")
    assert cache_state(client.get("/")) == "hit"
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()  # an IsolatedClient, as the fixture's
    thief.set_cookie("session", cookie.value)
    response = thief.get("/", headers={"User-Agent": "Another browser/1.0"})
    # Session protection meets the copy: signed out, sent to the sign-in page.
    assert cache_state(response) != "hit"
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_flash_is_shown_once_and_never_stored(client, world, login, post):
    login(world.users["officer"])
    client.get("/")
    client.get("/")
    # The switch changes the session, so the English page has a key of its own.
    response = post("/language", {"lang": "en", "next": "/"}, from_page="/")
    assert response.status_code == 303
    english = client.get("/")
    assert cache_state(english) != "hit"
    assert 'lang="en"' in body_of(english)
    created = post(
        f"/associations/{world.association.slug}/meetings",
        {"date": "2027-03-01", "location": "Kansliet"},
        from_page=f"/associations/{world.association.slug}/meetings",
    )
    assert created.status_code == 303, body_of(created)[:400]
    shown = client.get(created.headers["Location"])
    assert cache_state(shown) is None  # the flash was on it: not stored
    assert "The meeting is planned." in body_of(shown)
    later = client.get(created.headers["Location"])
    assert "The meeting is planned." not in body_of(later)


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [("admin", "/admin/outbox", 200), ("officer", "/applications/999999", 404)],
    ids=["unmarked-view", "error-page"],
)
def test_what_is_never_stored(client, world, login, who, url, status):
    login(world.users[who])
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == status
        assert cache_state(response) is None


@SQLITE
def test_a_head_request_renders(client, world, login):
    login(world.users["officer"])
    assert cache_state(warm(client, "/")) == "miss"
    assert cache_state(client.head("/")) is None


@SQLITE  # on PostgreSQL other test workers move the cluster's snapshot meanwhile
def test_every_marked_page_is_a_pure_read(app: Flask, client, world, session: Session, login):
    """A marked view never writes (the data version stays), and its page is kept."""
    # `/workflow/application` redirects to `/workflow`: the other machine's page instead.
    values = {**_foreign_resources(session, world), "machine": "meeting"}
    session.commit()
    login(world.users["outsider"])  # the förbundschef of the association of those rows
    marked = sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if getattr(app.view_functions[rule.endpoint], MARK, False)
        ),
        key=lambda rule: rule.rule,
    )
    assert {rule.endpoint for rule in marked} >= {
        "main.dashboard",
        "applications.show",
        "meetings.show",
        "statistics.index",
    }
    shown: list[str] = []
    for rule in marked:
        defaults = rule.defaults or {}
        url = rule.build({k: values[k] for k in rule.arguments if k not in defaults})[1]
        client.get(url)  # the first visit may still set up the session
        before = _version(session)
        response = client.get(url)
        assert response.status_code in (200, 404, 422), (url, response.status_code)
        assert _version(session) == before, f"GET {url} wrote to the database"
        if response.status_code == 200:
            shown.append(url)
            # And it is kept: nothing in it depends on the request beyond the key.
            assert cache_state(client.get(url)) == "hit", url
    assert len(shown) >= len(marked) - 2, shown


def _version(session: Session) -> str:
    version = data_version(session.connection())
    session.rollback()  # a fresh snapshot next time
    return version


def test_the_data_version_moves_with_every_commit(app: Flask, world, session: Session):
    before = _version(session)
    session.add(factories.member(session, world.association, name="Vaggeryds kommun"))
    session.commit()
    assert _version(session) != before


@SQLITE
def test_the_data_version_stays_while_nothing_is_written(app: Flask, world, session: Session):
    assert _version(session) == _version(session)


def test_the_cache_can_be_turned_off(database_url: str):
    from config import TestConfig

    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, PAGE_CACHE_SECONDS=0)
    with application.app_context():
        assert store() is None
        db.session.close()
    application.extensions["db_engine"].dispose()
    debug = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, DEBUG=True)
    with debug.app_context():
        assert store() is None  # a developer's template edits show on the next reload
    debug.extensions["db_engine"].dispose()


@SQLITE
def test_a_cleared_store_renders_again(app, client, world, login):
    login(world.users["officer"])
    warm(client, "/")
    store().clear()
    assert cache_state(client.get("/")) == "miss"


@SQLITE
def test_pages_of_a_state_list_are_kept_apart(client, world, login, make_application):
    make_application(title="Ett utkast")
    make_application(title="En inlämnad", state=State.SUBMITTED)
    login(world.users["applicant"])
    drafts = warm(client, "/?state=draft")
    submitted = warm(client, "/?state=submitted")
    assert "Ett utkast" in body_of(drafts)
    assert "En inlämnad" not in body_of(drafts)
    assert "En inlämnad" in body_of(submitted)
    assert "Ett utkast" not in body_of(submitted)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_store_evicts_by_bytes_and_by_age(monkeypatch: pytest.MonkeyPatch):
    clock = FakeClock()
    monkeypatch.setattr("workflow.pagecache.time.monotonic", clock)
    pages = PageStore(max_bytes=10, seconds=60)
    pages.put("a", b"aaaa", ())
    pages.put("b", b"bbbb", ())
    assert pages.get("a") is not None  # a is now the most recently used
    pages.put("c", b"cccc", ())  # 12 bytes: the least recently used (b) goes
    assert pages.get("b") is None
    assert pages.get("a") is not None
    assert pages.get("c") is not None
    assert pages.size == 8
    pages.put("huge", b"x" * 11, ())  # larger than the whole store: not kept
    assert pages.get("huge") is None
    assert len(pages) == 2
    clock.now += 61
    assert pages.get("a") is None
    assert pages.get("c") is None
    assert pages.size == 0


def test_a_failing_version_check_falls_back_to_the_view(client, world, login, monkeypatch):
    login(world.users["officer"])

    def broken(_connection: Any) -> str:
        raise OperationalError("SELECT pg_current_snapshot()", {}, Exception("connection lost"))

    monkeypatch.setattr("workflow.pagecache.data_version", broken)
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert cache_state(response) is None
