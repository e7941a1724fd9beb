"""Statistics: the association's socio-economic parameters."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Numeric
from sqlmodel import Field, SQLModel

from workflow.models import Versioned, _kronor, _version

# The seeds' figures: a full-time job without subsidy is worth 24,732 kr a month, subsidised
# work 75 % of that, studies 50 % (seed 001's socio-economic estimate).
DEFAULT_FULL_TIME_MONTH_SEK = 24_732
DEFAULT_SUBSIDISED_SHARE = Decimal("0.75")
DEFAULT_STUDIES_SHARE = Decimal("0.5")


class SocioeconomicParameters(Versioned, SQLModel, table=True):
    """What an association counts an outcome as worth, per month, in its estimate."""

    __tablename__ = "socioeconomic_parameters"
    __table_args__ = (
        CheckConstraint(
            "full_time_month_sek > 0 AND full_time_month_sek <= 10000000",
            name="full_time_range",
        ),
        CheckConstraint("subsidised_share >= 0 AND subsidised_share <= 1", name="subsidised_range"),
        CheckConstraint("studies_share >= 0 AND studies_share <= 1", name="studies_range"),
    )

    association_id: int = Field(
        sa_column=Column(Integer, ForeignKey("association.id"), primary_key=True)
    )
    full_time_month_sek: int = _kronor(default=DEFAULT_FULL_TIME_MONTH_SEK)
    subsidised_share: Decimal = Field(
        default=DEFAULT_SUBSIDISED_SHARE, sa_column=Column(Numeric(4, 3), nullable=False)
    )
    studies_share: Decimal = Field(
        default=DEFAULT_STUDIES_SHARE, sa_column=Column(Numeric(4, 3), nullable=False)
    )
    version: int = _version()
