"""LIV (långsiktig integrerad verksamhet): admission, yearly financing, uppdragsavtal, flags.

A proposed LIV activity goes on a board meeting's agenda like any proposal; its admission
(`liv_approve`) and every later yearly financing decision (`liv_year_decision`) are board
decisions with a § taken by `workflow.operations.meetings.decide`, which asks this module for
the step to fire and the amounts allowed. Each approval finances exactly one year: its
DecisionAmount is what the budget counts as committed (so the no-borrowing rule holds as
for any decision) and a LivYear row makes sure no year is financed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from states.application import State
from workflow import audit, limits, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import (
    Application,
    Member,
    User,
)
from workflow.models.liv import LivAgreement, LivAgreementParty

# --- the agenda ---------------------------------------------------------------------------------


# --- the yearly report flag ---------------------------------------------------------------------


# --- the uppdragsavtal --------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementIn:
    """An uppdragsavtal as the officer records it."""

    party_member_ids: list[int]
    start_date: date | None
    end_date: date | None
    signed_on: date | None
    reference: str | None = None


def record_agreement(
    session: Session, app: Application, data: AgreementIn, *, by: User
) -> LivAgreement:
    """Record the uppdragsavtal of a LIV activity: its parties, period and date signed."""
    if not permissions.can_manage_liv(by, app.association_id):
        raise Forbidden(_l("Only the association's officers record an uppdragsavtal."))
    if app.state != State.IN_LIV:
        raise Conflict(
            _l("An uppdragsavtal is recorded for an activity in LIV."), code="invalid_state"
        )
    problems: list[Problem] = []
    members = set(
        session.exec(select(Member.id).where(Member.association_id == app.association_id)).all()
    )
    if not data.party_member_ids:
        problems.append(
            Problem("party_member_ids", _l("Choose the member organisations that are parties."))
        )
    seen: set[int] = set()
    for index, member_id in enumerate(data.party_member_ids):
        if member_id not in members:
            problems.append(
                Problem(
                    f"party_member_ids.{index}",
                    _l("Not a member organisation of this association."),
                )
            )
        elif member_id in seen:
            problems.append(
                Problem(
                    f"party_member_ids.{index}", _l("This member organisation is listed twice.")
                )
            )
        seen.add(member_id)
    for name in ("start_date", "end_date", "signed_on"):
        value = getattr(data, name)
        if value is None:
            problems.append(Problem(name, _l("Give a date.")))
        elif not limits.YEAR_MIN <= value.year <= limits.YEAR_MAX:
            problems.append(
                Problem(
                    name,
                    _l(
                        "The year must be between %(min)s and %(max)s.",
                        min=limits.YEAR_MIN,
                        max=limits.YEAR_MAX,
                    ),
                )
            )
    if data.start_date and data.end_date and data.start_date > data.end_date:
        problems.append(Problem("end_date", _l("The period ends before it starts.")))
    if data.signed_on and data.end_date and data.signed_on > data.end_date:
        problems.append(Problem("signed_on", _l("The agreement is signed after its period ends.")))
    reference = (data.reference or "").strip() or None
    if reference is not None and len(reference) > limits.NAME_MAX:
        problems.append(Problem("reference", _l("At most %(n)s characters.", n=limits.NAME_MAX)))
    if problems:
        raise ValidationFailed(_l("The agreement cannot be recorded."), problems=problems)
    agreement = LivAgreement(
        association_id=app.association_id,
        application_id=app.id,  # type: ignore[arg-type]
        start_date=data.start_date,  # type: ignore[arg-type]
        end_date=data.end_date,  # type: ignore[arg-type]
        signed_on=data.signed_on,  # type: ignore[arg-type]
        reference=reference,
        recorded_by_id=by.id,  # type: ignore[arg-type]
    )
    agreement.parties = [LivAgreementParty(member_id=m) for m in sorted(seen)]
    session.add(agreement)
    session.flush()
    audit.record(
        session,
        action="record_liv_agreement",
        entity_type="application",
        entity_id=app.id,
        association_id=app.association_id,
        actor=by,
        data={
            "agreement_id": agreement.id,
            "party_member_ids": sorted(seen),
            "start_date": agreement.start_date.isoformat(),
            "end_date": agreement.end_date.isoformat(),
            "signed_on": agreement.signed_on.isoformat(),
        },
    )
    return agreement
