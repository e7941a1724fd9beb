"""The driver of the demo data: reads demo.toml, checks it, and builds it through the operations.

The content (associations, people, budgets, applications and their steps, the held meeting,
the running insats and its reports) lives in `demo.toml` next to this module. Every entry goes
through the same services and the same engine as a real request, so diary numbers, frozen
versions and the audit chain are all real. `build` flushes and never commits: the `demo-data`
command commits once. Dates in the file are relative to the day the data is loaded.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlmodel import Session, func, select

from states.common import Role
from workflow import engine, permissions
from workflow.errors import Conflict, DomainError
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.meeting import MEETING
from workflow.lifecycles.report import REPORT
from workflow.models import (
    AgendaItem,
    Application,
    Association,
    Meeting,
    Member,
    User,
    today,
)
from workflow.operations import (
    annotations,
    applications,
    associations,
    budget,
    classification,
    delegations,
    endorsements,
    meetings,
    parts,
    protocols,
    reports,
    shares,
    users,
)
from workflow.rules import meetings as meetings_rules
from workflow.rules.delegations import DelegationIn
from workflow.rules.meetings import AmountIn
from workflow.rules.shares import ShareIn
from workflow.schemas import ApplicationFields, parse

DATA_FILE = "demo.toml"


class DemoDataError(ValueError):
    """demo.toml is malformed or names something that is not there; the message names the entry."""


# --- The file's shape ----------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MemberSpec(_Entry):
    name: str
    party: Literal["af", "fk", "region", "municipality"]
    population: int | None = None


class LineSpec(_Entry):
    """One cost line of a budget year, with its outcome where the year is closed."""

    category: Literal["insats", "new_insatser", "structural", "competence", "admin"]
    label: str
    budget: int
    # The [[history]] insats (by title) the line budgets: its decisions draw on this line.
    insats: str | None = None
    forecast: int | None = None
    outcome: int | None = None


class KeySpec(_Entry):
    """A year's contribution key: per member name its population (or fixed amount)."""

    basis: Literal["population", "equal", "fixed"]
    rounding_sek: Literal[1, 1000] = 1
    figures: dict[str, int] = {}


class BudgetSpec(_Entry):
    """One budget year: a fixed `year` (from the seeds) or a `year_offset` from today's.

    With `lines` the lines are the costs; `closed_on` closes the year (årsbokslut) with the
    lines' outcome.
    """

    year: int | None = None
    year_offset: int | None = None
    contributions: int
    carried_over: int = 0
    admin_costs: int = 0
    other_costs: int = 0
    lines: tuple[LineSpec, ...] = ()
    key: KeySpec | None = None
    # The board's budget decision (with the verksamhetsplan), recorded for the year.
    decided_on: date | None = None
    closed_on: date | None = None

    @model_validator(mode="after")
    def _one_year(self) -> Self:
        if (self.year is None) == (self.year_offset is None):
            raise ValueError("give exactly one of year and year_offset")
        return self


class SeatSpec(_Entry):
    """One member organisation's board seats that no [[people]] entry holds."""

    key: str
    member: str
    ledamot: str | None = None
    ersattare: str | None = None
    office: Literal["vice_chair"] | None = None


class DelegationSpec(_Entry):
    """One row of the delegationsordning."""

    matter: Literal["grant", "urgent"]
    delegate: Literal["director", "chair", "working_committee"]
    limit_sek: int | None = None
    report_to_board: bool = True
    note: str | None = None


class AssociationSpec(_Entry):
    """One samordningsförbund, its member organisations, board, delegations and budgets."""

    slug: str
    name: str
    diary_prefix: str
    delegations: tuple[DelegationSpec, ...] = ()
    members: tuple[MemberSpec, ...]
    board: tuple[SeatSpec, ...] = ()
    budgets: tuple[BudgetSpec, ...] = ()


class Grant(_Entry):
    """A role in one association, bound to a member organisation where the role needs it."""

    association: str
    role: Role
    member: str | None = None
    substitute: bool = False


