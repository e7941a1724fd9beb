"""The förbundschef classifies an insats as Uppföljning Finsam asks (issue 22)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from states.application import CLASSIFIABLE
from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, User, utcnow
from workflow.models.classification import InsatsClassification
from workflow.rules import classification as rules
from workflow.rules.insats import start_record

FIXED = "classification_fixed"
NOT_OPEN = "classification_not_open"


def refusal(session: Session, application: Application) -> Conflict | None:
    """Why the classification may not change now (409), or None while it may."""
    start = start_record(session, application)
    if start is not None:
        return Conflict(
            _l(
                "The classification is fixed: the insats started on %(date)s, and Uppföljning"
                " Finsam does not let it change after that.",
                date=start.agreement_date.isoformat(),
            ),
            code=FIXED,
        )
    if application.state not in CLASSIFIABLE:
        return Conflict(
            _l("The classification is set during beredning and until the insats starts."),
            code=NOT_OPEN,
        )
    return None


def classify(
    session: Session, application: Application, values: Mapping[str, Any], *, by: User
) -> InsatsClassification:
    """Set the insats's classification: officers (403), before the start (409), valid (422)."""
    if not permissions.can_classify(by, application):
        raise Forbidden(_l("Only the association's officers classify an insats."))
    refused = refusal(session, application)
    if refused is not None:
        raise refused
    checked, problems = rules.check(values, application.kind)
    if checked is None:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    row = session.get(InsatsClassification, application.id)
    before = None if row is None else {name: getattr(row, name) for name in rules.FIELDS}
    if row is None:
        row = InsatsClassification(application_id=application.id)  # type: ignore[call-arg]
    for name, value in checked.as_dict().items():
        setattr(row, name, value)
    row.set_by_id = by.id  # type: ignore[assignment]
    row.set_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="classify_insats",
        entity_type="application",
        entity_id=application.id,
        association_id=application.association_id,
        actor=by,
        data={"classification": checked.as_dict(), "before": before},
    )
    # The application's loaded relationship shows the stored row from now on.
    session.expire(application, ["classification"])
    return row
