"""kallelse: the notice calling the board (sent to whom, when), the answers, mail files

The association gains `notice_days` (default 7): how many days before a meeting the
kallelse should go out. Mail files are stored once and attached to each message.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate may render sqlmodel types
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_mail_document_association_id_association"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_document")),
    )
    with op.batch_alter_table("mail_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_document_association_id"), ["association_id"], unique=False
        )

    op.create_table(
        "meeting_rsvp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attending", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_rsvp_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_meeting_rsvp_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_rsvp")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_meeting_rsvp_meeting_id_user_id")
        ),
    )
    op.create_table(
        "mail_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["mail_document.id"],
            name=op.f("fk_mail_attachment_document_id_mail_document"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_message.id"],
            name=op.f("fk_mail_attachment_message_id_mail_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachment")),
        sa.UniqueConstraint(
            "message_id", "document_id", name=op.f("uq_mail_attachment_message_id_document_id")
        ),
    )
    with op.batch_alter_table("mail_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_attachment_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "meeting_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("seat", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("replaces_user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mail_message_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'call_in') = (replaces_user_id IS NOT NULL)",
            name=op.f("ck_meeting_call_call_in_replaces"),
        ),
        sa.CheckConstraint(
            "kind IN ('notice', 'call_in')", name=op.f("ck_meeting_call_kind_known")
        ),
        sa.CheckConstraint(
            "seat IN ('ledamot', 'ersattare')", name=op.f("ck_meeting_call_seat_known")
        ),
        sa.ForeignKeyConstraint(
            ["mail_message_id"],
            ["mail_message.id"],
            name=op.f("fk_meeting_call_mail_message_id_mail_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_call_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_meeting_call_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_user_id"],
            ["app_user.id"],
            name=op.f("fk_meeting_call_replaces_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["app_user.id"], name=op.f("fk_meeting_call_sent_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_meeting_call_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_call")),
    )
    with op.batch_alter_table("meeting_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_call_meeting_id"), ["meeting_id"], unique=False
        )

    with op.batch_alter_table("association", schema=None) as batch_op:
        # Existing associations get the default week; the model sets it for new rows.
        batch_op.add_column(
            sa.Column("notice_days", sa.Integer(), nullable=False, server_default="7")
        )
        batch_op.create_check_constraint(
            "notice_days_range", "notice_days >= 0 AND notice_days <= 90"
        )


def downgrade() -> None:
    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_association_notice_days_range"), type_="check")
        batch_op.drop_column("notice_days")

    with op.batch_alter_table("meeting_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_call_meeting_id"))

    op.drop_table("meeting_call")
    with op.batch_alter_table("mail_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_attachment_message_id"))

    op.drop_table("mail_attachment")
    op.drop_table("meeting_rsvp")
    with op.batch_alter_table("mail_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_document_association_id"))

    op.drop_table("mail_document")
