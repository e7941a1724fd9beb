"""LIV: long-term integrated activities, their yearly decisions and uppdragsavtal."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow import limits
from workflow.models import _children, _fk, _stamp


class LivYear(SQLModel, table=True):
    """The board's financing decision for one year of a LIV activity (one per year)."""

    __tablename__ = "liv_year"
    __table_args__ = (
        # A year is financed once; a second decision for it is refused (409).
        UniqueConstraint("application_id", "year"),
        UniqueConstraint("decision_id"),
        CheckConstraint(f"year BETWEEN {limits.YEAR_MIN} AND {limits.YEAR_MAX}", name="year_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    application_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    year: int
    # The board decision (§) granting the year's amount; its DecisionAmount is the budget's.
    decision_id: int = _fk("decision.id", index=False)
    created_at: datetime = _stamp()


class LivAgreement(SQLModel, table=True):
    """An uppdragsavtal: the agreement under which a LIV activity runs, signed by its parties."""

    __tablename__ = "liv_agreement"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="period_order"),
        CheckConstraint("signed_on <= end_date", name="signed_within_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    start_date: date
    end_date: date
    signed_on: date
    reference: str | None = Field(default=None, sa_column=Column(String(limits.NAME_MAX)))
    recorded_by_id: int = _fk("app_user.id", index=False)
    recorded_at: datetime = _stamp()

    parties: list["LivAgreementParty"] = _children("LivAgreementParty.member_id")


class LivAgreementParty(SQLModel, table=True):
    """A member organisation that is party to an uppdragsavtal."""

    __tablename__ = "liv_agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = _fk("liv_agreement.id", ondelete="CASCADE")
    member_id: int = _fk("member.id", index=False)
