"""The scale commands: `seed-scale`, `diagram` and `worker` (registered by workflow/cli.py)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from workflow.operations import users


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (seed_scale, diagram, worker):
        app.cli.add_command(command)


@click.command("seed-scale")
@click.option("--associations", default=80, show_default=True, type=click.IntRange(min=1))
@click.option("--applications", default=50_000, show_default=True, type=click.IntRange(min=0))
@click.option("--years", default=10, show_default=True, type=click.IntRange(min=1, max=30))
@click.option("--seed", "seed_value", default=2026, show_default=True, help="Random seed.")
@click.option("--quiet", is_flag=True, help="Only the summary, no progress lines.")
def seed_scale(
    associations: int, applications: int, years: int, seed_value: int, quiet: bool
) -> None:
    """Fill the database with national-scale test data (new associations scale-NN)."""
    from workflow.devdata import seed_scale as seeder

    engine = current_app.extensions["db_engine"]
    summary = seeder.seed(
        engine,
        associations=associations,
        applications=applications,
        years=years,
        password_hash=users.hash_password(seeder.PASSWORD),
        progress=None if quiet else click.echo,
        seed_value=seed_value,
    )
    states = ", ".join(f"{n} {state}" for state, n in sorted(summary.states.items()))
    click.echo(
        f"Seeded {summary.associations} associations and {summary.applications} applications"
        f" ({states}); {sum(summary.rows.values())} rows in {summary.seconds:.1f} s,"
        f" peak memory {summary.peak_mb:.0f} MB."
    )
    later = ", ".join(
        f"{summary.rows.get(table, 0)} {label}" for table, label in seeder.LATER_STAGE_ROWS
    )
    click.echo(f"Later stages: {later}.")
    click.echo(
        f"Every seeded user signs in with the password {seeder.PASSWORD}, e.g."
        f" officer.1.scale-01@{seeder.EMAIL_DOMAIN}."
    )


@click.command("diagram")
@click.option(
    "--machine",
    "machine_name",
    default="application",
    show_default=True,
    help="Which state machine to draw.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "table"]),
    default="mermaid",
    show_default=True,
)
def diagram(machine_name: str, fmt: str) -> None:
    """Print a state machine from states/ as a mermaid diagram (or a table of transitions)."""
    from workflow.rules import diagram as drawing

    if machine_name not in drawing.MACHINES:
        known = ", ".join(drawing.MACHINES)
        raise click.ClickException(f"No machine called {machine_name!r}; known: {known}.")
    if fmt == "mermaid":
        click.echo(drawing.mermaid(machine_name))
        return
    for row in drawing.transitions(machine_name):
        roles = ", ".join(row.roles)
        click.echo(f"{row.trigger}: {' | '.join(row.sources)} -> {row.dest} ({roles})")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the job queue (needs REDIS_URL)."""
    from workflow import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed.")
    jobs.work(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
