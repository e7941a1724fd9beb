"""The delegationsordning read: an association's rows, and the row a delegate decides under."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from states import delegation as spec
from states.common import Role
from workflow.db import memoized_for_reads
from workflow.models.delegations import Delegation


@dataclass(frozen=True)
class DelegationIn:
    """One row as given on the page or through the API."""

    matter: str
    delegate: str
    limit_sek: int | None
    report_to_board: bool = True
    note: str | None = None


@memoized_for_reads
def rows_of(session: Session, association_id: int) -> list[Delegation]:
    """The association's delegationsordning, in its order."""
    return list(
        session.exec(
            select(Delegation)
            .where(Delegation.association_id == association_id)
            .order_by(Delegation.position, Delegation.id)  # type: ignore[arg-type]
        ).all()
    )


def delegates_of(roles: Iterable[Role]) -> set[str]:
    """The delegates a person with these roles acts as (förbundschef, ordförande)."""
    held = set(roles)
    return {name for name, role in spec.DELEGATE_ROLES.items() if role in held}


def mandates(session: Session, association_id: int, roles: Iterable[Role]) -> list[Delegation]:
    """The rows under which a person with these roles may decide on an application."""
    delegates = delegates_of(roles)
    return [
        row
        for row in rows_of(session, association_id)
        if row.matter in spec.DECISION_MATTERS and row.delegate in delegates
    ]


def widest(rows: Iterable[Delegation]) -> Delegation | None:
    """The row with the highest limit (no limit is the highest), the first on a tie."""
    best: Delegation | None = None
    for row in rows:
        if best is None or (
            best.limit_sek is not None and (row.limit_sek is None or row.limit_sek > best.limit_sek)
        ):
            best = row
    return best


def matching(rows: Iterable[Delegation], total_sek: int) -> Delegation | None:
    """The row that covers `total_sek`: the first in the list whose limit allows it."""
    for row in rows:
        if row.limit_sek is None or total_sek <= row.limit_sek:
            return row
    return None
