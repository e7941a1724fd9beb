"""The audit log's guards as commands: `create-app-role` and `audit-checkpoint`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from workflow import audit_checkpoint, dbroles, transaction
from workflow.db import make_engine
from workflow.extensions import db


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (create_app_role, write_checkpoint):
        app.cli.add_command(command)


def migration_url() -> str:
    """The owner's URL (MIGRATION_DATABASE_URL), else the application's own."""
    config = current_app.config
    return str(config.get("MIGRATION_DATABASE_URL") or config["SQLALCHEMY_DATABASE_URI"])


@click.command("create-app-role")
@with_appcontext
@click.argument("role")
@click.option(
    "--password",
    default=None,
    help="The role's password (asked for, hidden, with --ask-password; none: keep or unset).",
)
@click.option("--ask-password", is_flag=True, help="Ask for the password without echoing it.")
def create_app_role(role: str, password: str | None, ask_password: bool) -> None:
    """Create or refresh ROLE: the application's PostgreSQL login, append-only on the audit log.

    Connects as the owner (MIGRATION_DATABASE_URL); run it again after `init-db` adds tables.
    """
    if ask_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    url = migration_url()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            created = dbroles.grant_app_role(connection, role, password)
    except dbroles.RoleError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    shown = make_url(url).render_as_string(hide_password=True)
    verb = "Created" if created else "Updated"
    click.echo(
        f"{verb} the role {role} on {shown}: it may read and write the application's tables,"
        " and only append to the audit log. Point DATABASE_URL at it and MIGRATION_DATABASE_URL"
        " at the owner."
    )


@click.command("audit-checkpoint")
@with_appcontext
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the checkpoint to this file.",
)
def write_checkpoint(out: Path | None) -> None:
    """Write a signed checkpoint of the audit log where the revisor keeps them (daily, cron)."""
    config = current_app.config
    if not (config.get("AUDIT_CHECKPOINT_DIR") or config.get("AUDIT_CHECKPOINT_MAIL") or out):
        raise click.ClickException(
            "Nowhere to write: set AUDIT_CHECKPOINT_DIR or AUDIT_CHECKPOINT_MAIL, or give --out."
        )
    written = audit_checkpoint.write(db.session)
    transaction.commit()  # the mail row, delivered once stored
    if out is not None:
        out.write_text(audit_checkpoint.dumps(written.checkpoint), encoding="utf-8")
    checkpoint = written.checkpoint
    click.echo(
        f"checkpoint {checkpoint['created_at']}: {checkpoint['events']} events in"
        f" {len(checkpoint['chains'])} chain(s)"
    )
    for place in (written.file, out):
        if place is not None:
            click.echo(f"written to {place}")
    if written.mailed_to:
        click.echo(f"mailed to {written.mailed_to}")
