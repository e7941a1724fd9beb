"""Test data by the product's real steps, with `**overrides`; they flush, the caller commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from states.application import BOARD_LIV, State
from states.common import Role
from states.meeting import MeetingState
from workflow import engine, permissions
from workflow.errors import DomainError
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.meeting import MEETING
from workflow.lifecycles.report import REPORT
from workflow.models import (
    AgendaItem,
    Application,
    Association,
    AssociationBudget,
    Decision,
    Meeting,
    Member,
    User,
    today,
)
from workflow.models.reports import Report
from workflow.operations import applications as app_service
from workflow.operations import associations, meetings, reports, users
from workflow.operations import budget as budget_ops
from workflow.rules import budget as rules_budget
from workflow.rules import meetings as meetings_rules
from workflow.rules.insats import start_conditions
from workflow.rules.meetings import AmountIn
from workflow.schemas import ApplicationFields

PASSWORD = "correct horse battery"


@dataclass
class World:
    """One association with every role, plus a second association to test isolation."""

    association: Association
    members: dict[str, Member]
    users: dict[str, User]
    other_association: Association
    other_members: dict[str, Member] = field(default_factory=dict)


def association(session: Session, **overrides: Any) -> Association:
    """An association (samordningsförbund)."""
    values = {
        "slug": "svb",
        "name": "Samordningsförbundet Södra Vätterbygden",
        "diary_prefix": "SVB",
        "delegation_limit_sek": 200_000,
    }
    values.update(overrides)
    return associations.create_association(session, **values)


def member(session: Session, assoc: Association, **overrides: Any) -> Member:
    """A member organisation."""
    values = {"name": "Jönköpings kommun", "party": "municipality", "population": 141_081}
    values.update(overrides)
    return associations.add_member(session, assoc, **values)


def user(
    session: Session,
    assoc: Association | None,
    role: str | None = None,
    member_obj: Member | None = None,
    **overrides: Any,
) -> User:
    """A user holding one role (or none) in `assoc`."""
    roles = []
    if role is not None:
        grant: dict[str, Any] = {"role": role}
        if member_obj is not None:
            grant["member_id"] = member_obj.id
        if overrides.pop("substitute", False):
            grant["substitute"] = True
        roles.append(grant)
    values = {
        "email": f"{role or 'user'}-{id(roles)}@example.se",
        "name": "Test Person",
        "password": PASSWORD,
    }
    values.update(overrides)
    return users.create_user(session, association=assoc, roles=roles, **values)


def build_world(session: Session) -> World:
    """The association of the tests, with one user per role."""
    assoc = association(session)
    members = {
        "af": member(session, assoc, name="Arbetsförmedlingen", party="af", population=None),
        "fk": member(session, assoc, name="Försäkringskassan", party="fk", population=None),
        "region": member(
            session, assoc, name="Region Jönköpings län", party="region", population=None
        ),
        "jonkoping": member(session, assoc),
        "habo": member(session, assoc, name="Habo kommun", population=12_690),
    }
    people = {
        "applicant": user(
            session,
            assoc,
            "applicant",
            members["jonkoping"],
            email="applicant@example.se",
            name="Anna Sökande",
        ),
        "other_applicant": user(
            session,
            assoc,
            "applicant",
            members["region"],
            email="region.applicant@example.se",
            name="Rita Region",
        ),
        "preparer": user(
            session, assoc, "preparer", email="preparer@example.se", name="Per Beredare"
        ),
        "officer": user(
            session, assoc, "officer", email="officer@example.se", name="Frida Förbundschef"
        ),
        "board": user(
            session, assoc, "board", members["af"], email="board@example.se", name="Bo Ledamot"
        ),
        # The chair holds Försäkringskassan's ledamot seat (the ordförande is a ledamot).
        "chair": user(
            session,
            assoc,
            "chair",
            members["fk"],
            email="chair@example.se",
            name="Ola Ordförande",
        ),
        "auditor": user(session, assoc, "auditor", email="auditor@example.se", name="Rut Revisor"),
        "admin": user(
            session, None, None, email="admin@example.se", name="Adam Admin", is_admin=True
        ),
    }
    other = association(
        session, slug="hog", name="Höglandets samordningsförbund", diary_prefix="HSF"
    )
    other_members = {
        "nassjo": member(session, other, name="Nässjö kommun", population=31_000),
        "fk": member(session, other, name="Försäkringskassan", party="fk", population=None),
    }
    people["outsider"] = user(
        session, other, "officer", email="outsider@example.se", name="Otto Utanför"
    )
    people["outsider_applicant"] = user(
        session,
        other,
        "applicant",
        other_members["nassjo"],
        email="outsider.applicant@example.se",
        name="Olle Utanför",
    )
    return World(assoc, members, people, other, other_members)


def complete_fields(world: World) -> dict[str, Any]:
    """Every field a complete application needs (API shape, Python dates)."""
    year = date.today().year
    return {
        "title": "Enter – samlad väg till arbete",
        "kind": "individual",
        "partner_member_ids": [world.members["fk"].id, world.members["af"].id],
        "target_group": "Unga vuxna 18–29 år med psykisk ohälsa som behöver stöd från flera parter",
        "age_min": 18,
        "age_max": 29,
        "participants_women": 36,
        "participants_men": 34,
        "start_date": date(year, 1, 1),
        "end_date": date(year + 1, 12, 31),
        "budget": [
            {"year": year, "amount_sek": 1_500_000},
            {"year": year + 1, "amount_sek": 1_500_000},
        ],
        "goals": [
            {
                "description": "Andel till arbete eller studier",
                "indicator": "Avslutade till arbete eller studier / avslutade",
                "target": "40 %",
            }
        ],
        "follow_up_plan": "Kvartalsvis i Uppföljning Finsam; extern utvärdering år 2.",
        "gender_equality_plan": "Könsuppdelad statistik och analys enligt handlingsplanen.",
        "continuation_plan": "Kommunen och regionen tar över vid gott resultat.",
        "steering_group": "En representant per part",
    }


# How a test application reaches each state: the real steps, in order. A string is a trigger
# of the application lifecycle; AGENDA, BOARD and FINAL_REPORT are steps taken elsewhere
# (the meeting's agenda, the board's decision at a meeting, an accepted final report).
AGENDA, FINAL_REPORT = "agenda", "final_report"
_PREPARED = ("submit", "accept_for_preparation", "recommend")
_ACTIVE = (*_PREPARED, "propose", AGENDA, "board_approve", "start")
_LIV = (*_ACTIVE, "propose_liv")
PATHS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (),
    State.SUBMITTED: ("submit",),
    State.WITHDRAWN: ("withdraw",),
    State.COMPLETION_REQUESTED: ("submit", "return_for_completion"),
    State.IN_PREPARATION: ("submit", "accept_for_preparation"),
    State.PREPARED: _PREPARED,
    State.PROPOSED: (*_PREPARED, "propose"),
    State.ON_AGENDA: (*_PREPARED, "propose", AGENDA),
    State.APPROVED: _ACTIVE[:-1],
    State.REJECTED: (*_PREPARED, "propose", AGENDA, "board_reject"),
    State.ACTIVE: _ACTIVE,
    State.CLOSED: (*_ACTIVE, FINAL_REPORT),
    State.LIV_PROPOSED: _LIV,
    State.IN_LIV: (*_LIV, AGENDA, "liv_approve"),
    State.ENDED: (*_LIV, AGENDA, "liv_approve", "phase_out"),
}
# Who takes each step (the applicant's own steps are taken by the application's author).
_ACTORS = {
    "return_for_completion": "officer",
    "accept_for_preparation": "officer",
    "recommend": "preparer",
    "propose": "officer",
    "start": "officer",
    "phase_out": "officer",
}
_PAYLOADS: dict[str, dict[str, Any]] = {
    "return_for_completion": {"reason": "Komplettera budgeten per år."},
    "recommend": {"recommendation": "approve", "motivation": "Gruppen tillstyrker."},
    "propose": {"proposal": "Förslag till beslut: bevilja ansökan."},
}
BOARD_STEPS = {"board_approve": "approve", "board_reject": "reject", "liv_approve": "approve"}


def application(
    session: Session,
    world: World,
    *,
    state: str = State.DRAFT,
    complete: bool = True,
    by: User | None = None,
    granted: dict[int, int] | None = None,
    conditions: str | None = None,
    decided_on: date | None = None,
    agreement_date: date | None = None,
    **overrides: Any,
) -> Application:
    """An application brought to `state` by the real steps (flushed, not committed).

    Board steps are decided at a meeting held on `decided_on` (default today) by the board
    members present; `granted` is the amount per year (default: what was applied for), and
    `conditions` makes the approval one with conditions (confirmed at the start). When the
    grant would borrow, years without a budget get one that covers it (`ensure_budget`).
    """
    owner = by or applicant_of(world, overrides.get("lead_member_id"))
    fields = complete_fields(world) if complete else {"title": "Halvfärdig ansökan"}
    if granted and complete:
        # The application asks for what the board grants, over the years it grants for.
        fields["budget"] = [{"year": y, "amount_sek": a} for y, a in sorted(granted.items())]
    fields.update(overrides)
    budget_years = [line["year"] for line in fields.get("budget") or []]
    if complete and budget_years and not {"start_date", "end_date"} & overrides.keys():
        # A budget given alone sets the period: a complete application budgets every year of it.
        fields["start_date"] = date(min(budget_years), 1, 1)
        fields["end_date"] = date(max(budget_years), 12, 31)
    app = app_service.create_draft(
        session, world.association, ApplicationFields.model_validate(fields), by=owner
    )
    for step in PATHS[State(state)]:
        _take_step(
            session,
            world,
            app,
            step,
            owner=owner,
            granted=granted,
            conditions=conditions,
            decided_on=decided_on,
            agreement_date=agreement_date,
        )
    assert app.state == state, (app.state, state)
    return app


def applicant_of(world: World, member_id: int | None) -> User:
    """The world's applicant who writes for `member_id` (the Jönköping applicant by default)."""
    if member_id is None:
        return world.users["applicant"]
    for user in world.users.values():
        if member_id in permissions.member_ids_for(user, world.association.id, Role.APPLICANT):
            return user
    raise AssertionError(f"no applicant of member {member_id} in the test world")


