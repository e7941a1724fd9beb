"""The mail outbox: rows written in the step's transaction, delivered after it commits, retried.

`queue` only writes `MailMessage` rows (status `pending`) with the caller's session and asks
`workflow.jobs.after_commit` to deliver them once the request has committed, so a step
that rolls back leaves no mail behind. `deliver_pending` claims one due row at a time in a short
transaction of its own (a conditional UPDATE, plus SKIP LOCKED on PostgreSQL), sends it without
holding any transaction open, and records the outcome in another short transaction: a mail
server that is down never touches the step, and two workers never send the same row twice.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from workflow import jobs
from workflow.models import MailMessage, utcnow
from workflow.models.kallelse import MailAttachment, MailDocument

SUBJECT_MAX = 300  # the column's length
ERROR_MAX = 2000
# Longest wait between two attempts, however many have failed.
BACKOFF_CAP = timedelta(days=1)
_table = MailMessage.__table__  # type: ignore[attr-defined]
_attached = MailAttachment.__table__  # type: ignore[attr-defined]
_documents = MailDocument.__table__  # type: ignore[attr-defined]
# Refusals of one message; anything else (refused connection, timeout, failed
# login, dropped line) means the server is unusable for the rest of the run.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass
class Delivery:
    """What one run of `deliver_pending` did."""

    sent: int = 0
    logged: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.logged + self.retrying + self.failed


@dataclass(frozen=True)
class _Claimed:
    """A snapshot of a claimed row: what sending and recording need."""

    id: int
    to_email: str
    subject: str
    body: str
    event: str
    attempts: int
    created_at: datetime


def _one_line(text: str) -> str:
    """A header value: whitespace runs (newlines included) become one space."""
    return " ".join(str(text).split())


def queue(
    session: Session,
    *,
    to: str | Iterable[str],
    subject: str,
    body: str,
    event: str,
    association_id: int | None,
    application_id: int | None,
    attachments: Sequence[MailDocument] = (),
) -> list[MailMessage]:
    """Write one pending message per address; they are delivered after the caller commits.

    `attachments` are stored files (`document`), each attached to every message.
    """
    addresses = [to] if isinstance(to, str) else list(dict.fromkeys(to))
    rows = [
        MailMessage(
            association_id=association_id,
            application_id=application_id,
            to_email=address,
            subject=_one_line(subject)[:SUBJECT_MAX],
            body=body,
            event=event,
        )
        for address in addresses
    ]
    if not rows:
        return rows
    session.add_all(rows)
    session.flush()
    session.add_all(
        MailAttachment(message_id=row.id, document_id=file.id, position=position)  # type: ignore[arg-type]
        for row in rows
        for position, file in enumerate(attachments)
    )
    session.flush()
    ids = [row.id for row in rows if row.id is not None]
    # Through the job queue (inline without REDIS_URL); the rows stay pending until sent.
    jobs.after_commit("workflow.mail.deliver_job", ids)
    return rows


def document(
    session: Session,
    *,
    filename: str,
    content_type: str,
    content: bytes,
    association_id: int | None,
) -> MailDocument:
    """Store a file to attach to mail (once, however many messages carry it)."""
    row = MailDocument(
        association_id=association_id,
        filename=filename,
        content_type=content_type,
        content=content,
    )
    session.add(row)
    session.flush()
    return row


def deliver_job(ids: list[int]) -> None:
    """The job queue's entry point: deliver these committed messages with the current app."""
    deliver_after_commit(current_app._get_current_object(), ids)  # type: ignore[attr-defined]


def deliver_after_commit(app: Flask, ids: list[int]) -> None:
    """Try the just-committed messages now; any error is logged, never raised into the request."""
    try:
        deliver_pending(app, ids=ids)
    except Exception:
        # The rows are committed and stay pending: `flask send-mail` picks them up.
        app.logger.exception("Delivering mail %s after the commit failed; it stays queued.", ids)


