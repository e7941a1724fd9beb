"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 06:13:28.942833
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('email', name=op.f('uq_app_user_email'))
    )
    op.create_table('association',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('diary_prefix', sa.String(length=20), nullable=False),
    sa.Column('delegation_limit_sek', sa.BigInteger(), nullable=False),
    sa.Column('require_partner_endorsement', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('delegation_limit_sek >= 0', name=op.f('ck_association_delegation_limit_nonnegative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association')),
    sa.UniqueConstraint('slug', name=op.f('uq_association_slug'))
    )
    op.create_table('audit_chain_head',
    sa.Column('chain_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain_id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_token_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_audit_event_actor_id_app_user')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_audit_event_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('chain_id', 'seq', name=op.f('uq_audit_event_chain_id_seq'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('diary_counter',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_diary_counter_association_id_association')),
    sa.PrimaryKeyConstraint('association_id', 'year', name=op.f('pk_diary_counter'))
    )
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('party', sa.String(length=20), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("party IN ('af', 'fk', 'region', 'municipality')", name=op.f('ck_member_party_known')),
    sa.CheckConstraint('population IS NULL OR (population >= 0 AND population <= 20000000)', name=op.f('ck_member_population_range')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_member_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('association_id', 'name', name=op.f('uq_member_association_id_name'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_association_id'), ['association_id'], unique=False)

    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('lead_member_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('target_group', sa.Text(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('participants_women', sa.Integer(), nullable=True),
    sa.Column('participants_men', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('follow_up_plan', sa.Text(), nullable=True),
    sa.Column('gender_equality_plan', sa.Text(), nullable=True),
    sa.Column('continuation_plan', sa.Text(), nullable=True),
    sa.Column('steering_group', sa.Text(), nullable=True),
    sa.Column('activity_description', sa.Text(), nullable=True),
    sa.Column('report_plan', sa.Text(), nullable=True),
    sa.Column('results_summary', sa.Text(), nullable=True),
    sa.Column('diary_number', sa.String(length=40), nullable=True),
    sa.Column('diary_year', sa.Integer(), nullable=True),
    sa.Column('diary_seq', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IS NULL OR kind IN ('individual', 'structural')", name=op.f('ck_application_kind_known')),
    sa.CheckConstraint("state <> 'draft' OR diary_number IS NULL", name=op.f('ck_application_draft_unnumbered')),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'completion_requested', 'in_preparation', 'prepared', 'proposed', 'on_agenda', 'approved', 'rejected', 'withdrawn', 'active', 'closed', 'liv_proposed', 'in_liv', 'ended')", name=op.f('ck_application_state_known')),
    sa.CheckConstraint('(diary_number IS NULL AND diary_year IS NULL AND diary_seq IS NULL) OR (diary_number IS NOT NULL AND diary_year IS NOT NULL AND diary_seq IS NOT NULL)', name=op.f('ck_application_diary_all_or_none')),
    sa.CheckConstraint('(submitted_at IS NULL) = (diary_number IS NULL)', name=op.f('ck_application_submitted_iff_numbered')),
    sa.CheckConstraint('age_max IS NULL OR (age_max >= 16 AND age_max <= 67)', name=op.f('ck_application_age_max_range')),
    sa.CheckConstraint('age_min IS NULL OR (age_min >= 16 AND age_min <= 67)', name=op.f('ck_application_age_min_range')),
    sa.CheckConstraint('age_min IS NULL OR age_max IS NULL OR age_min <= age_max', name=op.f('ck_application_age_order')),
    sa.CheckConstraint('participants_men IS NULL OR participants_men >= 0', name=op.f('ck_application_men_nonnegative')),
    sa.CheckConstraint('participants_women IS NULL OR participants_women >= 0', name=op.f('ck_application_women_nonnegative')),
    sa.CheckConstraint('start_date IS NULL OR end_date IS NULL OR start_date <= end_date', name=op.f('ck_application_period_order')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_application_association_id_association')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_application_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['lead_member_id'], ['member.id'], name=op.f('fk_application_lead_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('association_id', 'diary_year', 'diary_seq', name=op.f('uq_application_association_id_diary_year_diary_seq'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_assoc_state', ['association_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_association_id'), ['association_id'], unique=False)
        batch_op.create_index('ix_application_lead_state', ['lead_member_id', 'state'], unique=False)

    op.create_table('role_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('substitute', sa.Boolean(), nullable=False),
    sa.CheckConstraint("(role IN ('applicant', 'board')) = (member_id IS NOT NULL)", name=op.f('ck_role_grant_member_iff_bound')),
    sa.CheckConstraint("role IN ('applicant', 'preparer', 'officer', 'board', 'chair', 'auditor')", name=op.f('ck_role_grant_role_known')),
    sa.CheckConstraint("substitute = false OR role = 'board'", name=op.f('ck_role_grant_substitute_only_board')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_role_grant_association_id_association')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_role_grant_member_id_member')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_role_grant_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grant')),
    sa.UniqueConstraint('user_id', 'association_id', 'role', 'member_id', name=op.f('uq_role_grant_user_id_association_id_role_member_id'))
    )
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grant_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grant_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grant_user_id'), ['user_id'], unique=False)

    op.create_table('application_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_partner_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_application_partner_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_partner')),
    sa.UniqueConstraint('application_id', 'member_id', name=op.f('uq_application_partner_application_id_member_id'))
    )
    with op.batch_alter_table('application_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_partner_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_partner_member_id'), ['member_id'], unique=False)

    op.create_table('application_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_version_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_application_version_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_version')),
    sa.UniqueConstraint('application_id', 'number', name=op.f('uq_application_version_application_id_number'))
    )
    with op.batch_alter_table('application_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_version_application_id'), ['application_id'], unique=False)

    op.create_table('budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_sek', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_sek >= 0 AND amount_sek <= 100000000', name=op.f('ck_budget_line_amount_range')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_budget_line_application_id_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line')),
    sa.UniqueConstraint('application_id', 'year', name=op.f('uq_budget_line_application_id_year'))
    )
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_line_application_id'), ['application_id'], unique=False)

    op.create_table('cofunding_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_sek', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_sek >= 0 AND amount_sek <= 100000000', name=op.f('ck_cofunding_line_amount_range')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_cofunding_line_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cofunding_line_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cofunding_line')),
    sa.UniqueConstraint('application_id', 'member_id', 'year', name=op.f('uq_cofunding_line_application_id_member_id_year'))
    )
    with op.batch_alter_table('cofunding_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cofunding_line_application_id'), ['application_id'], unique=False)

    op.create_table('goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=True),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_goal_application_id_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal')),
    sa.UniqueConstraint('application_id', 'position', name=op.f('uq_goal_application_id_position'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_application_id'), ['application_id'], unique=False)

    op.create_table('association_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('contributions_sek', sa.BigInteger(), nullable=False),
    sa.Column('carried_over_sek', sa.BigInteger(), nullable=False),
    sa.Column('admin_costs_sek', sa.BigInteger(), nullable=False),
    sa.Column('other_costs_sek', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('contributions_sek >= 0 AND carried_over_sek >= -1000000000 AND admin_costs_sek >= 0 AND other_costs_sek >= 0', name=op.f('ck_association_budget_amounts_range')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_association_budget_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association_budget')),
    sa.UniqueConstraint('association_id', 'year', name=op.f('uq_association_budget_association_id_year'))
    )
    with op.batch_alter_table('association_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_association_budget_association_id'), ['association_id'], unique=False)

    _create_audit_guards()


# The audit log is append-only: the database itself refuses UPDATE and DELETE on it.
_PG_GUARD = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""


def _create_audit_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event"
                " BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )


def _drop_audit_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def downgrade() -> None:
    _drop_audit_guards()
    with op.batch_alter_table('association_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_association_budget_association_id'))

    op.drop_table('association_budget')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_application_id'))

    op.drop_table('goal')
    with op.batch_alter_table('cofunding_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cofunding_line_application_id'))

    op.drop_table('cofunding_line')
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_line_application_id'))

    op.drop_table('budget_line')
    with op.batch_alter_table('application_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_version_application_id'))

    op.drop_table('application_version')
    with op.batch_alter_table('application_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_partner_member_id'))
        batch_op.drop_index(batch_op.f('ix_application_partner_application_id'))

    op.drop_table('application_partner')
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_grant_member_id'))
        batch_op.drop_index(batch_op.f('ix_role_grant_association_id'))

    op.drop_table('role_grant')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_lead_state')
        batch_op.drop_index(batch_op.f('ix_application_association_id'))
        batch_op.drop_index('ix_application_assoc_state')

    op.drop_table('application')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_association_id'))

    op.drop_table('member')
    op.drop_table('diary_counter')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_entity')

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('audit_chain_head')
    op.drop_table('association')
    op.drop_table('app_user')
