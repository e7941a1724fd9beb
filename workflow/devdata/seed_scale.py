"""National-scale test data: many associations, tens of thousands of applications, in minutes.

Nothing here makes data up. workflow/devdata/seed_templates.py first builds a small world
through the real operations and the engine: one association with its people and settings, its
board meetings over a few years, and a few applications along every path of the lifecycle
(versions, annotations, decisions with §, starts, reports, LIV years and agreements), with the
clock held at the moment each step happened. It is built in a private in-memory SQLite
database, read, and thrown away; this module copies it in bulk (SQLAlchemy Core executemany in
chunks, ids given by the seeder, so nothing but the current chunk is held in memory):

* per association, the template association's own rows (members, people and their roles,
  budgets, report and security settings) with slug, diary prefix, names and e-mail addresses
  rewritten; budgets for every year it has;
* its board meetings: every held template meeting moved by whole years onto each year the
  association has, with attendance, signatures and notice, and the planned one;
* its applications: for each, a template of the state wanted (by year: earlier years have
  mostly settled, the current one is mostly in progress) moved back k >= 0 whole years, with
  every row that hangs off it; its decisions and agenda items land on the association's
  meeting of the same day.

A copy gets new ids. Foreign keys are remapped from the table metadata, ids inside JSON (audit
data, version snapshots) by their key; datetimes, dates, year columns, ISO dates and `year`
keys in JSON move by the copy's years. Diary numbers and § are numbered per association and
year, agenda positions per meeting. Each copied audit event is appended to its association's
hash chain (two-factor enrolments to the global chain) and hashed with workflow/audit.py, so
`verify-audit` passes; DiaryCounter, ParagraphCounter and the chain heads end where the data
does. Which rows a step leaves is known only to the engine: a new effect shows up in the
copies as soon as the templates are built with it, and a new table hanging off an application
(or one of its rows) is copied without a change here.
"""

from __future__ import annotations

import calendar
import json
import random
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import JSON
from sqlmodel import Session

from states.meeting import APPLICATION_ITEM
from workflow import audit
from workflow.devdata import seed_templates
from workflow.models import metadata
from workflow.rules.diary import format_diary_number
from workflow.rules.protocols import legal_force_date

PASSWORD = "scale-password-2026"  # noqa: S105 - test data, printed by the command
SLUG_PREFIX = "scale-"
EMAIL_DOMAIN = "scale.example.se"
# Applications per chunk: one transaction and one executemany per table per chunk.
CHUNK = 500

# The later stages' rows the command's summary names (table, what a row is).
LATER_STAGE_ROWS = (
    ("insats_start", "starts"),
    ("condition_confirmation", "condition confirmations"),
    ("report", "reports"),
    ("report_outcome", "report outcomes"),
    ("report_goal_result", "goal results"),
    ("report_support", "support rows"),
    ("liv_year", "LIV years"),
    ("liv_agreement", "LIV agreements"),
    ("liv_agreement_party", "agreement parties"),
    ("protocol_signature", "protocol signatures"),
    ("protocol_posting", "protocol postings"),
    ("report_settings", "report settings"),
    ("security_setting", "security settings"),
    ("two_factor", "two-factor enrolments"),
)

# State weights: earlier years have mostly settled; the current year is mostly in progress.
PAST_WEIGHTS = {
    "draft": 2,
    "withdrawn": 6,
    "rejected": 12,
    "approved": 3,
    "active": 10,
    "closed": 37,
    "liv_proposed": 2,
    "in_liv": 14,
    "ended": 14,
}
CURRENT_WEIGHTS = {
    "draft": 14,
    "submitted": 10,
    "completion_requested": 6,
    "in_preparation": 14,
    "prepared": 7,
    "proposed": 7,
    "on_agenda": 5,
    "approved": 10,
    "rejected": 7,
    "withdrawn": 4,
    "active": 16,
}
# The first applications of every association (after the bench's heavy one), all of its first
# member: one in each of these states, so even a tiny data set shows every kind of row on the
# pages (the statement-count guards compare pages at 10 and at 1,000 applications).
COVER = (
    "active",
    "closed",
    "in_liv",
    "draft",
    "submitted",
    "approved",
    "on_agenda",
    "rejected",
    "completion_requested",
)
MUNICIPALITIES = (
    "Ale",
    "Alingsås",
    "Borås",
    "Eksjö",
    "Falun",
    "Gislaved",
    "Habo",
    "Härnösand",
    "Kalmar",
    "Kiruna",
    "Kumla",
    "Lerum",
    "Luleå",
    "Malung",
    "Mora",
    "Nora",
    "Nässjö",
    "Orsa",
    "Piteå",
    "Sala",
    "Sunne",
    "Tranås",
    "Umeå",
    "Vara",
    "Vetlanda",
    "Ystad",
    "Åre",
    "Älvdalen",
    "Örebro",
)
REGIONS = (
    "Dalarna",
    "Gävleborg",
    "Jönköpings län",
    "Kalmar län",
    "Norrbotten",
    "Skåne",
    "Stockholm",
    "Uppsala",
    "Värmland",
    "Västerbotten",
    "Västra Götaland",
    "Örebro län",
)
# Every tenth association (scale-10, scale-20, ...) requires two-factor sign-in and its officer
# and chair have enrolled; in scale-05, scale-15, ... the auditor has enrolled of their own
# accord. The associations the bench and the tests sign in to (scale-01, scale-02) ask for none.
TWO_FACTOR_EVERY = 10

