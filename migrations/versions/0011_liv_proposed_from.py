"""liv_proposed_from: where an insats stood when LIV was proposed, kept on the application

A refused LIV proposal returns the insats there (active or closed); the engine reads it from
the row instead of the audit log. Filled from the audit log for the proposals already made.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liv_proposed_from", sa.String(length=30), nullable=True))
    op.execute(
        "UPDATE application SET liv_proposed_from = ("
        " SELECT e.from_state FROM audit_event e"
        " WHERE e.entity_type = 'application' AND e.entity_id = application.id"
        " AND e.action = 'propose_liv' ORDER BY e.id DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("liv_proposed_from")
