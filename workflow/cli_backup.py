"""The `flask --app workflow backup FILE` and `restore FILE` commands (plain English output)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import Engine

from workflow import backup as backups


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _engine() -> Engine:
    return current_app.extensions["db_engine"]


@contextmanager
def _progress(label: str, total: int) -> Iterator[backups.Progress]:
    """A progress bar over all rows; a long table shows its name while it runs."""
    with click.progressbar(length=total, label=label, show_pos=True) as bar:

        def advance(table: str, rows: int) -> None:
            bar.label = f"{label} {table}"
            bar.update(rows)

        yield advance


def _print_tables(summary: backups.Summary) -> None:
    width = max((len(name) for name in summary.tables), default=0)
    for name, rows in summary.tables.items():
        click.echo(f"  {name.ljust(width)}  {rows:>8} rows")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def backup_command(file: Path, force: bool) -> None:
    """Write the whole database to FILE (gzip'd JSON lines, portable between databases)."""
    if file.exists() and not force:
        raise click.ClickException(f"{file} exists; pass --force to overwrite it.")
    engine = _engine()
    total = sum(backups.counts(engine).values())
    try:
        with _progress("Backing up", total) as advance:
            summary = backups.backup(engine, file, progress=advance)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _print_tables(summary)
    click.echo(
        f"Wrote {summary.rows} rows of {len(summary.tables)} tables (schema revision"
        f" {summary.revision}) to {file}."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Load FILE, made by `backup`, into an empty database migrated to the same revision."""
    try:
        header = backups.read_header(file)
        total = sum(int(n) for n in header.get("tables", {}).values())
        with _progress("Restoring", total) as advance:
            summary = backups.restore(_engine(), file, progress=advance)
    except backups.BackupError as exc:
        raise click.ClickException(f"Nothing was restored. {exc}") from None
    _print_tables(summary)
    click.echo(
        f"Restored {summary.rows} rows of {len(summary.tables)} tables (schema revision"
        f" {summary.revision}) from {file}. Check the audit log with verify-audit."
    )