# Template rows never copied: mail is not sent again; counters and chain heads are written
# where the copies end.
SKIPPED = frozenset(
    {
        "mail_message",
        "mail_document",
        "mail_attachment",
        "diary_counter",
        "paragraph_counter",
        "audit_chain_head",
        "idempotency_key",
        "password_reset",
    }
)
# The association's own rows, and a meeting's; every other row belongs to an application.
ASSOCIATION_TABLES = frozenset(
    {
        "association",
        "member",
        "app_user",
        "role_grant",
        "association_budget",
        "report_settings",
        "security_setting",
        "two_factor",
        "recovery_code",
        "delegation",
        "contribution_key",
        "contribution_key_member",
        "economy_record",
    }
)
MEETING_TABLES = frozenset({"meeting", "attendance", "protocol_signature", "protocol_posting"})
# The tables audit events' entity ids point into, by entity type.
ENTITY_TABLES = {
    "application": "application",
    "agenda_item": "agenda_item",
    "annotation": "annotation",
    "report": "report",
    "meeting": "meeting",
    "member": "member",
    "user": "app_user",
    "association": "association",
    "association_budget": "association_budget",
}
# Ids inside JSON (audit data, version snapshots), by key: the table they point into.
JSON_IDS = {
    "application_id": "application",
    "decision_id": "decision",
    "meeting_id": "meeting",
    "agreement_id": "liv_agreement",
    "goal_id": "goal",
    "report_id": "report",
    "member_id": "member",
    "lead_member_id": "member",
    "partner_member_ids": "member",
    "party_member_ids": "member",
    "justerare_id": "app_user",
    "present": "app_user",
    "absent": "app_user",
}
# ISO dates inside JSON, by key (they move with the copy).
JSON_DATES = frozenset(
    {"date", "posted_on", "agreement_date", "start_date", "end_date", "signed_on"}
)
# Columns and JSON keys whose text names the template association (rewritten per copy).
TEXT_COLUMNS = {
    "association": ("slug", "name", "diary_prefix"),
    "member": ("name",),
    "app_user": ("email",),
    "protocol_posting": ("kept_at",),
}
TEXT_KEYS = frozenset({"slug", "name", "diary_prefix", "email", "kept_at"})
TEMPLATE_EMAIL = f".{seed_templates.TEMPLATE_SLUG}@scale-template.invalid"
TEMPLATE_NAME = "Samordningsförbundet Mall"
TEMPLATE_MEMBERS = ("Region Mall", "Mallby kommun", "Mallstad kommun")


@dataclass
class Summary:
    """What a run wrote and what it cost."""

    associations: int = 0
    applications: int = 0
    states: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    peak_mb: float = 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _leap_day_lost(source: int, target: int) -> bool:
    return calendar.isleap(source) and not calendar.isleap(target)


def _shift(value: Any, years: int) -> Any:
    """A date or datetime `years` whole years later, the same day of the same month.

    From a leap year into another, 29 February has no day of its own: a date becomes the
    28th; moments of the 28th and 29th are squeezed into the 28th, so they keep their order.
    """
    year = value.year + years
    if value.month == 2 and value.day >= 28 and _leap_day_lost(value.year, year):
        if not isinstance(value, datetime):
            return value.replace(year=year, day=28)
        midnight = value.replace(day=28, hour=0, minute=0, second=0, microsecond=0)
        return (midnight + (value - midnight) / 2).replace(year=year)
    return value.replace(year=year)


# --- the templates ---------------------------------------------------------------------------


