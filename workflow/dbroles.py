"""PostgreSQL roles: the owner migrates, the application's role may only append to the audit log.

`grant_app_role` (behind `flask create-app-role`) makes or refreshes a login role that reads
and writes the application's tables but, on the audit log, may only INSERT and SELECT: no
UPDATE, DELETE or TRUNCATE of `audit_event`, no DELETE or TRUNCATE of `audit_chain_head`
(whose UPDATE a trigger lets through only forward, onto a stored event), and no ownership,
so it cannot drop or disable the triggers either.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

# Tables the application only appends to.
APPEND_ONLY = ("audit_event",)
# The chain heads: locked (SELECT … FOR UPDATE needs UPDATE) and advanced by the app.
ADVANCED = ("audit_chain_head",)
READ_ONLY = ("alembic_version",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(ValueError):
    """A role name or database that cannot be used."""


def _literal(value: str) -> str:
    # standard_conforming_strings is on (PostgreSQL's default): doubling quotes suffices.
    return "'" + value.replace("'", "''") + "'"


def grant_app_role(connection: Connection, role: str, password: str | None) -> bool:
    """Create (or bring up to date) the application's role; True when it was created."""
    if connection.dialect.name != "postgresql":
        raise RoleError("Database roles exist on PostgreSQL only.")
    if not ROLE_NAME.match(role):
        raise RoleError("A role name is lower-case letters, digits and _ (at most 63).")
    owner = connection.execute(text("SELECT current_user")).scalar()
    if role == owner:
        raise RoleError("The application's role must not be the owner that migrates.")
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).scalar()
    login = f" PASSWORD {_literal(password)}" if password else ""
    if exists:
        connection.execute(
            text(f'ALTER ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE{login}')
        )
    else:
        connection.execute(
            text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE{login}')
        )
    database = connection.execute(text("SELECT current_database()")).scalar()
    statements = [
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'REVOKE CREATE ON SCHEMA public FROM "{role}"',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        # Tables a later migration adds are the application's like the others…
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE"
        f' ON TABLES TO "{role}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{role}"',
    ]
    # …but the audit log is append-only for it, whatever was granted before.
    for table in APPEND_ONLY:
        statements += [
            f'REVOKE ALL ON "{table}" FROM "{role}"',
            f'GRANT SELECT, INSERT ON "{table}" TO "{role}"',
        ]
    for table in ADVANCED:
        statements += [
            f'REVOKE ALL ON "{table}" FROM "{role}"',
            f'GRANT SELECT, INSERT, UPDATE ON "{table}" TO "{role}"',
        ]
    for table in READ_ONLY:
        statements += [
            f'REVOKE ALL ON "{table}" FROM "{role}"',
            f'GRANT SELECT ON "{table}" TO "{role}"',
        ]
    for statement in statements:
        connection.execute(text(statement))
    return not exists
