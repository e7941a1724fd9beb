"""seed-scale's templates: a small world built through the real operations and the engine.

One template association (people, budgets, report and security settings), its board meetings
of the last few years (agenda, attendance, opened, decisions, closed, justered, signed, notice
posted) and a handful of applications per path of the lifecycle, each taken step by step by
the operation a user would call, with the clock (`models.clock_at`) held at the moment the
step happened. The stories run in time order on one scheduler, so a board decision is taken
while its meeting is open and a LIV year is financed at an October meeting.

The rows and audit events are then exactly what the product writes; workflow/devdata/
seed_scale.py copies them in bulk. Nothing here writes a row itself.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyotp
from sqlmodel import Session

from states.application import BY_TRIGGER, State
from states.common import Role
from workflow import engine
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.meeting import MEETING
from workflow.lifecycles.report import REPORT
from workflow.models import (
    Application,
    Association,
    Meeting,
    User,
    clock_at,
    swedish_time,
    utcnow,
)
from workflow.operations import (
    annotations,
    applications,
    associations,
    budget,
    liv,
    meetings,
    protocols,
    reports,
    twofactor,
    users,
)
from workflow.rules.insats import start_conditions
from workflow.rules.meetings import AmountIn, DecisionInput
from workflow.schemas import ApplicationFields

# A story yields the moment it continues at; the scheduler holds the clock there.
Story = Generator[datetime, None, None]

TEMPLATE_SLUG = "scale-template"
DELEGATION_LIMIT = 300_000
MEETING_DAYS = ((2, 14), (4, 11), (6, 6), (9, 12), (10, 24), (12, 5))
# The yearly LIV financing decision is taken at the October meeting, for the next year.
LIV_MEETING = (10, 24)
# Years of held meetings in the template world (the longest story, LIV with yearly
# decisions, needs them all).
MEETING_YEARS = 5
LOCATION = "Kommunhuset, sammanträdesrum 1"
CONDITIONS = (
    "- Samverkansavtal undertecknat av samtliga parter.\n"
    "- Reviderad budget per år inlämnad före start."
)
RETURN_REASON = "Avslutsorsakerna saknar uppdelning per kön; komplettera och skicka igen."
NARRATIVE = "Deltagarna har fått samordnat stöd från flera parter; rekryteringen gick enligt plan."
HEAVY_ANNOTATIONS = 20

_TO_PREPARED = ("submit", "accept_for_preparation", "recommend")
_BOARD = (*_TO_PREPARED, "propose", "place_on_agenda")
# Alternative paths per state (every walk seed-scale shows); LIV is admitted and financed at
# board meetings, so its steps after `start` are told in the story, not listed here.
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
# States of the current year (in progress) and of settled years; a template of each is built
# in the year it belongs to, and copies only ever move back in time.
CURRENT = frozenset(
    {
        "draft",
        "submitted",
        "completion_requested",
        "in_preparation",
        "prepared",
        "proposed",
        "on_agenda",
    }
)


@dataclass
class People:
    """The template association's people, by role."""

    officer: User
    preparer: User
    chair: User
    auditor: User
    applicants: dict[int, User]  # member id -> applicant
    board: list[User]

    def for_roles(self, roles: frozenset[Role], applicant: User) -> User:
        """Who takes a step open to `roles` (the applicant's own steps are the applicant's)."""
        if Role.APPLICANT in roles:
            return applicant
        if Role.PREPARER in roles:
            return self.preparer
        # A decision by delegation is open to the officer and the chair: the officer takes it.
        if Role.OFFICER in roles:
            return self.officer
        if Role.CHAIR in roles:
            return self.chair
        return self.officer


@dataclass
class Template:
    """One template application: the state it reached and the walk it took."""

    id: int
    state: str
    path: tuple[str, ...]
    year: int
    lead_member_id: int
    meeting_ids: list[int] = field(default_factory=list)


