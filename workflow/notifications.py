"""Who is told of a step that now waits for them: a table of trigger → recipients and template.

Mail is written in Swedish, the language of the service, from the plain-text templates in
templates/mail/. A template sees only what every recipient may see anyway: the application's
title, diary number and association, the step's reason (shown in the application's history
to everyone who sees the application) and a link; never annotations or other beredning notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlmodel import Session, select

from states.common import Role
from workflow import labels, mail
from workflow.models import Application, Association, Member, RoleGrant, User, local_date

Recipients = Callable[[Session, Application], list[User]]


def _holders(
    session: Session, application: Application, role: Role, *, member_id: int | None = None
) -> list[User]:
    """The active users holding `role` in the application's association (for one member)."""
    query = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)  # type: ignore[arg-type]
        .where(
            RoleGrant.association_id == application.association_id,
            RoleGrant.role == role.value,
            User.active == True,  # noqa: E712 - a SQL expression, not a Python comparison
        )
        .distinct()
        .order_by(User.email)
    )
    if member_id is not None:
        query = query.where(RoleGrant.member_id == member_id)
    return list(session.exec(query).all())


def lead_applicants(session: Session, application: Application) -> list[User]:
    """The applicants of the lead member organisation: those who can complete the application."""
    return _holders(session, application, Role.APPLICANT, member_id=application.lead_member_id)


def preparers(session: Session, application: Application) -> list[User]:
    """The association's beredningsgrupp."""
    return _holders(session, application, Role.PREPARER)


def officers(session: Session, application: Application) -> list[User]:
    """The association's office (förbundschef and staff)."""
    return _holders(session, application, Role.OFFICER)


@dataclass(frozen=True)
class Notice:
    """Whom a step tells, and with which template."""

    recipients: Recipients
    template: str


NOTICES: dict[str, Notice] = {
    # The receipt (kvittens): the diary number and the day it was received.
    "submit": Notice(lead_applicants, "mail/submit_receipt.txt"),
    "return_for_completion": Notice(lead_applicants, "mail/return_for_completion.txt"),
    "request_completion": Notice(lead_applicants, "mail/request_completion.txt"),
    "accept_for_preparation": Notice(preparers, "mail/accept_for_preparation.txt"),
    "board_refer_back": Notice(preparers, "mail/board_refer_back.txt"),
    "resubmit": Notice(preparers, "mail/resubmit.txt"),
    "recommend": Notice(officers, "mail/recommend.txt"),
}


def application_url(application: Application) -> str:
    """The application page's absolute address, built without a request (APP_BASE_URL)."""
    path = current_app.url_map.bind("localhost").build(
        "applications.show", {"application_id": application.id}
    )
    return current_app.config["APP_BASE_URL"].rstrip("/") + path


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject (the template's `subject` variable) and the body, in Swedish."""
    with force_locale("sv"):
        # Straight from the Jinja environment: no request-bound context processors,
        # and a .txt template is not HTML-escaped.
        module = current_app.jinja_env.get_template(template).make_module(context)
        body = str(module).strip() + "\n"
        subject = str(getattr(module, "subject", "")).strip()
    return subject, body


def _context(step: Any) -> dict[str, Any]:
    application: Application = step.application
    session: Session = step.session
    association = session.get(Association, application.association_id)
    member = session.get(Member, application.lead_member_id)
    recommendation = step.payload.get("recommendation")
    with force_locale("sv"):
        recommendation_label = (
            str(labels.RECOMMENDATION_LABELS[recommendation])
            if recommendation in labels.RECOMMENDATION_LABELS
            else None
        )
    return {
        "title": application.title or "(utan titel)",
        "diary_number": application.diary_number,
        "association": association.name if association else "",
        "lead_member": member.name if member else "",
        "reason": step.reason,
        "recommendation": recommendation_label,
        "url": application_url(application),
        "submitted_on": (
            local_date(application.submitted_at).isoformat()
            if application.submitted_at is not None
            else None
        ),
    }


def step_taken(step: Any, from_state: str) -> None:
    """Queue the e-mails a step causes (in the step's transaction; sent after the commit)."""
    notice = NOTICES.get(step.trigger)
    if notice is None:
        return
    people = notice.recipients(step.session, step.application)
    if not people:
        return
    subject, body = render(notice.template, _context(step))
    mail.queue(
        step.session,
        to=[person.email for person in people],
        subject=subject,
        body=body,
        event=step.trigger,
        association_id=step.application.association_id,
        application_id=step.application.id,
    )