def deliver_pending(
    source: Flask | Session | None = None,
    *,
    limit: int = 100,
    ids: Iterable[int] | None = None,
    association_ids: Iterable[int] | None = None,
) -> Delivery:
    """Send (or log, without MAIL_SERVER) up to `limit` due pending messages, each once."""
    app = source if isinstance(source, Flask) else current_app._get_current_object()  # type: ignore[attr-defined]
    engine: Engine = (
        source.get_bind() if isinstance(source, Session) else app.extensions["db_engine"]
    )  # type: ignore[assignment]
    config = app.config
    only_ids = None if ids is None else list(ids)
    only_associations = None if association_ids is None else list(association_ids)
    if only_ids == [] or only_associations == []:
        return Delivery()
    # Messages become due at or before the start of the run; a retry scheduled during
    # the run is left for the next one, so a run always ends.
    started = utcnow()
    lease = timedelta(seconds=max(300.0, 10 * float(config["MAIL_TIMEOUT"])))
    smtp = _Smtp(config) if config.get("MAIL_SERVER") else None
    result = Delivery()
    try:
        while result.attempted < limit:
            claimed = _claim(engine, started, utcnow() + lease, only_ids, only_associations)
            if claimed is None:
                break
            files = _files(engine, claimed.id)
            if smtp is None:
                _log(app, claimed, files)
                _record_done(engine, claimed, "logged")
                result.logged += 1
                continue
            try:
                smtp.send(_email(claimed, config, files))
            except Exception as exc:
                _record_failure(app, engine, claimed, exc, result)
                if _server_unusable(exc):
                    break
            else:
                _record_done(engine, claimed, "sent")
                result.sent += 1
    finally:
        if smtp is not None:
            smtp.close()
    return result


def pending_count(engine: Engine) -> int:
    """How many messages still wait to be delivered (due now or later)."""
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(_table).where(_table.c.status == "pending")
        ).scalar_one()


@dataclass(frozen=True)
class _File:
    """One attachment as sent: its name, type and bytes."""

    filename: str
    content_type: str
    content: bytes


def _files(engine: Engine, message_id: int) -> list[_File]:
    """The files attached to a message, in their order (read in a short transaction)."""
    query = (
        select(_documents.c.filename, _documents.c.content_type, _documents.c.content)
        .join(_attached, _attached.c.document_id == _documents.c.id)
        .where(_attached.c.message_id == message_id)
        .order_by(_attached.c.position, _attached.c.id)
    )
    with engine.connect() as connection:
        return [_File(*row) for row in connection.execute(query).all()]


def _server_unusable(error: Exception) -> bool:
    """Whether the error is the server's (stop the run) rather than one message's."""
    return isinstance(error, OSError) and not isinstance(error, _MESSAGE_ERRORS)


def _claim(
    engine: Engine,
    due_by: datetime,
    lease_until: datetime,
    ids: list[int] | None,
    association_ids: list[int] | None,
) -> _Claimed | None:
    """Take the oldest due message for this run; no other run can take it meanwhile.

    The claim moves `next_attempt_at` past the lease: if this process dies while
    sending, the message becomes due again once the lease has run out.
    """
    due = (_table.c.status == "pending") & (_table.c.next_attempt_at <= due_by)
    query = select(_table).where(due)
    if ids is not None:
        query = query.where(_table.c.id.in_(ids))
    if association_ids is not None:
        query = query.where(_table.c.association_id.in_(association_ids))
    # PostgreSQL: a row another run is claiming is skipped, not waited for (SQLite has
    # no row locks; its BEGIN IMMEDIATE lets one writer in at a time instead).
    query = query.order_by(_table.c.id).limit(1).with_for_update(skip_locked=True)
    with engine.begin() as connection:
        while True:
            row = connection.execute(query).mappings().first()
            if row is None:
                return None
            taken = connection.execute(
                update(_table)
                .where(due & (_table.c.id == row["id"]))
                .values(next_attempt_at=lease_until)
            ).rowcount
            if taken == 1:
                return _Claimed(
                    id=row["id"],
                    to_email=row["to_email"],
                    subject=row["subject"],
                    body=row["body"],
                    event=row["event"],
                    attempts=row["attempts"],
                    created_at=row["created_at"],
                )


