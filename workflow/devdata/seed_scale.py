"""National-scale test data: many associations, tens of thousands of applications, in minutes.

Rows are written with SQLAlchemy Core bulk inserts (executemany) in chunks, with ids given by
the seeder, so nothing but the current chunk is held in memory. Every application is walked
through a path of the real lifecycle (states/application.py, checked against the engine's
machine), and what each step leaves behind is written as the engine would: frozen versions,
diary numbers, annotations, recommendations, proposals, agenda items, decisions with §
numbers, and one audit event per step on the association's hash chain (hashed with
workflow/audit.py, so `verify-audit` passes). Counters (DiaryCounter,
ParagraphCounter, AuditChainHead) end where the data does.

The later stages are seeded the same way: protocol signatures and notices (anslag) for signed
meetings, security settings and a few two-factor enrolments per association, LIV admissions
and yearly financing decisions taken by the board (with §, agenda item and LivYear), and, in
workflow/devdata/seed_scale_extra.py, the start of each insats, its condition confirmations,
its reports (annual and final, with outcomes, goal results and support by gender) and LIV
agreements. Steps after `start` are timed from the insats period (a final report is accepted
after the period ends, LIV follows at a board meeting), so every row agrees with the
application's state and dates. Tables of stages still to come: register a per-application
seeder with `extra_seeder(table)`; it is called only when that table exists.
"""

from __future__ import annotations

import base64
import random
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, func, inspect, select, text

from states.application import BY_TRIGGER, State
from states.common import Role
from workflow import audit
from workflow.devdata import seed_scale_extra
from workflow.lifecycles.application import APPLICATION
from workflow.models import metadata
from workflow.operations import protocols
from workflow.rules import insats as insats_rules
from workflow.rules.diary import format_diary_number

PASSWORD = "scale-password-2026"  # noqa: S105 - test data, printed by the command
SLUG_PREFIX = "scale-"
EMAIL_DOMAIN = "scale.example.se"
# Applications per chunk: one transaction and one executemany per table per chunk.
CHUNK = 500
DELEGATION_LIMIT = 300_000

# The tables the seeder writes, parents before children (the order of a chunk's inserts).
ORDER = (
    "association",
    "member",
    "app_user",
    "two_factor",
    "role_grant",
    "association_budget",
    "security_setting",
    "report_settings",
    "meeting",
    "attendance",
    "protocol_signature",
    "protocol_posting",
    "application",
    "application_partner",
    "budget_line",
    "cofunding_line",
    "goal",
    "application_version",
    "annotation",
    "recommendation",
    "proposal",
    "decision",
    "decision_amount",
    "agenda_item",
    "liv_year",
    "insats_start",
    "condition_confirmation",
    "liv_agreement",
    "liv_agreement_party",
    "report",
    "report_outcome",
    "report_goal_result",
    "report_support",
    "audit_event",
)

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

_TO_PREPARED = ("submit", "accept_for_preparation", "recommend")
_BOARD = (*_TO_PREPARED, "propose", "place_on_agenda")
# Alternative paths per state: the seeder picks one per application.
PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "draft": ((),),
    "submitted": (("submit",),),
    "completion_requested": (
        ("submit", "return_for_completion"),
        ("submit", "accept_for_preparation", "request_completion"),
    ),
    "in_preparation": (
        ("submit", "accept_for_preparation"),
        (
            "submit",
            "accept_for_preparation",
            "request_completion",
            "resubmit",
            "accept_for_preparation",
        ),
    ),
    "prepared": (_TO_PREPARED,),
    "proposed": ((*_TO_PREPARED, "propose"),),
    "on_agenda": (_BOARD,),
    "approved": ((*_BOARD, "board_approve"), (*_TO_PREPARED, "delegated_approve")),
    "rejected": ((*_BOARD, "board_reject"), (*_TO_PREPARED, "delegated_reject")),
    "withdrawn": (
        ("withdraw",),
        ("submit", "withdraw"),
        ("submit", "accept_for_preparation", "withdraw"),
    ),
    "active": ((*_BOARD, "board_approve", "start"), (*_TO_PREPARED, "delegated_approve", "start")),
    "closed": ((*_BOARD, "board_approve", "start", "accept_final_report"),),
    "liv_proposed": ((*_BOARD, "board_approve", "start", "accept_final_report", "propose_liv"),),
    "in_liv": ((*_BOARD, "board_approve", "start", "propose_liv", "liv_approve"),),
    "ended": ((*_BOARD, "board_approve", "start", "propose_liv", "liv_approve", "phase_out"),),
}
# The bench's heavy application: ten frozen versions (nine rounds of completion), in preparation.
HEAVY_PATH = (
    "submit",
    "accept_for_preparation",
    *(("request_completion", "resubmit", "accept_for_preparation") * 9),
)
HEAVY_ANNOTATIONS = 20
# The next applications of every association, all of its first member: one in each of these
# states, so even a tiny data set shows every kind of row on the pages (the statement-count
# guards compare pages at 10 and at 1,000 applications).
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
MEETING_DAYS = ((2, 14), (4, 11), (6, 6), (9, 12), (10, 24), (12, 5))
# The yearly LIV financing decision is taken at the October meeting, for the next year.
LIV_MEETING = (10, 24)
# Every tenth association (scale-10, scale-20, ...) requires two-factor sign-in and its officer
# and chair have enrolled; in scale-05, scale-15, ... the auditor has enrolled of their own
# accord. The associations the bench and the tests sign in to (scale-01, scale-02) ask for none.
TWO_FACTOR_EVERY = 10
# Reporting dates of the associations that set their own (the rest keep the defaults).
REPORT_SETTINGS = ((2, 28, 60), (3, 31, 90), (4, 30, 60), (1, 31, 45))
# A board approval with conditions: the officer confirms each at the start.
CONDITIONS = (
    "- Samverkansavtal undertecknat av samtliga parter.\n"
    "- Reviderad budget per år inlämnad före start."
)
CONDITIONAL_SHARE = 0.2


