"""Reports: create a yearly or final report, read it, change a draft, take a step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from states import report as spec
from workflow import engine, permissions
from workflow.api.registry import ID, route
from workflow.api.schemas import Out, Timestamp, Version
from workflow.api.serializers import timestamp
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.lifecycles.report import REPORT
from workflow.models import User
from workflow.models.reports import AGE_BANDS, ATTENDEE_CATEGORIES, FULL_TIME_OUTCOMES, Report
from workflow.operations import applications
from workflow.operations import reports as service
from workflow.rules import insats as insats_rules
from workflow.rules import reports as reports_rules
from workflow.schemas import Amount, Count, Plan, Strict, Year

APPLICATION_PATH = f"/applications/<{ID}:application_id>"
REPORT_PATH = f"/reports/<{ID}:report_id>"
TRIGGER = {
    "enum": sorted(spec.PUBLIC_TRIGGERS),
    "description": "The step to take; any other name answers 404.",
}
ReportTrigger = Literal[tuple(sorted(spec.PUBLIC_TRIGGERS))]  # type: ignore[valid-type]
ReportStateName = Literal[tuple(s.value for s in spec.ReportState)]  # type: ignore[valid-type]
GoalValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ByGender(Strict):
    """A count of women and of men."""

    women: Count = 0
    men: Count = 0


Heltider = Annotated[
    Decimal,
    Field(
        ge=0,
        le=100_000,
        decimal_places=2,
        allow_inf_nan=False,
        description="Full-time equivalents (heltider), at most one a person; null: not given.",
    ),
]


class ByGenderHeltider(ByGender):
    """A count of women and of men, and the heltider (full-time equivalents) they make."""

    heltider: Heltider | None = None


class OutcomesIn(Strict):
    """Where those who ended went, by gender (an outcome left out counts zero).

    Work, subsidised work and studies may give their heltider, which the socio-economic
    estimate values; an outcome sent without `heltider` has none (its persons count one each).
    """

    work: ByGenderHeltider | None = None
    subsidised_work: ByGenderHeltider | None = None
    studies: ByGenderHeltider | None = None
    job_seeking: ByGender | None = None
    other_support: ByGender | None = None
    other: ByGender | None = None
    internship: ByGender | None = Field(default=None, description="Praktik.")
    dropped_out: ByGender | None = Field(
        default=None, description="Avbrott, for example lack of interest."
    )


class SupportIn(Strict):
    """Main source of support (försörjning) by gender, one entry per source."""

    salary: ByGender | None = None
    sickness_benefit: ByGender | None = Field(default=None, description="Sjukpenning.")
    rehabilitation_benefit: ByGender | None = Field(
        default=None, description="Rehabiliteringspenning."
    )
    activity_compensation: ByGender | None = Field(
        default=None, description="Sjuk- eller aktivitetsersättning."
    )
    unemployment_benefit: ByGender | None = Field(default=None, description="A-kassa.")
    activity_support: ByGender | None = Field(
        default=None, description="Aktivitetsstöd or utvecklingsersättning."
    )
    establishment_benefit: ByGender | None = Field(
        default=None, description="Etableringsersättning."
    )
    income_support: ByGender | None = Field(default=None, description="Ekonomiskt bistånd.")
    student_aid: ByGender | None = Field(default=None, description="Studiemedel.")
    no_income: ByGender | None = Field(default=None, description="Ingen ersättning.")
    unknown: ByGender | None = None
    other: ByGender | None = None


AgeBand = Literal[AGE_BANDS]  # type: ignore[valid-type]
AttendeeCategory = Literal[ATTENDEE_CATEGORIES]  # type: ignore[valid-type]


class ResidenceIn(Strict):
    """Participants living in one municipality member (`member_id` null: outside the area)."""

    member_id: Annotated[int, Field(ge=1)] | None = Field(
        description="A municipality member of the association; null for outside the area."
    )
    women: Count = 0
    men: Count = 0


class AgeIn(Strict):
    """Participants of one age band."""

    band: AgeBand
    women: Count = 0
    men: Count = 0


class AttendanceIn(Strict):
    """Attendees of one category; women and men only when known (never required)."""

    category: AttendeeCategory
    total: Count
    women: Count | None = None
    men: Count | None = None


class SupportPhasesIn(Strict):
    """Försörjning when the participants started and when they ended."""

    start: SupportIn | None = None
    end: SupportIn | None = None


class GoalResultIn(Strict):
    """The value reached for one goal of the application (goal_index 0 is the first goal)."""

    goal_index: Annotated[int, Field(ge=0, le=1000)]
    value: GoalValue


class ReportFields(Strict):
    """A report's figures; all optional while it is a draft (checked again on submit)."""

    participants_women: Count | None = None
    participants_men: Count | None = None
    new_women: Count | None = None
    new_men: Count | None = None
    ended_women: Count | None = None
    ended_men: Count | None = None
    outcomes: OutcomesIn | None = None
    costs_sek: Amount | None = Field(default=None, description="Whole kronor.")
    goal_results: Annotated[list[GoalResultIn], Field(max_length=100)] | None = None
    narrative: Plan | None = None
    support: SupportPhasesIn | None = Field(
        default=None, description="Optional: försörjning at start and at end, by gender."
    )
    waiting_women: Count | None = Field(default=None, description="Köplats at year end.")
    waiting_men: Count | None = Field(default=None, description="Köplats at year end.")
    budget_sek: Amount | None = Field(
        default=None, description="The year's budget, whole kronor; null clears it."
    )
    activities: Count | None = Field(
        default=None, description="A structural insats's number of activities; null clears it."
    )
    residence: Annotated[list[ResidenceIn], Field(max_length=200)] | None = Field(
        default=None,
        description="Optional: participants by municipality of residence; given, each gender"
        " adds up to its participants. Replaces the stored rows.",
    )
    ages: Annotated[list[AgeIn], Field(max_length=len(AGE_BANDS))] | None = Field(
        default=None,
        description="Optional: participants by age band; given, each gender adds up to its"
        " participants. Replaces the stored rows.",
    )
    attendance: Annotated[list[AttendanceIn], Field(max_length=len(ATTENDEE_CATEGORIES))] | None = (
        Field(
            default=None,
            description="A structural insats's attendees by category. Replaces the stored rows.",
        )
    )


