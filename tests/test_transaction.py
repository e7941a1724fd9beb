"""A request commits once, at its end, by its answer's status; anything else rolls back.

The probe views below write a row and answer as asked; the real views are checked where a
commit loses a race (409 as an HTML page and in the API's JSON shape).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, abort, flash, has_request_context, request
from flask.testing import FlaskClient
from sqlalchemy import event, update
from sqlmodel import Session, func, select

from tests import factories
from workflow import transaction
from workflow.errors import Conflict, ValidationFailed
from workflow.extensions import csrf, db
from workflow.models import Association, Member
from workflow.operations import associations

PROBE = "Provkommunen"


def _probes(session: Session) -> int:
    session.rollback()  # read what the requests committed
    return session.exec(select(func.count()).select_from(Member).where(Member.name == PROBE)).one()


def _association_name(session: Session, association_id: int) -> str:
    session.rollback()
    return session.exec(select(Association.name).where(Association.id == association_id)).one()


def _lose_race(association_id: int) -> None:
    """Change the association as read, after another transaction moved its version on.

    The ORM's `UPDATE ... WHERE version = <as read>` then matches no row when the request
    commits: a StaleDataError, as when two officers save at the same time.
    """
    row = db.session.get(Association, association_id)
    assert row is not None
    table = Association.__table__
    db.session.connection().execute(
        update(table).where(table.c.id == association_id).values(version=table.c.version + 1)
    )
    row.name = "Changed by the losing request"


class Probe:
    """A view that adds a member, queues an after-commit callback and answers as asked."""

    def __init__(self, association_id: int) -> None:
        self.association_id = association_id
        self.after_commit: list[str] = []

    def __call__(self) -> Any:
        association = db.session.get(Association, self.association_id)
        assert association is not None
        factories.member(db.session, association, name=PROBE)
        transaction.after_commit(lambda: self.after_commit.append(request.method))
        answer = request.args.get("answer", "200")
        if answer == "refused":
            raise ValidationFailed("refused")
        if answer == "forbidden":
            abort(403)
        if answer == "crash":
            raise RuntimeError("an unexpected error")
        if answer == "stale":
            _lose_race(self.association_id)
            flash("The change is saved.", "success")
            return "saved", 303, {"Location": "/"}
        if answer == "kept":
            transaction.keep_writes()
            raise Conflict("refused, but what was written is kept")
        return "answered", int(answer)


@pytest.fixture
def probe(app: Flask, world: factories.World) -> Probe:
    """`/probe` (a page) and `/api/probe` (answers in the API's JSON shape), GET and POST."""
    probe = Probe(world.association.id)

    def probe_view() -> Any:
        return probe()

    csrf.exempt(probe_view)
    app.add_url_rule("/probe", "probe", probe_view, methods=["GET", "POST"])
    app.add_url_rule("/api/probe", "api_probe", probe_view, methods=["POST"])
    return probe


@pytest.fixture
def commits(app: Flask) -> Iterator[list[int]]:
    """One entry per COMMIT a request sends (the test's own session commits too)."""
    seen: list[int] = []

    def record(_conn: Any) -> None:
        if has_request_context():
            seen.append(1)

    engine = app.extensions["db_engine"]
    event.listen(engine, "commit", record)
    yield seen
    event.remove(engine, "commit", record)


@pytest.mark.parametrize("status", [200, 201, 303])
def test_a_writing_request_that_succeeds_commits_once(client, probe, session, commits, status):
    response = client.post(f"/probe?answer={status}")
    assert response.status_code == status
    assert len(commits) == 1
    assert _probes(session) == 1
    assert probe.after_commit == ["POST"]


@pytest.mark.parametrize("status", [400, 404, 409, 422, 500, 503])
def test_a_writing_request_answering_an_error_leaves_nothing(client, probe, session, status):
    response = client.post(f"/probe?answer={status}")
    assert response.status_code == status
    assert _probes(session) == 0
    assert probe.after_commit == []


@pytest.mark.parametrize(("answer", "status"), [("refused", 422), ("forbidden", 403)])
def test_a_refusal_raised_by_the_view_leaves_nothing(client, probe, session, answer, status):
    response = client.post(f"/probe?answer={answer}")
    assert response.status_code == status
    assert _probes(session) == 0
    assert probe.after_commit == []


def test_an_unexpected_error_leaves_nothing(client, probe, session):
    with pytest.raises(RuntimeError):  # the test app propagates it instead of a 500 page
        client.post("/probe?answer=crash")
    assert _probes(session) == 0
    assert probe.after_commit == []


def test_a_read_never_commits(client, probe, session, commits):
    """A GET that writes (it should not) keeps nothing, and costs no COMMIT."""
    assert client.get("/probe").status_code == 200
    assert commits == []
    assert _probes(session) == 0
    assert probe.after_commit == []


def test_kept_writes_outlive_a_refusal(client, probe, session):
    """The sign-in's bookkeeping (keep_writes) is committed although the answer is a 409."""
    response = client.post("/probe?answer=kept")
    assert response.status_code == 409
    assert _probes(session) == 1
    assert probe.after_commit == ["POST"]


def test_a_commit_that_loses_a_race_is_a_409_page(client, probe, session, world):
    response = client.post("/probe?answer=stale", headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert not response.is_json
    assert _probes(session) == 0
    assert _association_name(session, world.association.id) == world.association.name
    assert probe.after_commit == []
    with client.session_transaction() as browser:
        assert "_flashes" not in browser  # "saved" is not shown on the next page


def test_a_commit_that_loses_a_race_is_a_json_409_under_the_api(client, probe, session):
    response = client.post("/api/probe?answer=stale")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "stale_version"
    assert _probes(session) == 0
    assert probe.after_commit == []


def test_a_real_api_view_whose_commit_loses_a_race_answers_409_json(
    client: FlaskClient,
    world: factories.World,
    api_token: Callable[[Any], str],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_member = associations.add_member
    association_id = world.association.id  # read here: the request must not use the test's session

    def add_then_lose_race(*args: Any, **kwargs: Any) -> Member:
        member = add_member(*args, **kwargs)
        _lose_race(association_id)
        return member

    monkeypatch.setattr(associations, "add_member", add_then_lose_race)
    response = client.post(
        "/api/v1/associations/svb/members",
        headers={"Authorization": f"Bearer {api_token(world.users['officer'])}"},
        json={"name": PROBE, "party": "municipality", "population": 1},
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "stale_version"
    assert _probes(session) == 0


def test_a_real_page_whose_step_loses_a_race_answers_409_html(
    client: FlaskClient,
    world: factories.World,
    login: Callable[[Any], Any],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_member = associations.add_member
    association_id = world.association.id  # read here: the request must not use the test's session

    def add_then_lose_race(*args: Any, **kwargs: Any) -> Member:
        member = add_member(*args, **kwargs)
        _lose_race(association_id)
        return member

    monkeypatch.setattr(associations, "add_member", add_then_lose_race)
    login(world.users["officer"])
    page = client.get("/admin/associations/svb/members")
    response = client.post(
        "/admin/associations/svb/members",
        data={
            "name": PROBE,
            "party": "municipality",
            "population": "1",
            "csrf_token": factories.csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 409
    assert not response.is_json
    assert _probes(session) == 0


# --- the refused step of a page -----------------------------------------------------------------


def test_a_refused_step_is_rolled_back_and_its_error_handed_to_the_view(app, world, session):
    calls: list[str] = []
    with app.test_request_context("/", method="POST"):
        association = db.session.get(Association, world.association.id)
        assert association is not None
        with transaction.step(ValidationFailed) as refusal:
            factories.member(db.session, association, name=PROBE)
            transaction.after_commit(lambda: calls.append("after"))
            raise ValidationFailed("refused")
        assert isinstance(refusal.error, ValidationFailed)
        # The view reloads rows after the refusal: the step's writes are gone already.
        count = select(func.count()).select_from(Member).where(Member.name == PROBE)
        assert db.session.exec(count).one() == 0
        transaction.commit()
    assert calls == []
    assert _probes(session) == 0


def test_a_step_that_goes_through_hands_back_no_error(app, world, session):
    with app.test_request_context("/", method="POST"):
        association = db.session.get(Association, world.association.id)
        assert association is not None
        with transaction.step() as refusal:
            factories.member(db.session, association, name=PROBE)
        assert refusal.error is None
        transaction.commit()
    assert _probes(session) == 1


def test_a_step_refuses_a_lost_race_as_a_409(app, world, session):
    with app.test_request_context("/", method="POST"):
        with transaction.step() as refusal:
            _lose_race(world.association.id)
        assert isinstance(refusal.error, Conflict)
        assert refusal.error.code == "stale_version"


def test_a_step_lets_other_errors_through(app, world):
    with (
        app.test_request_context("/", method="POST"),
        pytest.raises(Conflict),
        transaction.step(ValidationFailed),
    ):
        raise Conflict("not this step's to refuse")
