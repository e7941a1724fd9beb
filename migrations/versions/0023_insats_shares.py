"""insats shares: other associations' parts in financing a shared insats

IT-spåret is financed by the three associations of Jönköpings län (seeds/001); it is one
insats, led by one association, with each co-financing association's share in whole percent.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insats_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("percent BETWEEN 1 AND 99", name=op.f("ck_insats_share_percent_range")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_insats_share_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_insats_share_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
            name=op.f("fk_insats_share_recorded_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insats_share")),
        sa.UniqueConstraint(
            "application_id",
            "association_id",
            name=op.f("uq_insats_share_application_id_association_id"),
        ),
    )
    op.create_index(
        op.f("ix_insats_share_association_id"), "insats_share", ["association_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_insats_share_association_id"), table_name="insats_share")
    op.drop_table("insats_share")