class ReportCreate(ReportFields):
    """A new report: its kind and year (the final report's year follows from the period)."""

    kind: Literal["annual", "final"] = "annual"
    year: Year | None = Field(
        default=None, description="Required for an annual report; one per insats and year."
    )


class ReportPatch(ReportFields):
    """Fields to change, and optionally the version the client last read."""

    expected_version: Version | None = None


class ReportTransitionBody(Strict):
    """A report step's reason (required to return) and the version the client last read."""

    reason: Annotated[str, StringConstraints(max_length=4000)] | None = None
    expected_version: Version | None = None


class ByGenderOut(Out):
    women: int
    men: int


class ByGenderHeltiderOut(ByGenderOut):
    heltider: float | None = Field(description="Full-time equivalents; null when not given.")


class OutcomeTableOut(Out):
    """Where those who ended went, every outcome by gender (zero when not reported)."""

    work: ByGenderHeltiderOut
    subsidised_work: ByGenderHeltiderOut
    studies: ByGenderHeltiderOut
    job_seeking: ByGenderOut
    other_support: ByGenderOut
    other: ByGenderOut
    internship: ByGenderOut
    dropped_out: ByGenderOut


class SupportSourcesOut(Out):
    """Main source of support, every source by gender (zero when not reported)."""

    salary: ByGenderOut
    sickness_benefit: ByGenderOut
    rehabilitation_benefit: ByGenderOut
    activity_compensation: ByGenderOut
    unemployment_benefit: ByGenderOut
    activity_support: ByGenderOut
    establishment_benefit: ByGenderOut
    income_support: ByGenderOut
    student_aid: ByGenderOut
    no_income: ByGenderOut
    unknown: ByGenderOut
    other: ByGenderOut


class ResidenceOut(Out):
    member_id: int | None = Field(description="null: outside the area.")
    name: str | None = Field(description="The municipality; null outside the area.")
    women: int
    men: int


class AgeOut(Out):
    band: AgeBand
    women: int
    men: int


class AttendanceOut(Out):
    category: AttendeeCategory
    total: int
    women: int | None
    men: int | None


class SupportTableOut(Out):
    start: SupportSourcesOut
    end: SupportSourcesOut


class GoalResultOut(Out):
    goal_index: int
    description: str
    target: str | None
    value: str | None


