"""Annotations: list what you may read, annotate, reply, resolve and reopen.

What a caller may read is decided by workflow.operations.annotations (internal annotations
never reach an applicant); these endpoints only serialise what it lets through.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from workflow.api.paging import paginate
from workflow.api.registry import ID, route
from workflow.api.schemas import ActorOut, Out, Page, PageQuery, Timestamp, Version
from workflow.api.serializers import timestamp
from workflow.extensions import db
from workflow.models import Annotation, Application, User
from workflow.operations import annotations, applications
from workflow.operations.annotations import BODY_MAX, Thread
from workflow.rules.sections import SECTIONS
from workflow.schemas import Id, Strict

APPLICATION = f"/applications/<{ID}:application_id>"
ANNOTATION = f"{APPLICATION}/annotations/<{ID}:annotation_id>"

SectionName = Literal[tuple(s.key for s in SECTIONS)]  # type: ignore[valid-type]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BODY_MAX)]


# --- requests ------------------------------------------------------------------------------


class AnnotationCreate(Strict):
    """A new annotation on one section of one frozen version."""

    section: SectionName = Field(description="The section annotated (see the application page).")
    body: Body
    version: Id | None = Field(
        default=None, description="The frozen version's number; the newest when left out."
    )
    quote: Annotated[str, StringConstraints(strip_whitespace=True, max_length=BODY_MAX)] | None = (
        Field(
            default=None,
            description="A passage that must occur in the section's text in that version.",
        )
    )
    shared_with_applicant: bool = Field(
        default=False, description="false (the default): internal to the preparation."
    )
    requests_completion: bool = Field(
        default=False,
        description="Asks the applicant to complete the section; only when shared.",
    )


class AnnotationPatch(Strict):
    """Mark resolved or reopen."""

    resolved: bool
    expected_version: Version | None = None


class ReplyCreate(Strict):
    """A reply in an annotation's thread."""

    body: Body


class AnnotationQuery(PageQuery):
    """Filter and pagination of the annotation list."""

    open: bool | None = Field(
        default=None, description="true: only open annotations; false: only resolved ones."
    )


# --- answers -------------------------------------------------------------------------------


class AnnotationReplyOut(Out):
    id: int
    body: str
    author: ActorOut | None
    created_at: Timestamp


class AnnotationOut(Out):
    """An annotation with its thread, as the caller may read it."""

    id: int
    application_id: int
    version_number: int = Field(description="The frozen version it was made on.")
    newest_version_number: int = Field(description="The application's newest frozen version.")
    changed_since: bool = Field(
        description="The section differs between the annotated version and the newest one."
    )
    section: SectionName
    quote: str | None
    body: str
    shared_with_applicant: bool
    requests_completion: bool
    author: ActorOut | None
    created_at: Timestamp
    resolved: bool
    resolved_at: Timestamp | None
    resolved_by: ActorOut | None
    version: int = Field(description="Send as `expected_version` when resolving or reopening.")
    replies: list[AnnotationReplyOut] = Field(description="Oldest first.")


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def thread_json(thread: Thread) -> dict[str, Any]:
    """One annotation and its replies."""
    a = thread.annotation
    return {
        "id": a.id,
        "application_id": a.application_id,
        "version_number": a.version_number,
        "newest_version_number": thread.newest_version,
        "changed_since": thread.changed_since,
        "section": a.section,
        "quote": a.quote,
        "body": a.body,
        "shared_with_applicant": a.shared_with_applicant,
        "requests_completion": a.requests_completion,
        "author": _person(thread.author),
        "created_at": timestamp(a.created_at),
        "resolved": a.resolved,
        "resolved_at": timestamp(a.resolved_at),
        "resolved_by": _person(thread.resolved_by),
        "version": a.version,
        "replies": [
            {
                "id": r.id,
                "body": r.body,
                "author": _person(who),
                "created_at": timestamp(r.created_at),
            }
            for r, who in thread.replies
        ],
    }


def _stored(app: Application, annotation: Annotation, user: User) -> dict[str, Any]:
    # Re-read once stored, so the answer is what a later GET shows.
    db.session.flush()
    db.session.refresh(annotation)
    return thread_json(annotations.threads(db.session, user, app, [annotation])[0])


# --- endpoints -----------------------------------------------------------------------------


@route(
    f"{APPLICATION}/annotations",
    summary="List the annotations you may read",
    tag="annotations",
    query=AnnotationQuery,
    response=Page[AnnotationOut],
)
def list_annotations(user: User, application_id: int, query: AnnotationQuery) -> dict[str, Any]:
    """Applicants get the shared ones only; board members all of them from `prepared` on."""
    app = applications.load_visible(db.session, application_id, user)
    statement = annotations.visible_query(
        user, app, resolved=None if query.open is None else not query.open
    )
    changed = annotations.changed_since(db.session, app)

    def serialize(annotation: Annotation) -> dict[str, Any]:
        thread = annotations.threads(db.session, user, app, [annotation], changed=changed)[0]
        return thread_json(thread)

    return paginate(db.session, statement, query, serialize)


@route(
    f"{APPLICATION}/annotations",
    method="POST",
    summary="Annotate a section of a version",
    tag="annotations",
    body=AnnotationCreate,
    response=AnnotationOut,
    status=201,
    errors=(403,),
)
def create_annotation(user: User, application_id: int, body: AnnotationCreate) -> dict[str, Any]:
    """Preparers and officers; a version that is not this application's is 404."""
    app = applications.load_visible(db.session, application_id, user)
    annotation = annotations.annotate(
        db.session,
        app,
        by=user,
        section=body.section,
        body=body.body,
        version_number=body.version,
        quote=body.quote,
        shared_with_applicant=body.shared_with_applicant,
        requests_completion=body.requests_completion,
    )
    return _stored(app, annotation, user)


@route(
    ANNOTATION,
    method="PATCH",
    summary="Mark an annotation resolved, or reopen it",
    tag="annotations",
    body=AnnotationPatch,
    response=AnnotationOut,
    errors=(403, 409),
)
def update_annotation(
    user: User, application_id: int, annotation_id: int, body: AnnotationPatch
) -> dict[str, Any]:
    """Preparers and officers; a stale `expected_version` is 409."""
    app = applications.load_visible(db.session, application_id, user)
    annotation = annotations.load(db.session, app, annotation_id, user)
    annotations.set_resolved(
        db.session,
        app,
        annotation,
        by=user,
        resolved=body.resolved,
        expected_version=body.expected_version,
    )
    return _stored(app, annotation, user)


@route(
    f"{ANNOTATION}/replies",
    method="POST",
    summary="Reply in an annotation's thread",
    tag="annotations",
    body=ReplyCreate,
    response=AnnotationOut,
    status=201,
    errors=(403,),
)
def create_reply(
    user: User, application_id: int, annotation_id: int, body: ReplyCreate
) -> dict[str, Any]:
    """The beredning to any annotation; the lead member's applicants to shared ones."""
    app = applications.load_visible(db.session, application_id, user)
    annotation = annotations.load(db.session, app, annotation_id, user)
    annotations.reply(db.session, app, annotation, by=user, body=body.body)
    return _stored(app, annotation, user)