@dataclass
class _Unit:
    """Template rows copied together (per table, parents first) and their audit events."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    # Dates of the template meetings the rows refer to (a copy needs a meeting on each).
    meeting_dates: tuple[date, ...] = ()

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)


@dataclass
class _Templates:
    """The template world, read and sorted into what is copied together."""

    world: seed_templates.World
    association: _Unit
    budgets: dict[int, _Unit]  # year -> the budget and its event
    meetings: dict[int, _Unit]  # template meeting id -> its rows and events
    meeting_dates: dict[int, date]
    applications: dict[int, _Unit]  # template application id -> its rows and events
    enrolments: dict[int, dict[str, Any]]  # user id -> the global chain's two_factor_enabled
    admins: frozenset[int]
    order: list[str]  # tables in insert order (parents first)
    by_state: dict[str, list[seed_templates.Template]] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return min(d.year for d in self.meeting_dates.values())


def _read(rows: dict[str, list[dict[str, Any]]], world: seed_templates.World) -> _Templates:
    """Sort the template's rows into the association's, each meeting's and each application's."""
    order = [t.name for t in metadata.sorted_tables if rows.get(t.name) and t.name not in SKIPPED]
    admins = frozenset(r["id"] for r in rows["app_user"] if r["is_admin"])
    association = _Unit()
    budgets: dict[int, _Unit] = {}
    budget_years: dict[int, int] = {}
    meetings: dict[int, _Unit] = {}
    applications: dict[int, _Unit] = {}
    owner: dict[str, dict[int, int]] = {}  # table -> row id -> application id
    for name in order:
        if name == "audit_event":
            continue
        table = metadata.tables[name]
        parents = [
            (column.name, next(iter(column.foreign_keys)).column.table.name)
            for column in table.c
            if column.foreign_keys
        ]
        for row in rows[name]:
            if name == "app_user" and row["id"] in admins:
                continue
            if name == "association_budget":
                budgets[row["year"]] = _Unit({name: [row]})
                budget_years[row["id"]] = row["year"]
            elif name in ASSOCIATION_TABLES:
                association.add(name, row)
            elif name in MEETING_TABLES or (
                name == "agenda_item" and row["application_id"] is None
            ):
                # An item by title (a standard item, a beslutsärende …) is the meeting's.
                key = row["id"] if name == "meeting" else row["meeting_id"]
                meetings.setdefault(key, _Unit()).add(name, row)
            else:
                if name == "application":
                    app_id = row["id"]
                elif "application_id" in row:
                    app_id = row["application_id"]
                else:
                    app_id = next(
                        (owner[t][row[c]] for c, t in parents if t in owner and row[c] in owner[t]),
                        None,
                    )
                    if app_id is None:
                        raise RuntimeError(f"seed-scale: whose are the template's {name} rows?")
                owner.setdefault(name, {})[row["id"]] = app_id
                applications.setdefault(app_id, _Unit()).add(name, row)
    enrolments: dict[int, dict[str, Any]] = {}
    for event in rows["audit_event"]:
        data = event["data"] or {}
        kind = event["entity_type"]
        if event["chain_id"] == audit.GLOBAL_CHAIN:
            if event["action"] == "two_factor_enabled":
                enrolments[event["entity_id"]] = event
            continue  # the template's administrator: not copied (its steps have no actor)
        app_id = event["entity_id"] if kind == "application" else data.get("application_id")
        if app_id is not None:
            applications[app_id].events.append(event)
        elif kind == "meeting":
            meetings[event["entity_id"]].events.append(event)
        elif kind == "agenda_item":
            meetings[data["meeting_id"]].events.append(event)
        elif kind == "association_budget":
            budgets[budget_years[event["entity_id"]]].events.append(event)
        else:
            association.events.append(event)
    meeting_dates = {r["id"]: r["date"] for r in rows["meeting"]}
    for unit in applications.values():
        used = {r["meeting_id"] for rs in unit.rows.values() for r in rs if r.get("meeting_id")}
        used |= {
            e["data"]["meeting_id"] for e in unit.events if (e["data"] or {}).get("meeting_id")
        }
        unit.meeting_dates = tuple(meeting_dates[m] for m in sorted(used))
    templates = _Templates(
        world=world,
        association=association,
        budgets=budgets,
        meetings=meetings,
        meeting_dates=meeting_dates,
        applications=applications,
        enrolments=enrolments,
        admins=admins,
        order=order,
    )
    for state, built in world.templates.items():
        if state != "heavy":
            templates.by_state[state] = sorted(built, key=lambda t: t.id)
    return templates


@contextmanager
def _cheap_hashes() -> Iterator[None]:
    """Argon2 at its lowest cost while the templates are built.

    The only hashes made then are of the recovery codes two-factor enrolment hands out, which
    nobody ever sees (people's passwords come hashed); at the configured cost they would take
    a good part of the run.
    """
    if not has_app_context():
        yield
        return
    config = current_app.config
    saved = config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"]
    config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"] = 1, 64
    try:
        yield
    finally:
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"] = saved


# The template world last built in this process, by what it was built from (copies only read
# it; a test run seeds many times).
_BUILT: dict[tuple[str, date, int], _Templates] = {}


def build_templates(*, password_hash: str, today: date, seed_value: int) -> _Templates:
    """The template world: built once per process and day, and read all of it."""
    key = (password_hash, today, seed_value)
    if key not in _BUILT:
        _BUILT.clear()
        _BUILT[key] = _build_templates(password_hash, today, seed_value)
    return _BUILT[key]


def _build_templates(password_hash: str, today: date, seed_value: int) -> _Templates:
    """Build the template world in a private in-memory database and read all of it."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        metadata.create_all(engine)
        with Session(engine) as session, _cheap_hashes():
            world = seed_templates.build(
                session, password_hash=password_hash, today=today, seed=seed_value
            )
            connection = session.connection()
            rows: dict[str, list[dict[str, Any]]] = {}
            for name, table in metadata.tables.items():
                stamps = [c.name for c in table.c if isinstance(c.type, DateTime)]
                found = []
                for row in connection.execute(table.select().order_by(*table.primary_key)):
                    values = dict(row._mapping)
                    for column in stamps:  # SQLite hands back naive UTC values
                        if values[column] is not None and values[column].tzinfo is None:
                            values[column] = values[column].replace(tzinfo=UTC)
                    found.append(values)
                rows[name] = found
            session.rollback()
    finally:
        engine.dispose()
    return _read(rows, world)


# --- the copies ------------------------------------------------------------------------------


@dataclass
class _Chain:
    """One audit hash chain: where the copies' next event goes."""

    id: int
    seq: int = 0
    head: str = audit.GENESIS


@dataclass
class _Assoc:
    """One copy of the template association, and what its copies number."""

    number: int
    slug: str
    prefix: str
    name: str
    texts: dict[str, str]  # whole values rewritten
    replacements: list[tuple[str, str]]  # parts of values rewritten
    ids: dict[str, dict[int, int | None]] = field(default_factory=dict)
    id: int = 0
    chain: _Chain = field(default_factory=lambda: _Chain(0))
    meeting_at: dict[date, int] = field(default_factory=dict)
    diary: dict[int, int] = field(default_factory=dict)
    paragraphs: dict[int, int] = field(default_factory=dict)
    agenda: dict[int, int] = field(default_factory=dict)

    def rewrite(self, value: str | None) -> str | None:
        if value is None:
            return None
        if value in self.texts:
            return self.texts[value]
        for old, new in self.replacements:
            if old in value:
                value = value.replace(old, new)
        return value


@dataclass
class _Copy:
    """One copy of a unit: its association, the years it moves, the ids it gave."""

    assoc: _Assoc
    years: int  # dates and datetimes move this many years
    year_columns: int  # year columns and keys move this many
    ids: dict[str, dict[int, int | None]]
    paragraphs: dict[int, int] = field(default_factory=dict)  # template decision -> §
    # Template meeting -> the § its board decision on this copy's application took.
    meeting_paragraphs: dict[int, int] = field(default_factory=dict)


@dataclass
class _Spec:
    """What copying a table's row involves, read once from the metadata."""

    has_id: bool
    keys: list[tuple[str, str]]  # (column, table it points into)
    moments: list[str]  # dates and datetimes
    years: list[str]
    jsons: list[str]
    texts: tuple[str, ...]


def _spec(name: str) -> _Spec:
    table = metadata.tables[name]
    keys = [
        (c.name, next(iter(c.foreign_keys)).column.table.name) for c in table.c if c.foreign_keys
    ]
    return _Spec(
        has_id="id" in table.c and "id" not in dict(keys),
        keys=keys,
        moments=[c.name for c in table.c if isinstance(c.type, DateTime | Date)],
        years=[
            c.name
            for c in table.c
            if isinstance(c.type, Integer) and (c.name == "year" or c.name.endswith("_year"))
        ],
        jsons=[c.name for c in table.c if isinstance(c.type, JSON)],
        texts=TEXT_COLUMNS.get(name, ()),
    )


class Seeder:
    """One run: copies the templates, buffers rows per table, flushes them in chunks."""

    def __init__(
        self,
        engine: Engine,
        *,
        password_hash: str,
        seed: int = 2026,
        today: date | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.password_hash = password_hash
        self.seed_value = seed
        self.rng = random.Random(seed)  # noqa: S311 - test data, reproducible
        self.today = today or datetime.now(UTC).date()
        self.progress = progress or (lambda _message: None)
        self.summary = Summary()
        self.templates: _Templates | None = None
        self.specs: dict[str, _Spec] = {}
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.next_ids: dict[str, int] = {}
        self._plans: dict[str, tuple[str, list[tuple[str, Any]]]] = {}
        self.global_chain = _Chain(audit.GLOBAL_CHAIN)
        self.global_head_exists = False

    # --- plumbing ---------------------------------------------------------------------------

    def _prepare(self, templates: _Templates) -> None:
        """Specs, empty buffers, the next free ids and the global chain's head."""
        self.templates = templates
        names = [*templates.order]
        self.specs = {name: _spec(name) for name in names}
        self.buffers = {name: [] for name in names}
        heads = metadata.tables["audit_chain_head"]
        with self.engine.connect() as connection:
            for name in names:
                table = metadata.tables[name]
                if self.specs[name].has_id:
                    highest = connection.execute(select(func.max(table.c.id))).scalar()
                    self.next_ids[name] = (highest or 0) + 1
            head = connection.execute(
                select(heads.c.seq, heads.c.hash).where(heads.c.chain_id == audit.GLOBAL_CHAIN)
            ).first()
        if head is not None:
            self.global_head_exists = True
            self.global_chain = _Chain(audit.GLOBAL_CHAIN, head[0], head[1])

    def flush(self) -> None:
        """Insert every buffered row, parents first, in one transaction."""
        with self.engine.begin() as connection:
            for name, rows in self.buffers.items():
                if rows:
                    self._insert(connection, name, rows)
                    self.summary.rows[name] = self.summary.rows.get(name, 0) + len(rows)
                    rows.clear()

    def _insert(self, connection: Connection, name: str, rows: list[dict[str, Any]]) -> None:
        """Write one table's buffered rows the fastest way the driver has.

        PostgreSQL: COPY (psycopg's, JSON given as text). SQLite: the driver's executemany,
        each value converted by SQLAlchemy's own bind processor (looked up once per table).
        Anything else: Core's executemany.
        """
        table = metadata.tables[name]
        columns = [c.name for c in table.c]
        if connection.dialect.name == "postgresql":
            from psycopg import sql

            jsons = [c.name in self.specs[name].jsons for c in table.c]
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            driver = connection.connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(row[c]) if is_json and row[c] is not None else row[c]
                            for c, is_json in zip(columns, jsons, strict=True)
                        ]
                    )
            return
        if connection.dialect.name != "sqlite":
            connection.execute(table.insert(), rows)
            return
        plan = self._plans.get(name)
        if plan is None:
            # "INSERT INTO t (a, b, ...) VALUES (?, ?, ...)", the columns in the table's order.
            statement = str(table.insert().compile(dialect=connection.dialect, column_keys=columns))
            dialect = connection.dialect
            # The dialect's own type (SQLite's TIME writes text; the generic Time has none).
            processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c]
            plan = self._plans[name] = (statement, list(zip(columns, processors, strict=True)))
        statement, converters = plan
        values = [tuple(row[c] if p is None else p(row[c]) for c, p in converters) for row in rows]
        connection.exec_driver_sql(statement, values)  # type: ignore[arg-type]

    def _key(self, copy: _Copy, table: str, value: int) -> int | None:
        """The copy's id for a template row's id in `table`."""
        if table == "meeting":
            moved = self.templates.meeting_dates[value]  # type: ignore[union-attr]
            return copy.assoc.meeting_at[_shift(moved, copy.years) if copy.years else moved]
        local = copy.ids.get(table)
        if local is not None and value in local:
            return local[value]
        return copy.assoc.ids[table][value]

    def _json(self, copy: _Copy, value: Any) -> Any:
        """JSON with its ids remapped, its dates and years moved, its names rewritten."""
        if not value:
            return value  # most events carry no data
        if isinstance(value, list):
            return [self._json(copy, v) for v in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, v in value.items():
            if v is None:
                out[key] = None
            elif key in JSON_IDS:
                target = JSON_IDS[key]
                out[key] = (
                    [self._key(copy, target, i) for i in v]
                    if isinstance(v, list)
                    else self._key(copy, target, v)
                )
            elif key == "year" and isinstance(v, int):
                out[key] = v + copy.year_columns
            elif key in JSON_DATES and isinstance(v, str) and copy.years:
                out[key] = _shift(date.fromisoformat(v), copy.years).isoformat()
            elif key in TEXT_KEYS and isinstance(v, str):
                out[key] = copy.assoc.rewrite(v)
            elif isinstance(v, dict | list):
                out[key] = self._json(copy, v)
            else:
                out[key] = v
        if value.get("paragraph") is not None and value.get("decision_id") in copy.paragraphs:
            out["paragraph"] = copy.paragraphs[value["decision_id"]]
        if out.get("legal_force_on") and out.get("posted_on"):
            posted = date.fromisoformat(out["posted_on"])
            out["legal_force_on"] = legal_force_date(posted).isoformat()
        return out

    def _row(self, copy: _Copy, name: str, row: dict[str, Any]) -> dict[str, Any]:
        """Buffer a copy of one template row: new id, keys remapped, moved in time."""
        spec = self.specs[name]
        new = dict(row)
        if spec.has_id:
            new_id = self.next_ids[name]
            self.next_ids[name] = new_id + 1
            copy.ids.setdefault(name, {})[row["id"]] = new_id
            new["id"] = new_id
        for column, table in spec.keys:
            value = row[column]
            if value is not None:
                new[column] = self._key(copy, table, value)
        if copy.years:
            for column in spec.moments:
                value = row[column]
                if value is not None:
                    new[column] = _shift(value, copy.years)
        if copy.year_columns:
            for column in spec.years:
                value = row[column]
                if value is not None:
                    new[column] = value + copy.year_columns
        for column in spec.jsons:
            new[column] = self._json(copy, row[column])
        for column in spec.texts:
            new[column] = copy.assoc.rewrite(row[column])
        self.buffers[name].append(new)
        return new

    def _event(self, copy: _Copy, chain: _Chain, event: dict[str, Any]) -> None:
        """Append a copy of a template event to `chain`, hashed as audit.record does."""
        new = self._row(copy, "audit_event", event)
        if event["entity_id"] is not None:
            new["entity_id"] = self._key(
                copy, ENTITY_TABLES[event["entity_type"]], event["entity_id"]
            )
        chain.seq += 1
        new.update(chain_id=chain.id, seq=chain.seq, prev_hash=chain.head)
        new["hash"] = chain.head = audit.row_hash(new)

    def _unit(self, copy: _Copy, unit: _Unit) -> None:
        for name, rows in unit.rows.items():
            for row in rows:
                self._row(copy, name, row)
        for event in unit.events:
            self._event(copy, copy.assoc.chain, event)

    # --- the run ----------------------------------------------------------------------------

    def run(self, *, associations: int, applications: int, years: int) -> Summary:
        """Seed `associations` new associations sharing `applications` over `years` years."""
        started = time.monotonic()
        templates = build_templates(
            password_hash=self.password_hash, today=self.today, seed_value=self.seed_value
        )
        self._prepare(templates)
        self.progress(
            f"templates: {len(templates.applications)} applications built through the engine,"
            f" {time.monotonic() - started:.0f} s"
        )
        with self.engine.connect() as connection:
            taken = connection.execute(
                text("SELECT count(*) FROM association WHERE slug LIKE :p"),
                {"p": f"{SLUG_PREFIX}%"},
            ).scalar_one()
        done = 0
        for index in range(associations):
            share = applications // associations + (1 if index < applications % associations else 0)
            assoc = self._association(taken + index + 1, years)
            self._meetings(assoc, years)
            self.flush()
            for chunk_start in range(0, share, CHUNK):
                for number in range(chunk_start, min(share, chunk_start + CHUNK)):
                    self._application(assoc, number, share, years)
                self.flush()
            done += share
            self._counters(assoc)
            self.summary.associations += 1
            elapsed = time.monotonic() - started
            self.progress(
                f"{assoc.slug}: {done}/{applications} applications,"
                f" {sum(self.summary.rows.values())} rows, {elapsed:.0f} s,"
                f" peak {peak_rss_mb():.0f} MB"
            )
        self._global_head()
        self._fix_sequences()
        self.summary.applications = done
        self.summary.seconds = time.monotonic() - started
        self.summary.peak_mb = peak_rss_mb()
        return self.summary

    def _first_year(self, years: int) -> int:
        """The association's first year: as many as asked, and the templates' years at least."""
        return min(self.today.year - years + 1, self.templates.first_year)  # type: ignore[union-attr]

    def _association(self, number: int, years: int) -> _Assoc:
        """The template association's own rows, renamed, moved to the association's first year."""
        templates = self.templates
        assert templates is not None
        region = REGIONS[number % len(REGIONS)]
        towns = self.rng.sample(MUNICIPALITIES, len(TEMPLATE_MEMBERS) - 1)
        slug = f"{SLUG_PREFIX}{number:02d}"
        name = f"Samordningsförbundet {region} {number}"
        members = [f"Region {region}", *(f"{town} kommun" for town in towns)]
        assoc = _Assoc(
            number=number,
            slug=slug,
            prefix=f"SK{number:02d}",
            name=name,
            texts={seed_templates.TEMPLATE_SLUG: slug, "SKT": f"SK{number:02d}"},
            replacements=[
                (TEMPLATE_EMAIL, f".{slug}@{EMAIL_DOMAIN}"),
                (TEMPLATE_NAME, name),
                *zip(TEMPLATE_MEMBERS, members, strict=True),
            ],
        )
        # The template administrator's steps are copied without an actor.
        assoc.ids["app_user"] = dict.fromkeys(templates.admins)
        moved = self._first_year(years) - templates.first_year
        copy = _Copy(assoc, moved, moved, assoc.ids)
        required = number % TWO_FACTOR_EVERY == 0
        enrolled = templates.world.enrolled
        people = (
            {enrolled["officer"], enrolled["chair"]}
            if required
            else {enrolled["auditor"]}
            if number % TWO_FACTOR_EVERY == TWO_FACTOR_EVERY // 2
            else set()
        )
        for table, rows in templates.association.rows.items():
            for row in rows:
                if table in ("two_factor", "recovery_code") and row["user_id"] not in people:
                    continue
                new = self._row(copy, table, row)
                if table == "association":
                    assoc.id = new["id"]
                    assoc.chain = _Chain(assoc.id)
                elif table == "security_setting":
                    # Only the associations that require it take the template's last step.
                    new["require_two_factor"] = required
        for event in templates.association.events:
            if event["action"] == "two_factor_required" and not required:
                continue
            self._event(copy, assoc.chain, event)
        # A budget for every year, each like the template's of that year (or its nearest).
        first, last = min(templates.budgets), max(templates.budgets)
        for year in range(self._first_year(years), self.today.year + 2):
            source = min(max(year, first), last)
            self._unit(_Copy(assoc, moved, year - source, assoc.ids), templates.budgets[source])
        for user_id in sorted(people):
            self._event(copy, self.global_chain, templates.enrolments[user_id])
        return assoc

    def _meetings(self, assoc: _Assoc, years: int) -> None:
        """Every held template meeting moved onto each of the association's years."""
        templates = self.templates
        assert templates is not None
        planned = templates.world.planned_meeting_id
        by_year: dict[int, list[int]] = {}
        for meeting_id, day in sorted(templates.meeting_dates.items(), key=lambda m: m[1]):
            if meeting_id != planned:
                by_year.setdefault(day.year, []).append(meeting_id)
        first = templates.first_year
        full = self.today.year - first  # the template's complete years: first ... today - 1
        for year in range(self._first_year(years), self.today.year + 1):
            source = year if year >= first else first + (year - first) % full
            for meeting_id in by_year.get(source, ()):
                self._meeting(assoc, meeting_id, year - source)
        self._meeting(assoc, planned, 0)

    def _paragraph(self, assoc: _Assoc, year: int) -> int:
        """The association's next § of the year in the copy."""
        paragraph = assoc.paragraphs[year] = assoc.paragraphs.get(year, 0) + 1
        return paragraph

    def _meeting(self, assoc: _Assoc, meeting_id: int, years: int) -> None:
        templates = self.templates
        assert templates is not None
        copy = _Copy(assoc, years, years, {})
        unit = templates.meetings[meeting_id]
        for name, rows in unit.rows.items():
            for row in rows:
                new = self._row(copy, name, row)
                if name == "meeting":
                    assoc.meeting_at[new["date"]] = new["id"]
                elif name == "agenda_item":
                    # The meeting's own items first, then its applications: positions 1..n.
                    meeting = new["meeting_id"]
                    new["position"] = assoc.agenda[meeting] = assoc.agenda.get(meeting, 0) + 1
                    if new["paragraph"] is not None:
                        new["paragraph"] = self._paragraph(assoc, new["paragraph_year"])
        for event in unit.events:
            self._event(copy, assoc.chain, event)

    def _template_for(
        self, assoc: _Assoc, number: int, share: int, years: int
    ) -> tuple[seed_templates.Template, int]:
        """The template the association's `number`th application copies, and its years back."""
        templates = self.templates
        assert templates is not None
        if number == 0:
            return templates.world.heavy, 0
        if number <= len(COVER):
            state = COVER[number - 1]
            first_path = seed_templates.PATHS[state][0]
            first_member = min(templates.association.rows["member"], key=lambda r: r["id"])["id"]
            built = templates.by_state[state]
            return next(
                (t for t in built if t.path == first_path and t.lead_member_id == first_member),
                built[0],
            ), 0
        year = self.today.year - years + 1 + (number * years) // max(share, 1)
        weights = CURRENT_WEIGHTS if year == self.today.year else PAST_WEIGHTS
        state = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        template = self.rng.choice(templates.by_state[state])
        back = min(year - template.year, 0)
        unit = templates.applications[template.id]
        if back and any(_shift(d, back) not in assoc.meeting_at for d in unit.meeting_dates):
            back = 0
        return template, back

    def _application(self, assoc: _Assoc, number: int, share: int, years: int) -> None:
        """One application copied from a template, numbered in the association."""
        templates = self.templates
        assert templates is not None
        template, back = self._template_for(assoc, number, share, years)
        copy = _Copy(assoc, back, back, {})
        unit = templates.applications[template.id]
        ends: tuple[date, date] | None = None  # the template's end date and the copy's
        for name, rows in unit.rows.items():
            for row in rows:
                new = self._row(copy, name, row)
                if name == "application":
                    ends = (row["end_date"], new["end_date"])
                if name == "report" and row["kind"] == "final" and ends and ends[0]:
                    # Due some days after the period ends (whole years differ in days).
                    new["due_date"] = ends[1] + (row["due_date"] - ends[0])
                if name == "application" and new["diary_year"] is not None:
                    year = new["diary_year"]
                    seq = assoc.diary[year] = assoc.diary.get(year, 0) + 1
                    new["diary_seq"] = seq
                    new["diary_number"] = format_diary_number(assoc.prefix, year, seq)
                elif name == "decision" and new["paragraph"] is not None:
                    year = new["paragraph_year"]
                    paragraph = assoc.paragraphs[year] = assoc.paragraphs.get(year, 0) + 1
                    new["paragraph"] = copy.paragraphs[row["id"]] = paragraph
                    copy.meeting_paragraphs[row["meeting_id"]] = paragraph
                elif name == "agenda_item":
                    meeting = new["meeting_id"]
                    new["position"] = assoc.agenda[meeting] = assoc.agenda.get(meeting, 0) + 1
                    decided = copy.meeting_paragraphs.get(row["meeting_id"])
                    if row["kind"] == APPLICATION_ITEM and decided is not None:
                        new["paragraph"] = decided  # the item's § is its decision's
                    elif new["paragraph"] is not None:  # a report, a tabled item: its own §
                        new["paragraph"] = self._paragraph(assoc, new["paragraph_year"])
        for event in unit.events:
            self._event(copy, assoc.chain, event)
        state = template.state
        self.summary.states[state] = self.summary.states.get(state, 0) + 1

    def _counters(self, assoc: _Assoc) -> None:
        """DiaryCounter, ParagraphCounter and the chain head, where the data ends."""
        with self.engine.begin() as connection:
            diary = [
                {"association_id": assoc.id, "year": year, "last_seq": seq}
                for year, seq in assoc.diary.items()
            ]
            if diary:
                connection.execute(metadata.tables["diary_counter"].insert(), diary)
            paragraphs = [
                {"association_id": assoc.id, "year": year, "last_paragraph": paragraph}
                for year, paragraph in assoc.paragraphs.items()
            ]
            if paragraphs:
                connection.execute(metadata.tables["paragraph_counter"].insert(), paragraphs)
            connection.execute(
                metadata.tables["audit_chain_head"].insert(),
                {"chain_id": assoc.id, "seq": assoc.chain.seq, "hash": assoc.chain.head},
            )

    def _global_head(self) -> None:
        """Move the global chain's head past the events appended to it."""
        chain = self.global_chain
        heads = metadata.tables["audit_chain_head"]
        with self.engine.begin() as connection:
            if self.global_head_exists:
                connection.execute(
                    heads.update()
                    .where(heads.c.chain_id == audit.GLOBAL_CHAIN)
                    .values(seq=chain.seq, hash=chain.head)
                )
            elif chain.seq:
                connection.execute(
                    heads.insert(),
                    {"chain_id": audit.GLOBAL_CHAIN, "seq": chain.seq, "hash": chain.head},
                )

    def _fix_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids the seeder gave."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as connection:
            for name in self.next_ids:
                # Table names come from the metadata, never from input.
                sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"  # noqa: E501, S608
                connection.execute(text(sql))


def seed(
    engine: Engine,
    *,
    associations: int,
    applications: int,
    years: int,
    password_hash: str,
    progress: Callable[[str], None] | None = None,
    seed_value: int = 2026,
) -> Summary:
    """Seed the database behind `engine`; returns counts, time and peak memory."""
    seeder = Seeder(engine, password_hash=password_hash, seed=seed_value, progress=progress)
    return seeder.run(associations=associations, applications=applications, years=years)


def scale_associations(engine: Engine) -> Iterator[tuple[str, int]]:
    """(slug, applications) of every seeded association."""
    with engine.connect() as connection:
        yield from connection.execute(
            text(
                "SELECT a.slug, count(ap.id) FROM association a"
                " LEFT JOIN application ap ON ap.association_id = a.id"
                " WHERE a.slug LIKE :p GROUP BY a.slug ORDER BY a.slug"
            ),
            {"p": f"{SLUG_PREFIX}%"},
        ).tuples()
