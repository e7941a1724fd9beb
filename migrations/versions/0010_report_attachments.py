"""report attachments: a file may belong to a yearly or final report of its application

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: an application's own files have no report. A report's file keeps the
    # application_id of the report's application, so who may see it is decided as before.
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attachment_report_id_report"),
            "report",
            ["report_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_attachment_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_report_id"))
        batch_op.drop_constraint(batch_op.f("fk_attachment_report_id_report"), type_="foreignkey")
        batch_op.drop_column("report_id")
