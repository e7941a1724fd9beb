"""meetings: agenda, attendance, votes, dissents, jäv, paragraph numbers; meeting stamps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:00:11.867933

Nothing wrote meetings or decisions before this revision, so the new CHECK constraints on
existing tables hold for every row they can meet.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('paragraph_counter',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_paragraph', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_paragraph_counter_association_id_association')),
    sa.PrimaryKeyConstraint('association_id', 'year', name=op.f('pk_paragraph_counter'))
    )
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.String(length=10), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("seat IN ('ledamot', 'ersattare')", name=op.f('ck_attendance_seat_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendance_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_attendance_member_id_member')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_attendance_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_attendance_meeting_id_user_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('recusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_recusal_application_id_application')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_recusal_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_recusal_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusal')),
    sa.UniqueConstraint('meeting_id', 'application_id', 'user_id', name=op.f('uq_recusal_meeting_id_application_id_user_id'))
    )
    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('paragraph_year', sa.Integer(), nullable=True),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'delegation_report') = (decision_id IS NOT NULL)", name=op.f('ck_agenda_item_report_has_decision')),
    sa.CheckConstraint("kind IN ('decision', 'delegation_report')", name=op.f('ck_agenda_item_kind_known')),
    sa.CheckConstraint("paragraph IS NULL OR kind = 'delegation_report'", name=op.f('ck_agenda_item_paragraph_only_for_reports')),
    sa.CheckConstraint('(paragraph IS NULL) = (paragraph_year IS NULL)', name=op.f('ck_agenda_item_paragraph_with_year')),
    sa.CheckConstraint('position >= 1', name=op.f('ck_agenda_item_position_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_agenda_item_application_id_application')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_agenda_item_decision_id_decision')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_agenda_item_decision_id')),
    sa.UniqueConstraint('meeting_id', 'application_id', name=op.f('uq_agenda_item_meeting_id_application_id')),
    sa.UniqueConstraint('meeting_id', 'paragraph', name=op.f('uq_agenda_item_meeting_id_paragraph'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('dissent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('reservation', 'protocol_note')", name=op.f('ck_dissent_kind_known')),
    sa.CheckConstraint("text <> ''", name=op.f('ck_dissent_text_given')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_dissent_decision_id_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_dissent_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dissent')),
    sa.UniqueConstraint('decision_id', 'user_id', 'kind', name=op.f('uq_dissent_decision_id_user_id_kind'))
    )
    with op.batch_alter_table('dissent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dissent_decision_id'), ['decision_id'], unique=False)

    op.create_table('vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('vote', sa.String(length=10), nullable=False),
    sa.CheckConstraint("vote IN ('yes', 'no', 'abstain')", name=op.f('ck_vote_vote_known')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_vote_decision_id_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_vote_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote')),
    sa.UniqueConstraint('decision_id', 'user_id', name=op.f('uq_vote_decision_id_user_id'))
    )
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_decision_id'), ['decision_id'], unique=False)

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('casting_vote', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('quorum_seats', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quorum_present', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'casting_vote_known',
            "casting_vote IS NULL OR (delegated = false AND casting_vote IN ('yes', 'no'))",
        )
        batch_op.create_check_constraint(
            'board_has_quorum', '(delegated = true) = (quorum_seats IS NULL)'
        )
        batch_op.create_check_constraint(
            'quorum_both_or_none', '(quorum_seats IS NULL) = (quorum_present IS NULL)'
        )

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('chair_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('justerare_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_justerare_id_app_user'), 'app_user', ['justerare_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_meeting_signed_by_id_app_user'), 'app_user', ['signed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_meeting_chair_id_app_user'), 'app_user', ['chair_id'], ['id'])
        batch_op.create_check_constraint(
            'opened_iff_not_planned', "(opened_at IS NULL) = (state = 'planned')"
        )
        batch_op.create_check_constraint(
            'closed_iff_held', "(closed_at IS NULL) = (state IN ('planned', 'open'))"
        )
        batch_op.create_check_constraint(
            'signed_iff_signed', "(signed_at IS NULL) = (state <> 'protocol_signed')"
        )
        batch_op.create_check_constraint(
            'opened_has_chair', 'opened_at IS NULL OR chair_id IS NOT NULL'
        )
        batch_op.create_check_constraint(
            'signed_has_signatories',
            'signed_at IS NULL OR (signed_by_id IS NOT NULL AND justerare_id IS NOT NULL)',
        )



def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for name in (
            'signed_has_signatories',
            'opened_has_chair',
            'signed_iff_signed',
            'closed_iff_held',
            'opened_iff_not_planned',
        ):
            batch_op.drop_constraint(batch_op.f(f'ck_meeting_{name}'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_meeting_chair_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meeting_signed_by_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meeting_justerare_id_app_user'), type_='foreignkey')
        batch_op.drop_column('justerare_id')
        batch_op.drop_column('signed_by_id')
        batch_op.drop_column('chair_id')
        batch_op.drop_column('signed_at')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('opened_at')
        batch_op.drop_column('location')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        for name in ('quorum_both_or_none', 'board_has_quorum', 'casting_vote_known'):
            batch_op.drop_constraint(batch_op.f(f'ck_decision_{name}'), type_='check')
        batch_op.drop_column('quorum_present')
        batch_op.drop_column('quorum_seats')
        batch_op.drop_column('casting_vote')

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_decision_id'))

    op.drop_table('vote')
    with op.batch_alter_table('dissent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dissent_decision_id'))

    op.drop_table('dissent')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusal_meeting_id'))

    op.drop_table('recusal')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    op.drop_table('paragraph_counter')
