"""Annotations of the beredning on sections of frozen versions, internal or shared.

Who reads which annotations is decided here and nowhere else: `access` and the two
functions built on it, `can_read_annotation` (one row) and `visible_query` (a SELECT),
serve the pages, the API and anything that lists or counts annotations.

- preparers, officers and auditors of the association read every annotation;
- board members and the chair read every annotation once the application is prepared
  (from `prepared` on, see states.application.BOARD_READS_NOTES);
- the lead member's applicants read the shared ones only; internal annotations never
  reach them, nor do their replies or their number;
- anyone else (partner members' applicants, other associations) reads none.

Preparers and officers annotate, reply, resolve and reopen. The lead member's applicants
may reply to a shared annotation (it is how they answer a request for completion), but
never resolve one. Whether an annotation is shared is fixed when it is made, so a thread
written as internal can never become readable to the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sqlalchemy import Select, false, true
from sqlmodel import Session, func, select

from states.application import BOARD_READS_NOTES
from states.common import Role
from workflow import audit, limits, permissions
from workflow.db import memoized_for_reads
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import (
    Annotation,
    AnnotationReply,
    Application,
    ApplicationVersion,
    User,
    utcnow,
)
from workflow.operations import applications
from workflow.rules import versions as versions_rules
from workflow.rules.sections import BY_KEY, changed_sections, section_content

BEREDNING: frozenset[Role] = frozenset({Role.PREPARER, Role.OFFICER})
BODY_MAX = limits.PLAN_MAX


class Access(IntEnum):
    """How much of an application's annotations a user may read."""

    NONE = 0
    SHARED = 1
    ALL = 2


# --- the rule ------------------------------------------------------------------------------


@memoized_for_reads
def access(user: Any, app: Application) -> Access:
    """Which annotations of `app` the user may read (the one rule; see the module docstring)."""
    if not permissions.can_view_application(user, app):
        return Access.NONE
    roles = permissions.acting_roles(user, app)
    if roles & (BEREDNING | {Role.AUDITOR}):
        return Access.ALL
    if roles & {Role.BOARD, Role.CHAIR, Role.VICE_CHAIR} and app.state in BOARD_READS_NOTES:
        return Access.ALL
    if Role.APPLICANT in roles:
        return Access.SHARED
    return Access.NONE


def _readable(level: Access) -> Any:
    """The SQL condition on Annotation for an access level."""
    if level is Access.ALL:
        return true()
    if level is Access.SHARED:
        return Annotation.shared_with_applicant.is_(True)  # type: ignore[attr-defined]
    return false()


def can_read_annotation(user: Any, app: Application, annotation: Annotation) -> bool:
    """Whether the user may read this annotation (and its replies) of `app`."""
    if annotation.application_id != app.id:
        return False
    level = access(user, app)
    return level is Access.ALL or (level is Access.SHARED and annotation.shared_with_applicant)


def visible_query(user: Any, app: Application, *, resolved: bool | None = None) -> Select:
    """A SELECT of the annotations of `app` the user may read, oldest first."""
    query = select(Annotation).where(
        Annotation.application_id == app.id, _readable(access(user, app))
    )
    if resolved is not None:
        query = query.where(Annotation.resolved.is_(resolved))  # type: ignore[attr-defined]
    return query.order_by(Annotation.id)  # type: ignore[arg-type]


def visible_annotations(
    session: Session, user: Any, app: Application, *, resolved: bool | None = None
) -> list[Annotation]:
    """The annotations of `app` the user may read, oldest first."""
    return list(session.exec(visible_query(user, app, resolved=resolved)).all())


def open_count(session: Session, user: Any, app: Application) -> int:
    """How many open annotations of `app` the user may read (an applicant: shared ones only)."""
    query = visible_query(user, app, resolved=False).order_by(None)
    return session.exec(select(func.count()).select_from(query.subquery())).one()


@memoized_for_reads
def can_annotate(user: Any, app: Application) -> bool:
    """Preparers and officers of the association annotate what they can see."""
    return permissions.can_view_application(user, app) and bool(
        permissions.acting_roles(user, app) & BEREDNING
    )


def can_reply(user: Any, app: Application, annotation: Annotation) -> bool:
    """The beredning replies to any annotation; the lead member's applicants to shared ones."""
    if not can_read_annotation(user, app, annotation):
        return False
    roles = permissions.acting_roles(user, app)
    if roles & BEREDNING:
        return True
    return Role.APPLICANT in roles and annotation.shared_with_applicant


