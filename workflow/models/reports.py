"""After the decision: start, reporting plan, yearly and final reports."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from states.report import DELIVERED, REPORT_KINDS, ReportState
from workflow.models import (
    Versioned,
    _children,
    _fk,
    _in,
    _kronor,
    _optional_stamp,
    _stamp,
    _text,
    _version,
)

# Where those who ended went (avslutsorsak). Praktik and avbrott (dropped out, e.g. "bristande
# intresse") come from the seeds' reports (seeds/001, IT-spåret 2018: "tre pga bristande
# intresse, två gick vidare till ytterligare IT-studier, en har fått arbete och fyra praktik").
OUTCOMES = (
    "work",
    "subsidised_work",
    "internship",
    "studies",
    "job_seeking",
    "other_support",
    "dropped_out",
    "other",
)
# The outcomes the socio-economic estimate values, reported in heltider (full-time
# equivalents) as well as in persons: seeds/000 counts "12 kvinnor, 14 män (20,5 heltider)".
FULL_TIME_OUTCOMES = ("work", "subsidised_work", "studies")
# Main source of support (försörjning) at start and at end. Uppföljning Finsam, the national
# follow-up, asks for each participant's main försörjning when the insats starts and ends; this
# list of sources is the product's own reading of the benefits a Finsam participant lives on
# (the national system's exact code list is not in the seeds). The six keys of the first
# list (salary … other) keep their meaning, so reports stored before still read.
SUPPORT_SOURCES = (
    "salary",
    "sickness_benefit",
    "rehabilitation_benefit",
    "activity_compensation",
    "unemployment_benefit",
    "activity_support",
    "establishment_benefit",
    "income_support",
    "student_aid",
    "no_income",
    "unknown",
    "other",
)
# Participants by age, women and men. The product's own bands (working age from 16, as the
# association's target groups run): when given they sum to the report's participants.
AGE_BANDS = ("16-19", "20-24", "25-29", "30-39", "40-49", "50-59", "60-64", "65+")
# Who came to a structural insats's activities (seminars, inspiration days, Psykiatriveckan):
# staff of the member organisations, patients or participants, relatives, the public, and
# "unspecified" for a total the organiser could not divide (seeds/001: "ca 200 personer").
ATTENDEE_CATEGORIES = ("staff", "participants", "relatives", "public", "unspecified")
SUPPORT_PHASES = ("start", "end")
REMINDER_STAGES = ("before", "overdue")
REPORT_STATES = tuple(s.value for s in ReportState)

# Defaults when an association has no ReportSettings row: 28 February, 60 days.
DEFAULT_ANNUAL_DUE_MONTH = 2
DEFAULT_ANNUAL_DUE_DAY = 28
DEFAULT_FINAL_DUE_DAYS = 60


class ReportSettings(Versioned, SQLModel, table=True):
    """An association's reporting dates: annual report due date, final report delay."""

    __tablename__ = "report_settings"
    __table_args__ = (
        CheckConstraint("annual_due_month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("annual_due_day BETWEEN 1 AND 31", name="day_range"),
        CheckConstraint("final_due_days BETWEEN 0 AND 366", name="final_days_range"),
    )

    association_id: int = Field(
        sa_column=Column(Integer, ForeignKey("association.id"), primary_key=True)
    )
    annual_due_month: int = Field(default=DEFAULT_ANNUAL_DUE_MONTH, nullable=False)
    annual_due_day: int = Field(default=DEFAULT_ANNUAL_DUE_DAY, nullable=False)
    final_due_days: int = Field(default=DEFAULT_FINAL_DUE_DAYS, nullable=False)
    version: int = _version()


class InsatsStart(SQLModel, table=True):
    """The `start` of an approved insats: agreement date, who started it and when."""

    __tablename__ = "insats_start"
    __table_args__ = (UniqueConstraint("application_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    # The board's (or delegated) decision the start rests on.
    decision_id: int | None = _fk("decision.id", nullable=True, index=False)
    agreement_date: date
    started_by_id: int = _fk("app_user.id", index=False)
    started_at: datetime = _stamp()


class ConditionConfirmation(SQLModel, table=True):
    """The officer's confirmation that one condition of the decision is met."""

    __tablename__ = "condition_confirmation"
    __table_args__ = (
        UniqueConstraint("decision_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    decision_id: int = _fk("decision.id", index=False)
    # 1-based line of the decision's conditions text.
    position: int
    text: str = _text(nullable=False)
    confirmed_by_id: int = _fk("app_user.id", index=False)
    confirmed_at: datetime = _stamp()


class Report(Versioned, SQLModel, table=True):
    """A yearly (annual) or final report of an insats: draft → submitted → accepted|returned."""

    __tablename__ = "report"
    __table_args__ = (
        CheckConstraint(_in("kind", REPORT_KINDS), name="kind_known"),
        CheckConstraint(_in("state", REPORT_STATES), name="state_known"),
        CheckConstraint(
            "participants_women >= 0 AND participants_men >= 0 AND new_women >= 0"
            " AND new_men >= 0 AND ended_women >= 0 AND ended_men >= 0",
            name="counts_nonnegative",
        ),
        CheckConstraint(
            "ended_women <= participants_women AND ended_men <= participants_men"
            " AND new_women <= participants_women AND new_men <= participants_men",
            name="counts_within_participants",
        ),
        CheckConstraint("costs_sek >= 0", name="costs_nonnegative"),
        CheckConstraint("waiting_women >= 0 AND waiting_men >= 0", name="waiting_nonnegative"),
        CheckConstraint("budget_sek IS NULL OR budget_sek >= 0", name="budget_nonnegative"),
        CheckConstraint("activities IS NULL OR activities >= 0", name="activities_nonnegative"),
        CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),
        CheckConstraint(
            f"({_in('state', [s for s in ReportState if s in DELIVERED])})"
            " = (submitted_at IS NOT NULL)",
            name="submitted_iff_at",
        ),
        CheckConstraint(
            f"(state = '{ReportState.ACCEPTED}') = (accepted_at IS NOT NULL)",
            name="accepted_iff_at",
        ),
        CheckConstraint(
            f"state <> '{ReportState.RETURNED}'"
            " OR (return_reason IS NOT NULL AND return_reason <> '')",
            name="returned_has_reason",
        ),
        # One report per insats, kind and year; the final report is unique per insats below.
        UniqueConstraint("application_id", "kind", "year"),
        Index(
            "uq_report_one_final",
            "application_id",
            unique=True,
            sqlite_where=text("kind = 'final'"),
            postgresql_where=text("kind = 'final'"),
        ),
        Index("ix_report_assoc_state", "association_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    # The calendar year reported on (for the final report: the year the insats ended).
    year: int
    state: str = Field(
        default=ReportState.DRAFT.value, sa_column=Column(String(20), nullable=False)
    )
    due_date: date
    participants_women: int = Field(default=0, nullable=False)
    participants_men: int = Field(default=0, nullable=False)
    new_women: int = Field(default=0, nullable=False)
    new_men: int = Field(default=0, nullable=False)
    ended_women: int = Field(default=0, nullable=False)
    ended_men: int = Field(default=0, nullable=False)
    costs_sek: int = _kronor(default=0)
    # Köplats: those waiting for a place at the end of the year.
    waiting_women: int = Field(default=0, nullable=False)
    waiting_men: int = Field(default=0, nullable=False)
    # The year's budget beside the costs (utfall); None when the report did not give it.
    budget_sek: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # A structural insats's number of activities (lectures, days, meetings); None: not given.
    activities: int | None = None
    narrative: str | None = _text()
    created_by_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    submitted_at: datetime | None = _optional_stamp()
    submitted_by_id: int | None = _fk("app_user.id", nullable=True, index=False)
    accepted_at: datetime | None = _optional_stamp()
    accepted_by_id: int | None = _fk("app_user.id", nullable=True, index=False)
    # The officer's reason the last time the report was returned (kept after resubmission).
    return_reason: str | None = _text()
    returned_at: datetime | None = _optional_stamp()
    version: int = _version()

    outcomes: list["ReportOutcome"] = _children("ReportOutcome.id")
    goal_results: list["ReportGoalResult"] = _children("ReportGoalResult.goal_index")
    supports: list["ReportSupport"] = _children("ReportSupport.id")
    residences: list["ReportResidence"] = _children("ReportResidence.id")
    ages: list["ReportAge"] = _children("ReportAge.id")
    attendance: list["ReportAttendance"] = _children("ReportAttendance.id")


class ReportOutcome(SQLModel, table=True):
    """Where those who ended went (avslutsorsak), by gender: one row per outcome."""

    __tablename__ = "report_outcome"
    __table_args__ = (
        UniqueConstraint("report_id", "outcome"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome_known"),
        CheckConstraint("women >= 0 AND men >= 0", name="counts_nonnegative"),
        CheckConstraint(
            "full_time_equivalents IS NULL OR (full_time_equivalents >= 0"
            " AND full_time_equivalents <= women + men)",
            name="full_time_within_persons",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = _fk("report.id", ondelete="CASCADE")
    outcome: str = Field(sa_column=Column(String(20), nullable=False))
    women: int = Field(default=0, nullable=False)
    men: int = Field(default=0, nullable=False)
    # Heltider: the persons' extent of work or studies added up (two half-time jobs are one);
    # None when the report did not give it (the estimate then counts each person as one).
    full_time_equivalents: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(8, 2), nullable=True)
    )


class ReportGoalResult(SQLModel, table=True):
    """The value reported for one goal of the application (goal_index = Goal.position)."""

    __tablename__ = "report_goal_result"
    __table_args__ = (
        UniqueConstraint("report_id", "goal_index"),
        CheckConstraint("value <> ''", name="value_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = _fk("report.id", ondelete="CASCADE")
    goal_id: int = _fk("goal.id", ondelete="CASCADE", index=False)
    goal_index: int
    value: str = Field(sa_column=Column(String(200), nullable=False))


class ReportSupport(SQLModel, table=True):
    """Participants' main source of support (försörjning) at start or end, by gender."""

    __tablename__ = "report_support"
    __table_args__ = (
        UniqueConstraint("report_id", "phase", "source"),
        CheckConstraint(_in("phase", SUPPORT_PHASES), name="phase_known"),
        CheckConstraint(_in("source", SUPPORT_SOURCES), name="source_known"),
        CheckConstraint("women >= 0 AND men >= 0", name="counts_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = _fk("report.id", ondelete="CASCADE")
    phase: str = Field(sa_column=Column(String(10), nullable=False))
    source: str = Field(sa_column=Column(String(30), nullable=False))
    women: int = Field(default=0, nullable=False)
    men: int = Field(default=0, nullable=False)


class ReportResidence(SQLModel, table=True):
    """Participants by municipality of residence: a municipality member, or outside (None)."""

    __tablename__ = "report_residence"
    __table_args__ = (
        UniqueConstraint("report_id", "member_id"),
        # NULL is never equal to NULL in a UNIQUE constraint: one "outside" row a report.
        Index(
            "uq_report_residence_outside",
            "report_id",
            unique=True,
            sqlite_where=text("member_id IS NULL"),
            postgresql_where=text("member_id IS NULL"),
        ),
        CheckConstraint("women >= 0 AND men >= 0", name="counts_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = _fk("report.id", ondelete="CASCADE")
    member_id: int | None = _fk("member.id", nullable=True, index=False)
    women: int = Field(default=0, nullable=False)
    men: int = Field(default=0, nullable=False)


class ReportAge(SQLModel, table=True):
    """Participants of one age band, by gender."""

    __tablename__ = "report_age"
    __table_args__ = (
        UniqueConstraint("report_id", "band"),
        CheckConstraint(_in("band", AGE_BANDS), name="band_known"),
        CheckConstraint("women >= 0 AND men >= 0", name="counts_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = _fk("report.id", ondelete="CASCADE")
    band: str = Field(sa_column=Column(String(10), nullable=False))
    women: int = Field(default=0, nullable=False)
    men: int = Field(default=0, nullable=False)


class ReportAttendance(SQLModel, table=True):
    """Attendees of a structural insats's activities, one category a row.

    Women and men are optional: a total alone is a valid report, and no split is invented.
    """

    __tablename__ = "report_attendance"
    __table_args__ = (
        UniqueConstraint("report_id", "category"),
        CheckConstraint(_in("category", ATTENDEE_CATEGORIES), name="category_known"),
        CheckConstraint(
            "total >= 0 AND (women IS NULL OR women >= 0) AND (men IS NULL OR men >= 0)",
            name="counts_nonnegative",
        ),
        CheckConstraint(
            "COALESCE(women, 0) + COALESCE(men, 0) <= total", name="split_within_total"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = _fk("report.id", ondelete="CASCADE")
    category: str = Field(sa_column=Column(String(20), nullable=False))
    total: int = Field(default=0, nullable=False)
    women: int | None = None
    men: int | None = None


class ReportReminder(SQLModel, table=True):
    """A reminder sent for one planned report and stage; the row makes sending idempotent."""

    __tablename__ = "report_reminder"
    __table_args__ = (
        UniqueConstraint("application_id", "kind", "year", "stage"),
        CheckConstraint(_in("kind", REPORT_KINDS), name="kind_known"),
        CheckConstraint(_in("stage", REMINDER_STAGES), name="stage_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    year: int
    stage: str = Field(sa_column=Column(String(10), nullable=False))
    due_date: date
    sent_at: datetime = _stamp()