def _check_paths() -> None:
    """Every path is a walk of the engine's machine ending in its state (fails loudly if not)."""
    for state, paths in {**PATHS, "in_preparation_heavy": (HEAVY_PATH,)}.items():
        for path in paths:
            current = State.DRAFT.value
            for trigger in path:
                if not APPLICATION.is_allowed_from(trigger, current):
                    raise AssertionError(f"seed path for {state}: {trigger} from {current}")
                current = str(BY_TRIGGER[trigger].dest)
            if state in PATHS and current != state:
                raise AssertionError(f"seed path for {state} ends in {current}")


# --- hooks for the tables of later stages -------------------------------------------------

ExtraSeeder = Callable[["Seeder", "AppRecord"], None]
_EXTRA: dict[str, ExtraSeeder] = {}


def extra_seeder(table: str) -> Callable[[ExtraSeeder], ExtraSeeder]:
    """Register a per-application seeder for `table` (called only when the table exists)."""

    def register(func_: ExtraSeeder) -> ExtraSeeder:
        _EXTRA[table] = func_
        return func_

    return register


@dataclass
class AppRecord:
    """What an extra seeder may read about one generated application."""

    id: int
    association_id: int
    state: str
    path: tuple[str, ...]
    lead_member_id: int
    applicant_id: int
    year: int
    times: list[datetime]
    budget: list[tuple[int, int]]
    assoc: _Assoc
    partner_member_id: int | None = None
    goal_ids: list[int] = field(default_factory=list)
    start_date: date | None = None
    end_date: date | None = None
    # The approving decision `start` rests on, and its conditions (one per line, stripped).
    decision_id: int | None = None
    conditions: list[str] = field(default_factory=list)
    agreement_date: date | None = None
    # (year, decision id, decided at) of every LIV year the board financed.
    liv_years: list[tuple[int, int, datetime]] = field(default_factory=list)
    # One of the applications that show every kind of row at any size (COVER).
    covering: bool = False


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


@dataclass
class _Assoc:
    id: int
    slug: str
    prefix: str
    members: list[tuple[int, str]]  # (id, party)
    applicants: dict[int, int]  # member id -> user id
    board: list[tuple[int, int]]  # (user id, member id) of the ledamöter
    officer: int
    preparer: int
    chair: int
    meetings: dict[int, list[tuple[int, date]]]  # year -> held meetings (id, date)
    planned: tuple[int, date]
    agenda_pos: dict[int, int] = field(default_factory=dict)
    diary: dict[int, int] = field(default_factory=dict)
    paragraphs: dict[int, int] = field(default_factory=dict)
    seq: int = 0
    head: str = audit.GENESIS
    name: str = ""
    # (annual due month, day, final due days): what report due dates follow from.
    report_settings: tuple[int, int, int] = (2, 28, 60)
    held: list[tuple[int, date]] = field(default_factory=list)


@dataclass
class _GlobalChain:
    """The audit chain of events without an association (two-factor enrolments)."""

    seq: int
    head: str
    id: None = None