class ReportOut(Out):
    """A report with its state, version and every figure."""

    id: int
    application_id: int
    kind: Literal["annual", "final"]
    year: int
    state: ReportStateName
    version: int
    due_date: date
    participants_women: int
    participants_men: int
    new_women: int
    new_men: int
    ended_women: int
    ended_men: int
    outcomes: OutcomeTableOut
    costs_sek: int
    granted_sek: int | None = Field(description="What the decision granted for the year.")
    goal_results: list[GoalResultOut]
    narrative: str | None
    support: SupportTableOut
    waiting_women: int
    waiting_men: int
    budget_sek: int | None
    activities: int | None
    residence: list[ResidenceOut] = Field(description="Empty when not reported.")
    ages: list[AgeOut] = Field(description="Empty when not reported.")
    attendance: list[AttendanceOut] = Field(description="Empty when not reported.")
    return_reason: str | None
    submitted_at: Timestamp | None
    accepted_at: Timestamp | None
    allowed_transitions: list[ReportTrigger] = Field(
        description="The steps the caller may take now."
    )


class ReportListOut(Out):
    """Every report of an insats."""

    items: list[ReportOut]


def _input(body: BaseModel, *, exclude: set[str]) -> service.ReportInput:
    """The service's input from a validated body: only what the client sent counts."""
    given = set(body.model_fields_set) - exclude
    data = body.model_dump(exclude_unset=True, exclude=exclude)
    outcomes = data.get("outcomes")
    support = data.get("support")
    residence, ages, attendance = data.get("residence"), data.get("ages"), data.get("attendance")
    return service.ReportInput(
        year=data.get("year"),
        kind=data.get("kind"),
        **{name: data.get(name) for name in (*service.COUNT_FIELDS, *service.WAITING_FIELDS)},
        budget_sek=data.get("budget_sek"),
        activities=data.get("activities"),
        residence=[(r.get("member_id"), r.get("women", 0), r.get("men", 0)) for r in residence]
        if residence is not None
        else None,
        ages=[(a["band"], a.get("women", 0), a.get("men", 0)) for a in ages]
        if ages is not None
        else None,
        attendance=[(a["category"], a["total"], a.get("women"), a.get("men")) for a in attendance]
        if attendance is not None
        else None,
        outcomes=(
            {
                k: {"women": v.get("women", 0), "men": v.get("men", 0)}
                for k, v in outcomes.items()
                if v
            }
            if outcomes is not None
            else None
        ),
        heltider=(
            {
                k: (Decimal(str(v["heltider"])) if v.get("heltider") is not None else None)
                for k, v in outcomes.items()
                if k in FULL_TIME_OUTCOMES
            }
            if outcomes is not None
            else None
        ),
        costs_sek=data.get("costs_sek"),
        goal_results=(
            [(g["goal_index"], g["value"]) for g in data["goal_results"]]
            if data.get("goal_results") is not None
            else None
        ),
        narrative=data.get("narrative"),
        support=(
            {
                phase: {
                    k: {"women": v.get("women", 0), "men": v.get("men", 0)}
                    for k, v in (sources or {}).items()
                    if v
                }
                for phase, sources in support.items()
            }
            if support is not None
            else None
        ),
        given=given,
    )


def _outcomes_json(report: Report) -> dict[str, Any]:
    """Every outcome by gender; work, subsidised work and studies with their heltider."""
    table: dict[str, Any] = service.outcome_table(report)
    for outcome, value in reports_rules.heltider_table(report).items():
        table[outcome] = {**table[outcome], "heltider": float(value) if value is not None else None}
    return table


def _residence_json(report: Report) -> list[dict[str, Any]]:
    """Participants by municipality, each named (outside the area last, without a name)."""
    rows = reports_rules.residence_rows(report)
    names = (
        {m.id: m.name for m in service.municipalities(db.session, report.association_id)}
        if rows
        else {}
    )
    return [
        {"member_id": member_id, "name": names.get(member_id), "women": women, "men": men}
        for member_id, women, men in rows
    ]