def can_resolve(user: Any, app: Application, annotation: Annotation) -> bool:
    """Preparers and officers mark an annotation resolved or reopen it."""
    return can_read_annotation(user, app, annotation) and can_annotate(user, app)


# --- reading -------------------------------------------------------------------------------


def load(session: Session, app: Application, annotation_id: int, user: Any) -> Annotation:
    """The annotation if it belongs to `app` and the user may read it; otherwise NotFound."""
    annotation = session.get(Annotation, annotation_id)
    if annotation is None or not can_read_annotation(user, app, annotation):
        raise NotFound(_l("No such annotation."))
    return annotation


def version_of(session: Session, app: Application, number: int) -> ApplicationVersion:
    """The frozen version `number` of this application; otherwise NotFound."""
    version = session.exec(
        select(ApplicationVersion).where(
            ApplicationVersion.application_id == app.id, ApplicationVersion.number == number
        )
    ).first()
    if version is None:
        raise NotFound(_l("No such version of this application."))
    return version


def changed_since(session: Session, app: Application) -> dict[int, frozenset[str]]:
    """For each version number: the sections that differ in the newest version."""
    frozen = applications.versions(session, app)
    if not frozen:
        return {}
    newest = frozen[-1].snapshot
    return {v.number: frozenset(changed_sections(v.snapshot, newest)) for v in frozen}


@dataclass(frozen=True)
class Thread:
    """An annotation as one user sees it: who wrote it, its replies, what the user may do."""

    annotation: Annotation
    author: User | None
    resolved_by: User | None
    replies: tuple[tuple[AnnotationReply, User | None], ...]
    # The section has changed between the annotated version and the newest one.
    changed_since: bool
    newest_version: int
    can_reply: bool
    can_resolve: bool


