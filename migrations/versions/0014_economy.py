"""economy: contribution keys per year, budget lines, closing a year, members that leave

A year's local half follows the förbundsordning's key (population per year, equal or fixed
amounts, with a rounding unit); a budget has cost lines with budget, forecast and outcome; a
closed year keeps its real result; a member that leaves is deactivated; the association may
set its own capital limit.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.alter_column("active", server_default=None)
    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capital_limit_percent", sa.Integer(), nullable=True))
    with op.batch_alter_table("association_budget", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_result_sek", sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            "closed_has_result", "(closed_on IS NULL) = (closed_result_sek IS NULL)"
        )
    op.create_table(
        "association_budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("budget_sek", sa.BigInteger(), nullable=False),
        sa.Column("forecast_sek", sa.BigInteger(), nullable=True),
        sa.Column("outcome_sek", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "category IN ('insats', 'new_insatser', 'structural', 'competence', 'admin')",
            name=op.f("ck_association_budget_line_category_known"),
        ),
        sa.CheckConstraint(
            "budget_sek >= 0 AND (forecast_sek IS NULL OR forecast_sek >= 0)"
            " AND (outcome_sek IS NULL OR outcome_sek >= 0)",
            name=op.f("ck_association_budget_line_amounts_range"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["association_budget.id"],
            name=op.f("fk_association_budget_line_budget_id_association_budget"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_association_budget_line_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_budget_line")),
        sa.UniqueConstraint(
            "budget_id", "position", name=op.f("uq_association_budget_line_budget_id_position")
        ),
    )
    with op.batch_alter_table("association_budget_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_association_budget_line_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_association_budget_line_application_id"), ["application_id"], unique=False
        )
    op.create_table(
        "contribution_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("rounding_sek", sa.Integer(), nullable=False),
        sa.Column("remainder_member_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "basis IN ('population', 'equal', 'fixed')",
            name=op.f("ck_contribution_key_basis_known"),
        ),
        sa.CheckConstraint(
            "rounding_sek IN (1, 1000)", name=op.f("ck_contribution_key_rounding_known")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_contribution_key_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["remainder_member_id"],
            ["member.id"],
            name=op.f("fk_contribution_key_remainder_member_id_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution_key")),
        sa.UniqueConstraint(
            "association_id", "year", name=op.f("uq_contribution_key_association_id_year")
        ),
    )
    with op.batch_alter_table("contribution_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contribution_key_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contribution_key_remainder_member_id"),
            ["remainder_member_id"],
            unique=False,
        )
    op.create_table(
        "contribution_key_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("amount_sek", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "population IS NULL OR (population >= 0 AND population <= 20000000)",
            name=op.f("ck_contribution_key_member_population_range"),
        ),
        sa.CheckConstraint(
            "amount_sek IS NULL OR amount_sek >= 0",
            name=op.f("ck_contribution_key_member_amount_range"),
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["contribution_key.id"],
            name=op.f("fk_contribution_key_member_key_id_contribution_key"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_contribution_key_member_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution_key_member")),
        sa.UniqueConstraint(
            "key_id", "member_id", name=op.f("uq_contribution_key_member_key_id_member_id")
        ),
    )
    with op.batch_alter_table("contribution_key_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contribution_key_member_key_id"), ["key_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contribution_key_member_member_id"), ["member_id"], unique=False
        )


    op.create_table(
        "economy_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("granted", sa.Boolean(), nullable=True),
        sa.Column("present_member_ids", sa.JSON(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('member_consultation', 'budget_decision', 'annual_report',"
            " 'audit_report', 'discharge')",
            name=op.f("ck_economy_record_kind_known"),
        ),
        sa.CheckConstraint(
            "(kind = 'discharge') = (member_id IS NOT NULL AND granted IS NOT NULL)",
            name=op.f("ck_economy_record_discharge_has_member"),
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_economy_record_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_economy_record_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
            name=op.f("fk_economy_record_recorded_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_economy_record")),
    )
    with op.batch_alter_table("economy_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_economy_record_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_economy_record_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("economy_record")
    op.drop_table("contribution_key_member")
    op.drop_table("contribution_key")
    op.drop_table("association_budget_line")
    with op.batch_alter_table("association_budget", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_association_budget_closed_has_result"), type_="check")
        batch_op.drop_column("closed_result_sek")
        batch_op.drop_column("closed_on")
    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.drop_column("capital_limit_percent")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("active")