class Person(_Entry):
    """A demo login: the key names it in the application steps."""

    key: str
    email: str
    name: str
    password: str
    admin: bool = False
    grants: tuple[Grant, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.admin

    def describe_roles(self) -> str:
        """`officer in svb; officer in finnveden` — for the printed table."""
        if self.admin:
            return "admin (system administrator)"
        parts = []
        for grant in self.grants:
            role = "board (ersättare)" if grant.substitute else str(grant.role).replace("_", " ")
            where = f" for {grant.member}" if grant.member else ""
            parts.append(f"{role} in {grant.association}{where}")
        return "; ".join(parts)


class AnnotatePayload(_Entry):
    section: str
    body: str
    shared_with_applicant: bool = False
    requests_completion: bool = False


class EndorsePayload(_Entry):
    member: str


class SharePayload(_Entry):
    """The other associations financing a shared insats: slug → share in percent."""

    shares: dict[str, int]


class DelegatedAmount(_Entry):
    year_offset: int
    amount_sek: int


class DelegatedPayload(_Entry):
    outcome: str
    amounts: tuple[DelegatedAmount, ...]


VERB_PAYLOADS: dict[str, type[BaseModel] | None] = {
    "edit": None,  # the fields, checked by ApplicationFields when the step runs
    "annotate": AnnotatePayload,
    "endorse": EndorsePayload,
    "decide_delegated": DelegatedPayload,
    "make_part": None,
    "share": SharePayload,
    "classify": None,  # the classification, checked by the verb when the step runs
}


class Step(_Entry):
    """One step, by one person: an engine `trigger` or a `verb` of VERB_PAYLOADS."""

    actor: str
    trigger: str | None = None
    verb: (
        Literal["edit", "annotate", "endorse", "decide_delegated", "make_part", "share", "classify"]
        | None
    ) = None
    payload: dict[str, Any] = {}

    @model_validator(mode="after")
    def _trigger_or_verb(self) -> Self:
        if (self.trigger is None) == (self.verb is None):
            raise ValueError("give exactly one of trigger and verb")
        schema = VERB_PAYLOADS.get(self.verb or "")
        if schema is not None:
            try:
                schema.model_validate(self.payload)
            except ValidationError as exc:
                raise ValueError(
                    "; ".join(
                        ".".join(["payload", *map(str, err["loc"])]) + f": {err['msg']}"
                        for err in exc.errors(include_url=False)
                    )
                ) from None
        return self


class GoalResult(_Entry):
    goal: int
    result: str


class GenderCount(_Entry):
    women: int = 0
    men: int = 0
    # Heltider for work, subsidised work and studies (seeds/000 counts them so).
    heltider: Decimal | None = None


class AttendanceSpec(_Entry):
    """Attendees of one category: a total, with women and men only where they were counted."""

    category: str
    total: int
    women: int | None = None
    men: int | None = None


class ReportSpec(_Entry):
    """A report written by `author`, then taken through its `steps` (report triggers)."""

    author: str
    kind: Literal["annual", "final"] = "annual"
    year_offset: int | None = None
    # A fixed calendar year (the seeds' years) instead of one counted from today's.
    year: int | None = None
    participants_women: int | None = None
    participants_men: int | None = None
    new_women: int | None = None
    new_men: int | None = None
    ended_women: int | None = None
    ended_men: int | None = None
    outcomes: dict[str, GenderCount] | None = None
    costs_sek: int | None = None
    goal_results: tuple[GoalResult, ...] | None = None
    narrative: str | None = None
    # Köplats at year end; the year's budget; a structural insats's activities.
    waiting: GenderCount | None = None
    budget_sek: int | None = None
    activities: int | None = None
    # Participants by municipality of residence (member name, or "outside" the area) and by
    # age band; a structural insats's attendees by category (women and men only if known).
    residence: dict[str, GenderCount] | None = None
    ages: dict[str, GenderCount] | None = None
    attendance: tuple[AttendanceSpec, ...] | None = None
    steps: tuple[Step, ...] = ()


class ApplicationSpec(_Entry):
    """An application, who writes it, and the steps that bring it to its state."""

    association: str
    author: str
    fields: dict[str, Any]
    steps: tuple[Step, ...] = ()
    reports: tuple[ReportSpec, ...] = ()

    @property
    def title(self) -> str:
        return str(self.fields.get("title", ""))


class HistorySpec(ApplicationSpec):
    """An insats of the seeds' years: proposed by `steps`, decided at a past meeting, then
    taken on by `after` (the start) and its reports."""

    after: tuple[Step, ...] = ()


class Attendee(_Entry):
    person: str
    present: bool


class DissentSpec(_Entry):
    person: str
    kind: str
    text: str


class MeetingItem(_Entry):
    """An application on the agenda (by title), decided for the amounts it requests."""

    application: str
    outcome: str
    conditions: str | None = None
    dissents: tuple[DissentSpec, ...] = ()


class OwnItem(_Entry):
    """An item by title: a beslutsärende, information, or a question raised at the meeting."""

    kind: str
    title: str
    proposal: str | None = None
    diary_number: str | None = None
    # What the chair writes in the §; information items take the standard text.
    decision: str | None = None
    # Raised at the open meeting (övriga frågor) rather than put on the agenda beforehand.
    at_meeting: bool = False


class Signed(_Entry):
    days_after: int
    at: time


class Posted(_Entry):
    days_after: int
    kept_at: str


class MeetingSpec(_Entry):
    """A held board meeting: opened, decided, closed, signed and its notice posted.

    Held `days_ago` (the demo's recent meeting) or `on` a fixed date (the seeds' years).
    Without `attendance` every ledamot of the board is present.
    """

    association: str
    officer: str
    chair: str
    justerare: str
    days_ago: int | None = None
    on: date | None = None
    location: str
    time_zone: str = "Europe/Stockholm"
    opened_at: time
    closed_at: time
    signed: Signed
    posted: Posted
    attendance: tuple[Attendee, ...] = ()
    items: tuple[MeetingItem, ...]
    own_items: tuple[OwnItem, ...] = ()

    @model_validator(mode="after")
    def _one_day(self) -> Self:
        if (self.days_ago is None) == (self.on is None):
            raise ValueError("give exactly one of days_ago and on")
        return self


class DemoData(_Entry):
    """The whole of demo.toml."""

    associations: tuple[AssociationSpec, ...]
    people: tuple[Person, ...]
    applications: tuple[ApplicationSpec, ...]
    meeting: MeetingSpec | None = None
    insatser: tuple[ApplicationSpec, ...] = ()
    # The seeds' years: insatser decided at past meetings, started and reported on.
    history: tuple[HistorySpec, ...] = ()
    past_meetings: tuple[MeetingSpec, ...] = ()

    @property
    def shared_officer(self) -> Person:
        """The förbundschef who serves more than one association."""
        return next(p for p in self.people if len({g.association for g in p.grants}) > 1)


# --- Reading and checking ---------------------------------------------------------------


def _where(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """`applications[3] (IPS i psykosvården).steps[1].actor` for a pydantic location."""
    text, node = "", raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict):
                name = (
                    node.get("key") or node.get("slug") or (node.get("fields") or {}).get("title")
                )
                if isinstance(name, str):
                    text += f" ({name})"
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text or "top level"


def _check_references(data: DemoData) -> list[str]:
    """Every slug, person and member organisation the entries name must exist."""
    errors: list[str] = []
    slugs = {a.slug: {m.name for m in a.members} for a in data.associations}
    people = {p.key: p for p in data.people}
    if len(people) != len(data.people):
        errors.append("people: two people share a key")
    if len({p.email for p in data.people}) != len(data.people):
        errors.append("people: two people share an e-mail address")
    for i, person in enumerate(data.people):
        for j, grant in enumerate(person.grants):
            where = f"people[{i}] ({person.key}).grants[{j}]"
            if grant.association not in slugs:
                errors.append(f"{where}: no association {grant.association!r}")
            elif grant.member and grant.member not in slugs[grant.association]:
                errors.append(f"{where}: no member {grant.member!r} in {grant.association}")

    def person_in(where: str, key: str, slug: str) -> None:
        if key not in people:
            errors.append(f"{where}: no person {key!r}")
        elif not any(g.association == slug for g in people[key].grants):
            errors.append(f"{where}: {key} has no role in {slug}")

    def member_in(where: str, name: Any, slug: str) -> None:
        if name not in slugs.get(slug, set()):
            errors.append(f"{where}: no member {name!r} in {slug}")

    def fields_in(where: str, fields: dict[str, Any], slug: str) -> None:
        for k, name in enumerate(fields.get("partners", [])):
            member_in(f"{where}.partners[{k}]", name, slug)
        for k, line in enumerate(fields.get("cofunding", [])):
            member_in(f"{where}.cofunding[{k}]", line.get("member"), slug)

    titles: dict[str, int] = {}
    for group in ("applications", "insatser", "history"):
        for i, spec in enumerate(getattr(data, group)):
            entry = f"{group}[{i}] ({spec.title})"
            titles[spec.title] = titles.get(spec.title, 0) + 1
            if spec.association not in slugs:
                errors.append(f"{entry}: no association {spec.association!r}")
                continue
            person_in(f"{entry}.author", spec.author, spec.association)
            fields_in(f"{entry}.fields", spec.fields, spec.association)
            steps = [(f"{entry}.steps[{j}]", s) for j, s in enumerate(spec.steps)]
            steps += [(f"{entry}.after[{j}]", s) for j, s in enumerate(getattr(spec, "after", ()))]
            for k, report in enumerate(spec.reports):
                person_in(f"{entry}.reports[{k}].author", report.author, spec.association)
                steps += [
                    (f"{entry}.reports[{k}].steps[{j}]", s) for j, s in enumerate(report.steps)
                ]
            for where, step in steps:
                person_in(f"{where}.actor", step.actor, spec.association)
                if step.verb == "endorse":
                    member_in(f"{where}.payload.member", step.payload["member"], spec.association)
                elif step.verb == "edit":
                    fields_in(f"{where}.payload", step.payload, spec.association)
    held = [("meeting", data.meeting)] if data.meeting is not None else []
    held += [(f"past_meetings[{i}]", m) for i, m in enumerate(data.past_meetings)]
    history = {spec.title: spec.association for spec in data.history}
    decided: dict[str, int] = {}
    for name, meeting in held:
        slug = meeting.association
        if slug not in slugs:
            errors.append(f"{name}: no association {slug!r}")
        for role in ("officer", "chair", "justerare"):
            person_in(f"{name}.{role}", getattr(meeting, role), slug)
        for i, attendee in enumerate(meeting.attendance):
            person_in(f"{name}.attendance[{i}]", attendee.person, slug)
        for i, item in enumerate(meeting.items):
            if titles.get(item.application) != 1:
                errors.append(
                    f"{name}.items[{i}]: no single application titled {item.application!r}"
                )
            # A past meeting decides history; the recent one the current applications.
            elif (item.application in history) != (meeting.on is not None):
                errors.append(f"{name}.items[{i}]: {item.application!r} is not of its time")
            decided[item.application] = decided.get(item.application, 0) + 1
            for j, dissent in enumerate(item.dissents):
                person_in(f"{name}.items[{i}].dissents[{j}]", dissent.person, slug)
    for title in history:
        if decided.get(title) != 1:
            errors.append(f"history ({title}): decided at no single past meeting")
    for spec in data.associations:
        for b, budget_spec in enumerate(spec.budgets):
            for k, line in enumerate(budget_spec.lines):
                if line.insats is not None and history.get(line.insats) != spec.slug:
                    errors.append(
                        f"{spec.slug}.budgets[{b}].lines[{k}]: no history insats"
                        f" {line.insats!r} in {spec.slug}"
                    )
    return errors


# The generated board logins share the board members' demo password (printed with the others).
BOARD_PASSWORD = "demo-board-2026"  # noqa: S105 - a demo login, printed on loading


def _board_people(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The logins of the seats each association's `board` lists (ledamot, ersättare)."""
    people = []
    for association in raw.get("associations") or ():
        if not isinstance(association, dict):
            continue
        for seat in association.get("board") or ():
            if not isinstance(seat, dict):
                continue
            for seat_name, substitute in (("ledamot", False), ("ersattare", True)):
                name = seat.get(seat_name)
                if name is None:
                    continue
                key = f"{seat.get('key')}.{seat_name}"
                role = "vice_chair" if seat.get("office") and not substitute else "board"
                grant: dict[str, Any] = {
                    "association": association.get("slug"),
                    "role": role,
                    "member": seat.get("member"),
                }
                if substitute:
                    grant["substitute"] = True
                people.append(
                    {
                        "key": key,
                        "email": f"{seat_name}.{str(seat.get('key')).replace('.', '-')}@example.se",
                        "name": name,
                        "password": BOARD_PASSWORD,
                        "grants": [grant],
                    }
                )
    return people


def _check_board(data: DemoData) -> list[str]:
    """Every member organisation has one ledamot and one ersättare, and each board a chair."""
    errors = []
    for spec in data.associations:
        seats: dict[str, list[bool]] = {m.name: [] for m in spec.members}
        chairs = 0
        for person in data.people:
            for grant in person.grants:
                if grant.association != spec.slug or grant.member is None:
                    continue
                if grant.role in (Role.BOARD, Role.CHAIR, Role.VICE_CHAIR):
                    seats.setdefault(grant.member, []).append(grant.substitute)
                chairs += grant.role == Role.CHAIR
        for member, held in seats.items():
            if sorted(held) != [False, True]:
                errors.append(f"{spec.slug}: {member} needs one ledamot and one ersättare")
        if chairs != 1:
            errors.append(f"{spec.slug}: the board needs one chair")
    return errors


def parse_data(raw: dict[str, Any], source: str = DATA_FILE) -> DemoData:
    """Check the file's content; a DemoDataError names every entry that is wrong."""
    if isinstance(raw, dict) and isinstance(raw.get("people"), list):
        raw = {**raw, "people": [*raw["people"], *_board_people(raw)]}
    try:
        data = DemoData.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"  {_where(raw, tuple(err['loc']))}: {err['msg']}"
            for err in exc.errors(include_url=False)
        ]
        raise DemoDataError(f"{source} is not valid demo data:\n" + "\n".join(lines)) from None
    errors = _check_references(data)
    errors += [] if errors else _check_board(data)
    if errors:
        raise DemoDataError(
            f"{source} is not valid demo data:\n" + "\n".join(f"  {e}" for e in errors)
        )
    return data


def read(path: Path | None = None) -> DemoData:
    """Read and check demo.toml (the packaged one unless `path` is given)."""
    if path is None:
        text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
        source = DATA_FILE
    else:
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{source} is not valid TOML: {exc}") from None
    return parse_data(raw, source)


@cache
def load() -> DemoData:
    """The packaged demo data, read once."""
    return read()


def __getattr__(name: str) -> Any:
    """`demo.PEOPLE`, `demo.ASSOCIATIONS` and `demo.SHARED_OFFICER`, read on first use."""
    if name == "PEOPLE":
        return load().people
    if name == "ASSOCIATIONS":
        return load().associations
    if name == "SHARED_OFFICER":
        return load().shared_officer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Resolving relative dates ------------------------------------------------------------

_YEAR_IN_TEXT = re.compile(r"\{year([+-]\d+)?\}")
_DATE_KEYS = {"year_offset", "month", "day"}


def resolve(value: Any, year: int) -> Any:
    """Turn the file's relative years and dates into real ones, counted from `year`.

    `{year_offset, month, day}` becomes a date, `year_offset` beside other keys a `year`,
    and `{year+1}` in a text the year written out.
    """
    if isinstance(value, dict):
        if set(value) == _DATE_KEYS:
            return date(year + value["year_offset"], value["month"], value["day"])
        result = {}
        for key, item in value.items():
            if key == "year_offset":
                result["year"] = year + item
            else:
                result[key] = resolve(item, year)
        return result
    if isinstance(value, list | tuple):
        return [resolve(item, year) for item in value]
    if isinstance(value, str):
        return _YEAR_IN_TEXT.sub(lambda m: str(year + int(m.group(1) or 0)), value)
    return value


def budget_specs_for(slug: str, year: int, data: DemoData | None = None) -> dict[int, BudgetSpec]:
    """Every budget year of one association; a fixed year wins over an offset that meets it."""
    spec = next(a for a in (data or load()).associations if a.slug == slug)
    result: dict[int, BudgetSpec] = {}
    for fixed in (False, True):
        for b in spec.budgets:
            if (b.year is not None) == fixed:
                result[b.year if b.year is not None else year + (b.year_offset or 0)] = b
    return dict(sorted(result.items()))


def budgets_for(slug: str, year: int) -> dict[int, tuple[int, int, int, int]]:
    """Every budget year of one association; a fixed year wins over an offset that meets it.

    (contributions, carried over, administration, other costs) in SEK per year.
    """
    return {
        at: (b.contributions, b.carried_over, b.admin_costs, b.other_costs)
        for at, b in budget_specs_for(slug, year).items()
    }


# --- Building --------------------------------------------------------------------------


@dataclass
class DemoSummary:
    """What `build` created."""

    associations: int = 0
    members: int = 0
    users: int = 0
    applications: dict[str, int] = field(default_factory=dict)


def already_loaded(session: Session, data: DemoData | None = None) -> bool:
    """Whether every demo association exists (the demo data was loaded before)."""
    specs = (data or load()).associations
    return all(associations.by_slug(session, spec.slug) for spec in specs)


def _conflicts(session: Session, data: DemoData) -> list[str]:
    slugs = [s.slug for s in data.associations if associations.by_slug(session, s.slug)]
    emails = [p.email for p in data.people if users.find_user(session, p.email) is not None]
    return [f"association {s}" for s in slugs] + [f"user {e}" for e in emails]


def _grant_dict(grant: Grant, members: dict[str, Member]) -> dict[str, Any]:
    data: dict[str, Any] = {"role": str(grant.role)}
    if grant.member:
        data["member_id"] = members[grant.member].id
    if grant.substitute:
        data["substitute"] = True
    return data


def _fields(fields: dict[str, Any], members: dict[str, Member], year: int) -> ApplicationFields:
    """Resolve dates, turn member names into ids and validate through the API's schema."""
    resolved = resolve(fields, year)
    data = {k: v for k, v in resolved.items() if k not in {"partners", "cofunding"}}
    if "partners" in resolved:
        data["partner_member_ids"] = [members[name].id for name in resolved["partners"]]
    if "cofunding" in resolved:
        data["cofunding"] = [
            {"member_id": members[c["member"]].id, "year": c["year"], "amount_sek": c["amount_sek"]}
            for c in resolved["cofunding"]
        ]
    return parse(ApplicationFields, data)


def _engine_payload(payload: dict[str, Any], year: int) -> dict[str, Any]:
    """A trigger's payload with its dates written as ISO text, as the API sends them."""
    resolved = resolve(payload, year)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in resolved.items()}


