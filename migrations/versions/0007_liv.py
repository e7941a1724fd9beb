"""liv and statistics: yearly LIV decisions, uppdragsavtal, socio-economic parameters

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The application already has activity_description, report_plan and results_summary
    # (migration 0001), so LIV needs new tables only.
    op.create_table(
        'liv_year',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_liv_year_year_range')),
        sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_liv_year_association_id_association')),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_liv_year_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_liv_year_decision_id_decision')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_liv_year')),
        sa.UniqueConstraint('application_id', 'year', name=op.f('uq_liv_year_application_id_year')),
        sa.UniqueConstraint('decision_id', name=op.f('uq_liv_year_decision_id')),
    )
    op.create_table(
        'liv_agreement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=200), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('start_date <= end_date', name=op.f('ck_liv_agreement_period_order')),
        sa.CheckConstraint('signed_on <= end_date', name=op.f('ck_liv_agreement_signed_within_period')),
        sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_liv_agreement_association_id_association')),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_liv_agreement_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_liv_agreement_recorded_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_liv_agreement')),
    )
    op.create_index(op.f('ix_liv_agreement_application_id'), 'liv_agreement', ['application_id'])
    op.create_table(
        'liv_agreement_party',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agreement_id'], ['liv_agreement.id'], name=op.f('fk_liv_agreement_party_agreement_id_liv_agreement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_liv_agreement_party_member_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_liv_agreement_party')),
        sa.UniqueConstraint('agreement_id', 'member_id', name=op.f('uq_liv_agreement_party_agreement_id_member_id')),
    )
    op.create_index(op.f('ix_liv_agreement_party_agreement_id'), 'liv_agreement_party', ['agreement_id'])
    op.create_table(
        'socioeconomic_parameters',
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('full_time_month_sek', sa.BigInteger(), nullable=False),
        sa.Column('subsidised_share', sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column('studies_share', sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('full_time_month_sek > 0 AND full_time_month_sek <= 10000000', name=op.f('ck_socioeconomic_parameters_full_time_range')),
        sa.CheckConstraint('subsidised_share >= 0 AND subsidised_share <= 1', name=op.f('ck_socioeconomic_parameters_subsidised_range')),
        sa.CheckConstraint('studies_share >= 0 AND studies_share <= 1', name=op.f('ck_socioeconomic_parameters_studies_range')),
        sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_socioeconomic_parameters_association_id_association')),
        sa.PrimaryKeyConstraint('association_id', name=op.f('pk_socioeconomic_parameters')),
    )


def downgrade() -> None:
    op.drop_table('socioeconomic_parameters')
    op.drop_index(op.f('ix_liv_agreement_party_agreement_id'), table_name='liv_agreement_party')
    op.drop_table('liv_agreement_party')
    op.drop_index(op.f('ix_liv_agreement_application_id'), table_name='liv_agreement')
    op.drop_table('liv_agreement')
    op.drop_table('liv_year')
