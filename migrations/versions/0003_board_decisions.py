"""board decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 07:55:38.056757
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('planned', 'open', 'closed', 'protocol_signed')", name=op.f('ck_meeting_state_known')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_meeting_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_assoc_date', ['association_id', 'date'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('paragraph_year', sa.Integer(), nullable=True),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('delegated', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('questions', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("delegated = false OR outcome IN ('approve', 'reject')", name=op.f('ck_decision_delegated_outcomes')),
    sa.CheckConstraint("outcome <> 'approve_with_conditions' OR (conditions IS NOT NULL AND conditions <> '')", name=op.f('ck_decision_conditions_when_conditional')),
    sa.CheckConstraint("outcome IN ('approve', 'approve_with_conditions', 'reject', 'refer_back')", name=op.f('ck_decision_outcome_known')),
    sa.CheckConstraint('(delegated = true AND meeting_id IS NULL AND paragraph IS NULL) OR (delegated = false AND meeting_id IS NOT NULL AND paragraph IS NOT NULL AND paragraph_year IS NOT NULL)', name=op.f('ck_decision_board_or_delegated')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_decision_application_id_application')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_decision_association_id_association')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_decision_decided_by_id_app_user')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_decision_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('association_id', 'paragraph_year', 'paragraph', name=op.f('uq_decision_association_id_paragraph_year_paragraph')),
    sa.UniqueConstraint('meeting_id', 'application_id', name=op.f('uq_decision_meeting_id_application_id'))
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index('ix_decision_application', ['application_id'], unique=False)

    op.create_table('decision_amount',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_sek', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_sek >= 0 AND amount_sek <= 100000000', name=op.f('ck_decision_amount_amount_range')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_decision_amount_decision_id_decision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_amount')),
    sa.UniqueConstraint('decision_id', 'year', name=op.f('uq_decision_amount_decision_id_year'))
    )
    with op.batch_alter_table('decision_amount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_amount_decision_id'), ['decision_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('decision_amount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_amount_decision_id'))

    op.drop_table('decision_amount')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_application')

    op.drop_table('decision')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_assoc_date')

    op.drop_table('meeting')
    
