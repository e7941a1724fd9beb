"""heltider: full-time equivalents per outcome; the seeds' socio-economic method

A report's outcomes work, subsidised work and studies carry their heltider (full-time
equivalents) beside the persons, as seeds/000 counts them ("12 kvinnor, 14 män (20,5
heltider)"). The association's socio-economic parameters gain the tax part of the seeds'
method (the taxable wage a month, the region's and the municipality's tax rate) and the
source of the association's own figures. Rows stored before keep their values; the tax part
starts at the seeds' figures.

Revision ID: 0020_heltider
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_heltider"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_outcome", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("full_time_equivalents", sa.Numeric(precision=8, scale=2), nullable=True)
        )
        batch_op.create_check_constraint(
            op.f("ck_report_outcome_full_time_within_persons"),
            "full_time_equivalents IS NULL OR (full_time_equivalents >= 0"
            " AND full_time_equivalents <= women + men)",
        )
    with op.batch_alter_table("socioeconomic_parameters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("taxable_month_sek", sa.BigInteger(), nullable=False, server_default="18000")
        )
        batch_op.add_column(
            sa.Column(
                "region_tax_percent",
                sa.Numeric(precision=5, scale=2),
                nullable=False,
                server_default="11.76",
            )
        )
        batch_op.add_column(
            sa.Column(
                "municipal_tax_percent",
                sa.Numeric(precision=5, scale=2),
                nullable=False,
                server_default="21.64",
            )
        )
        batch_op.add_column(sa.Column("source", sa.String(length=300), nullable=True))
    # The model has no server defaults: they only filled the rows stored before.
    with op.batch_alter_table("socioeconomic_parameters", schema=None) as batch_op:
        batch_op.alter_column("taxable_month_sek", server_default=None)
        batch_op.alter_column("region_tax_percent", server_default=None)
        batch_op.alter_column("municipal_tax_percent", server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_socioeconomic_parameters_taxable_range"),
            "taxable_month_sek >= 0 AND taxable_month_sek <= 10000000",
        )
        batch_op.create_check_constraint(
            op.f("ck_socioeconomic_parameters_region_tax_range"),
            "region_tax_percent >= 0 AND region_tax_percent <= 100",
        )
        batch_op.create_check_constraint(
            op.f("ck_socioeconomic_parameters_municipal_tax_range"),
            "municipal_tax_percent >= 0 AND municipal_tax_percent <= 100",
        )


def downgrade() -> None:
    with op.batch_alter_table("socioeconomic_parameters", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_socioeconomic_parameters_municipal_tax_range"), type_="check"
        )
        batch_op.drop_constraint(
            op.f("ck_socioeconomic_parameters_region_tax_range"), type_="check"
        )
        batch_op.drop_constraint(op.f("ck_socioeconomic_parameters_taxable_range"), type_="check")
        batch_op.drop_column("source")
        batch_op.drop_column("municipal_tax_percent")
        batch_op.drop_column("region_tax_percent")
        batch_op.drop_column("taxable_month_sek")
    with op.batch_alter_table("report_outcome", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_report_outcome_full_time_within_persons"), type_="check")
        batch_op.drop_column("full_time_equivalents")
