"""liv and statistics: yearly LIV decisions, uppdragsavtal, socio-economic parameters

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op  # noqa: F401


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
