"""Board seats and the delegationsordning

The chair and the vice chair hold a ledamot's seat: their grants name a member organisation
(an existing chair grant takes the member of the chair's own board seat, else the
association's first member — the officer checks the board page after upgrading). The single
`association.delegation_limit_sek` becomes the first row of a delegationsordning (grants,
decided by the förbundschef, reported to the board), and a delegated decision records its
delegate and whether it is reported.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ROLES_OLD = "'applicant', 'preparer', 'officer', 'board', 'chair', 'auditor'"
_ROLES_NEW = "'applicant', 'preparer', 'officer', 'board', 'chair', 'vice_chair', 'auditor'"
_BOUND_OLD = "(role IN ('applicant', 'board')) = (member_id IS NOT NULL)"
_BOUND_NEW = "(role IN ('applicant', 'board', 'chair', 'vice_chair')) = (member_id IS NOT NULL)"


def _role_checks(known: str, bound: str) -> None:
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_role_grant_role_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_role_grant_member_iff_bound"), type_="check")
        batch_op.create_check_constraint("role_known", f"role IN ({known})")
        batch_op.create_check_constraint("member_iff_bound", bound)


def upgrade() -> None:
    # The chair's seat: the member of the chair's own (non-substitute first) board grant,
    # else the association's first member.
    op.execute(
        "UPDATE role_grant SET member_id = COALESCE("
        " (SELECT b.member_id FROM role_grant b WHERE b.user_id = role_grant.user_id"
        "  AND b.association_id = role_grant.association_id AND b.role = 'board'"
        "  ORDER BY b.substitute, b.id LIMIT 1),"
        " (SELECT m.id FROM member m WHERE m.association_id = role_grant.association_id"
        "  ORDER BY m.id LIMIT 1))"
        " WHERE role = 'chair' AND member_id IS NULL"
    )
    # A chair grant in an association without members cannot hold a seat.
    op.execute("DELETE FROM role_grant WHERE role = 'chair' AND member_id IS NULL")
    _role_checks(_ROLES_NEW, _BOUND_NEW)

    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("matter", sa.String(length=30), nullable=False),
        sa.Column("delegate", sa.String(length=30), nullable=False),
        sa.Column("limit_sek", sa.BigInteger(), nullable=True),
        sa.Column("report_to_board", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "delegate IN ('director', 'chair', 'working_committee')",
            name=op.f("ck_delegation_delegate_known"),
        ),
        sa.CheckConstraint(
            "limit_sek IS NULL OR (limit_sek >= 0 AND limit_sek <= 100000000)",
            name=op.f("ck_delegation_limit_range"),
        ),
        sa.CheckConstraint(
            "matter IN ('grant', 'urgent')", name=op.f("ck_delegation_matter_known")
        ),
        sa.CheckConstraint("position >= 1", name=op.f("ck_delegation_position_positive")),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_delegation_association_id_association"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
        sa.UniqueConstraint(
            "association_id",
            "matter",
            "delegate",
            name=op.f("uq_delegation_association_id_matter_delegate"),
        ),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delegation_association_id"), ["association_id"], unique=False
        )
    op.execute(
        "INSERT INTO delegation (association_id, position, matter, delegate, limit_sek,"
        " report_to_board) SELECT id, 1, 'grant', 'director', delegation_limit_sek, true"
        " FROM association"
    )
    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_association_delegation_limit_nonnegative"), type_="check"
        )
        batch_op.drop_column("delegation_limit_sek")

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delegate", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column(
                "report_to_board", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
    op.execute("UPDATE decision SET delegate = 'director' WHERE delegated = true")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.alter_column("report_to_board", server_default=None)
        batch_op.create_check_constraint(
            "delegate_when_delegated",
            "(delegated = true) = (delegate IS NOT NULL) AND (delegate IS NULL"
            " OR delegate IN ('director', 'chair', 'working_committee'))",
        )


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_decision_delegate_when_delegated"), type_="check")
        batch_op.drop_column("report_to_board")
        batch_op.drop_column("delegate")
    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "delegation_limit_sek", sa.BigInteger(), nullable=False, server_default="0"
            )
        )
    op.execute(
        "UPDATE association SET delegation_limit_sek = COALESCE((SELECT d.limit_sek"
        " FROM delegation d WHERE d.association_id = association.id AND d.matter = 'grant'"
        " AND d.delegate = 'director'), 0)"
    )
    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.alter_column("delegation_limit_sek", server_default=None)
        batch_op.create_check_constraint(
            "delegation_limit_nonnegative", "delegation_limit_sek >= 0"
        )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_association_id"))
    op.drop_table("delegation")
    op.execute("DELETE FROM role_grant WHERE role = 'vice_chair'")
    op.execute("UPDATE role_grant SET member_id = NULL WHERE role = 'chair'")
    _role_checks(_ROLES_OLD, _BOUND_OLD)
