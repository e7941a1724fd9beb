"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from workflow.models import AuditChainHead, AuditEvent, User, utcnow

GENESIS = "0" * 64
GLOBAL_CHAIN = 0


def _canonical_time(value: datetime) -> str:
    # SQLite hands back naive datetimes; both are UTC, so normalise before hashing.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The columns an event's hash covers, in the row's own names.
HASHED = (
    "chain_id",
    "seq",
    "association_id",
    "actor_id",
    "created_at",
    "entity_type",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "data",
    "prev_hash",
)


def row_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over an event row's content (a mapping of HASHED) and the previous hash."""
    payload = {name: row[name] for name in HASHED}
    payload["created_at"] = _canonical_time(row["created_at"])
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def event_hash(event: Any) -> str:
    """SHA-256 over the event's content and the previous event's hash (an event or a row)."""
    return row_hash({name: getattr(event, name) for name in HASHED})


def _lock_head(session: Session, chain_id: int) -> AuditChainHead:
    """Lock the chain's head row so concurrent appends queue instead of forking the chain."""
    locked = (
        select(AuditChainHead)
        .where(AuditChainHead.chain_id == chain_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    # The head exists for every event but a chain's first: one statement in the common
    # case, which matters because the lock is held from here to the commit.
    head = session.exec(locked).first()
    if head is not None:
        return head
    session.execute(
        text(
            "INSERT INTO audit_chain_head (chain_id, seq, hash) VALUES (:c, 0, :h)"
            " ON CONFLICT (chain_id) DO NOTHING"
        ),
        {"c": chain_id, "h": GENESIS},
    )
    return session.exec(locked).one()


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    association_id: int | None,
    actor: User | None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its association's chain (flushes, never commits)."""
    chain_id = association_id if association_id is not None else GLOBAL_CHAIN
    head = _lock_head(session, chain_id)
    event = AuditEvent(
        chain_id=chain_id,
        seq=head.seq + 1,
        association_id=association_id,
        actor_id=actor.id if actor is not None else None,
        created_at=utcnow(),
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        prev_hash=head.hash,
        hash="",
    )
    event.hash = event_hash(event)
    # The event first: the database lets the head move only onto a stored event.
    session.add(event)
    session.flush()
    head.seq = event.seq
    head.hash = event.hash
    session.add(head)
    session.flush()
    return event


@dataclass(frozen=True)
class Verification:
    """The outcome of walking every chain."""

    ok: bool
    events: int
    broken: list[dict[str, Any]]


def verify(
    session: Session, *, batch_size: int = 2000, chain_id: int | None = None
) -> Verification:
    """Recompute every hash and link; report the first break of each chain.

    `chain_id`: walk that chain only (an association's log, as its audit page shows it).
    """
    broken: list[dict[str, Any]] = []
    expected_prev: dict[int, tuple[int, str]] = {}
    count = 0
    last_id = 0
    while True:
        # Plain rows, not ORM objects: the identity map stays small on a long log.
        table = AuditEvent.__table__
        query = table.select().where(table.c.id > last_id)
        if chain_id is not None:
            query = query.where(table.c.chain_id == chain_id)
        rows = session.execute(query.order_by(table.c.id).limit(batch_size)).all()
        if not rows:
            break
        for event in rows:
            count += 1
            last_id = event.id
            prev_seq, prev_hash = expected_prev.get(event.chain_id, (0, GENESIS))
            problem = None
            if event.seq != prev_seq + 1:
                problem = "sequence"
            elif event.prev_hash != prev_hash:
                problem = "link"
            elif event_hash(event) != event.hash:
                problem = "hash"
            if problem and not any(b["chain_id"] == event.chain_id for b in broken):
                broken.append(
                    {
                        "chain_id": event.chain_id,
                        "seq": event.seq,
                        "id": event.id,
                        "problem": problem,
                    }
                )
            expected_prev[event.chain_id] = (event.seq, event.hash)
    heads_query = select(AuditChainHead)
    if chain_id is not None:
        heads_query = heads_query.where(AuditChainHead.chain_id == chain_id)
    heads = session.exec(heads_query).all()
    for head in heads:
        seen = expected_prev.get(head.chain_id, (0, GENESIS))
        if seen != (head.seq, head.hash) and not any(
            b["chain_id"] == head.chain_id for b in broken
        ):
            # Events were deleted from the end of the chain.
            broken.append(
                {"chain_id": head.chain_id, "seq": head.seq, "id": None, "problem": "truncated"}
            )
    return Verification(ok=not broken, events=count, broken=broken)


def verify_chains(session: Session, chain_ids: Iterable[int]) -> Verification:
    """Check only these chains (the associations a user may audit), as one result."""
    results = [verify(session, chain_id=chain_id) for chain_id in sorted(set(chain_ids))]
    return Verification(
        ok=all(r.ok for r in results),
        events=sum(r.events for r in results),
        broken=[b for r in results for b in r.broken],
    )
