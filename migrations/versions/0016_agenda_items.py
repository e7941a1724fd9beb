"""agenda_items: items of every kind with their own § and lifecycle; every decision kept

An agenda item is now an application (formerly kind 'decision'), a delegation report, a
beslutsärende, an informationsärende, a standard item or a question raised at the meeting;
each takes its § and moves listed → decided | tabled. A decision records its matter (grant,
LIV admission, LIV year) and why the board granted more than was applied for.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

KINDS = "('application', 'delegation_report', 'decision', 'information', 'standard', 'other')"


def upgrade() -> None:
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("association_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=10), nullable=False, server_default="listed")
        )
        batch_op.add_column(sa.Column("title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("diary_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("proposal", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decision_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("standard", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "added_at_meeting", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        for name in ("kind_known", "report_has_decision", "paragraph_only_for_reports"):
            batch_op.drop_constraint(batch_op.f(f"ck_agenda_item_{name}"), type_="check")
        batch_op.alter_column("application_id", existing_type=sa.Integer(), nullable=True)

    op.execute("UPDATE agenda_item SET kind = 'application' WHERE kind = 'decision'")
    op.execute(
        "UPDATE agenda_item SET association_id ="
        " (SELECT m.association_id FROM meeting m WHERE m.id = agenda_item.meeting_id)"
    )
    # An application item takes its decision's §; a decided item (or a numbered report) is
    # decided.
    op.execute(
        "UPDATE agenda_item SET"
        " paragraph = (SELECT d.paragraph FROM decision d WHERE d.meeting_id ="
        " agenda_item.meeting_id AND d.application_id = agenda_item.application_id),"
        " paragraph_year = (SELECT d.paragraph_year FROM decision d WHERE d.meeting_id ="
        " agenda_item.meeting_id AND d.application_id = agenda_item.application_id)"
        " WHERE kind = 'application'"
    )
    op.execute("UPDATE agenda_item SET state = 'decided' WHERE paragraph IS NOT NULL")

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.alter_column("association_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_association_id_association"),
            "association",
            ["association_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_decided_by_id_app_user"), "app_user", ["decided_by_id"], ["id"]
        )
        batch_op.create_check_constraint("kind_known", f"kind IN {KINDS}")
        batch_op.create_check_constraint(
            "state_known", "state IN ('listed', 'decided', 'tabled')"
        )
        batch_op.create_check_constraint(
            "report_has_decision",
            "(kind = 'delegation_report') = (decision_id IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "application_when_application_kind",
            "(kind IN ('application', 'delegation_report')) = (application_id IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "title_when_own_item",
            "kind IN ('application', 'delegation_report') OR title IS NOT NULL",
        )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("matter", sa.String(length=20), nullable=False, server_default="grant")
        )
        batch_op.add_column(sa.Column("excess_reason", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            "matter_known", "matter IN ('grant', 'liv_admission', 'liv_year')"
        )
    # Decisions that financed a LIV year are known by their LivYear rows.
    op.execute(
        "UPDATE decision SET matter = 'liv_year'"
        " WHERE id IN (SELECT decision_id FROM liv_year)"
    )


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_decision_matter_known"), type_="check")
        batch_op.drop_column("excess_reason")
        batch_op.drop_column("matter")

    op.execute("DELETE FROM agenda_item WHERE application_id IS NULL")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        for name in (
            "title_when_own_item",
            "application_when_application_kind",
            "report_has_decision",
            "state_known",
            "kind_known",
        ):
            batch_op.drop_constraint(batch_op.f(f"ck_agenda_item_{name}"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_agenda_item_decided_by_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_agenda_item_association_id_association"), type_="foreignkey"
        )
    op.execute("UPDATE agenda_item SET paragraph = NULL, paragraph_year = NULL"
               " WHERE kind = 'application'")
    op.execute("UPDATE agenda_item SET kind = 'decision' WHERE kind = 'application'")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            "kind_known", "kind IN ('decision', 'delegation_report')"
        )
        batch_op.create_check_constraint(
            "report_has_decision",
            "(kind = 'delegation_report') = (decision_id IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "paragraph_only_for_reports",
            "paragraph IS NULL OR kind = 'delegation_report'",
        )
        for column in (
            "added_at_meeting",
            "standard",
            "decided_by_id",
            "decided_at",
            "decision_text",
            "proposal",
            "diary_number",
            "title",
            "state",
            "association_id",
        ):
            batch_op.drop_column(column)
