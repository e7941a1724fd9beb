"""Applications: create, read, change, list, take a step, read the history."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlmodel import select

from states.application import BY_TRIGGER, PUBLIC_TRIGGERS
from workflow import engine, permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.paging import paginate
from workflow.api.registry import ID, route
from workflow.api.schemas import (
    ApplicationOut,
    ApplicationPatch,
    ApplicationQuery,
    HistoryEventOut,
    Page,
    PageQuery,
    TransitionBody,
)
from workflow.api.serializers import application_json, history_json
from workflow.errors import NotFound, Problem, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.lifecycles.application import ADDED_BESIDE, APPLICATION
from workflow.models import Application, AuditEvent, User
from workflow.operations import applications, idempotency
from workflow.schemas import ApplicationFields

APPLICATION_PATH = f"/applications/<{ID}:application_id>"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = {
    "description": (
        "Any random string (a UUID): a repeat of the request with the same key creates"
        " nothing new and answers with the draft the first request made."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.KEY_MAX,
        "pattern": idempotency.KEY_PATTERN.pattern,
    },
}
TRIGGER = {
    "enum": sorted(PUBLIC_TRIGGERS),
    "description": "The step to take; any other name answers 404.",
}


@route(
    "/associations/<slug>/applications",
    method="POST",
    summary="Create a draft for your member organisation",
    tag="applications",
    body=ApplicationFields,
    response=ApplicationOut,
    status=201,
    errors=(403,),
    params={"slug": SLUG},
    headers={IDEMPOTENCY_HEADER: IDEMPOTENCY_PARAMETER},
)
def create_application(user: User, slug: str, body: ApplicationFields) -> dict[str, Any]:
    """Applicants only; every field is optional while the application is a draft.

    A request repeated with the same `Idempotency-Key` answers with the draft the first made.
    """
    association = load_association(slug, user)
    key = idempotency.check_key(request.headers.get(IDEMPOTENCY_HEADER), IDEMPOTENCY_HEADER)
    app = applications.create_draft(db.session, association, body, by=user, idempotency_key=key)
    return _stored_json(app, user)


@route(
    "/associations/<slug>/applications",
    summary="List the applications you can see",
    tag="applications",
    query=ApplicationQuery,
    response=Page[ApplicationOut],
    params={"slug": SLUG},
)
def list_applications(user: User, slug: str, query: ApplicationQuery) -> dict[str, Any]:
    """Newest change first; drafts only for their own member organisation's applicants."""
    association = load_association(slug, user)
    statement = applications.visible_query(
        user, association_id=association.id, state=query.state, search=query.q
    )
    return paginate(db.session, statement, query, lambda row: application_json(row, user))


@route(
    APPLICATION_PATH,
    summary="Read an application",
    tag="applications",
    response=ApplicationOut,
)
def get_application(user: User, application_id: int) -> dict[str, Any]:
    """Not visible to you answers 404, like absent."""
    app = applications.load_visible(db.session, application_id, user)
    return application_json(app, user)


@route(
    APPLICATION_PATH,
    method="PATCH",
    summary="Change an application's fields",
    tag="applications",
    body=ApplicationPatch,
    response=ApplicationOut,
    errors=(403, 409),
)
def update_application(user: User, application_id: int, body: ApplicationPatch) -> dict[str, Any]:
    """The lead member's applicants, while it is a draft or completion is requested."""
    app = applications.load_visible(db.session, application_id, user)
    applications.update_fields(
        db.session, app, body, by=user, expected_version=body.expected_version
    )
    return _stored_json(app, user)


@route(
    f"{APPLICATION_PATH}/transitions/<trigger>",
    method="POST",
    summary="Take a step of the lifecycle",
    tag="applications",
    body=TransitionBody,
    response=ApplicationOut,
    errors=(403, 409),
    params={"trigger": TRIGGER},
)
def fire_transition(
    user: User, application_id: int, trigger: str, body: TransitionBody
) -> dict[str, Any]:
    """Role 403, state or stale version 409, guard 422 naming every missing item."""
    app = applications.load_visible(db.session, application_id, user)
    if trigger not in PUBLIC_TRIGGERS:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger))
    # JSON mode: a date in the payload reaches the audit event as ISO text.
    payload = body.model_dump(mode="json", exclude_unset=True, exclude={"expected_version"})
    allowed = BY_TRIGGER[trigger].payload_keys
    unused = sorted(set(payload) - allowed)
    if unused:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem(name, _l("Unknown field.")) for name in unused],
        )
    engine.fire(
        APPLICATION,
        app,
        trigger,
        by=user,
        session=db.session,
        payload=payload,
        expected_version=body.expected_version,
    )
    # A step changes no list of the content; only what it added beside the application
    # (a recommendation, a proposal) is read again, not the whole application.
    added = ADDED_BESIDE.get(trigger)
    if added:
        db.session.flush()  # stored before it is read again
        db.session.expire(app, list(added))
    return application_json(app, user)


@route(
    f"{APPLICATION_PATH}/history",
    summary="The application's audit events, oldest first",
    tag="applications",
    query=PageQuery,
    response=Page[HistoryEventOut],
)
def application_history(user: User, application_id: int, query: PageQuery) -> dict[str, Any]:
    """Who did what and when: creation, changes and every step with its reason."""
    app = db.session.get(Application, application_id)
    if app is None or not permissions.can_view_history(user, app):
        raise NotFound(_l("No such application."))
    statement = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == "application", AuditEvent.entity_id == app.id)
        .order_by(AuditEvent.id)
    )
    return paginate(db.session, statement, query, lambda event: history_json(event, _actor(event)))


def _stored_json(app: Application, user: User) -> dict[str, Any]:
    # Re-read once stored so lists come back in stored order, as a later GET shows them.
    db.session.flush()
    db.session.refresh(app)
    return application_json(app, user)


def _actor(event: AuditEvent) -> User | None:
    return db.session.get(User, event.actor_id) if event.actor_id is not None else None
