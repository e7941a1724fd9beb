"""Database tables. Every row belongs to one association (multi-tenancy)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Optional
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, Relationship, SQLModel

from states.application import State
from states.common import MEMBER_BOUND_ROLES, Role
from states.delegation import DELEGATES
from states.meeting import (
    AGENDA_KINDS,
    APPLICATION_ITEM,
    DISSENT_KINDS,
    HELD,
    REPORT_ITEM,
    SEATS,
    VOTES,
    ItemState,
    MeetingState,
)
from workflow import limits

if TYPE_CHECKING:
    from workflow.models.classification import InsatsClassification

# Stable constraint names, so Alembic can compare and migrations can address them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

PARTIES = ("af", "fk", "region", "municipality")
KINDS = ("individual", "structural")
# How a contribution key splits the local half (the förbundsordning's choice, 9 § p. 8).
KEY_BASES = ("population", "equal", "fixed")
KEY_ROUNDINGS = (1, 1000)
# The cost categories of a budget, as the associations' own budgets lay them out.
LINE_CATEGORIES = ("insats", "new_insatser", "structural", "competence", "admin")
# The steps of the yearly cycle recorded per year: medlemssamråd on the proposed budget, the
# board's budget decision, årsredovisning, revisionsberättelse, each member's ansvarsfrihet.
ECONOMY_RECORD_KINDS = (
    "member_consultation",
    "budget_decision",
    "annual_report",
    "audit_report",
    "discharge",
)


# The moment `clock_at` holds the clock at; None: the real time.
_CLOCK: ContextVar[datetime | None] = ContextVar("finsam_clock", default=None)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (the clock's moment while `clock_at` holds it)."""
    return _CLOCK.get() or datetime.now(UTC)


# Every date a user sees, enters or exports is the association's local date.
ZONE = ZoneInfo("Europe/Stockholm")


def swedish_time(moment: datetime) -> datetime:
    """A stored moment in Swedish time (SQLite hands back naive UTC values)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE)


def local_date(moment: datetime) -> date:
    """The Swedish calendar date of a stored (UTC) moment."""
    return swedish_time(moment).date()


def today() -> date:
    """Today's date in Sweden (the clock's, while `clock_at` holds it), never the UTC date."""
    return local_date(utcnow())


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Hold the clock at `moment`: what runs inside happened then (seeded history)."""
    token = _CLOCK.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _CLOCK.reset(token)


