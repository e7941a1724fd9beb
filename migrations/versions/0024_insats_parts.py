"""insats parts: the individual and the structural part of a mixed insats

Projekt Efterstöd is half structural, half individual (seeds/001); the national follow-up
registers it as two insatser with distinct names. Each part is its own application; a row of
insats_part ties the two together.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insats_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_id <> second_id", name=op.f("ck_insats_part_two_applications")),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["application.id"],
            name=op.f("fk_insats_part_first_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["application.id"],
            name=op.f("fk_insats_part_second_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_insats_part_created_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insats_part")),
        sa.UniqueConstraint("first_id", name=op.f("uq_insats_part_first_id")),
        sa.UniqueConstraint("second_id", name=op.f("uq_insats_part_second_id")),
    )


def downgrade() -> None:
    op.drop_table("insats_part")