@dataclass
class _World:
    """What the build has made so far, by the names the file uses."""

    year: int
    people: dict[str, User]
    associations: dict[str, Association]
    members: dict[str, dict[str, Member]]


def _run_step(session: Session, world: _World, app: Application, slug: str, step: Step) -> None:
    actor = world.people[step.actor]
    members = world.members[slug]
    if step.verb == "edit":
        applications.update_fields(
            session, app, _fields(step.payload, members, world.year), by=actor
        )
    elif step.verb == "annotate":
        note = AnnotatePayload.model_validate(step.payload)
        annotations.annotate(
            session,
            app,
            by=actor,
            section=note.section,
            body=note.body,
            shared_with_applicant=note.shared_with_applicant,
            requests_completion=note.requests_completion,
        )
    elif step.verb == "endorse":
        member = members[EndorsePayload.model_validate(step.payload).member]
        endorsements.endorse(session, app, member.id, by=actor)  # type: ignore[arg-type]
    elif step.verb == "make_part":
        parts.create_part(session, app, by=actor)
    elif step.verb == "classify":
        classification.classify(session, app, step.payload, by=actor)
    elif step.verb == "share":
        wanted = SharePayload.model_validate(step.payload).shares
        shares.set_shares(session, app, [ShareIn(k, v) for k, v in wanted.items()], by=actor)
    elif step.verb == "decide_delegated":
        decision = DelegatedPayload.model_validate(step.payload)
        meetings.decide_delegated(
            session,
            app,
            by=actor,
            outcome=decision.outcome,
            amounts=[AmountIn(world.year + a.year_offset, a.amount_sek) for a in decision.amounts],
        )
    else:
        assert step.trigger is not None
        engine.fire(
            APPLICATION,
            app,
            step.trigger,
            by=actor,
            session=session,
            payload=_engine_payload(step.payload, world.year),
        )


