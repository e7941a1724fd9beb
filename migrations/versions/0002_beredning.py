"""beredning: endorsements, annotations, recommendations, proposals, mail outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:01:37.495707
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('shared_with_applicant', sa.Boolean(), nullable=False),
    sa.Column('requests_completion', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('(resolved = false AND resolved_at IS NULL AND resolved_by_id IS NULL) OR (resolved = true AND resolved_at IS NOT NULL AND resolved_by_id IS NOT NULL)', name=op.f('ck_annotation_resolved_iff_stamped')),
    sa.CheckConstraint('requests_completion = false OR shared_with_applicant = true', name=op.f('ck_annotation_completion_request_is_shared')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_annotation_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_annotation_association_id_association')),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_annotation_author_id_app_user')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['app_user.id'], name=op.f('fk_annotation_resolved_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation'))
    )
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.create_index('ix_annotation_app_open', ['application_id', 'resolved'], unique=False)

    op.create_table('endorsement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("decision = 'endorse' OR (comment IS NOT NULL AND comment <> '')", name=op.f('ck_endorsement_decline_has_comment')),
    sa.CheckConstraint("decision IN ('endorse', 'decline')", name=op.f('ck_endorsement_decision_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_endorsement_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_endorsement_member_id_member')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_endorsement_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsement')),
    sa.UniqueConstraint('application_id', 'member_id', name=op.f('uq_endorsement_application_id_member_id'))
    )
    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endorsement_application_id'), ['application_id'], unique=False)

    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('to_email', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status IN ('sent', 'logged')) = (sent_at IS NOT NULL)", name=op.f('ck_mail_message_sent_iff_at')),
    sa.CheckConstraint("status IN ('pending', 'sent', 'logged', 'failed')", name=op.f('ck_mail_message_status_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_mail_message_application_id_application')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_mail_message_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_message'))
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_association_id'), ['association_id'], unique=False)
        batch_op.create_index('ix_mail_message_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_proposal_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_proposal_author_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_application_id'), ['application_id'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.String(length=30), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("recommendation <> 'approve_with_conditions' OR (conditions IS NOT NULL AND conditions <> '')", name=op.f('ck_recommendation_conditions_when_conditional')),
    sa.CheckConstraint("recommendation IN ('approve', 'approve_with_conditions', 'reject')", name=op.f('ck_recommendation_recommendation_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_recommendation_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_recommendation_author_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_application_id'), ['application_id'], unique=False)

    op.create_table('annotation_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['annotation_id'], ['annotation.id'], name=op.f('fk_annotation_reply_annotation_id_annotation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_annotation_reply_author_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_reply'))
    )
    with op.batch_alter_table('annotation_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_reply_annotation_id'), ['annotation_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('annotation_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_reply_annotation_id'))

    op.drop_table('annotation_reply')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_application_id'))

    op.drop_table('recommendation')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_application_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_message_due')
        batch_op.drop_index(batch_op.f('ix_mail_message_association_id'))

    op.drop_table('mail_message')
    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsement_application_id'))

    op.drop_table('endorsement')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index('ix_annotation_app_open')

    op.drop_table('annotation')
    