def _in(column: str, values: tuple[str, ...] | list[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _ts(**kwargs: Any) -> Any:
    """A timezone-aware timestamp column."""
    return Field(sa_type=DateTime(timezone=True), **kwargs)


def _fk(
    target: str, *, nullable: bool = False, ondelete: str | None = None, index: bool = True
) -> Any:
    """A foreign-key integer column."""
    return Field(
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        )
    )


def _stamp() -> Any:
    """A timestamp set to the time the row is made (created_at, signed_at…); never empty."""
    return _ts(default_factory=utcnow, nullable=False)


def _optional_stamp() -> Any:
    """A timestamp set by a later step (submitted_at, resolved_at…); empty until then."""
    return _ts(default=None, nullable=True)


def _text(*, nullable: bool = True) -> Any:
    """A text column of any length; empty by default unless `nullable` is False."""
    if nullable:
        return Field(default=None, sa_column=Column(Text))
    return Field(sa_column=Column(Text, nullable=False))


def _kronor(**kwargs: Any) -> Any:
    """An amount in whole kronor (BIGINT), never empty."""
    return Field(sa_column=Column(BigInteger, nullable=False), **kwargs)


def _amount_range(column: str) -> CheckConstraint:
    """The CHECK of an amount asked or granted: 0 to AMOUNT_MAX kronor."""
    return CheckConstraint(
        f"{column} >= 0 AND {column} <= {limits.AMOUNT_MAX}", name="amount_range"
    )


def _version() -> Any:
    """The optimistic-lock counter of a `Versioned` table."""
    return Field(default=1, nullable=False)


class Versioned:
    """A table whose `version` column (declared with `_version()`) counts its updates.

    SQLAlchemy raises StaleDataError when a row changed since it was read; the column is
    declared in each table, not here, so it keeps its place among the table's columns.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def _selectin(order_by: str | None, **kwargs: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"lazy": "selectin", **kwargs}
    if order_by is not None:
        options["order_by"] = order_by
    return options


def _children(order_by: str | None = None, **kwargs: Any) -> Any:
    """Rows owned by this one: loaded with it (selectin, no N+1 in lists), deleted with it."""
    return Relationship(
        sa_relationship_kwargs=_selectin(order_by, cascade="all, delete-orphan"), **kwargs
    )


def _view(order_by: str | None = None) -> Any:
    """Related rows loaded with this one (selectin) and never written through it."""
    return Relationship(sa_relationship_kwargs=_selectin(order_by, viewonly=True))


class Association(Versioned, SQLModel, table=True):
    """A samordningsförbund: the tenant every other row belongs to."""

    __tablename__ = "association"
    __table_args__ = (
        CheckConstraint(
            f"notice_days >= 0 AND notice_days <= {limits.NOTICE_DAYS_MAX}",
            name="notice_days_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(63), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(limits.NAME_MAX), nullable=False))
    diary_prefix: str = Field(sa_column=Column(String(limits.DIARY_PREFIX_MAX), nullable=False))
    # When on, `submit` also waits for every partner's endorsement (issue 4).
    require_partner_endorsement: bool = Field(default=False, nullable=False)
    # How many days before a meeting the kallelse should reach the board (a late one warns).
    notice_days: int = Field(default=limits.NOTICE_DAYS_DEFAULT, nullable=False)
    # The most eget kapital the association aims at, in percent of a year's contributions;
    # None: Nationella rådet's recommendation by size (workflow.rules.budget).
    capital_limit_percent: int | None = None
    # When on, the public anslagstavla links each signed protocol's PDF (kommunallagen 8:12).
    publish_protocols: bool = Field(default=False, nullable=False)
    created_at: datetime = _stamp()
    version: int = _version()

    members: list["Member"] = Relationship(
        back_populates="association",
        sa_relationship_kwargs={"order_by": "Member.name", "lazy": "selectin"},
    )


@event.listens_for(Association, "load")
def _hold_for_the_session(target: Association, context: Any) -> None:
    """Keep a loaded association (and its members) for the life of the session.

    The identity map holds rows weakly: an association fetched with `session.get` by one
    check and dropped was fetched again, with its members, by the next one (five times in a
    `submit`). A session lives for one request, and an installation has at most a few
    hundred associations, so holding them costs little.
    """
    context.session.info.setdefault("held_associations", {})[target.id] = target


class Member(Versioned, SQLModel, table=True):
    """A member organisation (förbundsmedlem) of an association."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("association_id", "name"),
        CheckConstraint(_in("party", PARTIES), name="party_known"),
        CheckConstraint(
            f"population IS NULL OR (population >= 0 AND population <= {limits.POPULATION_MAX})",
            name="population_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id")
    name: str = Field(sa_column=Column(String(limits.NAME_MAX), nullable=False))
    party: str = Field(sa_column=Column(String(20), nullable=False))
    population: int | None = None
    # A member that left is deactivated, never deleted: decisions and keys refer to it.
    active: bool = Field(default=True, nullable=False)
    version: int = _version()

    association: "Association" = Relationship(back_populates="members")


class User(Versioned, UserMixin, SQLModel, table=True):
    """A person who signs in. Roles come from grants, per association."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(limits.EMAIL_MAX), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(limits.NAME_MAX), nullable=False))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    is_admin: bool = Field(default=False, nullable=False)
    active: bool = Field(default=True, nullable=False)
    # Bumped on password change or forced sign-out; part of the session id.
    session_epoch: int = Field(default=0, nullable=False)
    created_at: datetime = _stamp()
    version: int = _version()

    grants: list["RoleGrant"] = _children(back_populates="user")

    def get_id(self) -> str:
        """Session id: row id plus epoch, so a bumped epoch signs every session out."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active


_member_bound = ", ".join(f"'{r.value}'" for r in sorted(MEMBER_BOUND_ROLES))


class RoleGrant(SQLModel, table=True):
    """A role held by a user in one association (bound to a member where the role needs it)."""

    __tablename__ = "role_grant"
    __table_args__ = (
        CheckConstraint(_in("role", [r.value for r in Role]), name="role_known"),
        CheckConstraint(
            f"(role IN ({_member_bound})) = (member_id IS NOT NULL)", name="member_iff_bound"
        ),
        CheckConstraint("substitute = false OR role = 'board'", name="substitute_only_board"),
        UniqueConstraint("user_id", "association_id", "role", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id", ondelete="CASCADE")
    association_id: int = _fk("association.id")
    role: str = Field(sa_column=Column(String(20), nullable=False))
    member_id: int | None = _fk("member.id", nullable=True)
    substitute: bool = Field(default=False, nullable=False)

    user: "User" = Relationship(back_populates="grants")


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id", ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = _stamp()
    expires_at: datetime = _ts(nullable=False)


_states = [s.value for s in State]


class Application(Versioned, SQLModel, table=True):
    """An ansökan: one insats asked for by a lead member organisation."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(_in("state", _states), name="state_known"),
        CheckConstraint(f"kind IS NULL OR {_in('kind', KINDS)}", name="kind_known"),
        CheckConstraint(
            f"age_min IS NULL OR (age_min >= {limits.AGE_MIN} AND age_min <= {limits.AGE_MAX})",
            name="age_min_range",
        ),
        CheckConstraint(
            f"age_max IS NULL OR (age_max >= {limits.AGE_MIN} AND age_max <= {limits.AGE_MAX})",
            name="age_max_range",
        ),
        CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_order"
        ),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR start_date <= end_date", name="period_order"
        ),
        CheckConstraint(
            "participants_women IS NULL OR participants_women >= 0", name="women_nonnegative"
        ),
        CheckConstraint(
            "participants_men IS NULL OR participants_men >= 0", name="men_nonnegative"
        ),
        # A diary number is all three parts or none, and a draft never has one.
        CheckConstraint(
            "(diary_number IS NULL AND diary_year IS NULL AND diary_seq IS NULL)"
            " OR (diary_number IS NOT NULL AND diary_year IS NOT NULL AND diary_seq IS NOT NULL)",
            name="diary_all_or_none",
        ),
        CheckConstraint(
            f"state <> '{State.DRAFT}' OR diary_number IS NULL", name="draft_unnumbered"
        ),
        CheckConstraint(
            "(submitted_at IS NULL) = (diary_number IS NULL)", name="submitted_iff_numbered"
        ),
        UniqueConstraint("association_id", "diary_year", "diary_seq"),
        Index("ix_application_assoc_state", "association_id", "state"),
        Index("ix_application_lead_state", "lead_member_id", "state"),
        # Lists newest first (migration 0009).
        Index("ix_application_assoc_updated", "association_id", "updated_at"),
        Index("ix_application_updated", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id")
    # The owning member organisation: its applicants see and edit the application.
    lead_member_id: int = _fk("member.id", index=False)
    state: str = Field(default=State.DRAFT.value, sa_column=Column(String(30), nullable=False))
    title: str | None = Field(default=None, sa_column=Column(String(limits.TITLE_MAX)))
    kind: str | None = Field(default=None, sa_column=Column(String(20)))
    target_group: str | None = _text()
    age_min: int | None = None
    age_max: int | None = None
    participants_women: int | None = None
    participants_men: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    follow_up_plan: str | None = _text()
    gender_equality_plan: str | None = _text()
    continuation_plan: str | None = _text()
    steering_group: str | None = _text()
    activity_description: str | None = _text()
    report_plan: str | None = _text()
    results_summary: str | None = _text()
    # Where the insats stood when LIV was proposed: a refused proposal returns it there.
    liv_proposed_from: str | None = Field(default=None, sa_column=Column(String(30)))
    diary_number: str | None = Field(default=None, sa_column=Column(String(40)))
    diary_year: int | None = None
    diary_seq: int | None = None
    created_by_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    submitted_at: datetime | None = _optional_stamp()
    version: int = _version()

    partners: list["ApplicationPartner"] = _children("ApplicationPartner.member_id")
    budget_lines: list["BudgetLine"] = _children("BudgetLine.year")
    cofunding_lines: list["CofundingLine"] = _children(
        "(CofundingLine.year, CofundingLine.member_id)"
    )
    goals: list["Goal"] = _children("Goal.position")
    # Read-only views of the beredning's outcome, oldest first (selectin: no N+1 in lists).
    recommendations: list["Recommendation"] = _view("Recommendation.id")
    proposals: list["Proposal"] = _view("Proposal.id")
    # The national classification (workflow/models/classification.py), when set.
    classification: Optional["InsatsClassification"] = Relationship(
        sa_relationship_kwargs={"lazy": "selectin", "viewonly": True, "uselist": False}
    )

    @property
    def total_amount_sek(self) -> int:
        """The sum of the budget over every year."""
        return sum(line.amount_sek for line in self.budget_lines)


class ApplicationPartner(SQLModel, table=True):
    """Another member organisation that stands behind the insats."""

    __tablename__ = "application_partner"
    __table_args__ = (UniqueConstraint("application_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    member_id: int = _fk("member.id")


class BudgetLine(SQLModel, table=True):
    """The amount asked of the association for one calendar year."""

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("application_id", "year"),
        _amount_range("amount_sek"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    year: int
    amount_sek: int = _kronor()


class CofundingLine(SQLModel, table=True):
    """What a member organisation contributes itself, per year."""

    __tablename__ = "cofunding_line"
    __table_args__ = (
        UniqueConstraint("application_id", "member_id", "year"),
        _amount_range("amount_sek"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    member_id: int = _fk("member.id", index=False)
    year: int
    amount_sek: int = _kronor()


class Goal(SQLModel, table=True):
    """A measurable goal of the insats, in the order the applicant gave them."""

    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("application_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    position: int
    description: str = _text(nullable=False)
    indicator: str | None = _text()
    target: str | None = Field(default=None, sa_column=Column(String(limits.NAME_MAX)))


class ApplicationVersion(SQLModel, table=True):
    """A frozen snapshot of the application as it was submitted (or resubmitted)."""

    __tablename__ = "application_version"
    __table_args__ = (UniqueConstraint("application_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    number: int
    trigger: str = Field(sa_column=Column(String(40), nullable=False))
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_by_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()


class DiaryCounter(SQLModel, table=True):
    """The last diary sequence handed out per association and year (row-locked on use)."""

    __tablename__ = "diary_counter"

    association_id: int = Field(
        sa_column=Column(Integer, ForeignKey("association.id"), primary_key=True)
    )
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last_seq: int = Field(default=0, nullable=False)


class AuditChainHead(SQLModel, table=True):
    """The newest event of one hash chain; locked while an event is appended."""

    __tablename__ = "audit_chain_head"

    # One chain per association; chain 0 holds installation-wide events.
    chain_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    seq: int = Field(default=0, nullable=False)
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AuditEvent(SQLModel, table=True):
    """An append-only audit record; `hash` covers its content and the previous hash."""

    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("chain_id", "seq"),
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chain_id: int = Field(nullable=False)
    seq: int = Field(nullable=False)
    association_id: int | None = _fk("association.id", nullable=True, index=False)
    actor_id: int | None = _fk("app_user.id", nullable=True, index=False)
    created_at: datetime = _stamp()
    entity_type: str = Field(sa_column=Column(String(40), nullable=False))
    entity_id: int | None = None
    action: str = Field(sa_column=Column(String(60), nullable=False))
    from_state: str | None = Field(default=None, sa_column=Column(String(30)))
    to_state: str | None = Field(default=None, sa_column=Column(String(30)))
    reason: str | None = _text()
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AssociationBudget(Versioned, SQLModel, table=True):
    """An association's budget frame for one year (the board's issue builds on it)."""

    __tablename__ = "association_budget"
    __table_args__ = (
        UniqueConstraint("association_id", "year"),
        CheckConstraint(
            "contributions_sek >= 0 AND carried_over_sek >= -1000000000"
            " AND admin_costs_sek >= 0 AND other_costs_sek >= 0",
            name="amounts_range",
        ),
        CheckConstraint(
            "(closed_on IS NULL) = (closed_result_sek IS NULL)", name="closed_has_result"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id")
    year: int
    # Total contributions of the year: 50 % state, 25 % region, 25 % municipalities.
    contributions_sek: int = _kronor(default=0)
    # Funds carried over from earlier years (balanserat resultat).
    carried_over_sek: int = _kronor(default=0)
    admin_costs_sek: int = _kronor(default=0)
    other_costs_sek: int = _kronor(default=0)
    # Set when the board closes the year (årsbokslut): the real result, carried into the next.
    closed_on: date | None = None
    closed_result_sek: int | None = Field(default=None, sa_column=Column(BigInteger))
    version: int = _version()


class AssociationBudgetLine(SQLModel, table=True):
    """One line of a year's budget: a cost with its budget, forecast and outcome."""

    __tablename__ = "association_budget_line"
    __table_args__ = (
        UniqueConstraint("budget_id", "position"),
        CheckConstraint(_in("category", LINE_CATEGORIES), name="category_known"),
        CheckConstraint(
            "budget_sek >= 0 AND (forecast_sek IS NULL OR forecast_sek >= 0)"
            " AND (outcome_sek IS NULL OR outcome_sek >= 0)",
            name="amounts_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    budget_id: int = _fk("association_budget.id", ondelete="CASCADE")
    position: int
    category: str = Field(sa_column=Column(String(20), nullable=False))
    label: str = Field(sa_column=Column(String(limits.TITLE_MAX), nullable=False))
    # The insats this line budgets; a decision for it draws on this line.
    application_id: int | None = _fk("application.id", nullable=True)
    budget_sek: int = _kronor()
    forecast_sek: int | None = Field(default=None, sa_column=Column(BigInteger))
    outcome_sek: int | None = Field(default=None, sa_column=Column(BigInteger))


class EconomyRecord(SQLModel, table=True):
    """One step of a year's economic cycle, as recorded by the officer (never changed)."""

    __tablename__ = "economy_record"
    __table_args__ = (
        CheckConstraint(_in("kind", ECONOMY_RECORD_KINDS), name="kind_known"),
        CheckConstraint(
            "(kind = 'discharge') = (member_id IS NOT NULL AND granted IS NOT NULL)",
            name="discharge_has_member",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id")
    year: int
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    held_on: date
    # Ansvarsfrihet: the member whose fullmäktige decided, and whether it was granted.
    member_id: int | None = _fk("member.id", nullable=True)
    granted: bool | None = None
    # Medlemssamråd: the members present.
    present_member_ids: list[int] | None = Field(default=None, sa_column=Column(JSON))
    # The views given, the decision's wording or the auditors' statement.
    text: str | None = _text()
    recorded_by_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()


class ContributionKey(Versioned, SQLModel, table=True):
    """How one year's local half is shared between the region and the municipalities."""

    __tablename__ = "contribution_key"
    __table_args__ = (
        UniqueConstraint("association_id", "year"),
        CheckConstraint(_in("basis", KEY_BASES), name="basis_known"),
        CheckConstraint("rounding_sek IN (1, 1000)", name="rounding_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id")
    year: int
    basis: str = Field(sa_column=Column(String(20), nullable=False))
    rounding_sek: int = Field(default=1, nullable=False)
    # Who takes what rounding leaves over; None: the region.
    remainder_member_id: int | None = _fk("member.id", nullable=True)
    version: int = _version()


class ContributionKeyMember(SQLModel, table=True):
    """One member's figure in a contribution key: its population that year, or its amount."""

    __tablename__ = "contribution_key_member"
    __table_args__ = (
        UniqueConstraint("key_id", "member_id"),
        CheckConstraint(
            f"population IS NULL OR (population >= 0 AND population <= {limits.POPULATION_MAX})",
            name="population_range",
        ),
        CheckConstraint("amount_sek IS NULL OR amount_sek >= 0", name="amount_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key_id: int = _fk("contribution_key.id", ondelete="CASCADE")
    member_id: int = _fk("member.id")
    population: int | None = None
    amount_sek: int | None = Field(default=None, sa_column=Column(BigInteger))


RECOMMENDATIONS = ("approve", "approve_with_conditions", "reject")


class Endorsement(Versioned, SQLModel, table=True):
    """A partner member's answer to a joint application: it stands behind it, or declines."""

    __tablename__ = "endorsement"
    __table_args__ = (
        UniqueConstraint("application_id", "member_id"),
        CheckConstraint(_in("decision", ("endorse", "decline")), name="decision_known"),
        CheckConstraint(
            "decision = 'endorse' OR (comment IS NOT NULL AND comment <> '')",
            name="decline_has_comment",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    member_id: int = _fk("member.id", index=False)
    decision: str = Field(sa_column=Column(String(10), nullable=False))
    comment: str | None = _text()
    user_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()
    version: int = _version()


class Annotation(Versioned, SQLModel, table=True):
    """A note by the beredning on one section of one frozen version, internal or shared."""

    __tablename__ = "annotation"
    __table_args__ = (
        CheckConstraint(
            "(resolved = false AND resolved_at IS NULL AND resolved_by_id IS NULL)"
            " OR (resolved = true AND resolved_at IS NOT NULL AND resolved_by_id IS NOT NULL)",
            name="resolved_iff_stamped",
        ),
        # Only what the applicant can read can ask the applicant to complete something.
        CheckConstraint(
            "requests_completion = false OR shared_with_applicant = true",
            name="completion_request_is_shared",
        ),
        Index("ix_annotation_app_open", "application_id", "resolved"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    application_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    # The frozen version (ApplicationVersion.number) the annotation was made on.
    version_number: int
    section: str = Field(sa_column=Column(String(40), nullable=False))
    quote: str | None = _text()
    body: str = _text(nullable=False)
    shared_with_applicant: bool = Field(default=False, nullable=False)
    requests_completion: bool = Field(default=False, nullable=False)
    author_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()
    resolved: bool = Field(default=False, nullable=False)
    resolved_at: datetime | None = _optional_stamp()
    resolved_by_id: int | None = _fk("app_user.id", nullable=True, index=False)
    version: int = _version()

    replies: list["AnnotationReply"] = _children("AnnotationReply.id")


class AnnotationReply(SQLModel, table=True):
    """One reply in an annotation's thread."""

    __tablename__ = "annotation_reply"

    id: int | None = Field(default=None, primary_key=True)
    annotation_id: int = _fk("annotation.id", ondelete="CASCADE")
    body: str = _text(nullable=False)
    author_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()


class Recommendation(SQLModel, table=True):
    """The beredningsgrupp's recommendation (a referral back may bring a second one)."""

    __tablename__ = "recommendation"
    __table_args__ = (
        CheckConstraint(_in("recommendation", RECOMMENDATIONS), name="recommendation_known"),
        CheckConstraint(
            "recommendation <> 'approve_with_conditions'"
            " OR (conditions IS NOT NULL AND conditions <> '')",
            name="conditions_when_conditional",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    version_number: int
    recommendation: str = Field(sa_column=Column(String(30), nullable=False))
    motivation: str = _text(nullable=False)
    conditions: str | None = _text()
    # Why the group recommends although shared requests for completion are still open.
    override_reason: str | None = _text()
    author_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()

    author: "User" = _view()


class Proposal(SQLModel, table=True):
    """The officer's proposal to the board (tjänsteskrivelse), as sent with `propose`."""

    __tablename__ = "proposal"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    version_number: int
    text: str = _text(nullable=False)
    author_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()

    author: "User" = _view()


class MailMessage(SQLModel, table=True):
    """Transactional outbox: written with the step, delivered after the commit, retried."""

    __tablename__ = "mail_message"
    __table_args__ = (
        CheckConstraint(
            _in("status", ("pending", "sent", "logged", "failed")), name="status_known"
        ),
        CheckConstraint(
            "(status IN ('sent', 'logged')) = (sent_at IS NOT NULL)", name="sent_iff_at"
        ),
        Index("ix_mail_message_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int | None = _fk("association.id", nullable=True)
    to_email: str = Field(sa_column=Column(String(limits.EMAIL_MAX), nullable=False))
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    body: str = _text(nullable=False)
    # What caused it (e.g. "request_completion"), for the outbox page and the log.
    event: str = Field(sa_column=Column(String(60), nullable=False))
    application_id: int | None = _fk("application.id", nullable=True, index=False)
    status: str = Field(default="pending", sa_column=Column(String(10), nullable=False))
    attempts: int = Field(default=0, nullable=False)
    last_error: str | None = _text()
    created_at: datetime = _stamp()
    next_attempt_at: datetime = _stamp()
    sent_at: datetime | None = _optional_stamp()


MEETING_STATES = tuple(s.value for s in MeetingState)
DECISION_OUTCOMES = ("approve", "approve_with_conditions", "reject", "refer_back")


class Meeting(Versioned, SQLModel, table=True):
    """A board meeting (styrelsemöte): planned → open → closed → protocol_signed."""

    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint(_in("state", MEETING_STATES), name="state_known"),
        # Each state carries the stamps of the steps that led to it, and no others.
        CheckConstraint(
            f"(opened_at IS NULL) = (state = '{MeetingState.PLANNED}')",
            name="opened_iff_not_planned",
        ),
        CheckConstraint(
            f"(closed_at IS NULL) = ({_in('state', [s for s in MeetingState if s not in HELD])})",
            name="closed_iff_held",
        ),
        CheckConstraint(
            f"(signed_at IS NULL) = (state <> '{MeetingState.PROTOCOL_SIGNED}')",
            name="signed_iff_signed",
        ),
        CheckConstraint("opened_at IS NULL OR chair_id IS NOT NULL", name="opened_has_chair"),
        CheckConstraint(
            "signed_at IS NULL OR (signed_by_id IS NOT NULL AND justerare_id IS NOT NULL)",
            name="signed_has_signatories",
        ),
        Index("ix_meeting_assoc_date", "association_id", "date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    date: date
    state: str = Field(
        default=MeetingState.PLANNED.value, sa_column=Column(String(20), nullable=False)
    )
    location: str | None = Field(default=None, sa_column=Column(String(limits.NAME_MAX)))
    # The meeting's own clock times (Swedish), as the protocol prints them: the start given
    # when it is planned, the end when it closes. opened_at/closed_at are when the chair clicked.
    starts_at: time | None = Field(default=None, sa_column=Column(Time))
    ends_at: time | None = Field(default=None, sa_column=Column(Time))
    created_at: datetime = _stamp()
    opened_at: datetime | None = _optional_stamp()
    closed_at: datetime | None = _optional_stamp()
    signed_at: datetime | None = _optional_stamp()
    # Who chaired (opened) the meeting, who signed the protocol, and the member chosen to
    # check it with the chair (justerare).
    chair_id: int | None = _fk("app_user.id", nullable=True, index=False)
    signed_by_id: int | None = _fk("app_user.id", nullable=True, index=False)
    justerare_id: int | None = _fk("app_user.id", nullable=True, index=False)
    version: int = _version()

    agenda_items: list["AgendaItem"] = _view("(AgendaItem.position, AgendaItem.id)")
    attendance: list["Attendance"] = _view("Attendance.id")


# What a decision is about: a grant, admission to long-term financing (LIV), or a LIV year.
DECISION_MATTERS = ("grant", "liv_admission", "liv_year")


class Decision(SQLModel, table=True):
    """A decision on an application: by the board at a meeting (a §), or by delegation."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(_in("outcome", DECISION_OUTCOMES), name="outcome_known"),
        CheckConstraint(
            "outcome <> 'approve_with_conditions' OR (conditions IS NOT NULL AND conditions <> '')",
            name="conditions_when_conditional",
        ),
        # A board decision has its meeting and paragraph; a delegated one has neither.
        CheckConstraint(
            "(delegated = true AND meeting_id IS NULL AND paragraph IS NULL)"
            " OR (delegated = false AND meeting_id IS NOT NULL AND paragraph IS NOT NULL"
            " AND paragraph_year IS NOT NULL)",
            name="board_or_delegated",
        ),
        CheckConstraint(
            "delegated = false OR outcome IN ('approve', 'reject')", name="delegated_outcomes"
        ),
        # A delegated decision names the delegate the delegationsordning gave it to.
        CheckConstraint(
            f"(delegated = true) = (delegate IS NOT NULL) AND (delegate IS NULL"
            f" OR {_in('delegate', DELEGATES)})",
            name="delegate_when_delegated",
        ),
        CheckConstraint(
            "casting_vote IS NULL OR (delegated = false AND casting_vote IN ('yes', 'no'))",
            name="casting_vote_known",
        ),
        # A board decision records how many seats the board had and how many were filled.
        CheckConstraint("(delegated = true) = (quorum_seats IS NULL)", name="board_has_quorum"),
        CheckConstraint(_in("matter", DECISION_MATTERS), name="matter_known"),
        CheckConstraint(
            "(quorum_seats IS NULL) = (quorum_present IS NULL)", name="quorum_both_or_none"
        ),
        # One decision per item and meeting; paragraphs are never reused within a year.
        UniqueConstraint("meeting_id", "application_id"),
        UniqueConstraint("association_id", "paragraph_year", "paragraph"),
        Index("ix_decision_application", "application_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    application_id: int = _fk("application.id", index=False)
    meeting_id: int | None = _fk("meeting.id", nullable=True, index=False)
    paragraph_year: int | None = None
    paragraph: int | None = None
    delegated: bool = Field(default=False, nullable=False)
    # Who decided by delegation (director, chair, working_committee), and whether the
    # delegationsordning's row has it reported to the board (anmälan on the next agenda).
    delegate: str | None = Field(default=None, sa_column=Column(String(30)))
    report_to_board: bool = Field(default=True, nullable=False)
    outcome: str = Field(sa_column=Column(String(30), nullable=False))
    conditions: str | None = _text()
    # The board's questions when it refers an application back (återremiss).
    questions: str | None = _text()
    decided_by_id: int = _fk("app_user.id", index=False)
    decided_at: datetime = _stamp()
    # On a tie the chair's casting vote (utslagsröst) decides: the side it fell on.
    casting_vote: str | None = Field(default=None, sa_column=Column(String(10)))
    # The board's seats and how many were filled for this item (jäviga left out).
    quorum_seats: int | None = None
    quorum_present: int | None = None
    # What was decided: a grant, admission to LIV, or one year of LIV financing.
    matter: str = Field(default="grant", sa_column=Column(String(20), nullable=False))
    # Why the board granted more than was applied for (printed in the §).
    excess_reason: str | None = _text()

    amounts: list["DecisionAmount"] = _children("DecisionAmount.year")
    votes: list["Vote"] = _children("Vote.id")
    dissents: list["Dissent"] = _children("Dissent.id")


class DecisionAmount(SQLModel, table=True):
    """What a decision grants for one year; the budget counts these as committed."""

    __tablename__ = "decision_amount"
    __table_args__ = (
        UniqueConstraint("decision_id", "year"),
        _amount_range("amount_sek"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = _fk("decision.id", ondelete="CASCADE")
    year: int
    amount_sek: int = _kronor()


class AgendaItem(SQLModel, table=True):
    """One item (ärende) on a meeting's agenda, with its § once the meeting is held.

    An application to decide, the report of a delegated decision, or an item by title: a
    beslutsärende with its proposal, an informationsärende, a standard item of every
    protocol, or a question raised at the meeting. Listed → decided | tabled (the engine).
    """

    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "application_id"),
        # A delegated decision is reported to the board once.
        UniqueConstraint("decision_id"),
        CheckConstraint(_in("kind", AGENDA_KINDS), name="kind_known"),
        CheckConstraint(_in("state", [s.value for s in ItemState]), name="state_known"),
        CheckConstraint(
            f"(kind = '{REPORT_ITEM}') = (decision_id IS NOT NULL)", name="report_has_decision"
        ),
        # An application item and a report name their application; any other item its title.
        CheckConstraint(
            f"(kind IN ('{APPLICATION_ITEM}', '{REPORT_ITEM}')) = (application_id IS NOT NULL)",
            name="application_when_application_kind",
        ),
        CheckConstraint(
            f"kind IN ('{APPLICATION_ITEM}', '{REPORT_ITEM}') OR title IS NOT NULL",
            name="title_when_own_item",
        ),
        CheckConstraint(
            "(paragraph IS NULL) = (paragraph_year IS NULL)", name="paragraph_with_year"
        ),
        CheckConstraint("position >= 1", name="position_positive"),
        UniqueConstraint("meeting_id", "paragraph"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE")
    application_id: int | None = _fk("application.id", nullable=True, index=False)
    position: int
    kind: str = Field(default=APPLICATION_ITEM, sa_column=Column(String(20), nullable=False))
    state: str = Field(default=ItemState.LISTED.value, sa_column=Column(String(10), nullable=False))
    decision_id: int | None = _fk("decision.id", nullable=True, index=False)
    paragraph_year: int | None = None
    paragraph: int | None = None
    # An item by title: its heading, diary number, the officer's proposal (förslag till
    # beslut, the tjänsteskrivelse's text) and the board's decision as written in the §.
    title: str | None = Field(default=None, sa_column=Column(String(limits.TITLE_MAX)))
    diary_number: str | None = Field(default=None, sa_column=Column(String(40)))
    proposal: str | None = _text()
    decision_text: str | None = _text()
    decided_at: datetime | None = _optional_stamp()
    decided_by_id: int | None = _fk("app_user.id", nullable=True, index=False)
    # Which standard item this is (opening, justerare, agenda, previous_minutes, closing).
    standard: str | None = Field(default=None, sa_column=Column(String(20)))
    # Added at the open meeting by the board's decision (övriga frågor, extra ärenden).
    added_at_meeting: bool = Field(default=False, nullable=False)
    created_at: datetime = _stamp()


class Attendance(SQLModel, table=True):
    """Whether one board member (ledamot or ersättare) is present at a meeting."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint(_in("seat", SEATS), name="seat_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE")
    user_id: int = _fk("app_user.id", index=False)
    # The member organisation the person sits for, and as what (from the board grant).
    member_id: int = _fk("member.id", index=False)
    seat: str = Field(sa_column=Column(String(10), nullable=False))
    present: bool = Field(default=False, nullable=False)
    updated_at: datetime = _stamp()


class Vote(SQLModel, table=True):
    """One voter's vote on a board decision: for approval (yes), against (no), or abstaining."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("decision_id", "user_id"),
        CheckConstraint(_in("vote", VOTES), name="vote_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = _fk("decision.id", ondelete="CASCADE")
    user_id: int = _fk("app_user.id", index=False)
    vote: str = Field(sa_column=Column(String(10), nullable=False))


class Dissent(SQLModel, table=True):
    """A reservation (dissent with written reasons) or a lighter note in the minutes."""

    __tablename__ = "dissent"
    __table_args__ = (
        UniqueConstraint("decision_id", "user_id", "kind"),
        CheckConstraint(_in("kind", DISSENT_KINDS), name="kind_known"),
        CheckConstraint("text <> ''", name="text_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = _fk("decision.id", ondelete="CASCADE")
    user_id: int = _fk("app_user.id", index=False)
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    text: str = _text(nullable=False)


class Recusal(SQLModel, table=True):
    """A board member who is jävig on an item: recorded, and out of its quorum and vote."""

    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("meeting_id", "application_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE")
    application_id: int = _fk("application.id", index=False)
    user_id: int = _fk("app_user.id", index=False)
    reason: str | None = _text()
    created_at: datetime = _stamp()


class ParagraphCounter(SQLModel, table=True):
    """The last paragraph (§) number given per association and year (row-locked on use)."""

    __tablename__ = "paragraph_counter"

    association_id: int = Field(
        sa_column=Column(Integer, ForeignKey("association.id"), primary_key=True)
    )
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last_paragraph: int = Field(default=0, nullable=False)


# The tables of later stages live in their own modules; importing them here registers
# them on SQLModel.metadata wherever `workflow.models` is imported.
from workflow.models import (  # noqa: E402, F401
    classification,
    delegations,
    idempotency,
    kallelse,
    liv,
    protocols,
    reports,
    security,
    shares,
    statistics,
)