def _write_report(session: Session, world: _World, app: Application, spec: ReportSpec) -> None:
    given = spec.model_fields_set - {"author", "steps", "year_offset", "waiting"}
    if spec.waiting is not None:
        given |= {"waiting_women", "waiting_men"}
    year = spec.year if spec.year_offset is None else world.year + spec.year_offset
    members = {m.name: m.id for m in world.members[_slug_of(world, app)].values()}
    report = reports.create_report(
        session,
        app,
        reports.ReportInput(
            kind=spec.kind,
            year=year,
            participants_women=spec.participants_women,
            participants_men=spec.participants_men,
            new_women=spec.new_women,
            new_men=spec.new_men,
            ended_women=spec.ended_women,
            ended_men=spec.ended_men,
            outcomes=None
            if spec.outcomes is None
            else {k: {"women": v.women, "men": v.men} for k, v in spec.outcomes.items()},
            heltider={k: v.heltider for k, v in (spec.outcomes or {}).items() if v.heltider}
            or None,
            waiting_women=None if spec.waiting is None else spec.waiting.women,
            waiting_men=None if spec.waiting is None else spec.waiting.men,
            budget_sek=spec.budget_sek,
            activities=spec.activities,
            residence=None
            if spec.residence is None
            else [
                (None if name == "outside" else members[name], c.women, c.men)
                for name, c in spec.residence.items()
            ],
            ages=None
            if spec.ages is None
            else [(band, c.women, c.men) for band, c in spec.ages.items()],
            attendance=None
            if spec.attendance is None
            else [(a.category, a.total, a.women, a.men) for a in spec.attendance],
            costs_sek=spec.costs_sek,
            goal_results=None
            if spec.goal_results is None
            else [(g.goal, g.result) for g in spec.goal_results],
            narrative=spec.narrative,
            given=given | ({"year"} if year is not None else set()),
        ),
        by=world.people[spec.author],
    )
    for step in spec.steps:
        if step.trigger is None:
            raise DemoDataError(f"report steps are engine triggers, not {step.verb!r}")
        engine.fire(
            REPORT,
            report,
            step.trigger,
            by=world.people[step.actor],
            session=session,
            payload=_engine_payload(step.payload, world.year),
        )