def _take_step(session: Session, world: World, app: Application, step: str, **kwargs: Any) -> None:
    """take_step, with a refusal's problems in the failure (a fixture's step must pass)."""
    try:
        take_step(session, world, app, step, **kwargs)
    except DomainError as exc:
        details = [f"{p.field}: {p.message}" for p in getattr(exc, "problems", [])]
        raise AssertionError(f"step {step!r} refused from {app.state}: {exc} {details}") from exc


def take_step(
    session: Session,
    world: World,
    app: Application,
    step: str,
    *,
    owner: User | None = None,
    granted: dict[int, int] | None = None,
    conditions: str | None = None,
    decided_on: date | None = None,
    agreement_date: date | None = None,
) -> None:
    """Take one step of PATHS on `app`, as the role that takes it in the product."""
    officer = world.users["officer"]
    if step == AGENDA:
        meeting = board_meeting(session, world, on=decided_on)
        meetings.add_to_agenda(session, meeting, [app.id], by=officer)  # type: ignore[list-item]
    elif step in BOARD_STEPS:
        decide(session, world, app, BOARD_STEPS[step], granted=granted, conditions=conditions)
    elif step == FINAL_REPORT:
        final_report(session, world, app)
    else:
        actor = world.users[_ACTORS[step]] if step in _ACTORS else owner or world.users["applicant"]
        payload = dict(_PAYLOADS.get(step, {}))
        if step == "start":
            agreed = agreement_date or app.start_date or date.today()
            payload["agreement_date"] = agreed.isoformat()
            count = len(start_conditions(session, app))
            payload["confirmed_conditions"] = list(range(1, count + 1))
        engine.fire(APPLICATION, app, step, by=actor, session=session, payload=payload)


