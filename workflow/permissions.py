"""Who may do what. The engine, the views, the API and the templates all ask these functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import object_session
from sqlmodel import Session, select

from states import application as machine
from states import meeting as meeting_machine
from states import report as report_spec
from states.common import LEADING_ROLES, Role
from workflow.extensions import db
from workflow.models import Application, Association, Meeting, RoleGrant
from workflow.models.reports import Report
from workflow.rules import delegations as delegation_rules
from workflow.rules import meetings as meetings_rules


def _session_of(row: Any) -> Session:
    """The session holding the row (the seeding's private one too), else the request's."""
    return object_session(row) or db.session  # type: ignore[return-value]


def _grants(user: Any) -> list[Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(user.grants)


def roles_in(user: Any, association_id: int) -> set[Role]:
    """Every role the user holds in the association."""
    return {Role(g.role) for g in _grants(user) if g.association_id == association_id}


def member_ids_for(user: Any, association_id: int, role: Role) -> set[int]:
    """The member organisations the user speaks for in `role` within the association."""
    return {
        g.member_id
        for g in _grants(user)
        if g.association_id == association_id and g.role == role and g.member_id is not None
    }


def association_ids(user: Any) -> set[int]:
    """The associations in which the user holds any role."""
    return {g.association_id for g in _grants(user)}


def is_admin(user: Any) -> bool:
    """A system administrator (installation-wide)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


def acting_roles(user: Any, application: Application) -> set[Role]:
    """The roles the user acts in for this application (applicant only for its own member)."""
    roles = roles_in(user, application.association_id)
    if Role.APPLICANT in roles and application.lead_member_id not in member_ids_for(
        user, application.association_id, Role.APPLICANT
    ):
        roles.discard(Role.APPLICANT)
    return roles


def has_been_submitted(application: Application) -> bool:
    """Whether the application has left the applicant's hands at least once."""
    return application.submitted_at is not None and (
        application.state not in machine.HIDDEN_BEFORE_SUBMISSION
    )


def partner_member_ids(user: Any, application: Application) -> set[int]:
    """The partner members of a joint application that the user is an applicant for."""
    own = member_ids_for(user, application.association_id, Role.APPLICANT)
    return {p.member_id for p in application.partners if p.member_id in own}


def can_view_application(user: Any, application: Application) -> bool:
    """Applicants see their member's own and joint ones (drafts too); others what is submitted."""
    roles = acting_roles(user, application)
    if Role.APPLICANT in roles or partner_member_ids(user, application):
        return True
    roles.discard(Role.APPLICANT)
    return bool(roles) and has_been_submitted(application)


def can_edit_application(user: Any, application: Application) -> bool:
    """The lead member's applicants may change the content (the state is checked apart)."""
    return Role.APPLICANT in acting_roles(user, application)


def can_endorse(user: Any, application: Application, member_id: int | None = None) -> bool:
    """Applicants of a partner member answer for it (for `member_id`, or for any partner)."""
    partners = partner_member_ids(user, application)
    return member_id in partners if member_id is not None else bool(partners)


def can_create_application(user: Any, association: Association) -> bool:
    """Applicants create drafts for their own member organisation."""
    return bool(member_ids_for(user, association.id, Role.APPLICANT))


def can_fire(user: Any, application: Application, trigger: str) -> bool:
    """Whether one of the user's roles may take this step (the state is checked apart)."""
    spec = machine.BY_TRIGGER.get(trigger)
    return spec is not None and bool(spec.roles & acting_roles(user, application))


def allowed_transitions(user: Any, application: Application) -> list[str]:
    """The public steps the user may take now, from the application's current state."""
    steps = [
        trigger
        for trigger in machine.PUBLIC_TRIGGERS
        if application.state in machine.BY_TRIGGER[trigger].sources
        and can_fire(user, application, trigger)
    ]
    delegated = machine.BY_TRIGGER["delegated_approve"]
    if application.state in delegated.sources and can_decide_delegated(user, application):
        steps.append(machine.DECIDE_DELEGATED)
    return sorted(steps)


def can_manage_association(user: Any, association: Association) -> bool:
    """Admins and the association's officers manage members and users."""
    return is_admin(user) or Role.OFFICER in roles_in(user, association.id)


def can_deactivate_user(user: Any, target: Any) -> bool:
    """Admins; an officer for someone whose every role is in associations the officer manages.

    Nobody ends their own account, and only an admin ends an admin's.
    """
    if not getattr(user, "is_authenticated", False) or user.id == target.id:
        return False
    if is_admin(user):
        return True
    if target.is_admin:
        return False
    held = {g.association_id for g in _grants(target)}
    return bool(held) and all(Role.OFFICER in roles_in(user, a) for a in held)


def can_revoke_role(user: Any, grant: Any, holder: Any) -> bool:
    """Admins and the grant's association's officers remove a role grant.

    Nobody removes their own officer role (another officer or an admin does), and only an
    admin removes an admin's roles. (The association's last officer is a 409, not this.)
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if grant.role == Role.OFFICER and holder.id == user.id:
        return False
    if is_admin(user):
        return True
    if holder.is_admin:
        return False
    return Role.OFFICER in roles_in(user, grant.association_id)


def can_view_association(user: Any, association: Association) -> bool:
    """Anyone with a role there, and admins."""
    return is_admin(user) or association.id in association_ids(user)


AUDIT_READERS = frozenset({Role.AUDITOR, Role.OFFICER})


def can_view_audit(user: Any, association_id: int) -> bool:
    """An association's audit log, and its chain's check: its revisorer and officers; admins."""
    return is_admin(user) or bool(AUDIT_READERS & roles_in(user, association_id))


def can_verify_audit(user: Any) -> bool:
    """Whoever reads some association's audit log may check the chain: the API's rule."""
    return is_admin(user) or any(
        can_view_audit(user, association_id) for association_id in association_ids(user)
    )


def can_view_history(user: Any, application: Application) -> bool:
    """Whoever sees the application sees its history."""
    return can_view_application(user, application)


def outbox_scope(user: Any) -> set[int] | None:
    """The associations whose outgoing mail the user may read: None means all (admins)."""
    if is_admin(user):
        return None
    return {g.association_id for g in _grants(user) if g.role == Role.OFFICER}


def can_view_outbox(user: Any) -> bool:
    """Admins, and officers for their own associations, see the mail outbox."""
    scope = outbox_scope(user)
    return scope is None or bool(scope)


def can_draft_proposal(user: Any, application: Application) -> bool:
    """The association's officers write the proposal to the board (tjänsteskrivelse)."""
    return Role.OFFICER in roles_in(user, application.association_id)


def can_view_inbox(user: Any, association: Association) -> bool:
    """The officer's inbox: the association's officers."""
    return Role.OFFICER in roles_in(user, association.id)


def can_view_preparation_queue(user: Any, association: Association) -> bool:
    """The beredningsgrupp's queue: preparers and officers."""
    return bool({Role.PREPARER, Role.OFFICER} & roles_in(user, association.id))


BUDGET_READERS = frozenset({Role.OFFICER, Role.BOARD, Role.CHAIR, Role.VICE_CHAIR, Role.AUDITOR})


def can_view_budget(user: Any, association: Association) -> bool:
    """The budget: the association's officers, board members, chair and auditors."""
    return bool(BUDGET_READERS & roles_in(user, association.id))


def can_edit_budget(user: Any, association: Association) -> bool:
    """The association's officers keep the budget."""
    return Role.OFFICER in roles_in(user, association.id)


# --- board meetings and delegation (issue 5) ---------------------------------------------------


def can_view_meetings(user: Any, association_id: int) -> bool:
    """Officers, the board, the chair and auditors read the association's meetings; admins too."""
    return is_admin(user) or bool(
        {Role.OFFICER, Role.BOARD, Role.CHAIR, Role.VICE_CHAIR, Role.AUDITOR}
        & roles_in(user, association_id)
    )


def can_plan_meetings(user: Any, association_id: int) -> bool:
    """The officers plan meetings and build their agendas."""
    return Role.OFFICER in roles_in(user, association_id)


def can_record_attendance(user: Any, association_id: int) -> bool:
    """The officers, the chair and the vice chair record who is present."""
    return bool({Role.OFFICER, *LEADING_ROLES} & roles_in(user, association_id))


def can_send_kallelse(user: Any, association_id: int) -> bool:
    """The officers send the kallelse (the notice calling the board)."""
    return Role.OFFICER in roles_in(user, association_id)


def can_answer_kallelse(user: Any, association_id: int) -> bool:
    """Board members answer the kallelse: coming or not (seated members; checked in the verb)."""
    return bool({Role.BOARD, Role.CHAIR} & roles_in(user, association_id))


def can_chair(user: Any, association_id: int) -> bool:
    """The chair, or the vice chair, may lead some meeting of the association."""
    return bool(LEADING_ROLES & roles_in(user, association_id))


def can_lead(user: Any, meeting: Meeting, recused_user_ids: Iterable[int] = ()) -> bool:
    """Who leads the meeting (or, given who is jävig, one item of it): the chair, who opens
    and closes it, records the board's decisions and signs the protocol; the vice chair in the
    chair's stead while the chair is recorded absent or jävig. Nobody leads an item they are
    jävig on, or a meeting they are recorded absent from."""
    roles = roles_in(user, meeting.association_id)
    if not LEADING_ROLES & roles:
        return False
    recused = set(recused_user_ids)
    session = _session_of(meeting)
    absent = meetings_rules.absent_user_ids(session, meeting)
    if user.id in recused or user.id in absent:
        return False
    if Role.CHAIR in roles:
        return True
    chairs = meetings_rules.office_holders(session, meeting.association_id, Role.CHAIR)
    return all(c.user_id in absent or c.user_id in recused for c in chairs)


def can_lead_an_item(user: Any, meeting: Meeting) -> bool:
    """Whether the user leads the meeting, or would lead an item the chair is jävig on (the
    vice chair: the decision form records the chair's jäv, so the vice chair needs it too)."""
    chairs = meetings_rules.office_holders(_session_of(meeting), meeting.association_id, Role.CHAIR)
    return can_lead(user, meeting) or can_lead(user, meeting, (c.user_id for c in chairs))


def can_fire_meeting(user: Any, meeting: Meeting, trigger: str) -> bool:
    """Whether the user may take this step of the meeting (the state checked apart)."""
    spec = meeting_machine.BY_TRIGGER.get(trigger)
    return (
        spec is not None
        and bool(spec.roles & roles_in(user, meeting.association_id))
        and can_lead(user, meeting)
    )


def can_fire_item(user: Any, item: Any, trigger: str) -> bool:
    """Whether the user may take this step of an agenda item: an officer where the step allows
    one, else whoever leads its meeting (the state checked apart)."""
    spec = meeting_machine.ITEM_BY_TRIGGER.get(trigger)
    if spec is None:
        return False
    roles = spec.roles & roles_in(user, item.association_id)
    if Role.OFFICER in roles:
        return True
    session = _session_of(item)
    meeting = session.get(Meeting, item.meeting_id)
    if not roles or meeting is None:
        return False
    # An application's item is led by whoever leads it given who is jävig on it (recorded
    # with the application's decision step, before the item's).
    recused = (
        meetings_rules.recused_user_ids(session, meeting.id, item.application_id)
        if item.application_id is not None
        else set()
    )
    return can_lead(user, meeting, recused)


def can_decide_delegated(user: Any, application: Application) -> bool:
    """Whom the delegationsordning names for decisions on applications: the förbundschef, the
    chair (ordförandebeslut); the state and the amount's limit apart."""
    return can_fire(user, application, "delegated_approve") and bool(
        delegation_rules.mandates(
            _session_of(application),
            application.association_id,
            roles_in(user, application.association_id),
        )
    )


def can_edit_delegations(user: Any, association: Association) -> bool:
    """Admins and the association's officers keep its delegationsordning."""
    return can_manage_association(user, association)


# --- LIV and statistics (issue 6) -------------------------------------------------------------


def can_manage_liv(user: Any, association_id: int) -> bool:
    """The officers record a LIV activity's uppdragsavtal."""
    return Role.OFFICER in roles_in(user, association_id)


def can_set_shares(user: Any, association_id: int) -> bool:
    """The leading association's officers record who else finances a shared insats."""
    return Role.OFFICER in roles_in(user, association_id)


def can_view_statistics(user: Any, association: Association) -> bool:
    """The statistics: the association's officers, board, chair and auditors (as the budget)."""
    return bool(BUDGET_READERS & roles_in(user, association.id))


def can_view_medlemsrad(user: Any, association: Association) -> bool:
    """The medlemsråd view (results presented to the members): whoever sees the association's
    statistics, and admins, who present every association of the county."""
    return is_admin(user) or can_view_statistics(user, association)


def medlemsrad_scope(user: Any) -> set[int] | None:
    """The associations whose medlemsråd view the user reads: None means all (admins)."""
    if is_admin(user):
        return None
    return {g.association_id for g in _grants(user) if Role(g.role) in BUDGET_READERS}


def can_classify(user: Any, application: Application) -> bool:
    """The association's officers set an insats's national classification (the state apart)."""
    return Role.OFFICER in roles_in(user, application.association_id)


def can_edit_statistics(user: Any, association: Association) -> bool:
    """The officers set the socio-economic parameters."""
    return Role.OFFICER in roles_in(user, association.id)


# --- attachments (issue 7) --------------------------------------------------------------------


def can_view_attachments(user: Any, application: Application) -> bool:
    """Whoever sees the application sees and downloads its attachments."""
    return can_view_application(user, application)


def can_add_attachment(user: Any, application: Application) -> bool:
    """Applicants while the application is theirs to edit; officers while it is prepared."""
    roles = acting_roles(user, application)
    if Role.APPLICANT in roles and application.state in machine.EDITABLE:
        return True
    return Role.OFFICER in roles and application.state in machine.OFFICER_ATTACHABLE


def can_delete_attachment(user: Any, application: Application, uploaded_by_id: int) -> bool:
    """Who may add may remove: their own files, and applicants those of their colleagues."""
    if not can_add_attachment(user, application):
        return False
    return _own_or_colleagues(user, application, uploaded_by_id)


def _own_or_colleagues(user: Any, application: Application, uploaded_by_id: int) -> bool:
    """The user uploaded it, or an applicant of the user's own member organisation did."""
    if uploaded_by_id == user.id:
        return True
    colleagues = member_ids_for(user, application.association_id, Role.APPLICANT)
    return Role.APPLICANT in acting_roles(user, application) and any(
        g.role == Role.APPLICANT and g.member_id in colleagues
        for g in _uploader_grants(uploaded_by_id)
    )


def _uploader_grants(user_id: int) -> list[Any]:
    return list(db.session.exec(select(RoleGrant).where(RoleGrant.user_id == user_id)).all())


# --- report attachments (issue 7) ---------------------------------------------------------------


def can_view_report_attachments(user: Any, report: Report, application: Application) -> bool:
    """Whoever may see the report sees and downloads its attachments."""
    return report.application_id == application.id and can_view_reports(user, application)


def can_add_report_attachment(user: Any, report: Report, application: Application) -> bool:
    """Whoever may edit the report while it is editable (the lead applicants, draft/returned)."""
    return report.application_id == application.id and can_edit_report(user, report, application)


def can_delete_report_attachment(
    user: Any, report: Report, application: Application, uploaded_by_id: int
) -> bool:
    """The association's officers; else who may add: their own files and their colleagues'."""
    if not can_view_report_attachments(user, report, application):
        return False
    if Role.OFFICER in roles_in(user, application.association_id):
        return True
    if not can_add_report_attachment(user, report, application):
        return False
    return _own_or_colleagues(user, application, uploaded_by_id)


def can_view_file(user: Any, application: Application, report: Report | None) -> bool:
    """An attachment row: the report rule for a report's file, else the application rule."""
    if report is not None:
        return can_view_report_attachments(user, report, application)
    return can_view_attachments(user, application)


def can_delete_file(
    user: Any, application: Application, report: Report | None, uploaded_by_id: int
) -> bool:
    """Removing an attachment row: the report rule for a report's file, else the application's."""
    if report is not None:
        return can_delete_report_attachment(user, report, application, uploaded_by_id)
    return can_delete_attachment(user, application, uploaded_by_id)


def can_view_reports(user: Any, app: Application) -> bool:
    """Whoever sees the application (after submission) sees its reports."""
    return can_view_application(user, app)


def can_write_reports(user: Any, app: Application) -> bool:
    """The lead member organisation's applicants write the reports."""
    return Role.APPLICANT in acting_roles(user, app)


def can_edit_report(user: Any, report: Report, app: Application) -> bool:
    """The lead applicants, while the report is a draft or returned."""
    return report.state in report_spec.EDITABLE and can_write_reports(user, app)


def can_fire_report(user: Any, app: Application, trigger: str) -> bool:
    """Whether one of the user's roles may take this step of a report (state apart)."""
    transition = report_spec.BY_TRIGGER.get(trigger)
    return transition is not None and bool(transition.roles & acting_roles(user, app))


def report_transitions(user: Any, report: Report, app: Application) -> list[str]:
    """The report steps the user may take now."""
    return [
        t.trigger
        for t in report_spec.TRANSITIONS
        if report.state in t.sources and can_fire_report(user, app, t.trigger)
    ]


def can_view_due_list(user: Any, association_id: int) -> bool:
    """The association's officers follow the reports due."""
    return Role.OFFICER in roles_in(user, association_id)


def can_set_report_settings(user: Any, association_id: int) -> bool:
    """The officers who follow the reports due set their dates."""
    return can_view_due_list(user, association_id)
