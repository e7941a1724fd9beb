"""Make the other part of a mixed insats: a new draft of the other kind, tied to the first."""

from __future__ import annotations

from flask_babel import force_locale
from sqlmodel import Session

from states.application import EDITABLE
from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, Association, User
from workflow.models.shares import InsatsPart
from workflow.operations import applications
from workflow.rules import parts as rules
from workflow.schemas import ApplicationFields


def create_part(session: Session, app: Application, *, by: User) -> Application:
    """A draft of the other kind with the first part's shared fields; the pair is recorded."""
    if not permissions.can_edit_application(by, app):
        raise Forbidden(_l("Only the applicants of the leading member make the other part."))
    if app.state not in EDITABLE:
        raise Conflict(
            _l("The other part is made while the application can still be changed."),
            code="invalid_state",
        )
    if rules.pair_of(session, app.id) is not None:  # type: ignore[arg-type]
        raise Conflict(_l("This insats already has its other part."), code="part_exists")
    if app.kind not in rules.OTHER_KIND:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem("kind", _l("Choose whether the insats is individual or structural."))
            ],
        )
    kind = rules.OTHER_KIND[app.kind]
    fields = {
        name: [p.member_id for p in app.partners]
        if name == "partner_member_ids"
        else getattr(app, name)
        for name in rules.SHARED_FIELDS
    }
    # The title is Swedish whatever the caller's language: it is the insats's name.
    with force_locale("sv"):
        suffix = str(rules.PART_SUFFIX[kind])
    title = f"{app.title} – {suffix}" if app.title else None
    data = ApplicationFields.model_validate({**fields, "kind": kind, "title": title})
    association = session.get(Association, app.association_id)
    assert association is not None
    part = applications.create_draft(session, association, data, by=by)
    session.add(InsatsPart(first_id=app.id, second_id=part.id, created_by_id=by.id))  # type: ignore[arg-type]
    session.flush()
    audit.record(
        session,
        action="make_part",
        entity_type="application",
        entity_id=app.id,
        association_id=app.association_id,
        actor=by,
        data={"part_id": part.id, "kind": kind},
    )
    return part
