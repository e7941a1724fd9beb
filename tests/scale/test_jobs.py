"""The job queue: inline without Redis, through RQ with it, inline again when Redis is down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker

from tests.scale.conftest import scalar
from workflow import jobs
from workflow.extensions import db
from workflow.services import mail

REDIS = "redis://127.0.0.1:6379/0"


def _pending_mail(app: Flask) -> int:
    rows = mail.queue(
        db.session,
        to="someone@example.se",
        subject="Test",
        body="Hej",
        event="test",
        association_id=None,
        application_id=None,
    )
    db.session.commit()
    return rows[0].id  # type: ignore[return-value]


def _status(app: Flask, message_id: int) -> str:
    return scalar(app, "SELECT status FROM mail_message WHERE id = :i", i=message_id)


@pytest.fixture
def rq_app(app: Flask) -> Iterator[Flask]:
    """The app with REDIS_URL set and a queue of its own, emptied afterwards."""
    app.config["REDIS_URL"] = REDIS
    app.config["JOB_QUEUE"] = f"test-{uuid.uuid4().hex}"
    app.config["JOB_QUEUE_ASYNC"] = True
    yield app
    Queue(app.config["JOB_QUEUE"], connection=Redis.from_url(REDIS)).delete(delete_jobs=True)


def test_without_redis_the_job_runs_inline(app: Flask) -> None:
    app.config["REDIS_URL"] = None
    message = _pending_mail(app)
    assert jobs.enqueue("workflow.services.mail.deliver_job", [message]) is None
    assert _status(app, message) == "logged"


def test_with_redis_the_job_waits_for_a_worker(rq_app: Flask) -> None:
    message = _pending_mail(rq_app)
    job_id = jobs.enqueue("workflow.services.mail.deliver_job", [message])
    assert job_id is not None
    assert _status(rq_app, message) == "pending"  # queued, not yet run

    connection = Redis.from_url(REDIS)
    queue = Queue(rq_app.config["JOB_QUEUE"], connection=connection)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)

    assert queue.fetch_job(job_id).get_status() == "finished"  # type: ignore[union-attr]
    assert _status(rq_app, message) == "logged"


def test_mail_of_a_step_goes_through_the_queue_after_commit(rq_app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    with rq_app.test_request_context():
        from workflow import transaction

        message = mail.queue(
            db.session,
            to="someone@example.se",
            subject="Steg",
            body="Hej",
            event="test",
            association_id=None,
            application_id=None,
        )[0].id
        transaction.commit()  # runs the after-commit hook: enqueue, not send
    connection = Redis.from_url(REDIS)
    queue = Queue(rq_app.config["JOB_QUEUE"], connection=connection)
    assert queue.count == 1
    assert _status(rq_app, message) == "pending"
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert _status(rq_app, message) == "logged"


def test_a_synchronous_queue_runs_the_job_through_rq_at_once(app: Flask) -> None:
    app.config["REDIS_URL"] = REDIS  # what CI sets; the tests' queue is synchronous
    assert app.config["JOB_QUEUE_ASYNC"] is False
    message = _pending_mail(app)
    job_id = jobs.enqueue("workflow.services.mail.deliver_job", [message])
    assert job_id is not None  # it went through RQ ...
    assert _status(app, message) == "logged"  # ... and ran before enqueue returned


def test_when_redis_is_down_the_job_runs_inline(app: Flask) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    message = _pending_mail(app)
    assert jobs.enqueue("workflow.services.mail.deliver_job", [message]) is None
    assert _status(app, message) == "logged"


def test_only_this_applications_functions_can_be_queued(app: Flask) -> None:
    with pytest.raises(ValueError, match="Not a job"):
        jobs.enqueue("os.system", "true")
