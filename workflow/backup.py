"""Backup and restore of the whole database as a portable, versioned file.

The file is gzip'd JSON lines: a header (format, format version, the Alembic revision
of the schema, the row count of every table), then for each table in foreign-key order
a line naming its columns followed by one line per row (values as JSON arrays, in
primary-key order), and an end line with the total, so a truncated file is refused.
Values are portable between SQLite and PostgreSQL: timestamps in UTC ISO 8601, dates
ISO 8601, decimals as text, bytes as base64. A restore goes into an empty database
migrated to the same revision only, in one transaction.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    func,
    insert,
    select,
    text,
)

FORMAT = "finsam-grants-backup"
FORMAT_VERSION = 1
BATCH = 500
SKIPPED = frozenset({"alembic_version"})

Progress = Callable[[str, int], None]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (for the operator)."""


@dataclass
class Summary:
    """What a backup wrote or a restore read: rows per table, in the order handled."""

    revision: str
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _tables(connection: Connection) -> list[Table]:
    """The database's own tables (as they are, not as the models say) in foreign-key order."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    tables = [t for t in metadata.sorted_tables if t.name not in SKIPPED]
    sqlite = connection.dialect.name == "sqlite"
    for table in tables:
        for column in table.columns:
            if isinstance(column.type, JSON):
                # A missing value is SQL NULL on both sides, not the JSON literal null.
                column.type = type(column.type)(none_as_null=True)
            elif sqlite and isinstance(column.type, Numeric) and column.type.asdecimal:
                # SQLite keeps numerics as floats; reading them as such avoids a lossy cast.
                column.type = Numeric(column.type.precision, column.type.scale, asdecimal=False)
    return tables


def revision_of(connection: Connection) -> str | None:
    """The Alembic revision the database stands at (None when it was never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def _encode(value: Any) -> Any:
    """A column value as JSON: timestamps in UTC, dates and decimals as text, bytes base64."""
    if isinstance(value, datetime):
        # SQLite returns the stored UTC timestamps naive; PostgreSQL in its session zone.
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(column_type: Any) -> Callable[[Any], Any]:
    """How to turn a JSON value back into what the target column takes."""
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat
    if isinstance(column_type, Date):
        return date.fromisoformat
    if isinstance(column_type, Time):
        return time.fromisoformat
    if isinstance(column_type, LargeBinary):
        return base64.b64decode
    if isinstance(column_type, Numeric) and not isinstance(column_type, Integer):
        return Decimal if column_type.asdecimal else float
    return lambda value: value


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(connection: Connection, table: Table) -> Iterator[list[Any]]:
    """The rows of one table, encoded, in primary-key order (streamed)."""
    query = select(*table.columns).order_by(*_order(table))
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    encoders = [_encoder(column.type) for column in table.columns]
    for row in result:
        yield [encode(value) for encode, value in zip(encoders, row, strict=True)]


def _encoder(column_type: Any) -> Callable[[Any], Any]:
    """How one column's values are written: a fixed-point numeric as text with its scale,
    whichever backend read it (SQLite gives 7.5, PostgreSQL Decimal('7.50'): both "7.50")."""
    scale = getattr(column_type, "scale", None)
    if isinstance(column_type, Numeric) and not isinstance(column_type, Integer) and scale:
        step = Decimal(1).scaleb(-scale)

        def fixed(value: Any) -> Any:
            if value is None:
                return None
            return format(Decimal(str(value)).quantize(step), "f")

        return fixed
    return _encode


def snapshot(engine: Engine) -> dict[str, list[list[Any]]]:
    """Every table's encoded rows: what a backup holds, to compare two databases."""
    with engine.connect() as connection:
        return {t.name: list(table_rows(connection, t)) for t in _tables(connection)}


def _line(stream: IO[str], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def counts(engine: Engine) -> dict[str, int]:
    """The number of rows of every table, in foreign-key order."""
    with engine.connect() as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in _tables(connection)
        }


def backup(engine: Engine, path: Path, *, progress: Progress | None = None) -> Summary:
    """Write the whole database to `path`; the file appears only once it is complete."""
    partial = path.with_name(path.name + ".partial")
    # One read transaction: the rows of every table are of the same moment.
    with engine.connect() as connection, connection.begin():
        revision = revision_of(connection)
        if revision is None:
            raise BackupError("The database has no schema yet (run init-db first).")
        tables = _tables(connection)
        summary = Summary(revision)
        sizes = {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in tables
        }
        with gzip.open(partial, "wt", encoding="utf-8") as stream:
            _line(
                stream,
                {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "revision": revision,
                    "created_at": datetime.now(UTC).isoformat(),
                    "dialect": connection.dialect.name,
                    "tables": sizes,
                },
            )
            for table in tables:
                columns = [c.name for c in table.columns]
                _line(stream, {"table": table.name, "columns": columns})
                written = 0
                for row in table_rows(connection, table):
                    _line(stream, {"r": row})
                    written += 1
                    if progress is not None and written % BATCH == 0:
                        progress(table.name, BATCH)
                if progress is not None and written % BATCH:
                    progress(table.name, written % BATCH)
                summary.tables[table.name] = written
            _line(stream, {"end": True, "rows": summary.rows})
    partial.replace(path)
    return summary


def read_header(path: Path) -> dict[str, Any]:
    """The header of a backup file; refuses files that are not backups of this format."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            header = json.loads(stream.readline())
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not a backup file of this application: {exc}") from None
    _check_header(header, path)
    return header


def _check_header(header: Any, path: Path) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup file of this application.")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has backup format version {header.get('format_version')}; this version"
            f" of the application reads version {FORMAT_VERSION} only."
        )


def _ensure_empty(connection: Connection, tables: list[Table]) -> None:
    filled = [
        t.name
        for t in tables
        if connection.execute(select(func.count()).select_from(t)).scalar_one()
    ]
    if filled:
        raise BackupError(
            "The database is not empty (rows in "
            + ", ".join(filled)
            + "): restore only into a new, migrated database."
        )


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Make PostgreSQL's id sequences continue after the restored ids."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column}
        ).scalar_one()
        if sequence is None:
            continue
        key = table.c[column]
        connection.execute(
            select(func.setval(sequence, func.coalesce(func.max(key), 1), func.count(key) > 0))
        )


def restore(engine: Engine, path: Path, *, progress: Progress | None = None) -> Summary:
    """Load a backup into an empty database of the same schema revision, all or nothing."""
    header = read_header(path)
    with engine.connect() as connection, connection.begin():
        revision = revision_of(connection)
        if revision is None:
            raise BackupError("The database has no schema yet: run init-db first.")
        if revision != header.get("revision"):
            raise BackupError(
                f"The backup is of schema revision {header.get('revision')}, the database"
                f" is at revision {revision}: restore it with the version of the application"
                " that made it, or into a database at that revision."
            )
        tables = {t.name: t for t in _tables(connection)}
        _ensure_empty(connection, list(tables.values()))
        summary = _load(connection, tables, path, progress)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, list(tables.values()))
    return summary


def _load(
    connection: Connection, tables: dict[str, Table], path: Path, progress: Progress | None
) -> Summary:
    """Insert the file's rows table by table, in batches."""
    summary = Summary(revision="")
    table: Table | None = None
    columns: list[str] = []
    decoders: list[Callable[[Any], Any]] = []
    batch: list[dict[str, Any]] = []
    ended = False

    def flush() -> None:
        if batch and table is not None:
            connection.execute(insert(table), batch)
            summary.tables[table.name] = summary.tables.get(table.name, 0) + len(batch)
            if progress is not None:
                progress(table.name, len(batch))
            batch.clear()

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        try:
            header = json.loads(stream.readline())
            summary.revision = header["revision"]
            for number, raw in enumerate(stream, start=2):
                if ended:
                    raise BackupError(f"{path}: data after the end mark (line {number}).")
                record = json.loads(raw)
                if "r" in record:
                    if table is None or len(record["r"]) != len(columns):
                        raise BackupError(f"{path}: a row that fits no table (line {number}).")
                    batch.append(
                        {
                            name: None if value is None else decode(value)
                            for name, decode, value in zip(
                                columns, decoders, record["r"], strict=True
                            )
                        }
                    )
                    if len(batch) >= BATCH:
                        flush()
                elif "table" in record:
                    flush()
                    table, columns = _start_table(tables, record, path)
                    summary.tables[table.name] = 0
                    decoders = [_decoder(table.columns[c].type) for c in columns]
                elif record.get("end"):
                    flush()
                    ended = True
                    if record.get("rows") != summary.rows:
                        raise BackupError(f"{path}: the row count at the end does not match.")
                else:
                    raise BackupError(f"{path}: an unknown line {number}.")
        except (OSError, EOFError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise BackupError(f"{path} is damaged: {exc}") from None
    if not ended:
        raise BackupError(f"{path} is incomplete (no end mark): it was cut short.")
    return summary


def _start_table(
    tables: dict[str, Table], record: dict[str, Any], path: Path
) -> tuple[Table, list[str]]:
    """The table a section of the file fills, checked against the database."""
    table = tables.get(record["table"])
    if table is None:
        raise BackupError(f"{path}: the table {record['table']} does not exist in the database.")
    columns = list(record["columns"])
    unknown = [c for c in columns if c not in table.columns]
    if unknown:
        raise BackupError(f"{path}: the table {table.name} has no column(s) {', '.join(unknown)}.")
    return table, columns