class Seeder:
    """One run: allocates ids, buffers rows per table, flushes them in chunks."""

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
        self.rng = random.Random(seed)  # noqa: S311 - test data, reproducible
        self.today = today or datetime.now(UTC).date()
        self.progress = progress or (lambda _message: None)
        self.tables: dict[str, Table] = {name: metadata.tables[name] for name in ORDER}
        existing = set(inspect(engine).get_table_names())
        self.extras = {name: f for name, f in _EXTRA.items() if name in existing}
        for name in self.extras:
            self.tables.setdefault(name, metadata.tables[name])
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in self.tables}
        self.summary = Summary()
        with engine.connect() as connection:
            self.next_ids = {
                name: (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
                for name, table in self.tables.items()
                if "id" in table.c
            }
            heads = metadata.tables["audit_chain_head"]
            head = connection.execute(
                select(heads.c.seq, heads.c.hash).where(heads.c.chain_id == audit.GLOBAL_CHAIN)
            ).first()
        self.global_head_exists = head is not None
        self.global_chain = (
            _GlobalChain(seq=head[0], head=head[1]) if head else _GlobalChain(0, audit.GENESIS)
        )

    # --- plumbing ---------------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        """The next id of `table` (the seeder gives ids itself, so children need no RETURNING)."""
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        """Buffer one row; its id is allocated unless given."""
        if "id" in self.tables[table].c and "id" not in row:
            row["id"] = self.new_id(table)
        self.buffers[table].append(row)
        return row

    def flush(self) -> None:
        """Insert every buffered row, parents first, in one transaction."""
        with self.engine.begin() as connection:
            for name, rows in self.buffers.items():
                if rows:
                    connection.execute(self.tables[name].insert(), rows)
                    self.summary.rows[name] = self.summary.rows.get(name, 0) + len(rows)
                    rows.clear()

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
            for name, table in self.tables.items():
                if "id" in table.c:
                    # Table names come from the metadata, never from input.
                    sql = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"  # noqa: E501, S608
                    connection.execute(text(sql))

    def audit_event(
        self,
        assoc: _Assoc | _GlobalChain,
        *,
        at: datetime,
        action: str,
        entity_type: str,
        entity_id: int | None,
        actor_id: int | None,
        from_state: str | None = None,
        to_state: str | None = None,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Append one event to the association's chain, hashed as audit.record does."""
        assoc.seq += 1
        row = self.add(
            "audit_event",
            chain_id=audit.GLOBAL_CHAIN if assoc.id is None else assoc.id,
            seq=assoc.seq,
            association_id=assoc.id,
            actor_id=actor_id,
            created_at=at,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
            prev_hash=assoc.head,
            hash="",
        )
        row["hash"] = audit.row_hash(row)
        assoc.head = row["hash"]

    # --- the run ----------------------------------------------------------------------------

    def run(self, *, associations: int, applications: int, years: int) -> Summary:
        """Seed `associations` new associations sharing `applications` over `years` years."""
        _check_paths()
        started = time.monotonic()
        with self.engine.connect() as connection:
            taken = connection.execute(
                text("SELECT count(*) FROM association WHERE slug LIKE :p"),
                {"p": f"{SLUG_PREFIX}%"},
            ).scalar_one()
        first = taken + 1
        done = 0
        for index in range(associations):
            share = applications // associations + (1 if index < applications % associations else 0)
            assoc = self._association(first + index, years)
            self.flush()
            for chunk_start in range(0, share, CHUNK):
                for number in range(chunk_start, min(share, chunk_start + CHUNK)):
                    self._application(assoc, number, share, years)
                self.flush()
            done += share
            self._counters(assoc)
            self.flush()
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

    def _association(self, number: int, years: int) -> _Assoc:
        rng = self.rng
        slug = f"{SLUG_PREFIX}{number:02d}"
        prefix = f"SK{number:02d}"
        region = REGIONS[number % len(REGIONS)]
        created = datetime(self.today.year - years + 1, 1, 2, 9, tzinfo=UTC)
        assoc_id = self.new_id("association")
        self.add(
            "association",
            id=assoc_id,
            slug=slug,
            name=f"Samordningsförbundet {region} {number}",
            diary_prefix=prefix,
            delegation_limit_sek=DELEGATION_LIMIT,
            require_partner_endorsement=False,
            created_at=created,
            version=1,
        )
        members: list[tuple[int, str]] = []
        names = [("Arbetsförmedlingen", "af", None), ("Försäkringskassan", "fk", None)]
        names.append((f"Region {region}", "region", rng.randint(150_000, 1_500_000)))
        for town in rng.sample(MUNICIPALITIES, rng.randint(1, 6)):
            names.append((f"{town} kommun", "municipality", rng.randint(3_000, 160_000)))
        for name, party, population in names:
            member_id = self.new_id("member")
            self.add(
                "member",
                id=member_id,
                association_id=assoc_id,
                name=name,
                party=party,
                population=population,
                version=1,
            )
            members.append((member_id, party))

        def person(role: str, tag: str, member_id: int | None = None, **extra: Any) -> int:
            user_id = self.new_id("app_user")
            self.add(
                "app_user",
                id=user_id,
                email=f"{role}.{tag}.{slug}@{EMAIL_DOMAIN}",
                name=f"{role.capitalize()} {tag} {number}",
                password_hash=self.password_hash,
                is_admin=False,
                active=True,
                session_epoch=0,
                created_at=created,
                version=1,
            )
            self.add(
                "role_grant",
                user_id=user_id,
                association_id=assoc_id,
                role=role,
                member_id=member_id,
                substitute=extra.get("substitute", False),
            )
            return user_id

        applicants = {mid: person("applicant", str(k), mid) for k, (mid, _p) in enumerate(members)}
        board = [(person("board", str(k), mid), mid) for k, (mid, _p) in enumerate(members)]
        for k, (mid, _p) in enumerate(members[:3]):
            person("board", f"ersattare{k}", mid, substitute=True)
        officer = person("officer", "1")
        preparer = person("preparer", "1")
        person("preparer", "2")
        chair = person("chair", "1")
        auditor = person("auditor", "1")
        first_year = self.today.year - years + 1
        for year in range(first_year, self.today.year + 2):
            self.add(
                "association_budget",
                association_id=assoc_id,
                year=year,
                contributions_sek=rng.randint(20, 200) * 100_000,
                carried_over_sek=rng.randint(0, 30) * 100_000,
                admin_costs_sek=rng.randint(5, 20) * 100_000,
                other_costs_sek=rng.randint(0, 5) * 100_000,
                version=1,
            )
        assoc = _Assoc(
            id=assoc_id,
            slug=slug,
            prefix=prefix,
            members=members,
            applicants=applicants,
            board=board,
            officer=officer,
            preparer=preparer,
            chair=chair,
            meetings={},
            planned=(0, self.today),
            name=f"Samordningsförbundet {region} {number}",
        )
        self.audit_event(
            assoc,
            at=created,
            action="create_association",
            entity_type="association",
            entity_id=assoc_id,
            actor_id=None,
            data={
                "slug": slug,
                "name": f"Samordningsförbundet {region} {number}",
                "diary_prefix": prefix,
                "delegation_limit_sek": DELEGATION_LIMIT,
            },
        )
        self._security(assoc, number, created, enrolled=[officer, chair], volunteer=auditor)
        self._report_settings(assoc, number, created)
        for year in range(first_year, self.today.year + 1):
            held = []
            for month, day in MEETING_DAYS:
                when = date(year, month, day)
                if when >= self.today:
                    continue
                held.append((self._meeting(assoc, when, signed=True), when))
            assoc.meetings[year] = held
            assoc.held.extend(held)
        when = self.today + timedelta(days=14)
        assoc.planned = (self._meeting(assoc, when, signed=False), when)
        return assoc

    def _security(
        self,
        assoc: _Assoc,
        number: int,
        created: datetime,
        *,
        enrolled: list[int],
        volunteer: int,
    ) -> None:
        """The association's security setting and the two-factor enrolments it calls for."""
        required = number % TWO_FACTOR_EVERY == 0
        at = created + timedelta(days=1)
        self.add(
            "security_setting",
            association_id=assoc.id,
            require_two_factor=required,
            updated_at=at,
        )
        people = []
        if required:
            self.audit_event(
                assoc,
                at=at,
                action="two_factor_required",
                entity_type="association",
                entity_id=assoc.id,
                actor_id=None,
            )
            people = list(enrolled)
        if number % TWO_FACTOR_EVERY == TWO_FACTOR_EVERY // 2:
            people.append(volunteer)
        for k, user_id in enumerate(people):
            # A secret like pyotp.random_base32(), from the run's generator (reproducible).
            secret = base64.b32encode(self.rng.randbytes(20)).decode("ascii")
            confirmed = at + timedelta(days=1, hours=k)
            self.add(
                "two_factor",
                user_id=user_id,
                secret=secret,
                confirmed_at=confirmed,
                last_step=None,
                created_at=confirmed - timedelta(minutes=5),
            )
            self.audit_event(
                self.global_chain,
                at=confirmed,
                action="two_factor_enabled",
                entity_type="user",
                entity_id=user_id,
                actor_id=user_id,
            )

    def _report_settings(self, assoc: _Assoc, number: int, created: datetime) -> None:
        """Reporting dates: three associations in four set their own, the rest keep defaults."""
        if number % 4 == 0:
            return
        month, day, final_days = REPORT_SETTINGS[number % len(REPORT_SETTINGS)]
        assoc.report_settings = (month, day, final_days)
        self.add(
            "report_settings",
            association_id=assoc.id,
            annual_due_month=month,
            annual_due_day=day,
            final_due_days=final_days,
            version=1,
        )
        self.audit_event(
            assoc,
            at=created + timedelta(days=3),
            action="report_settings",
            entity_type="association",
            entity_id=assoc.id,
            actor_id=assoc.officer,
            data={"annual_due": f"{month:02d}-{day:02d}", "final_due_days": final_days},
        )

    def _meeting(self, assoc: _Assoc, when: date, *, signed: bool) -> int:
        meeting_id = self.new_id("meeting")
        start = datetime(when.year, when.month, when.day, 9, tzinfo=UTC)
        created = start - timedelta(days=30)
        now = datetime.now(UTC)
        stamps: dict[str, Any] = {"opened_at": None, "closed_at": None, "signed_at": None}
        justerare = assoc.board[0][0]
        if signed:
            closed = start + timedelta(hours=3)
            stamps = {
                "opened_at": start,
                "closed_at": closed,
                # Justered within a week, and never later than now.
                "signed_at": max(min(start + timedelta(days=7), now), closed + timedelta(hours=1)),
            }
        self.add(
            "meeting",
            id=meeting_id,
            association_id=assoc.id,
            date=when,
            state="protocol_signed" if signed else "planned",
            location="Kommunhuset, sammanträdesrum 1",
            created_at=created,
            chair_id=assoc.chair if signed else None,
            signed_by_id=assoc.chair if signed else None,
            justerare_id=justerare if signed else None,
            version=1,
            **stamps,
        )
        for user_id, member_id in assoc.board:
            self.add(
                "attendance",
                meeting_id=meeting_id,
                user_id=user_id,
                member_id=member_id,
                seat="ledamot",
                present=signed,
                updated_at=start,
            )
        self.audit_event(
            assoc,
            at=created,
            action="create_meeting",
            entity_type="meeting",
            entity_id=meeting_id,
            actor_id=assoc.officer,
            to_state="planned",
            data={"date": when.isoformat(), "location": "Kommunhuset, sammanträdesrum 1"},
        )
        if signed:
            self._protocol(assoc, meeting_id, justerare, **stamps)
        return meeting_id

    def _protocol(
        self,
        assoc: _Assoc,
        meeting_id: int,
        justerare: int,
        *,
        opened_at: datetime,
        closed_at: datetime,
        signed_at: datetime,
    ) -> None:
        """A held meeting's steps, justering (justerare first, then the chair) and notice."""
        justered = closed_at + (signed_at - closed_at) / 2
        meeting = {"entity_type": "meeting", "entity_id": meeting_id}
        self.audit_event(
            assoc,
            at=opened_at,
            action="open",
            actor_id=assoc.chair,
            from_state="planned",
            to_state="open",
            data={"justerare_id": justerare},
            **meeting,
        )
        self.audit_event(
            assoc,
            at=closed_at,
            action="close",
            actor_id=assoc.chair,
            from_state="open",
            to_state="closed",
            **meeting,
        )
        self.add(
            "protocol_signature",
            meeting_id=meeting_id,
            user_id=justerare,
            role="justerare",
            signed_at=justered,
        )
        self.audit_event(
            assoc,
            at=justered,
            action="justera",
            actor_id=justerare,
            data={"role": "justerare"},
            **meeting,
        )
        self.add(
            "protocol_signature",
            meeting_id=meeting_id,
            user_id=assoc.chair,
            role="chair",
            signed_at=signed_at,
        )
        self.audit_event(
            assoc,
            at=signed_at,
            action="sign",
            actor_id=assoc.chair,
            from_state="closed",
            to_state="protocol_signed",
            **meeting,
        )
        # The notice goes up within a few days of the justering; the latest may not be up yet.
        posted_on = protocols.local_date(signed_at) + timedelta(days=self.rng.randint(0, 3))
        if posted_on > protocols.local_today():
            return
        recorded = max(
            min(
                datetime(posted_on.year, posted_on.month, posted_on.day, 8, tzinfo=UTC),
                datetime.now(UTC),
            ),
            signed_at,
        )
        kept_at = f"Kansliet, {assoc.name}"
        self.add(
            "protocol_posting",
            meeting_id=meeting_id,
            posted_on=posted_on,
            kept_at=kept_at,
            recorded_by_id=assoc.officer,
            recorded_at=recorded,
        )
        self.audit_event(
            assoc,
            at=recorded,
            action="post_protocol",
            actor_id=assoc.officer,
            data={
                "posted_on": posted_on.isoformat(),
                "kept_at": kept_at,
                "legal_force_on": protocols.legal_force_date(posted_on).isoformat(),
            },
            **meeting,
        )

    def _state_for(self, year: int) -> str:
        weights = CURRENT_WEIGHTS if year == self.today.year else PAST_WEIGHTS
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _application(self, assoc: _Assoc, number: int, share: int, years: int) -> None:
        rng = self.rng
        first_year = self.today.year - years + 1
        year = first_year + (number * years) // max(share, 1)
        heavy = number == 0
        covering = 0 < number <= len(COVER)
        if heavy:
            year, state, path = self.today.year, State.IN_PREPARATION.value, HEAVY_PATH
        elif covering:
            state = COVER[number - 1]
            # The active one began last year, so it owes a report already: the dashboards
            # show report rows even at ten applications.
            if (state not in CURRENT_WEIGHTS or state == State.ACTIVE.value) and years > 1:
                year = self.today.year - 1
            else:
                year = self.today.year
            path = PATHS[state][0]
        else:
            state = self._state_for(year)
            path = rng.choice(PATHS[state])
        board_meeting: tuple[int, date] | None = None
        if "place_on_agenda" in path:
            if state == State.ON_AGENDA.value:
                board_meeting = assoc.planned
            elif assoc.meetings.get(year):
                board_meeting = rng.choice(assoc.meetings[year])
            else:  # no meeting held yet this year: the officer decided by delegation
                path = PATHS[state][-1]
        delegated = any(t.startswith("delegated_") for t in path)
        # The timeline: one step every few days, the board's step on its meeting day.
        gap = timedelta(days=rng.randint(3, 12), hours=rng.randint(0, 8))
        steps = len(path)
        if board_meeting is not None and state != State.ON_AGENDA.value:
            decided_at = path.index("place_on_agenda") + 1
            meeting_day = board_meeting[1]
            anchor = datetime(meeting_day.year, meeting_day.month, meeting_day.day, 10, tzinfo=UTC)
            created = anchor - gap * (decided_at + 1)
        else:
            latest = datetime.combine(self.today, datetime.min.time(), UTC) - gap * (steps + 1)
            earliest = datetime(year, 1, 3, 8, tzinfo=UTC)
            end = min(datetime(year, 12, 1, tzinfo=UTC), latest)
            span = max((end - earliest).total_seconds(), 0)
            created = earliest + timedelta(seconds=rng.uniform(0, span))
        now = datetime.now(UTC)
        times = [min(created + gap * (k + 1), now) for k in range(steps)]

        lead_id, _party = assoc.members[0] if heavy or covering else rng.choice(assoc.members)
        applicant = assoc.applicants[lead_id]
        app_id = self.new_id("application")
        start = date(year + (1 if created.month > 8 else 0), rng.choice((1, 3, 8)), 1)
        span_years = 1 if delegated else rng.randint(1, 3)
        if covering and state == State.ACTIVE.value and years > 1:
            start, span_years = date(year, start.month, 1), 3
        end = date(start.year + span_years - 1, 12, 31)
        state, path, times, end, liv_steps = self._later_steps(
            assoc, state, path, times, start, end
        )
        steps = len(path)
        per_year = rng.randint(1, 3 if delegated else 20) * 50_000
        budget = [(y, per_year) for y in range(start.year, end.year + 1)]
        # Completeness asks for at least one partner member behind the insats.
        partner = rng.choice([mid for mid, _p in assoc.members if mid != lead_id])
        women = rng.randint(0, 40)
        fields: dict[str, Any] = {
            "title": f"Insats {assoc.prefix}-{number + 1}: "
            + rng.choice(("Vägen till arbete", "Unga i fokus", "Stöd och matchning", "Hälsa")),
            "kind": rng.choice(("individual", "structural")),
            "target_group": "Personer 18–64 år långt från arbetsmarknaden.",
            "age_min": 18,
            "age_max": 64,
            "participants_women": women,
            "participants_men": rng.randint(0, 40),
            "start_date": start,
            "end_date": end,
            "follow_up_plan": "Uppföljning varje kvartal i SUS.",
            "gender_equality_plan": "Jämställd rekrytering och könsuppdelad statistik.",
            "continuation_plan": "Implementering i ordinarie verksamhet efter projekttiden.",
            "steering_group": "Chefer från samtliga medlemmar.",
            "activity_description": "Individuellt stöd, kartläggning och praktik. " * 3,
            "report_plan": "Lägesrapport varje år och slutrapport.",
            # `propose_liv` asks for a summary of the results so far.
            "results_summary": "Hälften av deltagarna har gått till arbete eller studier."
            if "propose_liv" in path
            else None,
        }
        if state == State.DRAFT.value and rng.random() < 0.5:
            for name in ("follow_up_plan", "continuation_plan", "steering_group", "report_plan"):
                fields[name] = None
        goals = [
            {
                "description": "Fler deltagare i arbete eller studier.",
                "indicator": "Andel till arbete/studier",
                "target": "40 %",
            }
        ]
        snapshot = {
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()},
            "lead_member_id": lead_id,
            "partner_member_ids": [partner] if partner else [],
            "budget": [{"year": y, "amount_sek": a} for y, a in budget],
            "cofunding": [],
            "goals": goals,
        }
        row = self.add(
            "application",
            id=app_id,
            association_id=assoc.id,
            lead_member_id=lead_id,
            state=state,
            **fields,
            diary_number=None,
            diary_year=None,
            diary_seq=None,
            created_by_id=applicant,
            created_at=created,
            updated_at=times[-1] if times else created,
            submitted_at=None,
            version=1 + steps,
            # Where the insats stood when LIV was proposed, as the propose_liv step keeps it.
            liv_proposed_from=(
                State.CLOSED.value
                if "accept_final_report" in path[: path.index("propose_liv")]
                else State.ACTIVE.value
            )
            if "propose_liv" in path
            else None,
        )
        if partner:
            self.add("application_partner", application_id=app_id, member_id=partner)
        for y, amount in budget:
            self.add("budget_line", application_id=app_id, year=y, amount_sek=amount)
        goal_ids = [
            self.add("goal", application_id=app_id, position=position, **goal)["id"]
            for position, goal in enumerate(goals, start=1)
        ]
        record = AppRecord(
            id=app_id,
            association_id=assoc.id,
            state=state,
            path=path,
            lead_member_id=lead_id,
            applicant_id=applicant,
            year=year,
            times=times,
            budget=budget,
            assoc=assoc,
            partner_member_id=partner,
            goal_ids=goal_ids,
            start_date=start,
            end_date=end,
            covering=covering,
        )
        self.audit_event(
            assoc,
            at=created,
            action="create",
            entity_type="application",
            entity_id=app_id,
            actor_id=applicant,
            to_state=State.DRAFT.value,
        )

        current = State.DRAFT.value
        versions = 0
        annotations = 0
        open_requests: list[dict[str, Any]] = []
        for index, (trigger, at) in enumerate(zip(path, times, strict=True)):
            spec = BY_TRIGGER[trigger]
            actor = self._actor(assoc, spec.roles, applicant)
            reason: str | None = None
            data: dict[str, Any] = {}
            if trigger in ("submit", "resubmit"):
                versions += 1
                if row["diary_number"] is None:
                    dyear = at.year
                    seq = assoc.diary.get(dyear, 0) + 1
                    assoc.diary[dyear] = seq
                    row.update(
                        diary_year=dyear,
                        diary_seq=seq,
                        diary_number=format_diary_number(assoc.prefix, dyear, seq),
                        submitted_at=at,
                    )
                for request in open_requests:
                    request.update(resolved=True, resolved_at=at, resolved_by_id=assoc.preparer)
                open_requests.clear()
                self.add(
                    "application_version",
                    application_id=app_id,
                    number=versions,
                    trigger=trigger,
                    snapshot=snapshot,
                    created_by_id=applicant,
                    created_at=at,
                )
            elif trigger == "accept_for_preparation":
                wanted = HEAVY_ANNOTATIONS if heavy and annotations == 0 else 2
                for k in range(wanted):
                    annotations += 1
                    self.add(
                        "annotation",
                        association_id=assoc.id,
                        application_id=app_id,
                        version_number=versions,
                        section=("budget", "goals", "target_group", "activity_description")[k % 4],
                        quote=None,
                        body=f"Anteckning {annotations}: underlaget behöver förtydligas.",
                        shared_with_applicant=k % 2 == 1,
                        requests_completion=False,
                        author_id=assoc.preparer,
                        created_at=at,
                        resolved=False,
                        resolved_at=None,
                        resolved_by_id=None,
                        version=1,
                    )
            elif trigger in ("request_completion", "return_for_completion"):
                reason = "Budgeten saknar specifikation per år."
                if trigger == "request_completion":
                    open_requests.append(
                        self.add(
                            "annotation",
                            association_id=assoc.id,
                            application_id=app_id,
                            version_number=versions,
                            section="budget",
                            quote=None,
                            body=reason,
                            shared_with_applicant=True,
                            requests_completion=True,
                            author_id=assoc.preparer,
                            created_at=at,
                            resolved=False,
                            resolved_at=None,
                            resolved_by_id=None,
                            version=1,
                        )
                    )
            elif trigger == "recommend":
                outcome = "reject" if state == State.REJECTED.value else "approve"
                data = {"recommendation": outcome, "motivation": "Väl underbyggd insats."}
                self.add(
                    "recommendation",
                    application_id=app_id,
                    version_number=versions,
                    recommendation=outcome,
                    motivation=data["motivation"],
                    conditions=None,
                    override_reason=None,
                    author_id=actor,
                    created_at=at,
                )
            elif trigger == "propose":
                data = {
                    "proposal": "Förbundschefen föreslår att styrelsen beslutar enligt beredningen."
                }
                self.add(
                    "proposal",
                    application_id=app_id,
                    version_number=versions,
                    text=data["proposal"],
                    author_id=actor,
                    created_at=at,
                )
            elif trigger == "place_on_agenda" and board_meeting is not None:
                position = assoc.agenda_pos.get(board_meeting[0], 0) + 1
                assoc.agenda_pos[board_meeting[0]] = position
                self.add(
                    "agenda_item",
                    meeting_id=board_meeting[0],
                    application_id=app_id,
                    position=position,
                    kind="decision",
                    decision_id=None,
                    paragraph_year=None,
                    paragraph=None,
                    created_at=at,
                )
            elif trigger in (
                "board_approve",
                "board_reject",
                "delegated_approve",
                "delegated_reject",
            ):
                decision_id, data = self._decision(
                    assoc, app_id, trigger, at, budget, board_meeting
                )
                if data["outcome"] != "reject":
                    record.decision_id = decision_id
                    # The lines the officer confirms at the start, as the service reads them.
                    record.conditions = insats_rules.conditions_of(
                        _Row({"outcome": data["outcome"], "conditions": CONDITIONS})
                    )
            elif trigger in ("liv_approve", "liv_year_decision"):
                meeting_id, meeting_day, financed = liv_steps[index]
                decision_id, data = self._liv_decision(
                    assoc, app_id, at, (meeting_id, meeting_day), financed, budget[-1][1]
                )
                record.liv_years.append((financed, decision_id, at))
            elif trigger == "start":
                record.agreement_date = (at - timedelta(days=rng.randint(0, 10))).date()
                data = {"agreement_date": record.agreement_date.isoformat()}
                if record.conditions:
                    data["confirmed_conditions"] = list(range(1, len(record.conditions) + 1))
            self.audit_event(
                assoc,
                at=at,
                action=trigger,
                entity_type="application",
                entity_id=app_id,
                actor_id=actor,
                from_state=current,
                to_state=str(spec.dest),
                reason=reason,
                data=data,
            )
            current = str(spec.dest)
        self.summary.states[state] = self.summary.states.get(state, 0) + 1
        seed_scale_extra.after_application(self, record)
        for seeder in self.extras.values():
            seeder(self, record)

    def _later_steps(
        self,
        assoc: _Assoc,
        state: str,
        path: tuple[str, ...],
        times: list[datetime],
        start: date,
        end: date,
    ) -> tuple[str, tuple[str, ...], list[datetime], date, dict[int, tuple[int, date, int]]]:
        """Time the steps after `start` from the insats period, as the later stages need.

        The final report is accepted (closing the insats) some weeks after the period ends, so
        a period that cannot have ended in time ends earlier. LIV is admitted at a held board
        meeting and financed a year at a time at each October meeting after it; with no
        meeting left to admit it, the proposal still waits (liv_proposed). Returns the state,
        the path, the step times, the period's end, and for each LIV decision step (by index)
        its meeting (id, date) and the year it finances.
        """
        if "start" not in path:
            return state, path, times, end, {}
        rng = self.rng
        now = datetime.now(UTC)
        first = path.index("start") + 1
        tail = path[first:]
        new_path = list(path[:first])
        new_times = list(times[:first])
        liv: dict[int, tuple[int, date, int]] = {}

        def step(trigger: str, moment: datetime) -> None:
            # Each step after the one before, never later than now.
            new_path.append(trigger)
            new_times.append(min(max(moment, new_times[-1] + timedelta(hours=1)), now))

        def at_ten(day: date) -> datetime:
            return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)

        if "accept_final_report" in tail:
            end = max(min(end, (now - timedelta(days=75)).date()), start)
            step("accept_final_report", at_ten(end) + timedelta(days=rng.randint(15, 55)))
        if "propose_liv" not in tail:
            return state, tuple(new_path), new_times, end, liv
        if "accept_final_report" in tail:
            step("propose_liv", new_times[-1] + timedelta(days=rng.randint(10, 60)))
            return state, tuple(new_path), new_times, end, liv
        after = (new_times[-1] + timedelta(days=14)).date()
        held = [m for m in assoc.held if m[1] > after]
        if not held:
            # No board meeting left to admit it: the proposal still waits for the board.
            step("propose_liv", new_times[-1] + timedelta(days=rng.randint(5, 30)))
            return State.LIV_PROPOSED.value, tuple(new_path), new_times, end, liv
        # Proposed near the end of the period, admitted at the next meeting.
        admission = next((m for m in held if m[1] >= end - timedelta(days=120)), held[-1])
        decided = at_ten(admission[1])
        step("propose_liv", decided - timedelta(days=rng.randint(14, 40)))
        financed = max(end.year + 1, admission[1].year + (1 if admission[1].month >= 9 else 0))
        step("liv_approve", decided)
        liv[len(new_path) - 1] = (admission[0], admission[1], financed)
        yearly = []
        for meeting in held:
            day = meeting[1]
            if day > admission[1] and (day.month, day.day) == LIV_MEETING and day.year >= financed:
                financed = day.year + 1
                yearly.append((meeting, financed))
        if state == State.ENDED.value:
            # Phased out at the end of a financed year that is over.
            over = [y for y in yearly if y[1] < self.today.year]
            yearly = over[: rng.randint(0, len(over))]
        for meeting, year in yearly:
            step("liv_year_decision", at_ten(meeting[1]))
            liv[len(new_path) - 1] = (meeting[0], meeting[1], year)
        if state == State.ENDED.value:
            last_year = liv[len(new_path) - 1][2]
            step("phase_out", datetime(last_year, 12, 31, 12, tzinfo=UTC))
        return state, tuple(new_path), new_times, end, liv

    def _actor(self, assoc: _Assoc, roles: frozenset[Role], applicant: int) -> int:
        if Role.APPLICANT in roles:
            return applicant
        if Role.PREPARER in roles:
            return assoc.preparer
        if Role.CHAIR in roles:
            return assoc.chair
        return assoc.officer

    def _decision(
        self,
        assoc: _Assoc,
        app_id: int,
        trigger: str,
        at: datetime,
        budget: list[tuple[int, int]],
        board_meeting: tuple[int, date] | None,
    ) -> tuple[int, dict[str, Any]]:
        """A board (§) or delegated decision; its id and the step's audit data."""
        delegated = trigger.startswith("delegated_")
        approve = trigger.endswith("_approve")
        outcome = "approve" if approve else "reject"
        # Some board approvals come with conditions the officer confirms at the start.
        if approve and not delegated and self.rng.random() < CONDITIONAL_SHARE:
            outcome = "approve_with_conditions"
        return self._decision_row(
            assoc,
            app_id,
            at,
            None if delegated else board_meeting,
            outcome,
            budget if approve else [],
        )

    def _decision_row(
        self,
        assoc: _Assoc,
        app_id: int,
        at: datetime,
        meeting: tuple[int, date] | None,
        outcome: str,
        amounts: list[tuple[int, int]],
    ) -> tuple[int, dict[str, Any]]:
        """Write one decision with its amounts; its id and the audit data the service gives."""
        decision_id = self.new_id("decision")
        paragraph = paragraph_year = None
        if meeting is not None:
            paragraph_year = meeting[1].year
            paragraph = assoc.paragraphs.get(paragraph_year, 0) + 1
            assoc.paragraphs[paragraph_year] = paragraph
        seats = len(assoc.board)
        self.add(
            "decision",
            id=decision_id,
            association_id=assoc.id,
            application_id=app_id,
            meeting_id=None if meeting is None else meeting[0],
            paragraph_year=paragraph_year,
            paragraph=paragraph,
            delegated=meeting is None,
            outcome=outcome,
            conditions=CONDITIONS if outcome == "approve_with_conditions" else None,
            questions=None,
            decided_by_id=assoc.officer if meeting is None else assoc.chair,
            decided_at=at,
            casting_vote=None,
            quorum_seats=None if meeting is None else seats,
            quorum_present=None if meeting is None else seats,
        )
        for year, amount in amounts:
            self.add("decision_amount", decision_id=decision_id, year=year, amount_sek=amount)
        data: dict[str, Any] = {"decision_id": decision_id, "outcome": outcome}
        if meeting is not None:
            data.update(meeting_id=meeting[0], paragraph=paragraph)
        data["amounts"] = [{"year": y, "amount_sek": a} for y, a in amounts]
        return decision_id, data

    def _liv_decision(
        self,
        assoc: _Assoc,
        app_id: int,
        at: datetime,
        meeting: tuple[int, date],
        year: int,
        amount: int,
    ) -> tuple[int, dict[str, Any]]:
        """The board's LIV admission or yearly decision: one year financed, on the agenda."""
        position = assoc.agenda_pos.get(meeting[0], 0) + 1
        assoc.agenda_pos[meeting[0]] = position
        self.add(
            "agenda_item",
            meeting_id=meeting[0],
            application_id=app_id,
            position=position,
            kind="decision",
            decision_id=None,
            paragraph_year=None,
            paragraph=None,
            created_at=at - timedelta(days=14),
        )
        decision_id, data = self._decision_row(
            assoc, app_id, at, meeting, "approve", [(year, amount)]
        )
        self.add(
            "liv_year",
            association_id=assoc.id,
            application_id=app_id,
            year=year,
            decision_id=decision_id,
            created_at=at,
        )
        return decision_id, data

    def _counters(self, assoc: _Assoc) -> None:
        """DiaryCounter, ParagraphCounter and the chain head, where the data ends."""
        with self.engine.begin() as connection:
            for year, seq in assoc.diary.items():
                connection.execute(
                    metadata.tables["diary_counter"].insert(),
                    {"association_id": assoc.id, "year": year, "last_seq": seq},
                )
            for year, paragraph in assoc.paragraphs.items():
                connection.execute(
                    metadata.tables["paragraph_counter"].insert(),
                    {"association_id": assoc.id, "year": year, "last_paragraph": paragraph},
                )
            connection.execute(
                metadata.tables["audit_chain_head"].insert(),
                {"chain_id": assoc.id, "seq": assoc.seq, "hash": assoc.head},
            )


class _Row:
    """Attribute access over a row dict, for audit.event_hash."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return self._row[name]


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