def board_meeting(session: Session, world: World, *, on: date | None = None) -> Meeting:
    """The association's planned board meeting on `on` (default today), planned if need be."""
    day = on or today()
    meeting = session.exec(
        select(Meeting).where(
            Meeting.association_id == world.association.id,
            Meeting.date == day,
            Meeting.state == MeetingState.PLANNED,
        )
    ).first()
    if meeting is None:
        meeting = meetings.create_meeting(
            session,
            world.association,
            on=day,
            location="Förbundets kansli",
            by=world.users["officer"],
        )
    return meeting


def open_meeting(session: Session, world: World, meeting: Meeting) -> None:
    """Every ledamot of the roster recorded present, and the chair opens the meeting."""
    if meeting.state != MeetingState.PLANNED:
        return
    ledamot = [
        p for p in meetings_rules.roster(session, world.association.id) if p.seat == "ledamot"
    ]
    meetings.record_attendance(
        session,
        meeting,
        [meetings.AttendanceIn(p.user_id, True) for p in ledamot],
        by=world.users["officer"],
    )
    engine.fire(
        MEETING,
        meeting,
        "open",
        by=world.users["chair"],
        session=session,
        payload={"justerare_id": ledamot[0].user_id} if ledamot else {},
    )


def decide(
    session: Session,
    world: World,
    app: Application,
    outcome: str,
    *,
    granted: dict[int, int] | None = None,
    conditions: str | None = None,
) -> Decision:
    """The board's decision on `app` at the open meeting where it is on the agenda."""
    item = session.exec(
        select(AgendaItem).where(AgendaItem.application_id == app.id).order_by(AgendaItem.id.desc())  # type: ignore[union-attr]
    ).first()
    assert item is not None, "the application is not on an agenda"
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None
    open_meeting(session, world, meeting)
    amounts: list[AmountIn] = []
    if outcome == "approve":
        if app.state in BOARD_LIV:  # a LIV admission or yearly decision finances one year
            year = meeting.date.year
            amounts = [AmountIn(year, (granted or {}).get(year, 1_000_000))]
        elif granted is not None:
            amounts = [AmountIn(y, a) for y, a in granted.items()]
        else:
            amounts = meetings_rules.requested_amounts(app)
        ensure_budget(session, world, meetings_rules.by_year(amounts))
    return meetings.decide(
        session,
        meeting,
        meetings_rules.DecisionInput(
            application_id=app.id,  # type: ignore[arg-type]
            outcome="approve_with_conditions" if conditions and outcome == "approve" else outcome,
            amounts=amounts,
            conditions=conditions if outcome == "approve" else None,
            questions="Hur följs målen upp?" if outcome == "refer_back" else None,
        ),
        by=world.users["chair"],
    )


