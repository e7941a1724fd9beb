"""The delegationsordning: which matters the board delegates, to whom, up to what amount."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from states.delegation import DELEGATES, MATTERS
from workflow import limits
from workflow.models import _fk, _in, _text


class Delegation(SQLModel, table=True):
    """One row of an association's delegationsordning."""

    __tablename__ = "delegation"
    __table_args__ = (
        CheckConstraint(_in("matter", MATTERS), name="matter_known"),
        CheckConstraint(_in("delegate", DELEGATES), name="delegate_known"),
        CheckConstraint(
            f"limit_sek IS NULL OR (limit_sek >= 0 AND limit_sek <= {limits.AMOUNT_MAX})",
            name="limit_range",
        ),
        CheckConstraint("position >= 1", name="position_positive"),
        # A matter is delegated to one delegate once.
        UniqueConstraint("association_id", "matter", "delegate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id")
    position: int
    matter: str = Field(sa_column=Column(String(30), nullable=False))
    delegate: str = Field(sa_column=Column(String(30), nullable=False))
    # The highest amount (the application's total and the total granted) the delegate may
    # decide; None: no limit.
    limit_sek: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    report_to_board: bool = Field(default=True, nullable=False)
    # The row as the delegationsordning words it (optional).
    note: str | None = _text()
