"""Joint applications: each partner member's endorsement (ställer sig bakom) or refusal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from states import application as machine
from workflow import audit, labels, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, Endorsement, Member, User, utcnow

DECISIONS = ("endorse", "decline")


@dataclass(frozen=True)
class PartnerAnswer:
    """One partner member of an application and its answer (None while it has not answered)."""

    member_id: int
    member_name: str
    endorsement: Endorsement | None
    user: User | None

    @property
    def decision(self) -> str | None:
        return self.endorsement.decision if self.endorsement is not None else None

    @property
    def comment(self) -> str | None:
        return self.endorsement.comment if self.endorsement is not None else None


def listing(session: Session, app: Application) -> list[PartnerAnswer]:
    """Every partner named on the application, in member-name order, with its answer."""
    partner_ids = [p.member_id for p in app.partners]
    if not partner_ids:
        return []
    rows = session.exec(
        select(Member, Endorsement, User)
        .outerjoin(
            Endorsement,
            (Endorsement.member_id == Member.id) & (Endorsement.application_id == app.id),  # type: ignore[arg-type]
        )
        .outerjoin(User, User.id == Endorsement.user_id)  # type: ignore[arg-type]
        .where(Member.id.in_(partner_ids))  # type: ignore[union-attr]
        .order_by(Member.name, Member.id)
    ).all()
    return [
        PartnerAnswer(member.id, member.name, endorsement, user)
        for member, endorsement, user in rows
        if member.id is not None
    ]


def _stripped(text: str | None) -> str | None:
    return text.strip() or None if isinstance(text, str) else None


def answer(
    session: Session,
    app: Application,
    member_id: int,
    decision: str,
    *,
    by: User,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Endorsement:
    """Record (or change) a partner member's answer; flushes and audits, never commits."""
    if member_id not in {p.member_id for p in app.partners}:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem(
                    "member_id", _l("This member organisation is not a partner of the application.")
                )
            ],
        )
    if not permissions.can_endorse(by, app, member_id):
        raise Forbidden(_l("Only applicants of the partner member organisation may answer for it."))
    if app.state not in machine.ENDORSABLE:
        raise Conflict(
            _l(
                "Partners can no longer answer in the state %(state)s.",
                state=labels.state_label(app.state),
            ),
            code="invalid_state",
        )
    comment = _stripped(comment)
    problems = []
    if decision not in DECISIONS:
        problems.append(Problem("decision", _l("Choose whether to endorse or decline.")))
    if decision == "decline" and comment is None:
        problems.append(Problem("comment", _l("Say why the member organisation declines.")))
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    row = session.exec(
        select(Endorsement).where(
            Endorsement.application_id == app.id, Endorsement.member_id == member_id
        )
    ).first()
    current = row.version if row is not None else None
    if expected_version is not None and expected_version != current:
        raise Conflict(
            _l("The answer was changed by someone else; reload and try again."),
            code="stale_version",
        )
    previous = row.decision if row is not None else None
    if row is None:
        row = Endorsement(
            application_id=app.id, member_id=member_id, decision=decision, user_id=by.id
        )
    row.decision = decision
    row.comment = comment
    row.user_id = by.id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        action=decision,
        entity_type="application",
        entity_id=app.id,
        association_id=app.association_id,
        actor=by,
        reason=comment,
        data={"member_id": member_id, "previous": previous},
    )
    return row


def endorse(
    session: Session, app: Application, member_id: int, *, by: User, comment: str | None = None
) -> Endorsement:
    """The partner member stands behind the application (ställer sig bakom)."""
    return answer(session, app, member_id, "endorse", by=by, comment=comment)


def decline(
    session: Session, app: Application, member_id: int, *, by: User, comment: str
) -> Endorsement:
    """The partner member does not stand behind the application; the comment says why."""
    return answer(session, app, member_id, "decline", by=by, comment=comment)