def _record_done(engine: Engine, claimed: _Claimed, status: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(_table)
            .where((_table.c.id == claimed.id) & (_table.c.status == "pending"))
            .values(status=status, sent_at=utcnow(), attempts=claimed.attempts + 1)
        )


def _record_failure(
    app: Flask, engine: Engine, claimed: _Claimed, error: Exception, result: Delivery
) -> None:
    """Count the attempt; wait twice as long as last time, or give up after the last one."""
    attempts = claimed.attempts + 1
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    values: dict[str, Any] = {"attempts": attempts, "last_error": text}
    config = app.config
    if attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
        values["status"] = "failed"
        result.failed += 1
        app.logger.error(
            "Mail %s (%s) to %s failed for good after %s attempts: %s",
            claimed.id,
            claimed.event,
            claimed.to_email,
            attempts,
            text,
        )
    else:
        values["next_attempt_at"] = utcnow() + backoff(config, attempts)
        result.retrying += 1
        app.logger.warning(
            "Mail %s (%s) to %s not sent (attempt %s), will retry: %s",
            claimed.id,
            claimed.event,
            claimed.to_email,
            attempts,
            text,
        )
    with engine.begin() as connection:
        connection.execute(
            update(_table)
            .where((_table.c.id == claimed.id) & (_table.c.status == "pending"))
            .values(**values)
        )


def backoff(config: Mapping[str, Any], attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: the base, doubled after each one, capped."""
    base = timedelta(seconds=int(config["MAIL_RETRY_SECONDS"]))
    return min(base * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _log(app: Flask, claimed: _Claimed, files: Sequence[_File] = ()) -> None:
    # A warning, so it reaches the log at the default level: this mail did not go out.
    app.logger.warning(
        "Mail %s (%s), not sent because MAIL_SERVER is unset:\nTo: %s\nSubject: %s\n\n%s%s",
        claimed.id,
        claimed.event,
        claimed.to_email,
        claimed.subject,
        claimed.body,
        "".join(f"\n[{file.filename}, {len(file.content)} bytes]" for file in files),
    )


def _email(
    claimed: _Claimed, config: Mapping[str, Any], files: Sequence[_File] = ()
) -> EmailMessage:
    """The message as sent; its Message-ID is the row's, so a resend is recognisably the same."""
    sender = config["MAIL_SENDER"]
    domain = sender.rpartition("@")[2] or "localhost"
    created = claimed.created_at
    if created.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        created = created.replace(tzinfo=UTC)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = claimed.to_email
    message["Subject"] = claimed.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<outbox-{claimed.id}-{created:%Y%m%d%H%M%S}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(claimed.body)
    for file in files:
        # "text/calendar; method=PUBLISH; charset=utf-8": the type, then its parameters.
        kind, *parameters = (part.strip() for part in file.content_type.split(";"))
        maintype, _, subtype = kind.partition("/")
        params = dict(p.partition("=")[::2] for p in parameters if "=" in p)
        message.add_attachment(
            file.content, maintype=maintype, subtype=subtype, filename=file.filename, params=params
        )
    return message


class _Smtp:
    """One SMTP connection for a run, opened on the first message."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        client = smtplib.SMTP(
            config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=float(config["MAIL_TIMEOUT"])
        )
        try:
            client.ehlo()
            if config.get("MAIL_USE_TLS"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if config.get("MAIL_USERNAME"):
                client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage) -> None:
        if self.client is None:
            self.client = self._connect()
        try:
            self.client.send_message(message)
        except _MESSAGE_ERRORS:
            raise
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