def _slug_of(world: _World, app: Application) -> str:
    """The slug of the application's association, as the file names it."""
    return next(s for s, a in world.associations.items() if a.id == app.association_id)


class _InEntry:
    """A domain error's message after the file entry it came from, still translated late."""

    def __init__(self, entry: str, message: Any) -> None:
        self.entry, self.message = entry, message

    def __str__(self) -> str:
        return f"{self.entry}: {self.message}"


def _build_application(
    session: Session, world: _World, spec: ApplicationSpec, entry: str, *, reported: bool = True
) -> Application:
    """Create one application as a draft by its author and take it through its steps."""
    where = entry
    try:
        members = world.members[spec.association]
        app = applications.create_draft(
            session,
            world.associations[spec.association],
            _fields(spec.fields, members, world.year),
            by=world.people[spec.author],
        )
        for i, step in enumerate(spec.steps):
            where = f"{entry}.steps[{i}] ({step.trigger or step.verb})"
            _run_step(session, world, app, spec.association, step)
        if reported:
            _report(session, world, app, spec, entry)
    except DomainError as exc:
        exc.message = _InEntry(where, exc.message)
        raise
    return app


def _report(
    session: Session, world: _World, app: Application, spec: ApplicationSpec, entry: str
) -> None:
    """Write an insats's reports and take them through their steps."""
    for k, report in enumerate(spec.reports):
        try:
            _write_report(session, world, app, report)
        except DomainError as exc:
            exc.message = _InEntry(f"{entry}.reports[{k}]", exc.message)
            raise