def report_json(report: Report, user: User) -> dict[str, Any]:
    """The report as ReportOut describes it."""
    app = service.application_of(db.session, report)
    granted = insats_rules.granted_by_year(db.session, app).get(report.year)
    return {
        "id": report.id,
        "application_id": report.application_id,
        "kind": report.kind,
        "year": report.year,
        "state": report.state,
        "version": report.version,
        "due_date": report.due_date.isoformat(),
        **{name: getattr(report, name) for name in service.COUNT_FIELDS},
        "outcomes": _outcomes_json(report),
        "costs_sek": report.costs_sek,
        "granted_sek": granted,
        "goal_results": [
            {
                "goal_index": goal.position,
                "description": goal.description,
                "target": goal.target,
                "value": value,
            }
            for goal, value in service.goals_with_results(app, report)
        ],
        "narrative": report.narrative,
        "support": reports_rules.support_table(report),
        "waiting_women": report.waiting_women,
        "waiting_men": report.waiting_men,
        "budget_sek": report.budget_sek,
        "activities": report.activities,
        "residence": _residence_json(report),
        "ages": [
            {"band": band, "women": women, "men": men}
            for band, women, men in reports_rules.age_rows(report)
        ],
        "attendance": [
            {"category": category, "total": total, "women": women, "men": men}
            for category, total, women, men in reports_rules.attendance_rows(report)
        ],
        "return_reason": report.return_reason,
        "submitted_at": timestamp(report.submitted_at),
        "accepted_at": timestamp(report.accepted_at),
        "allowed_transitions": permissions.report_transitions(user, report, app),
    }


def _stored(report: Report, user: User) -> dict[str, Any]:
    db.session.flush()  # stored before it is read again
    db.session.refresh(report)
    return report_json(report, user)


@route(
    f"{APPLICATION_PATH}/reports",
    method="POST",
    summary="Write a yearly or final report (draft)",
    tag="reports",
    body=ReportCreate,
    response=ReportOut,
    status=201,
    errors=(403, 409),
)
def create_report(user: User, application_id: int, body: ReportCreate) -> dict[str, Any]:
    """The lead member's applicants, once the insats is active; 422 names every invalid field.

    A second annual report for the same year (or a second final report) is a 422 on `year`.
    """
    app = applications.load_visible(db.session, application_id, user)
    report = service.create_report(db.session, app, _input(body, exclude=set()), by=user)
    return _stored(report, user)


@route(
    f"{APPLICATION_PATH}/reports",
    summary="The insats's reports",
    tag="reports",
    response=ReportListOut,
)
def list_reports(user: User, application_id: int) -> dict[str, Any]:
    """Every report of the insats, by year (no pagination: at most one per year and kind)."""
    app = applications.load_visible(db.session, application_id, user)
    return {"items": [report_json(r, user) for r in service.reports_of(db.session, app)]}


@route(REPORT_PATH, summary="Read a report", tag="reports", response=ReportOut)
def get_report(user: User, report_id: int) -> dict[str, Any]:
    """Whoever sees the application sees its reports; others get 404."""
    return report_json(service.load_visible(db.session, report_id, user), user)


@route(
    REPORT_PATH,
    method="PATCH",
    summary="Change a draft report",
    tag="reports",
    body=ReportPatch,
    response=ReportOut,
    errors=(403, 409),
)
def update_report(user: User, report_id: int, body: ReportPatch) -> dict[str, Any]:
    """The lead member's applicants, while the report is a draft or returned."""
    report = service.load_visible(db.session, report_id, user)
    service.update_report(
        db.session,
        report,
        _input(body, exclude={"expected_version"}),
        by=user,
        expected_version=body.expected_version,
    )
    return _stored(report, user)


@route(
    f"{REPORT_PATH}/transitions/<trigger>",
    method="POST",
    summary="Submit, accept or return a report",
    tag="reports",
    body=ReportTransitionBody,
    response=ReportOut,
    errors=(403, 409),
    params={"trigger": TRIGGER},
)
def fire_report_transition(
    user: User, report_id: int, trigger: str, body: ReportTransitionBody
) -> dict[str, Any]:
    """Role 403, state or stale version 409, checks 422; accepting the final report closes."""
    report = service.load_visible(db.session, report_id, user)
    if trigger not in spec.PUBLIC_TRIGGERS:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger))
    engine.fire(
        REPORT,
        report,
        trigger,
        by=user,
        session=db.session,
        payload={"reason": body.reason} if body.reason is not None else {},
        expected_version=body.expected_version,
    )
    return _stored(report, user)
