"""Rendered pages kept per session until the database changes (or a few minutes pass).

A page of this service is built from three things only: the database, the signed session
cookie (who, which language, the CSRF token, the flashes) and the date. The cache key holds
all three, so a hit returns exactly what the view would render:

- the database's *data version*: on PostgreSQL the transaction snapshot
  (`pg_current_snapshot()`, which moves with every write transaction in the cluster, from any
  client, psql included); on SQLite `PRAGMA data_version` (moves when another connection
  commits) with this connection's own change count (moves when it writes itself);
- a digest of the session's contents and of the client identifier Flask-Login's session
  protection compares, so a copied cookie from another browser misses and meets the check;
- the address (path and query) and the date.

Only views marked with `cached_page` (pure reads) are kept, only GET answers 200 that set no
cookie and left the session untouched (a first CSRF token or a flash is never stored), and
each entry lives `PAGE_CACHE_SECONDS` at most. The store is per process and bounded by
`PAGE_CACHE_MAX_BYTES`: nothing is shared between workers, nothing to invalidate by hand.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import session_json_serializer
from flask_login.utils import _create_identifier
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from workflow import http
from workflow.extensions import db
from workflow.operations.protocols import local_today

F = TypeVar("F", bound=Callable[..., Any])
MARK = "page_cache"
HEADER = "X-Page-Cache"
# A stored page never sets a cookie (see `_keep`); a hit's length is set anew from its body.
SKIPPED_HEADERS = frozenset({"content-length"})


def cached_page(view: F) -> F:
    """Mark a GET view whose page depends only on the database, the session and the date."""
    setattr(view, MARK, True)
    return view


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored page."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    expires: float


class PageStore:
    """A thread-safe LRU of pages, bounded in bytes, entries expiring after `seconds`."""

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.size = 0
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        """The live entry under `key`, or None (an expired one is dropped)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, body: bytes, headers: tuple[tuple[str, str], ...]) -> None:
        """Keep a page, evicting the least recently used ones beyond the byte bound."""
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = Entry(body, headers, time.monotonic() + self.seconds)
            self.size += len(body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        self.size -= len(self._entries.pop(key).body)


def data_version(connection: Connection) -> str:
    """A value that differs whenever committed data this connection can see has changed."""
    if connection.dialect.name == "postgresql":
        # Two equal snapshots see exactly the same committed transactions.
        return connection.execute(text("SELECT pg_current_snapshot()::text")).scalar_one()
    if connection.dialect.name == "sqlite":
        # data_version moves with other connections' commits, total_changes with this
        # one's own writes; both are this connection's, hence its token in the value.
        token = connection.info.setdefault("page_cache_token", uuid.uuid4().hex)
        others = connection.exec_driver_sql("PRAGMA data_version").scalar_one()
        own = connection.connection.dbapi_connection.total_changes  # type: ignore[union-attr]
        return f"{token}:{others}:{own}"
    raise NotImplementedError(f"no data version for {connection.dialect.name}")


def store() -> PageStore | None:
    """The app's page store, None when the cache is off."""
    return current_app.extensions.get("page_cache")


def _cacheable_request() -> bool:
    if request.method != "GET" or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, MARK, False))


def _key() -> str:
    parts = (
        request.host_url,
        request.full_path,
        session_json_serializer.dumps(dict(session)),
        _create_identifier(),
        date.today().isoformat(),
        local_today().isoformat(),
        data_version(db.session.connection()),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _serve_cached() -> Response | None:
    """Answer a marked GET from the store when the same page was rendered for this state."""
    pages = store()
    if pages is None or not _cacheable_request():
        return None
    try:
        key = _key()
    except SQLAlchemyError:
        # The database is what failed: let the view meet it and answer as it always does.
        db.session.rollback()
        return None
    entry = pages.get(key)
    if entry is None:
        # The view renders; the page is stored after it under the key of the request's start.
        g.page_cache_key = key
        return None
    response = http.replayed_page(entry.body, entry.headers)
    response.headers[HEADER] = "hit"
    return response


def _keep(response: Response) -> Response:
    """Store the page a marked view just rendered, if nothing about it is per-request."""
    key = g.pop("page_cache_key", None)
    pages = store()
    if key is None or pages is None:
        return response
    if (
        response.status_code != 200
        or response.is_streamed
        or session.modified
        or "Set-Cookie" in response.headers
    ):
        return response
    headers = tuple(
        (name, value) for name, value in response.headers if name.lower() not in SKIPPED_HEADERS
    )
    pages.put(key, response.get_data(), headers)
    response.headers[HEADER] = "miss"
    return response


def init_app(app: Flask) -> None:
    """Attach a store unless caching is off (PAGE_CACHE_SECONDS=0, debug, template reload)."""
    seconds = float(app.config.get("PAGE_CACHE_SECONDS", 0))
    # A developer editing templates expects to see the edit on the next reload.
    if seconds <= 0 or app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return
    app.extensions["page_cache"] = PageStore(int(app.config["PAGE_CACHE_MAX_BYTES"]), seconds)
    app.before_request(_serve_cached)
    app.after_request(_keep)
