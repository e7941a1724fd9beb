"""Signed checkpoints of the audit log, kept outside the database by the revisor.

A checkpoint names the newest event of every hash chain (its seq and hash), the number of
events and the time, signed with HMAC-SHA256 under AUDIT_CHECKPOINT_KEY. It is written after
every signed protocol and by `flask audit-checkpoint` (daily, from cron) to
AUDIT_CHECKPOINT_DIR and/or mailed to AUDIT_CHECKPOINT_MAIL. Whoever can rewrite the
database cannot reach those copies: `flask verify-audit --checkpoint FILE` finds a chain that
has lost events since (shortened) or whose anchored event now has another hash (rewritten).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlmodel import Session

from workflow import jobs, mail, transaction
from workflow.extensions import db
from workflow.models import AuditEvent, utcnow

FORMAT = "finsam-audit-checkpoint/1"
FILE_PREFIX = "audit-checkpoint-"
# The job the meeting's `sign` step queues after its commit (workflow/lifecycles/meeting.py).
JOB = "workflow.audit_checkpoint.checkpoint_job"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read or whose signature does not match."""


def _key() -> bytes:
    config = current_app.config
    return str(config.get("AUDIT_CHECKPOINT_KEY") or config["SECRET_KEY"]).encode("utf-8")


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _signature(body: dict[str, Any]) -> str:
    return hmac.new(_key(), _canonical(body), hashlib.sha256).hexdigest()


def heads(session: Session) -> list[dict[str, Any]]:
    """The newest stored event of every chain, read from the events (not the head table)."""
    table = AuditEvent.__table__
    newest = (
        select(table.c.chain_id, func.max(table.c.seq).label("seq"))
        .group_by(table.c.chain_id)
        .subquery()
    )
    rows = session.execute(
        select(table.c.chain_id, table.c.seq, table.c.hash)
        .join(newest, (table.c.chain_id == newest.c.chain_id) & (table.c.seq == newest.c.seq))
        .order_by(table.c.chain_id)
    ).all()
    return [{"chain_id": r.chain_id, "seq": r.seq, "hash": r.hash} for r in rows]


def build(session: Session) -> dict[str, Any]:
    """A signed checkpoint of the log as it is now."""
    chains = heads(session)
    body: dict[str, Any] = {
        "format": FORMAT,
        "created_at": utcnow().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        # A chain's seqs run 1, 2, 3…: its newest seq is its number of events.
        "events": sum(chain["seq"] for chain in chains),
        "chains": chains,
    }
    return {**body, "signature": _signature(body)}


def dumps(checkpoint: dict[str, Any]) -> str:
    """The checkpoint as the text written to a file or a mail."""
    return json.dumps(checkpoint, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> dict[str, Any]:
    """Read and check one checkpoint file; CheckpointError when unreadable or not genuine."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: not a readable checkpoint ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not an audit checkpoint")
    body = {name: value for name, value in data.items() if name != "signature"}
    signature = data.get("signature")
    if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(body)):
        raise CheckpointError(f"{path}: the signature does not match (altered, or another key)")
    try:
        for chain in data["chains"]:
            int(chain["chain_id"]), int(chain["seq"]), str(chain["hash"])
        int(data["events"])
        _created(data)
    except (KeyError, TypeError, ValueError):
        raise CheckpointError(f"{path}: incomplete checkpoint") from None
    return data


def _created(checkpoint: dict[str, Any]) -> datetime:
    return datetime.strptime(checkpoint["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def newest(paths: Iterable[Path]) -> tuple[Path, dict[str, Any]]:
    """The newest genuine checkpoint among the files (and the files in the folders) given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob(f"{FILE_PREFIX}*.json")))
        else:
            files.append(path)
    if not files:
        raise CheckpointError("no checkpoint file given or found")
    loaded = [(path, load(path)) for path in files]
    return max(loaded, key=lambda pair: _created(pair[1]))


@dataclass(frozen=True)
class Finding:
    """A chain that no longer holds what a checkpoint anchored."""

    chain_id: int
    seq: int
    problem: str  # "shortened" or "rewritten"
    stored_seq: int

    def as_dict(self) -> dict[str, Any]:
        """The finding in the shape of audit.verify's broken chains."""
        return {
            "chain_id": self.chain_id,
            "seq": self.seq,
            "id": None,
            "problem": self.problem,
            "stored_seq": self.stored_seq,
        }


def compare(session: Session, checkpoint: dict[str, Any]) -> list[Finding]:
    """Each anchored chain must still hold its anchored event, with the same hash."""
    table = AuditEvent.__table__
    stored = {chain["chain_id"]: chain["seq"] for chain in heads(session)}
    findings: list[Finding] = []
    for chain in checkpoint["chains"]:
        chain_id, seq = int(chain["chain_id"]), int(chain["seq"])
        found = session.execute(
            select(table.c.hash).where(table.c.chain_id == chain_id, table.c.seq == seq)
        ).scalar()
        now = stored.get(chain_id, 0)
        if found is None:
            findings.append(Finding(chain_id, seq, "shortened", now))
        elif found != chain["hash"]:
            findings.append(Finding(chain_id, seq, "rewritten", now))
    return findings


def _write_file(directory: Path, checkpoint: dict[str, Any]) -> Path:
    """Write atomically under a name that sorts by time; never overwrite an older one."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint["created_at"].replace("-", "").replace(":", "").replace(".", "")
    path = directory / f"{FILE_PREFIX}{stamp}.json"
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".writing-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(dumps(checkpoint))
        try:
            os.link(temporary, path)  # fails rather than replace a checkpoint of the same moment
        except FileExistsError:
            raise
        except OSError:
            os.replace(temporary, path)  # a share without hard links (SMB)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


@dataclass(frozen=True)
class Written:
    """Where one checkpoint went."""

    checkpoint: dict[str, Any]
    file: Path | None
    mailed_to: str | None


def write(session: Session) -> Written:
    """Build a checkpoint and send it where the revisor keeps them (the mail after commit)."""
    config = current_app.config
    checkpoint = build(session)
    directory = config.get("AUDIT_CHECKPOINT_DIR")
    address = config.get("AUDIT_CHECKPOINT_MAIL")
    file = _write_file(Path(directory), checkpoint) if directory else None
    if address:
        mail.queue(
            session,
            to=address,
            subject=f"Audit checkpoint {checkpoint['created_at']}",
            body=dumps(checkpoint),
            event="audit_checkpoint",
            association_id=None,
            application_id=None,
        )
    return Written(checkpoint, file, address or None)


def _configured() -> bool:
    config = current_app.config
    return bool(config.get("AUDIT_CHECKPOINT_DIR") or config.get("AUDIT_CHECKPOINT_MAIL"))


def after_commit() -> None:
    """Queue a checkpoint for after the request's commit, when there is a place for it."""
    if _configured():
        jobs.after_commit(JOB)


def checkpoint_job() -> None:
    """The job after a signed protocol: anchor the log as it stands with the signature."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not _configured():
        return
    try:
        write(db.session)
        transaction.commit()  # the mail row, delivered once stored
    except Exception:
        # The protocol is signed and stored; tomorrow's `flask audit-checkpoint` anchors it.
        transaction.rollback()
        app.logger.exception("Writing the audit checkpoint after a signed protocol failed.")