def _people(session: Session, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    rows = session.exec(select(User).where(User.id.in_(ids))).all()  # type: ignore[union-attr]
    return {u.id: u for u in rows if u.id is not None}


def threads(
    session: Session,
    user: Any,
    app: Application,
    annotations: list[Annotation],
    *,
    changed: dict[int, frozenset[str]] | None = None,
) -> list[Thread]:
    """The annotations (already filtered by visibility) with their people and marks."""
    if changed is None:
        changed = changed_since(session, app)
    newest = max(changed, default=0)
    ids = {a.author_id for a in annotations} | {
        a.resolved_by_id for a in annotations if a.resolved_by_id is not None
    }
    ids |= {r.author_id for a in annotations for r in a.replies}
    people = _people(session, ids)
    return [
        Thread(
            annotation=a,
            author=people.get(a.author_id),
            resolved_by=people.get(a.resolved_by_id) if a.resolved_by_id is not None else None,
            replies=tuple((r, people.get(r.author_id)) for r in a.replies),
            changed_since=a.section in changed.get(a.version_number, frozenset()),
            newest_version=newest,
            can_reply=can_reply(user, app, a),
            can_resolve=can_resolve(user, app, a),
        )
        for a in annotations
    ]


# --- quotes --------------------------------------------------------------------------------


def _texts(value: Any) -> list[str]:
    """Every piece of text a section value holds (numbers as written, lists and rows walked)."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, int):
        # As stored and as the pages show it: 900000, 900 000 (Swedish), 900,000 (English).
        grouped = f"{value:,}"
        shown = [str(value), grouped.replace(",", " "), grouped]
        return shown + [f"{text} kr" for text in shown]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return [str(value)]


def _squeezed(text: str) -> str:
    # A passage copied from a page loses its line breaks: compare with whitespace squeezed.
    return " ".join(text.split())


def quote_occurs(snapshot: dict[str, Any], section: str, quote: str) -> bool:
    """Whether `quote` stands in one of the section's texts in this snapshot."""
    wanted = _squeezed(quote)
    return bool(wanted) and any(
        wanted in _squeezed(text) for text in _texts(section_content(snapshot, section))
    )


# --- verbs: flush, never commit ------------------------------------------------------------


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _text_problems(field: str, text: str | None) -> list[Problem]:
    """Too long, or holding a NUL (which PostgreSQL cannot store): the page forms send anything."""
    if text is None:
        return []
    if len(text) > BODY_MAX:
        return [Problem(field, _l("At most %(n)s characters.", n=BODY_MAX))]
    if "\x00" in text:
        return [Problem(field, _l("Must not contain the NUL character."))]
    return []


def _body_problems(body: str | None) -> list[Problem]:
    text = _text(body)
    if text is None:
        return [Problem("body", _l("Write something."))]
    return _text_problems("body", text)


def annotate(
    session: Session,
    app: Application,
    *,
    by: User,
    section: str,
    body: str,
    version_number: int | None = None,
    quote: str | None = None,
    shared_with_applicant: bool = False,
    requests_completion: bool = False,
) -> Annotation:
    """A new annotation on one section of one frozen version (the newest when not given)."""
    if not can_annotate(by, app):
        raise Forbidden(_l("Only the preparatory group and the office may annotate."))
    if version_number is None:
        version_number = versions_rules.latest_version_number(session, app)
    version = version_of(session, app, version_number)
    problems: list[Problem] = []
    if section not in BY_KEY:
        problems.append(Problem("section", _l("No such section.")))
    problems += _body_problems(body)
    quote = _text(quote)
    quote_problems = _text_problems("quote", quote)
    problems += quote_problems
    if (
        quote is not None
        and not quote_problems
        and section in BY_KEY
        and not quote_occurs(version.snapshot, section, quote)
    ):
        problems.append(
            Problem(
                "quote",
                _l(
                    "The quoted passage does not occur in this section of version %(n)s.",
                    n=version.number,
                ),
            )
        )
    if requests_completion and not shared_with_applicant:
        problems.append(
            Problem(
                "requests_completion",
                _l("Only an annotation shared with the applicant can ask for completion."),
            )
        )
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    annotation = Annotation(
        association_id=app.association_id,
        application_id=app.id,
        version_number=version.number,
        section=section,
        quote=quote,
        body=_text(body),
        shared_with_applicant=shared_with_applicant,
        requests_completion=requests_completion,
        author_id=by.id,
    )
    session.add(annotation)
    session.flush()
    _record(session, app, annotation, by, "create")
    return annotation


def reply(
    session: Session, app: Application, annotation: Annotation, *, by: User, body: str
) -> AnnotationReply:
    """Add a reply to the annotation's thread."""
    if not can_read_annotation(by, app, annotation):
        raise NotFound(_l("No such annotation."))
    if not can_reply(by, app, annotation):
        raise Forbidden(_l("Your role may not reply to this annotation."))
    problems = _body_problems(body)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    answer = AnnotationReply(annotation_id=annotation.id, body=_text(body), author_id=by.id)
    annotation.replies.append(answer)
    session.add(answer)
    session.flush()
    _record(session, app, annotation, by, "reply", reply_id=answer.id)
    return answer


def set_resolved(
    session: Session,
    app: Application,
    annotation: Annotation,
    *,
    by: User,
    resolved: bool,
    expected_version: int | None = None,
) -> Annotation:
    """Mark the annotation resolved, or reopen it; asking for what already holds changes nothing."""
    if not can_read_annotation(by, app, annotation):
        raise NotFound(_l("No such annotation."))
    if not can_resolve(by, app, annotation):
        raise Forbidden(_l("Only the preparatory group and the office may resolve annotations."))
    if expected_version is not None and expected_version != annotation.version:
        raise stale_annotation()
    if annotation.resolved == resolved:
        return annotation
    annotation.resolved = resolved
    annotation.resolved_at = utcnow() if resolved else None
    annotation.resolved_by_id = by.id if resolved else None
    session.add(annotation)
    session.flush()
    _record(session, app, annotation, by, "resolve" if resolved else "reopen")
    return annotation


def stale_annotation() -> Conflict:
    """The 409 for an annotation changed since the caller read it."""
    return Conflict(
        _l("The annotation was changed by someone else; reload and try again."),
        code="stale_version",
    )


def _record(
    session: Session,
    app: Application,
    annotation: Annotation,
    by: User,
    action: str,
    **extra: Any,
) -> None:
    # No bodies in the audit log: it outlives the thread and is read more widely.
    audit.record(
        session,
        action=action,
        entity_type="annotation",
        entity_id=annotation.id,
        association_id=app.association_id,
        actor=by,
        data={
            "application_id": app.id,
            "version_number": annotation.version_number,
            "section": annotation.section,
            "shared_with_applicant": annotation.shared_with_applicant,
            "requests_completion": annotation.requests_completion,
            **extra,
        },
    )