@dataclass
class World:
    """What `build` made: the association, its meetings and templates, by state."""

    association_id: int
    meeting_ids: list[int]
    planned_meeting_id: int
    templates: dict[str, list[Template]]
    heavy: Template
    # The people who enrolled in two-factor sign-in, by role (officer, chair, auditor).
    enrolled: dict[str, int] = field(default_factory=dict)


@dataclass
class _Meeting:
    """A board meeting's story and the items waiting for its decisions."""

    row: Meeting
    day: date
    held: bool
    items: list[tuple[Application, DecisionInput, Callable[[], None]]] = field(default_factory=list)

    @property
    def opens(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 9, tzinfo=UTC)


class Builder:
    """Builds the template world in one session; flushes, never commits."""

    def __init__(
        self, session: Session, *, today: date, password_hash: str, seed: int = 2026
    ) -> None:
        self.session = session
        self.today = today
        self.now = datetime.now(UTC)
        self.password_hash = password_hash
        self.rng = random.Random(seed)  # noqa: S311 - test data, reproducible
        self._queue: list[tuple[datetime, int, Story]] = []
        self._order = itertools.count()
        self._fates = itertools.count()
        self.meetings: list[_Meeting] = []
        self.templates: dict[str, list[Template]] = {}

    # --- the scheduler ---------------------------------------------------------------------

    def schedule(self, story: Story) -> None:
        """Start a story at the moment it first yields."""
        moment = next(story, None)
        if moment is not None:
            heapq.heappush(self._queue, (moment, next(self._order), story))

    def run(self) -> None:
        """Run every story in time order, each step with the clock held at its moment."""
        while self._queue:
            moment, _order, story = heapq.heappop(self._queue)
            with clock_at(moment):
                following = next(story, None)
            if following is not None:
                # A story never goes back in time, nor past now.
                following = min(max(following, moment), self.now - timedelta(minutes=1))
                heapq.heappush(self._queue, (following, next(self._order), story))

    # --- the association -------------------------------------------------------------------

    def association(self, first_year: int) -> tuple[Association, People, list[int]]:
        """The template association, its members, people, budgets and settings."""
        created = datetime(first_year, 1, 2, 9, tzinfo=UTC)
        with clock_at(created):
            admin = users.create_user(
                self.session,
                email="admin@scale-template.invalid",
                name="Scale template admin",
                password="",
                is_admin=True,
                password_hash=self.password_hash,
            )
            association = associations.create_association(
                self.session,
                slug=TEMPLATE_SLUG,
                name="Samordningsförbundet Mall",
                diary_prefix="SKT",
                delegation_limit_sek=DELEGATION_LIMIT,
                by=admin,
            )
            names = [
                ("Arbetsförmedlingen", "af", None),
                ("Försäkringskassan", "fk", None),
                ("Region Mall", "region", 400_000),
                ("Mallby kommun", "municipality", 40_000),
                ("Mallstad kommun", "municipality", 90_000),
            ]
            members = [
                associations.add_member(
                    self.session, association, name=name, party=party, population=pop, by=admin
                )
                for name, party, pop in names
            ]

            def person(role: str, tag: str, member_id: int | None = None, **grant: Any) -> User:
                return users.create_user(
                    self.session,
                    email=f"{role}.{tag}.{TEMPLATE_SLUG}@scale-template.invalid",
                    name=f"{role.capitalize()} {tag}",
                    password="",
                    password_hash=self.password_hash,
                    association=association,
                    roles=[{"role": role, "member_id": member_id, **grant}],
                    by=admin,
                )

            people = People(
                applicants={m.id: person("applicant", str(k), m.id) for k, m in enumerate(members)},  # type: ignore[misc]
                board=[person("board", str(k), m.id) for k, m in enumerate(members)],
                officer=person("officer", "1"),
                preparer=person("preparer", "1"),
                # The chair holds a ledamot's seat of their own (Försäkringskassan's second).
                chair=person("chair", "1", members[1].id),
                auditor=person("auditor", "1"),
            )
            for k, member in enumerate(members[:3]):
                person("board", f"ersattare{k}", member.id, substitute=True)
            person("preparer", "2")
            for year in range(first_year, self.today.year + 2):
                budget.set_budget(
                    self.session,
                    association,
                    year,
                    contributions_sek=self.rng.randint(60, 200) * 100_000,
                    carried_over_sek=self.rng.randint(0, 30) * 100_000,
                    admin_costs_sek=self.rng.randint(5, 20) * 100_000,
                    other_costs_sek=self.rng.randint(0, 5) * 100_000,
                    by=people.officer,  # the officers keep the budget
                )
        with clock_at(created + timedelta(days=1)):
            twofactor.set_required(self.session, association.id, False, by=people.officer)
            reports.save_settings(
                self.session, association.id, month=3, day=31, final_days=90, by=people.officer
            )
        # The officer, the chair and the auditor enrol in two-factor sign-in (a code from the
        # authenticator: the real time's, as check_code reads it), then the association
        # requires it. Copies take as much of this as they call for (seed_scale.py).
        for hours, person in enumerate((people.officer, people.chair, people.auditor)):
            with clock_at(created + timedelta(days=2, hours=hours)):
                secret = twofactor.start_enrolment(self.session, person).secret
                confirmed = twofactor.confirm(self.session, person, pyotp.TOTP(secret).now())
                assert confirmed is not None, "the template's two-factor code was refused"
        with clock_at(created + timedelta(days=3)):
            twofactor.set_required(self.session, association.id, True, by=people.officer)
        return association, people, [m.id for m in members]  # type: ignore[misc]

    # --- meetings --------------------------------------------------------------------------

    def meeting_story(self, association: Association, people: People, item: _Meeting) -> Story:
        """Planned a month ahead; if held: attendance, opened, decisions, closed, signed, posted."""
        yield item.opens - timedelta(days=30)
        item.row = meetings.create_meeting(
            self.session,
            association,
            on=item.day,
            location=LOCATION,
            starts_at=swedish_time(item.opens).time(),
            by=people.officer,
        )
        if not item.held:
            return
        yield item.opens - timedelta(minutes=30)
        meetings.record_attendance(
            self.session,
            item.row,
            # The chair sits among the ledamöter.
            [meetings.AttendanceIn(u.id, True) for u in [*people.board, people.chair]],  # type: ignore[arg-type]
            by=people.officer,
        )
        yield item.opens
        justerare = people.board[0]
        engine.fire(
            MEETING,
            item.row,
            "open",
            by=people.chair,
            session=self.session,
            payload={"justerare_id": justerare.id},
        )
        for minutes, (app, data, then) in enumerate(item.items, start=1):
            yield item.opens + timedelta(minutes=10 * minutes)
            data.application_id = app.id  # type: ignore[assignment]
            meetings.decide(self.session, item.row, data, by=people.chair)
            then()
        yield item.opens + timedelta(hours=3)
        engine.fire(MEETING, item.row, "close", by=people.chair, session=self.session)
        if item.opens + timedelta(days=6) >= self.now:
            return  # held these last days: the protocol is not justered yet
        yield item.opens + timedelta(days=3)
        protocols.sign_as_justerare(self.session, item.row, by=justerare)
        yield item.opens + timedelta(days=6)
        engine.fire(MEETING, item.row, "sign", by=people.chair, session=self.session)
        posted_on = item.day + timedelta(days=7)
        if posted_on < self.today:
            yield datetime(posted_on.year, posted_on.month, posted_on.day, 8, tzinfo=UTC)
            protocols.record_posting(
                self.session,
                item.row,
                posted_on=posted_on,
                kept_at=f"Kansliet, {association.name}",
                by=people.officer,
            )

    def held_after(self, moment: datetime, *, days: int = 21) -> _Meeting | None:
        """The first held meeting at least `days` after `moment`."""
        return next(
            (m for m in self.meetings if m.held and m.opens >= moment + timedelta(days=days)),
            None,
        )

    # --- applications ----------------------------------------------------------------------

    def fields(
        self, lead: int, partner: int, start: date, end: date, per_year: int, *, liv: bool
    ) -> ApplicationFields:
        """A complete application's fields (a LIV candidate states its results so far)."""
        return ApplicationFields.model_validate(
            {
                "title": "Insats: "
                + self.rng.choice(
                    ("Vägen till arbete", "Unga i fokus", "Stöd och matchning", "Hälsa")
                ),
                "kind": self.rng.choice(("individual", "structural")),
                "lead_member_id": lead,
                "partner_member_ids": [partner],
                "target_group": "Personer 18–64 år långt från arbetsmarknaden.",
                "age_min": 18,
                "age_max": 64,
                "participants_women": self.rng.randint(0, 40),
                "participants_men": self.rng.randint(0, 40),
                "start_date": start,
                "end_date": end,
                "budget": [
                    {"year": y, "amount_sek": per_year} for y in range(start.year, end.year + 1)
                ],
                "goals": [
                    {
                        "description": "Fler deltagare i arbete eller studier.",
                        "indicator": "Andel till arbete/studier",
                        "target": "40 %",
                    }
                ],
                "follow_up_plan": "Uppföljning varje kvartal i SUS.",
                "gender_equality_plan": "Jämställd rekrytering och könsuppdelad statistik.",
                "continuation_plan": "Implementering i ordinarie verksamhet efter projekttiden.",
                "steering_group": "Chefer från samtliga medlemmar.",
                "activity_description": "Individuellt stöd, kartläggning och praktik. " * 3,
                "report_plan": "Lägesrapport varje år och slutrapport.",
                "results_summary": "Hälften av deltagarna har gått till arbete eller studier."
                if liv
                else None,
            },
            strict=False,
        )

    def application_story(
        self,
        association: Association,
        people: People,
        members: list[int],
        state: str,
        path: tuple[str, ...],
        year: int,
        variant: int,
    ) -> Story:
        """One template application taken along `path` by the operations, in `year`."""
        rng = self.rng
        lead = members[variant % len(members)]
        partner = members[(variant + 1) % len(members)]
        applicant = people.applicants[lead]
        heavy = path == HEAVY_PATH
        gap = timedelta(days=rng.randint(3, 9), hours=rng.randint(0, 8))
        board_at: _Meeting | None = None
        board_steps = len(path)
        if "place_on_agenda" in path:
            board_steps = path.index("place_on_agenda")
            if state == State.ON_AGENDA.value:
                board_at = next(m for m in self.meetings if not m.held)
            else:
                held = [m for m in self.meetings if m.held and m.day.year == year]
                board_at = held[variant % len(held)]
            created = board_at.opens - timedelta(days=10) - gap * (board_steps + 1)
        else:
            latest = min(self.now - gap * (len(path) + 2), datetime(year, 12, 1, tzinfo=UTC))
            earliest = datetime(year, 1, 10, 8, tzinfo=UTC)
            span = max((latest - earliest).total_seconds(), 0)
            created = earliest + timedelta(seconds=span * rng.random())
        delegated = any(t.startswith("delegated_") for t in path)
        starts = date(created.year + 1, 1, 1) if created.month > 8 else date(created.year, 8, 1)
        years = 1 if delegated or state in ("closed", "liv_proposed", "in_liv", "ended") else 3
        ends = date(starts.year + years - 1, 12, 31)
        per_year = rng.randint(1, 2 if delegated else 20) * 50_000
        liv = "propose_liv" in path
        yield created
        app = applications.create_draft(
            self.session,
            association,
            self.fields(lead, partner, starts, ends, per_year, liv=liv),
            by=applicant,
        )
        template = Template(app.id, state, path, year, lead)  # type: ignore[arg-type]
        self.templates.setdefault("heavy" if heavy else state, []).append(template)
        moment = created
        for trigger in path:
            if trigger in ("board_approve", "board_reject"):
                assert board_at is not None
                outcome = "reject" if trigger == "board_reject" else "approve"
                if outcome == "approve" and variant % 3 == 1:
                    outcome = "approve_with_conditions"
                board_at.items.append(
                    (
                        app,
                        DecisionInput(
                            application_id=app.id,  # type: ignore[arg-type]
                            outcome=outcome,
                            amounts=self.requested(app) if outcome != "reject" else [],
                            conditions=CONDITIONS if outcome == "approve_with_conditions" else None,
                        ),
                        lambda: None,
                    )
                )
                template.meeting_ids.append(board_at.row.id)  # type: ignore[arg-type]
                moment = board_at.opens + timedelta(days=1)
                yield moment
                continue
            if trigger in ("accept_final_report", "liv_approve", "phase_out"):
                break  # told below, from the insats period
            moment = (
                board_at.opens - timedelta(days=7)
                if trigger == "place_on_agenda" and board_at is not None
                else moment + gap
            )
            if trigger == "start":
                moment = max(moment, datetime.combine(starts, datetime.min.time(), UTC) - gap)
            if trigger == "propose_liv":
                break
            yield moment
            self.step(app, trigger, people, applicant, board_at, heavy=heavy)
        if "start" not in path:
            return
        yield from self.insats_story(app, people, applicant, state, variant)

    def requested(self, app: Application) -> list[AmountIn]:
        """The amounts the application asks for, as the board grants them."""
        return [AmountIn(line.year, line.amount_sek) for line in app.budget_lines]

    def step(
        self,
        app: Application,
        trigger: str,
        people: People,
        applicant: User,
        board_at: _Meeting | None,
        *,
        heavy: bool = False,
    ) -> None:
        """One step of the beredning, by the operation (and the person) that takes it."""
        session = self.session
        actor = people.for_roles(BY_TRIGGER[trigger].roles, applicant)
        if trigger == "place_on_agenda":
            assert board_at is not None
            meetings.add_to_agenda(session, board_at.row, [app.id], by=people.officer)  # type: ignore[list-item]
            return
        if trigger.startswith("delegated_"):
            outcome = "approve" if trigger == "delegated_approve" else "reject"
            meetings.decide_delegated(
                session,
                app,
                by=people.officer,
                outcome=outcome,
                amounts=self.requested(app) if outcome == "approve" else [],
            )
            return
        payload: dict[str, Any] = {}
        if trigger in ("withdraw", "return_for_completion", "request_completion"):
            payload["reason"] = "Budgeten saknar specifikation per år."
        elif trigger == "recommend":
            outcome = "reject" if self.rng.random() < 0.3 else "approve"
            payload = {"recommendation": outcome, "motivation": "Väl underbyggd insats."}
        elif trigger == "propose":
            payload = {
                "proposal": "Förbundschefen föreslår att styrelsen beslutar enligt beredning."
            }
        elif trigger == "start":
            payload = {"agreement_date": (utcnow().date() - timedelta(days=3)).isoformat()}
            conditions = start_conditions(session, app)
            if conditions:
                payload["confirmed_conditions"] = list(range(1, len(conditions) + 1))
        engine.fire(APPLICATION, app, trigger, by=actor, session=session, payload=payload)
        if trigger == "accept_for_preparation":
            wanted = HEAVY_ANNOTATIONS if heavy and app.version <= 4 else 2
            for k in range(wanted):
                annotations.annotate(
                    session,
                    app,
                    by=people.preparer,
                    section=("budget", "goals", "target_group", "period")[k % 4],
                    body=f"Anteckning {k + 1}: underlaget behöver förtydligas.",
                    shared_with_applicant=k % 2 == 1,
                )

    def insats_story(
        self,
        app: Application,
        people: People,
        applicant: User,
        state: str,
        variant: int,
    ) -> Story:
        """After the start: yearly reports, the final one, and LIV admitted and financed."""
        assert app.start_date is not None
        assert app.end_date is not None
        rng = self.rng
        starts, ends = app.start_date, app.end_date
        fates = ("accepted", "returned", "submitted", "draft")
        settled = state != State.ACTIVE.value
        for year in range(starts.year, min(ends.year, self.today.year)):
            # The active ones' reports take every fate in turn (one of each at least).
            fate = "accepted" if settled else fates[next(self._fates) % len(fates)]
            yield from self.report_story(app, people, applicant, "annual", year, fate)
        final = datetime(ends.year, ends.month, ends.day, 10, tzinfo=UTC) + timedelta(days=1)
        if state in ("closed", "liv_proposed"):
            yield final + timedelta(days=rng.randint(0, 20))
            yield from self.report_story(app, people, applicant, "final", ends.year, "accepted")
            if state == "liv_proposed":
                yield final + timedelta(days=rng.randint(40, 60))
                engine.fire(APPLICATION, app, "propose_liv", by=applicant, session=self.session)
            return
        if state not in ("in_liv", "ended"):
            return
        proposed = final - timedelta(days=rng.randint(60, 90))
        yield proposed
        engine.fire(APPLICATION, app, "propose_liv", by=applicant, session=self.session)
        admission = self.held_after(proposed)
        assert admission is not None, "no board meeting left to admit LIV"
        financed = max(ends.year + 1, admission.day.year + (1 if admission.day.month >= 9 else 0))
        yield from self.liv_decision(app, people, admission, financed)
        agreement = admission.opens + timedelta(days=rng.randint(10, 30))
        yield agreement
        liv.record_agreement(
            self.session,
            app,
            liv.AgreementIn(
                party_member_ids=sorted({app.lead_member_id, *(p.member_id for p in app.partners)}),
                start_date=date(financed, 1, 1),
                end_date=date(financed + 1, 12, 31),
                signed_on=agreement.date(),
                reference=f"Uppdragsavtal {app.id}",
            ),
            by=people.officer,
        )
        for meeting in self.meetings:
            if (
                meeting.held
                and meeting.day > admission.day
                and (meeting.day.month, meeting.day.day) == LIV_MEETING
                and meeting.day.year >= financed
                and not (state == "ended" and financed >= self.today.year - 1)
            ):
                financed = meeting.day.year + 1
                yield from self.liv_decision(app, people, meeting, financed)
        if state == "ended":
            yield datetime(financed, 12, 31, 12, tzinfo=UTC)
            engine.fire(APPLICATION, app, "phase_out", by=people.officer, session=self.session)

    def liv_decision(self, app: Application, people: People, meeting: _Meeting, year: int) -> Story:
        """The board admits the activity to LIV, or finances its next year, at `meeting`."""
        yield meeting.opens - timedelta(days=14)
        meetings.add_to_agenda(self.session, meeting.row, [app.id], by=people.officer)  # type: ignore[list-item]
        amount = app.budget_lines[-1].amount_sek if app.budget_lines else 100_000
        meeting.items.append(
            (
                app,
                DecisionInput(
                    application_id=app.id,  # type: ignore[arg-type]
                    outcome="approve",
                    amounts=[AmountIn(year, amount)],
                ),
                lambda: None,
            )
        )
        yield meeting.opens + timedelta(days=1)

    def report_story(
        self,
        app: Application,
        people: People,
        applicant: User,
        kind: str,
        year: int,
        fate: str,
    ) -> Story:
        """One report written, and as far as its fate: submitted, accepted or returned."""
        rng = self.rng
        written = (
            datetime(year + 1, 1, 10, 9, tzinfo=UTC) + timedelta(days=rng.randint(0, 30))
            if kind == "annual"
            else None
        )
        if written is not None:
            yield written
        women, men = rng.randint(4, 25), rng.randint(4, 25)
        ended_women, ended_men = rng.randint(2, women), rng.randint(2, men)
        report = reports.create_report(
            self.session,
            app,
            reports.ReportInput(
                kind=kind,
                year=year,
                participants_women=women,
                participants_men=men,
                new_women=rng.randint(0, women),
                new_men=rng.randint(0, men),
                ended_women=ended_women,
                ended_men=ended_men,
                outcomes={
                    "work": {"women": ended_women - 1, "men": ended_men - 1},
                    "studies": {"women": 1, "men": 1},
                },
                costs_sek=int(app.budget_lines[0].amount_sek * rng.uniform(0.6, 1.0)) // 100 * 100,
                goal_results=[(0, f"{rng.randint(15, 65)} %")],
                narrative=NARRATIVE,
                support={
                    "start": {"salary": {"women": women, "men": men}},
                    "end": {"salary": {"women": ended_women, "men": ended_men}},
                },
                given={"narrative"},
            ),
            by=applicant,
        )
        if fate == "draft":
            return
        yield utcnow() + timedelta(days=rng.randint(3, 30))
        engine.fire(REPORT, report, "submit", by=applicant, session=self.session)
        if fate == "submitted":
            return
        yield utcnow() + timedelta(days=rng.randint(2, 20))
        if fate == "returned":
            engine.fire(
                REPORT,
                report,
                "return",
                by=people.officer,
                session=self.session,
                payload={"reason": RETURN_REASON},
            )
        else:
            engine.fire(REPORT, report, "accept", by=people.officer, session=self.session)