def _carry_on(session: Session, world: _World, app: Application, spec: HistorySpec) -> None:
    """After its past meeting: a history insats's later steps (the start), then its reports."""
    entry = f"history ({spec.title})"
    for i, step in enumerate(spec.after):
        try:
            _run_step(session, world, app, spec.association, step)
        except DomainError as exc:
            exc.message = _InEntry(f"{entry}.after[{i}] ({step.trigger or step.verb})", exc.message)
            raise
    _report(session, world, app, spec, entry)


def build(
    session: Session, *, year: int | None = None, data: DemoData | None = None
) -> DemoSummary | None:
    """Create the demo data; None if it is already there. Flushes, never commits."""
    data = data or load()
    if already_loaded(session, data):
        return None
    conflicts = _conflicts(session, data)
    if conflicts:
        raise Conflict(
            "The database already holds part of the demo data: " + ", ".join(conflicts),
            code="demo_conflict",
        )
    year = year or today().year
    summary = DemoSummary()
    admin_spec = next(p for p in data.people if p.admin)
    admin = users.create_user(
        session,
        email=admin_spec.email,
        name=admin_spec.name,
        password=admin_spec.password,
        is_admin=True,
    )
    world = _World(year, {admin_spec.key: admin}, {}, {})
    for spec in data.associations:
        association = associations.create_association(
            session,
            slug=spec.slug,
            name=spec.name,
            diary_prefix=spec.diary_prefix,
            by=admin,
        )
        delegations.replace(
            session,
            association,
            [
                DelegationIn(d.matter, d.delegate, d.limit_sek, d.report_to_board, d.note)
                for d in spec.delegations
            ],
            by=admin,
        )
        world.associations[spec.slug] = association
        world.members[spec.slug] = {
            m.name: associations.add_member(
                session,
                association,
                name=m.name,
                party=m.party,
                population=m.population,
                by=admin,
            )
            for m in spec.members
        }
    summary.associations = len(world.associations)
    summary.members = sum(len(m) for m in world.members.values())

    for person in data.people:
        if person.admin:
            continue
        first, *others = person.grants
        user = users.create_user(
            session,
            email=person.email,
            name=person.name,
            password=person.password,
            association=world.associations[first.association],
            roles=[_grant_dict(first, world.members[first.association])],
            by=admin,
        )
        for grant in others:
            users.grant_roles(
                session,
                user,
                world.associations[grant.association],
                [_grant_dict(grant, world.members[grant.association])],
                by=admin,
            )
        world.people[person.key] = user
    summary.users = len(world.people)

    # History insatser are proposed first: the budgets link their lines to them.
    history = {
        spec.title: _build_application(
            session, world, spec, f"history[{i}] ({spec.title})", reported=False
        )
        for i, spec in enumerate(data.history)
    }

    # Each association's officer enters its budgets, through the budget step.
    for slug, association in world.associations.items():
        officer = next(
            u for u in world.people.values() if permissions.can_edit_budget(u, association)
        )
        specs = budget_specs_for(slug, year, data)
        for budget_year, spec in specs.items():
            # A history insats's line is linked to it, so its decisions draw on the line.
            budget.set_budget(
                session,
                association,
                budget_year,
                contributions_sek=spec.contributions,
                carried_over_sek=spec.carried_over,
                admin_costs_sek=spec.admin_costs,
                other_costs_sek=spec.other_costs,
                lines=[
                    {
                        "category": line.category,
                        "label": line.label,
                        "budget_sek": line.budget,
                        "forecast_sek": line.forecast,
                        "outcome_sek": line.outcome,
                        "application_id": None if line.insats is None else history[line.insats].id,
                    }
                    for line in spec.lines
                ]
                or None,
                by=officer,
            )
        members = {m.name: m for m in association.members}
        for budget_year, spec in specs.items():
            if spec.key is not None:
                figure = "amount_sek" if spec.key.basis == "fixed" else "population"
                budget.set_contribution_key(
                    session,
                    association,
                    budget_year,
                    basis=spec.key.basis,
                    rounding_sek=spec.key.rounding_sek,
                    members=[
                        {"member_id": members[name].id, figure: value}
                        for name, value in spec.key.figures.items()
                    ],
                    by=officer,
                )
            if spec.decided_on is not None:
                budget.record_economy_step(
                    session,
                    association,
                    budget_year,
                    kind="budget_decision",
                    held_on=spec.decided_on,
                    by=officer,
                )

    # The seeds' years: their board meetings decide the history insatser, which then start and
    # report; only after that are the years closed (a closed year takes no new grants).
    for held in data.past_meetings:
        _held_meeting(session, world, held, history)
    for spec_history in data.history:
        _carry_on(session, world, history[spec_history.title], spec_history)
    for slug, association in world.associations.items():
        officer = next(
            u for u in world.people.values() if permissions.can_edit_budget(u, association)
        )
        # Closed in order: each closing carries its real result into the next year.
        for budget_year, spec in budget_specs_for(slug, year, data).items():
            if spec.closed_on is not None:
                budget.close_year(
                    session, association, budget_year, decided_on=spec.closed_on, by=officer
                )

    built: list[Application] = list(history.values())
    for i, spec_app in enumerate(data.applications):
        entry = f"applications[{i}] ({spec_app.title})"
        built.append(_build_application(session, world, spec_app, entry))
    if data.meeting is not None:
        _held_meeting(session, world, data.meeting, {app.title or "": app for app in built})
    # Running insatser come after the meeting, as started insatser with their reports.
    for i, spec_app in enumerate(data.insatser):
        entry = f"insatser[{i}] ({spec_app.title})"
        built.append(_build_application(session, world, spec_app, entry))
    # Every application the demo made, the parts its steps made (make_part) included.
    session.flush()
    for state, count in session.exec(
        select(Application.state, func.count()).group_by(Application.state)  # type: ignore[arg-type]
    ):
        summary.applications[state] = count
    return summary


