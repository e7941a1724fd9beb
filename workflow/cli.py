"""The `flask --app workflow` commands: init-db, create-admin, demo-data, verify-audit, send-mail,
send-reminders.

The output is for the operator at a terminal, so it is plain English text.
"""

from __future__ import annotations

from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from workflow import audit, audit_checkpoint, limits, mail, transaction
from workflow.db import make_engine
from workflow.devdata import demo
from workflow.errors import DomainError
from workflow.extensions import db
from workflow.migrate import alembic_config, upgrade
from workflow.operations import reminders, users


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (init_db, create_admin, demo_data, verify_audit, send_mail, send_reminders):
        app.cli.add_command(command)
    from workflow import cli_scale

    cli_scale.init_app(app)
    from workflow import cli_backup

    cli_backup.init_app(app)
    from workflow import cli_audit

    cli_audit.init_app(app)


def _fail(error: DomainError) -> click.ClickException:
    """A clean error (exit code 1) listing the domain error's problems, in English like the rest."""
    with force_locale("en"):
        lines = [str(error.message)] + [f"  {p.field}: {p.message}" for p in error.problems]
    return click.ClickException("\n".join(lines))


def _current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


@click.command("init-db")
def init_db() -> None:
    """Create or migrate the database to the newest schema (safe to run again)."""
    # As the schema's owner: the application's own role may not create tables.
    url = (
        current_app.config.get("MIGRATION_DATABASE_URL")
        or current_app.config["SQLALCHEMY_DATABASE_URI"]
    )
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        if not folder.exists():
            folder.mkdir(parents=True)
            click.echo(f"Created the folder {folder}")
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    try:
        before = _current_revision(url)
    except OperationalError as exc:
        raise click.ClickException(f"Cannot open the database {shown}: {exc.orig}") from None
    if before == head:
        click.echo(f"Database {shown} is already at revision {head}; nothing to do.")
        return
    upgrade(url)
    after = _current_revision(url)
    click.echo(f"Database {shown} migrated from {before or 'an empty schema'} to revision {after}.")


@click.command("create-admin")
@click.argument("email")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help=f"At least {limits.PASSWORD_MIN} characters; asked for (hidden) when not given.",
)
@click.option("--name", default=None, help="Display name (default: the part before the @).")
def create_admin(email: str, password: str, name: str | None) -> None:
    """Create a system administrator who can sign in with EMAIL."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.ClickException(f"Not a valid e-mail address: {exc}") from None
    if len(password) < limits.PASSWORD_MIN:
        raise click.ClickException(
            f"The password must be at least {limits.PASSWORD_MIN} characters long."
        )
    if len(password) > limits.PASSWORD_MAX:
        raise click.ClickException(
            f"The password must be at most {limits.PASSWORD_MAX} characters long."
        )
    session = db.session
    try:
        user = users.create_user(
            session,
            email=email,
            name=name or email.split("@", 1)[0],
            password=password,
            is_admin=True,
        )
    except DomainError as exc:
        session.rollback()
        raise _fail(exc) from None
    session.commit()
    click.echo(f"Created the administrator {user.email} (id {user.id}).")


def _print_logins() -> None:
    width = max(len(p.email) for p in demo.PEOPLE)
    pw_width = max(len(p.password) for p in demo.PEOPLE)
    click.echo(f"{'e-mail'.ljust(width)}  {'password'.ljust(pw_width)}  roles")
    for person in demo.PEOPLE:
        click.echo(
            f"{person.email.ljust(width)}  {person.password.ljust(pw_width)}  "
            f"{person.describe_roles()}"
        )


@click.command("demo-data")
def demo_data() -> None:
    """Load the three samordningsförbund of Jönköpings län with users and applications."""
    session = db.session
    try:
        summary = demo.build(session)
    except DomainError as exc:
        session.rollback()
        raise _fail(exc) from None
    except demo.DemoDataError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    if summary is None:
        click.echo("The demo data is already there; nothing was changed.")
    else:
        session.commit()
        states = ", ".join(f"{n} {state}" for state, n in sorted(summary.applications.items()))
        click.echo(
            f"Created {summary.associations} associations, {summary.members} member"
            f" organisations, {summary.users} users and"
            f" {sum(summary.applications.values())} applications ({states})."
        )
    click.echo("\nDemo logins:")
    _print_logins()


@click.command("verify-audit")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A checkpoint file or a folder of them (repeatable); the newest genuine one is used.",
)
def verify_audit(checkpoints: tuple[Path, ...]) -> None:
    """Check the hash chains of the audit log; exit code 1 if any is broken.

    With --checkpoint, also that every chain still holds the event the newest checkpoint
    anchored: a chain cut short or rewritten since is reported.
    """
    anchor = None
    if checkpoints:
        try:
            anchor = audit_checkpoint.newest(checkpoints)
        except audit_checkpoint.CheckpointError as exc:
            raise click.ClickException(str(exc)) from None
    result = audit.verify(db.session)
    findings = audit_checkpoint.compare(db.session, anchor[1]) if anchor else []
    if anchor:
        path, checkpoint = anchor
        click.echo(
            f"checkpoint {path.name} of {checkpoint['created_at']}:"
            f" {checkpoint['events']} events in {len(checkpoint['chains'])} chain(s)"
        )
    if result.ok and not findings:
        click.echo(f"ok: {result.events} events")
        return
    for broken in result.broken:
        where = f"event id {broken['id']}" if broken["id"] is not None else "its end"
        click.echo(
            f"broken: chain {broken['chain_id']} at seq {broken['seq']} ({where}):"
            f" {broken['problem']}"
        )
    for finding in findings:
        if finding.problem == "shortened":
            detail = (
                f"the checkpoint anchors seq {finding.seq}, the log ends at {finding.stored_seq}"
            )
        else:
            detail = "the event the checkpoint anchors has another hash now"
        click.echo(
            f"broken: chain {finding.chain_id} at seq {finding.seq} (checkpoint):"
            f" {finding.problem}; {detail}"
        )
    chains = {b["chain_id"] for b in result.broken} | {f.chain_id for f in findings}
    click.echo(f"{len(chains)} broken chain(s) in {result.events} events")
    raise click.exceptions.Exit(1)


@click.command("send-mail")
@click.option(
    "--limit",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="At most this many messages in one run.",
)
def send_mail(limit: int) -> None:
    """Deliver the outbox's due messages, retries included (safe to run again; for cron)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    result = mail.deliver_pending(app, limit=limit)
    waiting = mail.pending_count(app.extensions["db_engine"])
    click.echo(
        f"sent {result.sent}, logged {result.logged}, to retry {result.retrying},"
        f" failed {result.failed}; {waiting} pending in the outbox."
    )


@click.command("send-reminders")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if it were this day (YYYY-MM-DD); for catching up or testing.",
)
def send_reminders(today: object) -> None:
    """Queue report reminders due today, once per report and stage (safe to run again)."""
    day = today.date() if today is not None else None  # type: ignore[attr-defined]
    result = reminders.send_due(db.session, day)
    transaction.commit()  # the queued mail is delivered once the reminders are stored
    click.echo(
        f"queued {result.before} reminders before the due date and {result.overdue} overdue"
        " reminders."
    )
