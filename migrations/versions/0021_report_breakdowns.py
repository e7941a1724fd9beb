"""report breakdowns: praktik and avbrott, every försörjning source, residence, ages, köplats,
budget, and the attendees and activities of a structural insats

Uppföljning Finsam and the seeds (seeds/001) break a year's participants down further than
women and men: by municipality of residence (`report_residence`, a municipality member or
outside the area), by age band (`report_age`), the waiting list (köplats) at year end and the
year's budget beside the costs. Outcomes gain praktik (`internship`) and avbrott
(`dropped_out`); försörjning gains the remaining sources. A structural insats reports its
activities and its attendees by category (`report_attendance`), women and men optional.
Rows stored before keep their values: every old outcome and source stays valid.

Revision ID: 0021
Revises: 0020_heltider
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020_heltider"
branch_labels = None
depends_on = None

_OUTCOMES_OLD = "'work', 'subsidised_work', 'studies', 'job_seeking', 'other_support', 'other'"
_OUTCOMES_NEW = f"{_OUTCOMES_OLD}, 'internship', 'dropped_out'"
_SOURCES_OLD = (
    "'salary', 'sickness_benefit', 'activity_compensation', 'unemployment_benefit',"
    " 'income_support', 'other'"
)
_SOURCES_NEW = (
    f"{_SOURCES_OLD}, 'rehabilitation_benefit', 'activity_support', 'establishment_benefit',"
    " 'student_aid', 'no_income', 'unknown'"
)
_BANDS = "'16-19', '20-24', '25-29', '30-39', '40-49', '50-59', '60-64', '65+'"
_CATEGORIES = "'staff', 'participants', 'relatives', 'public', 'unspecified'"


def _known(outcomes: str, sources: str) -> None:
    with op.batch_alter_table("report_outcome", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_report_outcome_outcome_known"), type_="check")
        batch_op.create_check_constraint("outcome_known", f"outcome IN ({outcomes})")
    with op.batch_alter_table("report_support", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_report_support_source_known"), type_="check")
        batch_op.create_check_constraint("source_known", f"source IN ({sources})")


def upgrade() -> None:
    _known(_OUTCOMES_NEW, _SOURCES_NEW)
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("waiting_women", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("waiting_men", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("budget_sek", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("activities", sa.Integer(), nullable=True))
    # The model has no server defaults: they only filled the rows stored before.
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.alter_column("waiting_women", server_default=None)
        batch_op.alter_column("waiting_men", server_default=None)
        batch_op.create_check_constraint(
            "waiting_nonnegative", "waiting_women >= 0 AND waiting_men >= 0"
        )
        batch_op.create_check_constraint(
            "budget_nonnegative", "budget_sek IS NULL OR budget_sek >= 0"
        )
        batch_op.create_check_constraint(
            "activities_nonnegative", "activities IS NULL OR activities >= 0"
        )

    op.create_table(
        "report_residence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("men", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "women >= 0 AND men >= 0", name=op.f("ck_report_residence_counts_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_residence_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_report_residence_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_residence")),
        sa.UniqueConstraint(
            "report_id", "member_id", name=op.f("uq_report_residence_report_id_member_id")
        ),
    )
    with op.batch_alter_table("report_residence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_residence_report_id"), ["report_id"], unique=False
        )
        batch_op.create_index(
            "uq_report_residence_outside",
            ["report_id"],
            unique=True,
            sqlite_where=sa.text("member_id IS NULL"),
            postgresql_where=sa.text("member_id IS NULL"),
        )

    op.create_table(
        "report_age",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("men", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"band IN ({_BANDS})", name=op.f("ck_report_age_band_known")),
        sa.CheckConstraint(
            "women >= 0 AND men >= 0", name=op.f("ck_report_age_counts_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_age_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_age")),
        sa.UniqueConstraint("report_id", "band", name=op.f("uq_report_age_report_id_band")),
    )
    with op.batch_alter_table("report_age", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_age_report_id"), ["report_id"], unique=False)

    op.create_table(
        "report_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("women", sa.Integer(), nullable=True),
        sa.Column("men", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            f"category IN ({_CATEGORIES})", name=op.f("ck_report_attendance_category_known")
        ),
        sa.CheckConstraint(
            "total >= 0 AND (women IS NULL OR women >= 0) AND (men IS NULL OR men >= 0)",
            name=op.f("ck_report_attendance_counts_nonnegative"),
        ),
        sa.CheckConstraint(
            "COALESCE(women, 0) + COALESCE(men, 0) <= total",
            name=op.f("ck_report_attendance_split_within_total"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_attendance_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_attendance")),
        sa.UniqueConstraint(
            "report_id", "category", name=op.f("uq_report_attendance_report_id_category")
        ),
    )
    with op.batch_alter_table("report_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_attendance_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_attendance_report_id"))
    op.drop_table("report_attendance")
    with op.batch_alter_table("report_age", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_age_report_id"))
    op.drop_table("report_age")
    with op.batch_alter_table("report_residence", schema=None) as batch_op:
        batch_op.drop_index("uq_report_residence_outside")
        batch_op.drop_index(batch_op.f("ix_report_residence_report_id"))
    op.drop_table("report_residence")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_report_activities_nonnegative"), type_="check")
        batch_op.drop_constraint(op.f("ck_report_budget_nonnegative"), type_="check")
        batch_op.drop_constraint(op.f("ck_report_waiting_nonnegative"), type_="check")
        batch_op.drop_column("activities")
        batch_op.drop_column("budget_sek")
        batch_op.drop_column("waiting_men")
        batch_op.drop_column("waiting_women")
    # Rows of the new outcomes and sources cannot stay under the old checks.
    op.execute("DELETE FROM report_outcome WHERE outcome IN ('internship', 'dropped_out')")
    op.execute(
        "DELETE FROM report_support WHERE source IN ('rehabilitation_benefit',"
        " 'activity_support', 'establishment_benefit', 'student_aid', 'no_income', 'unknown')"
    )
    _known(_OUTCOMES_OLD, _SOURCES_OLD)
