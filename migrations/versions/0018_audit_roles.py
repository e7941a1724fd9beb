"""audit roles: the chain head only moves forward onto a stored event; idempotency keys

The application's database role may insert into the audit log but not rewrite it (see
`flask create-app-role`); it still has to advance each chain's head, so a trigger lets an
UPDATE of `audit_chain_head` through only when it moves the head forward onto an event that
is stored with exactly that hash, and refuses every DELETE. The idempotency keys make a
create form sent twice create one row.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_PG_HEAD_GUARD = """
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_chain_head only moves forward';
    END IF;
    IF NEW.chain_id <> OLD.chain_id OR NEW.seq <= OLD.seq OR NOT EXISTS (
        SELECT 1 FROM audit_event
        WHERE chain_id = NEW.chain_id AND seq = NEW.seq AND hash = NEW.hash
    ) THEN
        RAISE EXCEPTION 'audit_chain_head only moves forward';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only();
"""

_SQLITE_HEAD_GUARDS = (
    """CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE ON audit_chain_head
    WHEN NEW.chain_id <> OLD.chain_id OR NEW.seq <= OLD.seq OR NOT EXISTS (
        SELECT 1 FROM audit_event
        WHERE chain_id = NEW.chain_id AND seq = NEW.seq AND hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, 'audit_chain_head only moves forward'); END""",
    """CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
    BEGIN SELECT RAISE(ABORT, 'audit_chain_head only moves forward'); END""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_HEAD_GUARD)
    else:
        for statement in _SQLITE_HEAD_GUARDS:
            op.execute(statement)
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_idempotency_key_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint(
            "user_id", "action", "key", name=op.f("uq_idempotency_key_user_id_action_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("idempotency_key")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON audit_chain_head")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_head_forward_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_forward_only")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_no_delete")
