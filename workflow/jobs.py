"""Background jobs: inline without Redis, through RQ when `REDIS_URL` is set.

`enqueue("package.module.function", *args)` names the function by its import path, so a
job is plain data that any process can run. Without `REDIS_URL` it runs at once, in the
caller's app context. With it, RQ queues `run(path, args)`; a worker (`flask --app workflow
worker`, or `rq worker --url $REDIS_URL finsam`) imports the function and runs it in an app
context of its own. When Redis cannot be reached the job runs inline instead, so work is
never lost to a queue that is down; callers whose state lives in the database (the mail
outbox) are safe either way, as the rows stay pending until delivered.

From a request, `after_commit("workflow.operations.documents.build_protocol_documents",
meeting_id)` queues the job once the request's transaction has committed (never on rollback).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from flask import Flask, current_app, has_app_context
from werkzeug.utils import import_string

DEFAULT_QUEUE = "finsam"
# RQ's job timeout in seconds: a mail run or a PDF is far shorter.
JOB_TIMEOUT = 600


class JobFailed(RuntimeError):
    """A job on a synchronous queue (JOB_QUEUE_ASYNC=False) raised, as it would have inline."""


def queue_name(app: Flask) -> str:
    """The RQ queue this installation uses (JOB_QUEUE, default `finsam`)."""
    return str(app.config.get("JOB_QUEUE") or DEFAULT_QUEUE)


def _connection(url: str) -> Any:
    from redis import Redis

    # Short timeouts: a Redis that is down must not hold a request for long.
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def _queue(app: Flask) -> Any:
    from rq import Queue

    # JOB_QUEUE_ASYNC=False (the tests): RQ runs each job at once, in this process.
    return Queue(
        queue_name(app),
        connection=_connection(app.config["REDIS_URL"]),
        is_async=bool(app.config.get("JOB_QUEUE_ASYNC", True)),
    )


def enqueue(func_path: str, *args: Any) -> str | None:
    """Run `func_path(*args)`: queued on RQ when REDIS_URL is set, otherwise inline now.

    Returns the RQ job id, or None when the job ran inline.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    func = _resolve(func_path)
    if not app.config.get("REDIS_URL"):
        func(*args)
        return None
    from redis.exceptions import RedisError

    try:
        queue = _queue(app)
        job = queue.enqueue(run, func_path, list(args), job_timeout=JOB_TIMEOUT)
    except RedisError:
        app.logger.warning("The job queue is unreachable; running %s inline.", func_path)
        func(*args)
        return None
    if not queue.is_async and job.is_failed:
        # RQ records a synchronous job's error and returns; raise it, so that a run with
        # REDIS_URL set (CI) fails where the inline run would, not later and unexplained.
        result = job.latest_result()
        raise JobFailed(f"{func_path} failed:\n{result.exc_string if result else ''}")
    return str(job.id)


def after_commit(func_path: str, *args: Any) -> None:
    """Enqueue the job once the request's transaction has committed (never on rollback)."""
    from workflow import transaction

    transaction.after_commit(lambda: enqueue(func_path, *args))


def _resolve(func_path: str) -> Callable[..., Any]:
    """The function at the import path; only this project's code may be queued."""
    if not func_path.startswith("workflow."):
        raise ValueError(f"Not a job of this application: {func_path}")
    func = import_string(func_path)
    if not callable(func):
        raise ValueError(f"Not callable: {func_path}")
    return func


@cache
def _worker_app() -> Flask:
    """The app a worker process builds once when a job runs outside any app context."""
    from workflow import create_app

    return create_app()


def run(func_path: str, args: list[Any]) -> Any:
    """What RQ executes: the named function inside an app context."""
    func = _resolve(func_path)
    if has_app_context():
        return func(*args)
    with _worker_app().app_context():
        return func(*args)


def work(app: Flask, *, burst: bool = False) -> None:
    """Process the queue in this process (SimpleWorker: no fork, one database pool)."""
    from rq import SimpleWorker

    connection = _connection(app.config["REDIS_URL"])
    with app.app_context():
        SimpleWorker([queue_name(app)], connection=connection).work(burst=burst)
