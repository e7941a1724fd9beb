"""reports: start, reporting plan, yearly and final reports

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_settings',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('annual_due_month', sa.Integer(), nullable=False),
    sa.Column('annual_due_day', sa.Integer(), nullable=False),
    sa.Column('final_due_days', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('annual_due_month BETWEEN 1 AND 12', name=op.f('ck_report_settings_month_range')),
    sa.CheckConstraint('annual_due_day BETWEEN 1 AND 31', name=op.f('ck_report_settings_day_range')),
    sa.CheckConstraint('final_due_days BETWEEN 0 AND 366', name=op.f('ck_report_settings_final_days_range')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_report_settings_association_id_association')),
    sa.PrimaryKeyConstraint('association_id', name=op.f('pk_report_settings'))
    )
    op.create_table('insats_start',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('agreement_date', sa.Date(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_insats_start_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_insats_start_decision_id_decision')),
    sa.ForeignKeyConstraint(['started_by_id'], ['app_user.id'], name=op.f('fk_insats_start_started_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insats_start')),
    sa.UniqueConstraint('application_id', name=op.f('uq_insats_start_application_id'))
    )
    op.create_table('condition_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('position >= 1', name=op.f('ck_condition_confirmation_position_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_condition_confirmation_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_condition_confirmation_decision_id_decision')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['app_user.id'], name=op.f('fk_condition_confirmation_confirmed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_condition_confirmation')),
    sa.UniqueConstraint('decision_id', 'position', name=op.f('uq_condition_confirmation_decision_id_position'))
    )
    with op.batch_alter_table('condition_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_condition_confirmation_application_id'), ['application_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('participants_women', sa.Integer(), nullable=False),
    sa.Column('participants_men', sa.Integer(), nullable=False),
    sa.Column('new_women', sa.Integer(), nullable=False),
    sa.Column('new_men', sa.Integer(), nullable=False),
    sa.Column('ended_women', sa.Integer(), nullable=False),
    sa.Column('ended_men', sa.Integer(), nullable=False),
    sa.Column('costs_sek', sa.BigInteger(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('annual', 'final')", name=op.f('ck_report_kind_known')),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'accepted', 'returned')", name=op.f('ck_report_state_known')),
    sa.CheckConstraint('participants_women >= 0 AND participants_men >= 0 AND new_women >= 0 AND new_men >= 0 AND ended_women >= 0 AND ended_men >= 0', name=op.f('ck_report_counts_nonnegative')),
    sa.CheckConstraint('ended_women <= participants_women AND ended_men <= participants_men AND new_women <= participants_women AND new_men <= participants_men', name=op.f('ck_report_counts_within_participants')),
    sa.CheckConstraint('costs_sek >= 0', name=op.f('ck_report_costs_nonnegative')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2200', name=op.f('ck_report_year_range')),
    sa.CheckConstraint("(state IN ('submitted', 'accepted')) = (submitted_at IS NOT NULL)", name=op.f('ck_report_submitted_iff_at')),
    sa.CheckConstraint("(state = 'accepted') = (accepted_at IS NOT NULL)", name=op.f('ck_report_accepted_iff_at')),
    sa.CheckConstraint("state <> 'returned' OR (return_reason IS NOT NULL AND return_reason <> '')", name=op.f('ck_report_returned_has_reason')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_report_association_id_association')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_report_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_report_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['app_user.id'], name=op.f('fk_report_submitted_by_id_app_user')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['app_user.id'], name=op.f('fk_report_accepted_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('application_id', 'kind', 'year', name=op.f('uq_report_application_id_kind_year'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_report_assoc_state', ['association_id', 'state'], unique=False)
        batch_op.create_index('uq_report_one_final', ['application_id'], unique=True, sqlite_where=sa.text("kind = 'final'"), postgresql_where=sa.text("kind = 'final'"))

    op.create_table('report_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('women', sa.Integer(), nullable=False),
    sa.Column('men', sa.Integer(), nullable=False),
    sa.CheckConstraint("outcome IN ('work', 'subsidised_work', 'studies', 'job_seeking', 'other_support', 'other')", name=op.f('ck_report_outcome_outcome_known')),
    sa.CheckConstraint('women >= 0 AND men >= 0', name=op.f('ck_report_outcome_counts_nonnegative')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_outcome_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_outcome')),
    sa.UniqueConstraint('report_id', 'outcome', name=op.f('uq_report_outcome_report_id_outcome'))
    )
    with op.batch_alter_table('report_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_outcome_report_id'), ['report_id'], unique=False)

    op.create_table('report_goal_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('goal_index', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.CheckConstraint("value <> ''", name=op.f('ck_report_goal_result_value_given')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_goal_result_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_report_goal_result_goal_id_goal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_goal_result')),
    sa.UniqueConstraint('report_id', 'goal_index', name=op.f('uq_report_goal_result_report_id_goal_index'))
    )
    with op.batch_alter_table('report_goal_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_goal_result_report_id'), ['report_id'], unique=False)

    op.create_table('report_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('women', sa.Integer(), nullable=False),
    sa.Column('men', sa.Integer(), nullable=False),
    sa.CheckConstraint("phase IN ('start', 'end')", name=op.f('ck_report_support_phase_known')),
    sa.CheckConstraint("source IN ('salary', 'sickness_benefit', 'activity_compensation', 'unemployment_benefit', 'income_support', 'other')", name=op.f('ck_report_support_source_known')),
    sa.CheckConstraint('women >= 0 AND men >= 0', name=op.f('ck_report_support_counts_nonnegative')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_support_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_support')),
    sa.UniqueConstraint('report_id', 'phase', 'source', name=op.f('uq_report_support_report_id_phase_source'))
    )
    with op.batch_alter_table('report_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_support_report_id'), ['report_id'], unique=False)

    op.create_table('report_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('annual', 'final')", name=op.f('ck_report_reminder_kind_known')),
    sa.CheckConstraint("stage IN ('before', 'overdue')", name=op.f('ck_report_reminder_stage_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_report_reminder_application_id_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_reminder')),
    sa.UniqueConstraint('application_id', 'kind', 'year', 'stage', name=op.f('uq_report_reminder_application_id_kind_year_stage'))
    )


def downgrade() -> None:
    op.drop_table('report_reminder')
    with op.batch_alter_table('report_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_support_report_id'))
    op.drop_table('report_support')
    with op.batch_alter_table('report_goal_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_goal_result_report_id'))
    op.drop_table('report_goal_result')
    with op.batch_alter_table('report_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_outcome_report_id'))
    op.drop_table('report_outcome')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('uq_report_one_final')
        batch_op.drop_index('ix_report_assoc_state')
        batch_op.drop_index(batch_op.f('ix_report_application_id'))
    op.drop_table('report')
    with op.batch_alter_table('condition_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_condition_confirmation_application_id'))
    op.drop_table('condition_confirmation')
    op.drop_table('insats_start')
    op.drop_table('report_settings')
