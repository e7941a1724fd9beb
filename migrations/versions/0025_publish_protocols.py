"""publish protocols: whether the anslagstavla links each signed protocol's PDF

A samordningsförbund announces its protocols on a public notice board (kommunallagen 8 kap.
12 §). Off by default: the notice then says where the protocol is kept.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("association") as batch_op:
        batch_op.add_column(
            sa.Column("publish_protocols", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The model has no server default: the column was filled, new rows give the value.
    with op.batch_alter_table("association") as batch_op:
        batch_op.alter_column("publish_protocols", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("association") as batch_op:
        batch_op.drop_column("publish_protocols")
