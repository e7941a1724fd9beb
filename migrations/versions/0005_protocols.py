"""protocols: justering, posting, extracts

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'protocol_signature',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('chair', 'justerare')", name=op.f('ck_protocol_signature_role_known')
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'],
            name=op.f('fk_protocol_signature_meeting_id_meeting'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['app_user.id'], name=op.f('fk_protocol_signature_user_id_app_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_signature')),
        sa.UniqueConstraint(
            'meeting_id', 'role', name=op.f('uq_protocol_signature_meeting_id_role')
        ),
        sa.UniqueConstraint(
            'meeting_id', 'user_id', name=op.f('uq_protocol_signature_meeting_id_user_id')
        ),
    )
    with op.batch_alter_table('protocol_signature', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_protocol_signature_meeting_id'), ['meeting_id'], unique=False
        )
    op.create_table(
        'protocol_posting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('posted_on', sa.Date(), nullable=False),
        sa.Column('kept_at', sa.String(length=200), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kept_at <> ''", name=op.f('ck_protocol_posting_kept_at_given')),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'],
            name=op.f('fk_protocol_posting_meeting_id_meeting'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'], ['app_user.id'],
            name=op.f('fk_protocol_posting_recorded_by_id_app_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_posting')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_protocol_posting_meeting_id')),
    )


def downgrade() -> None:
    op.drop_table('protocol_posting')
    with op.batch_alter_table('protocol_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protocol_signature_meeting_id'))
    op.drop_table('protocol_signature')
