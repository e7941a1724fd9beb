"""Statistics: the association's socio-economic parameters."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Numeric, String
from sqlmodel import Field, SQLModel

from workflow.models import Versioned, _kronor, _version

# The seeds' method (seeds/000, "Värdering av sysselsättning" and "Tillkommer bl a ökade
# skatteintäkter"): a full-time job (heltid) without subsidy is worth 25 000 kr a month,
# subsidised work 75 % of that, studies 50 %; the work brings tax on 18 000 kr a month,
# 11.76 % to the region and 21.64 % to the municipality.
DEFAULT_FULL_TIME_MONTH_SEK = 25_000
DEFAULT_SUBSIDISED_SHARE = Decimal("0.75")
DEFAULT_STUDIES_SHARE = Decimal("0.5")
DEFAULT_TAXABLE_MONTH_SEK = 18_000
DEFAULT_REGION_TAX_PERCENT = Decimal("11.76")
DEFAULT_MUNICIPAL_TAX_PERCENT = Decimal("21.64")
SOURCE_MAX = 300


class SocioeconomicParameters(Versioned, SQLModel, table=True):
    """What an association counts a heltid as worth, per month, and the tax it brings."""

    __tablename__ = "socioeconomic_parameters"
    __table_args__ = (
        CheckConstraint(
            "full_time_month_sek > 0 AND full_time_month_sek <= 10000000",
            name="full_time_range",
        ),
        CheckConstraint("subsidised_share >= 0 AND subsidised_share <= 1", name="subsidised_range"),
        CheckConstraint("studies_share >= 0 AND studies_share <= 1", name="studies_range"),
        CheckConstraint(
            "taxable_month_sek >= 0 AND taxable_month_sek <= 10000000", name="taxable_range"
        ),
        CheckConstraint(
            "region_tax_percent >= 0 AND region_tax_percent <= 100", name="region_tax_range"
        ),
        CheckConstraint(
            "municipal_tax_percent >= 0 AND municipal_tax_percent <= 100",
            name="municipal_tax_range",
        ),
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
    taxable_month_sek: int = _kronor(default=DEFAULT_TAXABLE_MONTH_SEK)
    region_tax_percent: Decimal = Field(
        default=DEFAULT_REGION_TAX_PERCENT, sa_column=Column(Numeric(5, 2), nullable=False)
    )
    municipal_tax_percent: Decimal = Field(
        default=DEFAULT_MUNICIPAL_TAX_PERCENT, sa_column=Column(Numeric(5, 2), nullable=False)
    )
    # Where the association's own figures come from (a decision, an evaluation); the
    # page shows it beside every parameter that differs from the seeds' default.
    source: str | None = Field(default=None, sa_column=Column(String(SOURCE_MAX)))
    version: int = _version()
