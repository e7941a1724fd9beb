"""indexes for the lists at scale: applications newest first, per association and overall

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The dashboards and lists order by updated_at (newest first) within the associations the
    # user sees; with these the database reads one page of the index instead of sorting all.
    op.create_index("ix_application_assoc_updated", "application", ["association_id", "updated_at"])
    op.create_index("ix_application_updated", "application", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_application_updated", table_name="application")
    op.drop_index("ix_application_assoc_updated", table_name="application")
