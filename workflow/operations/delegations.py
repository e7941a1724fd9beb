"""The delegationsordning: the officer keeps the association's list of delegated matters."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from states import delegation as spec
from workflow import audit, limits, permissions
from workflow.errors import Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.models.delegations import Delegation
from workflow.rules.delegations import DelegationIn, rows_of

# An association's delegationsordning is a short list; more rows than this is a mistake.
ROWS_MAX = 50


def problems_of(rows: Sequence[DelegationIn], *, prefix: str = "delegations") -> list[Problem]:
    """Every problem of the rows as given (each named by its place in the list)."""
    problems: list[Problem] = []
    if len(rows) > ROWS_MAX:
        problems.append(Problem(prefix, _l("At most %(n)s rows.", n=ROWS_MAX)))
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(rows):
        where = f"{prefix}.{index}"
        if row.matter not in spec.MATTERS:
            problems.append(Problem(f"{where}.matter", _l("Choose a matter from the list.")))
        if row.delegate not in spec.DELEGATES:
            problems.append(
                Problem(
                    f"{where}.delegate",
                    _l("Choose the director, the chair or the working committee."),
                )
            )
        if row.limit_sek is not None and not 0 <= row.limit_sek <= limits.AMOUNT_MAX:
            problems.append(
                Problem(
                    f"{where}.limit_sek",
                    _l("Must be between %(min)s and %(max)s.", min=0, max=limits.AMOUNT_MAX),
                )
            )
        if row.note is not None and len(row.note) > limits.REASON_MAX:
            problems.append(
                Problem(f"{where}.note", _l("At most %(n)s characters.", n=limits.REASON_MAX))
            )
        if (row.matter, row.delegate) in seen:
            problems.append(
                Problem(
                    f"{where}.delegate",
                    _l("The matter is delegated to this delegate in an earlier row."),
                )
            )
        seen.add((row.matter, row.delegate))
    return problems


def _write(session: Session, association: Association, rows: Sequence[DelegationIn]) -> None:
    for position, row in enumerate(rows, start=1):
        session.add(
            Delegation(
                association_id=association.id,  # type: ignore[arg-type]
                position=position,
                matter=row.matter,
                delegate=row.delegate,
                limit_sek=row.limit_sek,
                report_to_board=row.report_to_board,
                note=(row.note or "").strip() or None,
            )
        )


def _as_data(rows: Sequence[DelegationIn]) -> list[dict[str, object]]:
    return [
        {
            "matter": r.matter,
            "delegate": r.delegate,
            "limit_sek": r.limit_sek,
            "report_to_board": r.report_to_board,
            "note": (r.note or "").strip() or None,
        }
        for r in rows
    ]


def replace(
    session: Session, association: Association, rows: Sequence[DelegationIn], *, by: User
) -> list[Delegation]:
    """Put the delegationsordning in place of the association's list (flushes, audits)."""
    if not permissions.can_edit_delegations(by, association):
        raise Forbidden(_l("Only the association's officers keep the delegationsordning."))
    problems = problems_of(rows)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    previous = rows_of(session, association.id)  # type: ignore[arg-type]
    before = _as_data(
        [
            DelegationIn(r.matter, r.delegate, r.limit_sek, r.report_to_board, r.note)
            for r in previous
        ]
    )
    for row in previous:
        session.delete(row)
    # The old rows go first: a kept (matter, delegate) pair is unique again.
    session.flush()
    _write(session, association, rows)
    session.flush()
    audit.record(
        session,
        action="update_delegations",
        entity_type="association",
        entity_id=association.id,
        association_id=association.id,
        actor=by,
        data={"before": before, "after": _as_data(rows)},
    )
    return rows_of(session, association.id)  # type: ignore[arg-type]


def start(session: Session, association: Association, director_limit_sek: int) -> None:
    """A new association's first row: the förbundschef decides grants up to the limit."""
    _write(session, association, [DelegationIn("grant", "director", director_limit_sek)])
    session.flush()