def ensure_budget(session: Session, world: World, amounts: dict[int, int]) -> None:
    """When granting `amounts` would borrow, budget the money for the years the test left open.

    A year without a budget gets one whose contributions are the amount granted; a year the
    factory budgeted so (no costs, nothing carried) grows by it. A budget the test set itself
    is never changed: its figures decide, and an approval that would borrow is refused.
    """
    if not rules_budget.borrowing_problems(session, world.association, amounts):
        return
    for year, amount in sorted(amounts.items()):
        row = budget_ops.budget_row(session, world.association, year)
        if row is None or _granted_only(row):
            budget_ops.set_budget(
                session,
                world.association,
                year,
                contributions_sek=amount + (row.contributions_sek if row else 0),
                carried_over_sek=0,
                admin_costs_sek=0,
                other_costs_sek=0,
                by=world.users["officer"],
            )


def _granted_only(row: AssociationBudget) -> bool:
    """A budget ensure_budget made: contributions only."""
    return (row.carried_over_sek, row.admin_costs_sek, row.other_costs_sek) == (0, 0, 0)


def final_report(session: Session, world: World, app: Application) -> Report:
    """The final report, written, submitted and accepted: the insats closes."""
    return report(session, world, app, state="accepted", kind="final")


# A consistent set of final-report figures (the operation's shape).
FINAL_FIGURES: dict[str, Any] = {
    "participants_women": 20,
    "participants_men": 15,
    "new_women": 20,
    "new_men": 15,
    "ended_women": 20,
    "ended_men": 15,
    "outcomes": {"work": {"women": 12, "men": 9}, "studies": {"women": 8, "men": 6}},
    "costs_sek": 900_000,
    "goal_results": [(0, "42 %")],
    "narrative": "Insatsen är avslutad.",
}


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


# The steps that bring a report to each state (all from a draft the applicant writes).
REPORT_PATHS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "submitted": ("submit",),
    "returned": ("submit", "return"),
    "accepted": ("submit", "accept"),
}


def report(
    session: Session,
    world: World,
    app: Application,
    *,
    state: str = "draft",
    kind: str = "annual",
    year: int | None = None,
    **figures: Any,
) -> Report:
    """A report written by the applicant and brought to `state` by the real steps (flushed)."""
    values = {**FINAL_FIGURES, "goal_results": [(g.position, "40 %") for g in app.goals], **figures}
    applicant = world.users["applicant"]
    row = reports.create_report(
        session,
        app,
        reports.ReportInput(
            kind=kind,
            year=year,
            **values,
            # Budget and activities may be cleared, so they count only when given.
            given={"narrative", *({"budget_sek", "activities"} & values.keys())},
        ),
        by=applicant,
    )
    for trigger in REPORT_PATHS[state]:
        actor = applicant if trigger == "submit" else world.users["officer"]
        payload = {"reason": "Siffrorna saknas."} if trigger == "return" else {}
        engine.fire(REPORT, row, trigger, by=actor, session=session, payload=payload)
    return row


def truncate_audit_chain(session: Session, chain_id: int, backend: str) -> int:
    """Tamper as if a chain's newest event had been deleted (its head moved on, behind the
    head's forward-only trigger); commits and returns the head's new seq."""
    from sqlalchemy import text

    from workflow.models import AuditChainHead

    head = session.exec(select(AuditChainHead).where(AuditChainHead.chain_id == chain_id)).one()
    if backend == "postgresql":
        session.execute(text("ALTER TABLE audit_chain_head DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_chain_head_forward_only"))
    head.seq += 1
    session.add(head)
    session.flush()
    if backend == "postgresql":
        session.execute(text("ALTER TABLE audit_chain_head ENABLE TRIGGER USER"))
    session.commit()
    return head.seq
