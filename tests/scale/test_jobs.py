"""The job queue: inline without Redis, through RQ with it, inline again when Redis is down."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker

from config import BASE_DIR
from tests.conftest import drop_job_queue
from tests.scale.conftest import scalar
from workflow import jobs, mail
from workflow.extensions import db

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
def rq_app(app: Flask) -> Flask:
    """The app with REDIS_URL set and an asynchronous queue of its own.

    The `app` fixture drops the queue afterwards (drop_job_queue reads the config as the
    test left it).
    """
    app.config["REDIS_URL"] = REDIS
    app.config["JOB_QUEUE"] = f"test-{uuid.uuid4().hex}"
    app.config["JOB_QUEUE_ASYNC"] = True
    return app


def test_without_redis_the_job_runs_inline(app: Flask) -> None:
    app.config["REDIS_URL"] = None
    message = _pending_mail(app)
    assert jobs.enqueue("workflow.mail.deliver_job", [message]) is None
    assert _status(app, message) == "logged"


def test_with_redis_the_job_waits_for_a_worker(rq_app: Flask) -> None:
    message = _pending_mail(rq_app)
    job_id = jobs.enqueue("workflow.mail.deliver_job", [message])
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
    job_id = jobs.enqueue("workflow.mail.deliver_job", [message])
    assert job_id is not None  # it went through RQ ...
    assert _status(app, message) == "logged"  # ... and ran before enqueue returned


def test_when_redis_is_down_the_job_runs_inline(app: Flask) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    message = _pending_mail(app)
    assert jobs.enqueue("workflow.mail.deliver_job", [message]) is None
    assert _status(app, message) == "logged"


def test_only_this_applications_functions_can_be_queued(app: Flask) -> None:
    with pytest.raises(ValueError, match="Not a job"):
        jobs.enqueue("os.system", "true")


def test_a_failing_job_on_a_synchronous_queue_raises_as_inline(app: Flask) -> None:
    # queue_name reads `.config` of its argument: a string has none, so the job fails.
    app.config["REDIS_URL"] = None
    with pytest.raises(AttributeError):
        jobs.enqueue("workflow.jobs.queue_name", "not an app")
    app.config["REDIS_URL"] = REDIS  # last: the `app` fixture then drops the failed job
    with pytest.raises(jobs.JobFailed, match="AttributeError"):
        jobs.enqueue("workflow.jobs.queue_name", "not an app")


def test_the_worker_command_drains_the_queue(rq_app: Flask) -> None:
    messages = [_pending_mail(rq_app) for _ in range(2)]
    for message in messages:
        jobs.enqueue("workflow.mail.deliver_job", [message])
    queue = Queue(rq_app.config["JOB_QUEUE"], connection=Redis.from_url(REDIS))
    assert queue.count == 2

    result = rq_app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    assert queue.count == 0
    assert [_status(rq_app, m) for m in messages] == ["logged", "logged"]


def test_the_worker_command_needs_redis(app: Flask) -> None:
    app.config["REDIS_URL"] = None
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_a_worker_process_of_its_own_runs_the_queued_mail(rq_app: Flask) -> None:
    """`flask --app workflow worker --burst` in another process, configured from the environment."""
    message = _pending_mail(rq_app)
    jobs.enqueue("workflow.mail.deliver_job", [message])
    assert _status(rq_app, message) == "pending"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "FLASK_", "SERVER_", "APP_BASE_URL"))
    }
    env.update(
        DATABASE_URL=rq_app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=REDIS,
        JOB_QUEUE=rq_app.config["JOB_QUEUE"],
    )
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "workflow", "worker", "--burst"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _status(rq_app, message) == "logged"
    assert Queue(rq_app.config["JOB_QUEUE"], connection=Redis.from_url(REDIS)).count == 0


def test_a_test_apps_queue_leaves_nothing_in_redis(app: Flask) -> None:
    app.config["REDIS_URL"] = REDIS
    name = jobs.queue_name(app)
    job_id = jobs.enqueue("workflow.mail.deliver_job", [_pending_mail(app)])
    connection = Redis.from_url(REDIS)
    assert list(connection.scan_iter(match=f"rq:*:{name}"))  # the finished registry
    assert connection.exists(f"rq:job:{job_id}")

    drop_job_queue(app)

    assert not list(connection.scan_iter(match=f"rq:*:{name}"))
    assert not connection.exists(f"rq:job:{job_id}")
    assert not connection.sismember("rq:queues", f"rq:queue:{name}")
