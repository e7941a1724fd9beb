"""classification: an insats's national classification (Uppföljning Finsam)

The förbundschef sets the insats's direction, precise direction, follow-up method and ESF
co-financing during beredning and until the insats starts; from the start on it is fixed
(workflow/operations/classification.py). One row per insats, deleted with it.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
# The lead re-chains this onto 0021 when the branches merge.
down_revision = "0021"
branch_labels = None
depends_on = None


# The code lists as they stood at this revision (workflow/rules/classification.py); a later
# change to a list is a new migration of the CHECK constraint.
DIRECTIONS = ("individual", "structural")
PRECISE_CODES = (
    "pre_rehabilitation",
    "vocational_rehabilitation",
    "assessment",
    "coordination",
    "work_training",
    "support_into_work_or_studies",
    "individual_other",
    "competence_development",
    "method_development",
    "cooperation_structures",
    "survey_and_analysis",
    "information",
    "structural_other",
)
FOLLOW_UP_METHODS = ("participant_records", "aggregate_counts")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "insats_classification",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("precise_direction", sa.String(length=40), nullable=False),
        sa.Column("follow_up_method", sa.String(length=30), nullable=False),
        sa.Column("esf", sa.Boolean(), nullable=False),
        sa.Column("esf_project", sa.String(length=200), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            _in("direction", DIRECTIONS), name=op.f("ck_insats_classification_direction_known")
        ),
        sa.CheckConstraint(
            _in("precise_direction", PRECISE_CODES),
            name=op.f("ck_insats_classification_precise_known"),
        ),
        sa.CheckConstraint(
            _in("follow_up_method", FOLLOW_UP_METHODS),
            name=op.f("ck_insats_classification_method_known"),
        ),
        sa.CheckConstraint(
            "(esf AND esf_project IS NOT NULL AND esf_project <> '')"
            " OR (NOT esf AND esf_project IS NULL)",
            name=op.f("ck_insats_classification_esf_project_iff_esf"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_insats_classification_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["app_user.id"],
            name=op.f("fk_insats_classification_set_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_insats_classification")),
    )


def downgrade() -> None:
    op.drop_table("insats_classification")