def _own_item(session: Session, meeting: Meeting, own: OwnItem, *, by: User) -> AgendaItem:
    """Put an item by title on the demo meeting's agenda (before it, or at it by the chair)."""
    title = own.title.format(year=date.today().year)
    data = meetings.ItemIn(own.kind, title, own.proposal, own.diary_number)
    return meetings.add_item(session, meeting, data, by=by)


def _held_meeting(
    session: Session, world: _World, spec: MeetingSpec, made: dict[str, Application]
) -> Meeting:
    """A board meeting `days_ago`: its items decided, protocol signed, notice posted."""
    officer = world.people[spec.officer]
    chair = world.people[spec.chair]
    justerare = world.people[spec.justerare]
    items = [made[item.application] for item in spec.items]
    held_on = spec.on if spec.on is not None else today() - timedelta(days=spec.days_ago or 0)
    meeting = meetings.create_meeting(
        session,
        world.associations[spec.association],
        on=held_on,
        location=spec.location,
        starts_at=spec.opened_at,
        by=officer,
    )
    meetings.add_to_agenda(session, meeting, [app.id for app in items], by=officer)  # type: ignore[misc]
    listed = [
        (own, _own_item(session, meeting, own, by=officer))
        for own in spec.own_items
        if not own.at_meeting
    ]
    attendance = [
        meetings.AttendanceIn(world.people[a.person].id, a.present)  # type: ignore[arg-type]
        for a in spec.attendance
    ] or [
        meetings.AttendanceIn(member.user_id, True)
        for member in meetings_rules.roster(session, meeting.association_id)
        if member.seat == "ledamot"
    ]
    meetings.record_attendance(session, meeting, attendance, by=officer)
    engine.fire(
        MEETING, meeting, "open", by=chair, session=session, payload={"justerare_id": justerare.id}
    )
    for item, app in zip(spec.items, items, strict=True):
        meetings.decide(
            session,
            meeting,
            meetings.DecisionInput(
                application_id=app.id,  # type: ignore[arg-type]
                outcome=item.outcome,
                amounts=meetings_rules.requested_amounts(app),
                conditions=item.conditions,
                dissents=[
                    meetings_rules.DissentIn(world.people[d.person].id, d.kind, d.text)  # type: ignore[arg-type]
                    for d in item.dissents
                ],
            ),
            by=chair,
        )
    listed += [
        (own, _own_item(session, meeting, own, by=chair))
        for own in spec.own_items
        if own.at_meeting
    ]
    for own, row in listed:
        if own.decision is not None:
            meetings.decide_item(session, meeting, row.id, own.decision, by=chair)  # type: ignore[arg-type]
    engine.fire(
        MEETING,
        meeting,
        "close",
        by=chair,
        session=session,
        payload={"ends_at": spec.closed_at.strftime("%H:%M")},
    )
    protocols.sign_as_justerare(session, meeting, by=justerare)
    engine.fire(MEETING, meeting, "sign", by=chair, session=session)
    # The steps ran now; the meeting they record was held on `held_on`, at the file's times
    # (the protocol prints starts_at/ends_at; the steps' stamps say when they were taken).
    zone = ZoneInfo(spec.time_zone)
    meeting.opened_at = datetime.combine(held_on, spec.opened_at, zone).astimezone(UTC)
    meeting.closed_at = datetime.combine(held_on, spec.closed_at, zone).astimezone(UTC)
    signed_on = held_on + timedelta(days=spec.signed.days_after)
    meeting.signed_at = datetime.combine(signed_on, spec.signed.at, zone).astimezone(UTC)
    for signature in protocols.signatures(session, meeting).values():
        signature.signed_at = meeting.signed_at
        session.add(signature)
    session.add(meeting)
    session.flush()
    protocols.record_posting(
        session,
        meeting,
        posted_on=held_on + timedelta(days=spec.posted.days_after),
        kept_at=spec.posted.kept_at,
        by=officer,
    )
    return meeting