# (state, path index, year offset from today's year) of the templates: each state in the
# last year it can be reached in (copies move back in time only), with a few variants.
def plan(today: date) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """The templates to build: every path of every state, in the latest year it fits."""
    latest = {
        "active": -2,
        "closed": -3,
        "liv_proposed": -3,
        "in_liv": -4,
        "ended": -4,
    }
    for state, paths in PATHS.items():
        for path in paths:
            yield state, path, today.year + latest.get(state, 0)


def build(
    session: Session,
    *,
    password_hash: str,
    today: date | None = None,
    variants: int = 3,
    seed: int = 2026,
) -> World:
    """Build the template world through the operations (flushes, never commits)."""
    today = today or date.today()
    builder = Builder(session, today=today, password_hash=password_hash, seed=seed)
    first_year = today.year - MEETING_YEARS + 1
    association, people, members = builder.association(first_year)
    for year in range(first_year, today.year + 1):
        for month, day in MEETING_DAYS:
            when = date(year, month, day)
            if when < today:
                builder.meetings.append(_Meeting(None, when, held=True))  # type: ignore[arg-type]
    builder.meetings.append(_Meeting(None, today + timedelta(days=14), held=False))  # type: ignore[arg-type]
    for item in builder.meetings:
        builder.schedule(builder.meeting_story(association, people, item))
    for state, path, year in plan(today):
        for variant in range(variants):
            builder.schedule(
                builder.application_story(association, people, members, state, path, year, variant)
            )
    builder.schedule(
        builder.application_story(
            association, people, members, "in_preparation", HEAVY_PATH, today.year, 0
        )
    )
    builder.run()
    return World(
        association_id=association.id,  # type: ignore[arg-type]
        meeting_ids=[m.row.id for m in builder.meetings if m.held],  # type: ignore[misc]
        planned_meeting_id=builder.meetings[-1].row.id,  # type: ignore[arg-type]
        templates=builder.templates,
        heavy=builder.templates["heavy"][0],
        enrolled={
            "officer": people.officer.id,  # type: ignore[dict-item]
            "chair": people.chair.id,  # type: ignore[dict-item]
            "auditor": people.auditor.id,  # type: ignore[dict-item]
        },
    )
