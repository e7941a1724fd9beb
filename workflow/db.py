"""The database extension: one engine per app, one session per request."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

READ_METHODS = frozenset({"GET", "HEAD"})
P = ParamSpec("P")
R = TypeVar("R")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the per-dialect settings this project relies on."""
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _reads_only() -> bool:
    """Whether the current request is a page or API read (GET/HEAD), which never writes."""
    return has_request_context() and request.method in READ_METHODS


def _memo_key(value: Any) -> Hashable:
    # Rows are unhashable (pydantic equality) but live as long as the request: their id serves.
    if value is None or isinstance(value, int | str | bool | frozenset):
        return value
    return ("object", id(value))


def memoized_for_reads(func: Callable[P, R]) -> Callable[P, R]:
    """Compute once per read request (GET/HEAD), where nothing can change the answer.

    Pages ask the same question from several places (a meeting's roster for the quorum, the
    attendance table and the decision forms). Outside a read request the call goes through.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not _reads_only():
            return func(*args, **kwargs)
        # On the request, not on `g`: an app context (and its `g`) can outlive a request.
        cache = request.environ.setdefault("finsam.read_memo", {})
        key = (
            func.__qualname__,
            tuple(_memo_key(a) for a in args),
            tuple(sorted((k, _memo_key(v)) for k, v in kwargs.items())),
        )
        if key not in cache:
            # The arguments are kept with the answer: an object's id is only unique while
            # the object lives.
            cache[key] = (func(*args, **kwargs), args, kwargs)
        return cache[key][0]

    return wrapper


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for file databases, and write transactions that lock up front.

    pysqlite's deferred BEGIN lets two writers both read and then deadlock on the
    upgrade to a write lock (SQLITE_BUSY without waiting); BEGIN IMMEDIATE makes
    the second one wait for the busy timeout instead. Reads (GET and HEAD requests)
    begin deferred: in WAL mode they then run beside each other and beside a writer
    instead of queueing behind one lock.
    """
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only: "HÄLSA" would not match a search for "hälsa".
        # Python's folds every letter, as PostgreSQL's does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


class Database:
    """Flask extension holding the engine; `db.session` is the request's session."""

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        engine = make_engine(
            app.config["SQLALCHEMY_DATABASE_URI"], echo=app.config.get("SQLALCHEMY_ECHO", False)
        )
        app.extensions["db_engine"] = engine

        @app.teardown_appcontext
        def _close_session(_exc: BaseException | None) -> None:
            session = g.pop("_db_session", None)
            if session is not None:
                session.close()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db_engine"]

    @property
    def session(self) -> Session:
        """The session of the current app context, opened on first use."""
        if "_db_session" not in g:
            g._db_session = Session(self.engine, expire_on_commit=False)
        return g._db_session


db = Database()
