"""Board meetings read: roster, attendance, quorum, agenda, § numbers, and the checks of a
decision's amounts, votes, dissents and recusals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, text
from sqlmodel import Session, select

from states import meeting as spec
from states.application import State
from states.common import BOARD_SEAT_ROLES, Role
from workflow import limits
from workflow.db import memoized_for_reads
from workflow.errors import Problem
from workflow.i18n import Kronor, _l
from workflow.models import (
    AgendaItem,
    Application,
    Association,
    Attendance,
    Decision,
    Meeting,
    Member,
    Recusal,
    RoleGrant,
    User,
)
from workflow.rules import budget, liv

APPROVALS = ("approve", "approve_with_conditions")


@dataclass(frozen=True)
class AmountIn:
    """What a decision grants for one year."""

    year: int
    amount_sek: int


@dataclass(frozen=True)
class VoteIn:
    """One voter's vote on approval: yes, no or abstain."""

    user_id: int
    vote: str


@dataclass(frozen=True)
class DissentIn:
    """A reservation or a protocol note, with its written text."""

    user_id: int
    kind: str
    text: str


@dataclass(frozen=True)
class RecusalIn:
    """A board member who is jävig on the item."""

    user_id: int
    reason: str | None = None


@dataclass
class DecisionInput:
    """Everything the chair records for one item."""

    application_id: int
    outcome: str
    amounts: list[AmountIn] = field(default_factory=list)
    conditions: str | None = None
    questions: str | None = None
    votes: list[VoteIn] = field(default_factory=list)
    casting_vote: str | None = None
    dissents: list[DissentIn] = field(default_factory=list)
    recusals: list[RecusalIn] = field(default_factory=list)
    # Why the board grants more than was applied for (required when it does).
    excess_reason: str | None = None


def clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def association_of(session: Session, association_id: int) -> Association:
    """The association a meeting or application belongs to."""
    association = session.get(Association, association_id)
    assert association is not None  # every meeting and application belongs to one
    return association


def items_of(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, read afresh (the relationship may be stale inside a verb)."""
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)  # type: ignore[arg-type]
        ).all()
    )


def item_for(session: Session, meeting: Meeting, application_id: int) -> AgendaItem | None:
    """The application's item on the meeting's agenda (for decision or as a report)."""
    return session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.application_id == application_id
        )
    ).first()


def own_item(session: Session, meeting: Meeting, item_id: int) -> AgendaItem | None:
    """One item of the meeting's agenda by its id (None when it is another meeting's)."""
    item = session.get(AgendaItem, item_id)
    return item if item is not None and item.meeting_id == meeting.id else None


def board_decision(session: Session, meeting: Meeting, application_id: int) -> Decision | None:
    """The board's decision on the item at this meeting, if taken."""
    return session.exec(
        select(Decision).where(
            Decision.meeting_id == meeting.id, Decision.application_id == application_id
        )
    ).first()


def next_paragraph(session: Session, association_id: int, year: int) -> int:
    """Take the next paragraph (§) number of the association's year, in the caller's transaction.

    Like diary numbers: concurrent decisions queue on the counter row's lock, and a
    rolled-back decision gives its number back, so numbers are gap-free and never reused.
    """
    session.execute(
        text(
            "INSERT INTO paragraph_counter (association_id, year, last_paragraph)"
            " VALUES (:a, :y, 0) ON CONFLICT (association_id, year) DO NOTHING"
        ),
        {"a": association_id, "y": year},
    )
    return session.execute(
        text(
            "UPDATE paragraph_counter SET last_paragraph = last_paragraph + 1"
            " WHERE association_id = :a AND year = :y RETURNING last_paragraph"
        ),
        {"a": association_id, "y": year},
    ).scalar_one()


def paragraph_range(session: Session, meeting: Meeting) -> tuple[int, int] | None:
    """The first and last § of the meeting, if it has been numbered."""
    numbers = [item.paragraph for item in items_of(session, meeting) if item.paragraph is not None]
    return (min(numbers), max(numbers)) if numbers else None


def closing_position(items: Sequence[AgendaItem]) -> int:
    """Where a new item goes: before the closing standard item, else at the end."""
    for item in items:
        if item.standard in spec.STANDARD_CLOSING:
            return item.position
    return max((i.position for i in items), default=0) + 1


def titles_added_at_meeting(items: Iterable[AgendaItem]) -> list[str]:
    """The titles of the items the board added to the agenda at the meeting."""
    return [i.title or "" for i in items if i.added_at_meeting]


@dataclass(frozen=True)
class BoardMember:
    """A board seat's holder: the member organisation, the seat (ledamot/ersättare) and the
    office the ledamot holds on the board (chair, vice_chair or None)."""

    user: User
    member: Member
    seat: str
    office: str | None = None

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id


# A person's grants in rank order: the chair's seat before the vice chair's before a plain one.
_OFFICE_RANK = {Role.CHAIR.value: 0, Role.VICE_CHAIR.value: 1, Role.BOARD.value: 2}


@memoized_for_reads
def roster(session: Session, association_id: int) -> list[BoardMember]:
    """Every active board member of the association, by member organisation, ledamöter first.

    The chair and the vice chair hold a ledamot's seat of the member organisation their grant
    names: they count in attendance, quorum and votes like any ledamot.
    """
    rows = session.exec(
        select(RoleGrant, User, Member)
        .join(User, User.id == RoleGrant.user_id)  # type: ignore[arg-type]
        .join(Member, Member.id == RoleGrant.member_id)  # type: ignore[arg-type]
        .where(
            RoleGrant.association_id == association_id,
            RoleGrant.role.in_([r.value for r in BOARD_SEAT_ROLES]),  # type: ignore[attr-defined]
            User.active == True,  # noqa: E712 - a SQL expression
        )
    ).all()
    # One person sits once: their highest office, else their first grant (by member name).
    chosen: dict[int, tuple[RoleGrant, User, Member]] = {}
    for grant, user, member in sorted(
        rows, key=lambda r: (r[1].id, _OFFICE_RANK[r[0].role], r[0].substitute, r[2].name)
    ):
        chosen.setdefault(user.id, (grant, user, member))  # type: ignore[arg-type]
    people = [
        BoardMember(
            user,
            member,
            "ersattare" if grant.substitute else "ledamot",
            grant.role if grant.role != Role.BOARD.value else None,
        )
        for grant, user, member in chosen.values()
    ]
    people.sort(key=lambda p: (p.member.name, p.seat == "ersattare", p.user.name, p.user_id))
    return people


def office_holders(session: Session, association_id: int, office: Role) -> list[BoardMember]:
    """Who holds `office` (chair or vice chair) on the association's board."""
    return [p for p in roster(session, association_id) if p.office == office.value]


@memoized_for_reads
def present_user_ids(session: Session, meeting: Meeting) -> set[int]:
    """Who is recorded as present at the meeting."""
    return set(
        session.exec(
            select(Attendance.user_id).where(
                Attendance.meeting_id == meeting.id,
                Attendance.present == True,  # noqa: E712 - a SQL expression
            )
        ).all()
    )


@dataclass(frozen=True)
class Quorum:
    """The board's seats for one item, who fills them, and who left it for jäv."""

    seats: int
    voters: list[BoardMember]
    recused: list[BoardMember]

    @property
    def filled(self) -> int:
        return len(self.voters)

    @property
    def quorate(self) -> bool:
        """More than half of the seats are filled."""
        return self.filled * 2 > self.seats

    @property
    def voter_ids(self) -> set[int]:
        return {v.user_id for v in self.voters}


def quorum(session: Session, meeting: Meeting, *, recused_user_ids: Iterable[int] = ()) -> Quorum:
    """Seats per member organisation = its ledamöter; each filled by a present ledamot, else by
    a present ersättare of the same organisation. A jävig member leaves the item, and an
    ersättare of that organisation may take the seat for it."""
    people = roster(session, meeting.association_id)
    present = present_user_ids(session, meeting)
    recused_ids = set(recused_user_ids)
    seats = 0
    voters: list[BoardMember] = []
    by_member: dict[int, list[BoardMember]] = {}
    for person in people:
        assert person.member.id is not None
        by_member.setdefault(person.member.id, []).append(person)
    for group in by_member.values():
        member_seats = sum(1 for p in group if p.seat == "ledamot")
        seats += member_seats
        available = [p for p in group if p.user_id in present and p.user_id not in recused_ids]
        ordered = [p for p in available if p.seat == "ledamot"] + [
            p for p in available if p.seat == "ersattare"
        ]
        voters.extend(ordered[:member_seats])
    recused = [p for p in people if p.user_id in recused_ids]
    return Quorum(seats=seats, voters=voters, recused=recused)


@memoized_for_reads
def absent_user_ids(session: Session, meeting: Meeting) -> set[int]:
    """Who is recorded as absent from the meeting (not merely unrecorded)."""
    return set(
        session.exec(
            select(Attendance.user_id).where(
                Attendance.meeting_id == meeting.id,
                Attendance.present == False,  # noqa: E712 - a SQL expression
            )
        ).all()
    )


def recorded_absent(session: Session, meeting: Meeting, user_id: int) -> bool:
    """Whether the person is recorded as absent (not merely unrecorded)."""
    row = session.exec(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    ).first()
    return row is not None and not row.present


def attendance_rows(session: Session, meeting: Meeting) -> list[tuple[BoardMember, bool]]:
    """Every board member with whether they are recorded present (absent when not recorded)."""
    present = present_user_ids(session, meeting)
    return [(p, p.user_id in present) for p in roster(session, meeting.association_id)]


def period_years(app: Application) -> range | None:
    """The calendar years of the application's period (None when it has no period)."""
    if app.start_date is None or app.end_date is None:
        return None
    return range(app.start_date.year, app.end_date.year + 1)


def amount_problems(app: Application, amounts: Sequence[AmountIn]) -> list[Problem]:
    """Every problem with the amounts granted per year for an approval."""
    if not amounts:
        return [Problem("amounts", _l("Give the amount granted for each year."))]
    years = period_years(app)
    problems = []
    seen: set[int] = set()
    for index, line in enumerate(amounts):
        if years is not None and line.year not in years:
            problems.append(
                Problem(
                    f"amounts.{index}.year",
                    _l(
                        "%(year)s is outside the application's period, %(first)s–%(last)s.",
                        year=line.year,
                        first=years.start,
                        last=years.stop - 1,
                    ),
                )
            )
        elif line.year in seen:
            problems.append(
                Problem(
                    f"amounts.{index}.year", _l("The year %(year)s is given twice.", year=line.year)
                )
            )
        seen.add(line.year)
        if not 0 <= line.amount_sek <= limits.AMOUNT_MAX:
            problems.append(
                Problem(
                    f"amounts.{index}.amount_sek",
                    _l("Must be between %(min)s and %(max)s.", min=0, max=limits.AMOUNT_MAX),
                )
            )
    if not problems and sum(line.amount_sek for line in amounts) <= 0:
        problems.append(Problem("amounts", _l("An approval grants more than 0 SEK.")))
    return problems


def by_year(amounts: Sequence[AmountIn]) -> dict[int, int]:
    return {line.year: line.amount_sek for line in amounts}


def requested_amounts(app: Application) -> list[AmountIn]:
    """The amounts the application asks for, per year (what a decision form starts from)."""
    if liv.is_liv_item(app):
        return [AmountIn(year, amount) for year, amount in liv.suggested_amounts(app)]
    return [AmountIn(line.year, line.amount_sek) for line in app.budget_lines]


def excess_problems(app: Application, data: DecisionInput) -> list[Problem]:
    """Granting more than was applied for needs the board's reason, printed in the §."""
    requested = sum(line.amount_sek for line in requested_amounts(app))
    granted = sum(line.amount_sek for line in data.amounts)
    reason = clean(data.excess_reason)
    if reason is not None and len(reason) > limits.REASON_MAX:
        return [Problem("excess_reason", _l("At most %(n)s characters.", n=limits.REASON_MAX))]
    if granted > requested and reason is None:
        return [
            Problem(
                "excess_reason",
                _l(
                    "The board grants %(granted)s, more than the %(requested)s applied for:"
                    " give the reason, which is printed in the protocol.",
                    granted=Kronor(granted),
                    requested=Kronor(requested),
                ),
            )
        ]
    return []


@dataclass(frozen=True)
class Impact:
    """One year's projected balance before and after granting the amounts."""

    year: int
    amount_sek: int
    before_sek: int
    after_sek: int


def budget_impact(
    session: Session, association: Association, amounts: Sequence[AmountIn]
) -> list[Impact]:
    """The projected balance of each year the amounts touch, before and after granting them."""
    extra = by_year(amounts)
    if not extra:
        return []
    years = range(min(extra), max(extra) + 1)
    before = {y.year: y for y in budget.projection(session, association, years=years)}
    after = {y.year: y for y in budget.projection(session, association, years=years, extra=extra)}
    return [
        Impact(
            year=year,
            amount_sek=extra.get(year, 0),
            before_sek=before[year].projected_balance_sek,
            after_sek=after[year].projected_balance_sek,
        )
        for year in years
        if year in before and year in after
    ]


def named(people: Iterable[BoardMember]) -> str:
    return ", ".join(p.user.name for p in people)


def recused_user_ids(session: Session, meeting_id: int, application_id: int) -> set[int]:
    """Who is recorded jävig on this application at this meeting."""
    rows = session.exec(
        select(Recusal.user_id).where(
            Recusal.meeting_id == meeting_id, Recusal.application_id == application_id
        )
    )
    return set(rows)


def recusal_problems(
    recusals: Sequence[RecusalIn], people: dict[int, BoardMember]
) -> list[Problem]:
    problems = []
    seen: set[int] = set()
    for index, recusal in enumerate(recusals):
        if recusal.user_id not in people:
            problems.append(
                Problem(f"recusals.{index}.user_id", _l("Not a board member of this association."))
            )
        elif recusal.user_id in seen:
            problems.append(
                Problem(f"recusals.{index}.user_id", _l("This person is listed twice."))
            )
        seen.add(recusal.user_id)
        if recusal.reason is not None and len(recusal.reason) > limits.REASON_MAX:
            problems.append(
                Problem(
                    f"recusals.{index}.reason", _l("At most %(n)s characters.", n=limits.REASON_MAX)
                )
            )
    return problems


@dataclass(frozen=True)
class Tally:
    """The counted votes on approval and the side that carried."""

    yes: int
    no: int
    abstain: int
    carried: str | None  # "yes", "no", or None when no votes were taken
    casting_vote: str | None  # set when a tie was decided by the chair


def vote_problems(
    data: DecisionInput, q: Quorum, people: dict[int, BoardMember], chair: User
) -> tuple[list[Problem], Tally]:
    """Check the votes against the item's voters, count them, apply the casting vote."""
    problems: list[Problem] = []
    none = Tally(0, 0, 0, None, None)
    if not data.votes:
        if data.casting_vote is not None:
            problems.append(
                Problem("casting_vote", _l("Only a tied vote is decided by a casting vote."))
            )
        return problems, none
    seen: dict[int, str] = {}
    for index, vote in enumerate(data.votes):
        where = f"votes.{index}.user_id"
        if vote.vote not in spec.VOTES:
            problems.append(Problem(f"votes.{index}.vote", _l("Choose yes, no or abstain.")))
        if vote.user_id not in people:
            problems.append(Problem(where, _l("Not a board member of this association.")))
        elif vote.user_id not in q.voter_ids:
            problems.append(
                Problem(
                    where,
                    _l(
                        "%(name)s does not vote on this item: absent, not serving or jävig.",
                        name=people[vote.user_id].user.name,
                    ),
                )
            )
        elif vote.user_id in seen:
            problems.append(Problem(where, _l("This person is listed twice.")))
        else:
            seen[vote.user_id] = vote.vote
    missing = [v for v in q.voters if v.user_id not in seen]
    if not problems and missing:
        problems.append(
            Problem(
                "votes",
                _l("Every serving member votes; missing: %(names)s.", names=named(missing)),
            )
        )
    if problems:
        return problems, none
    yes = sum(1 for v in seen.values() if v == "yes")
    no = sum(1 for v in seen.values() if v == "no")
    abstain = len(seen) - yes - no
    if yes != no:
        if data.casting_vote is not None:
            problems.append(
                Problem("casting_vote", _l("Only a tied vote is decided by a casting vote."))
            )
        return problems, Tally(yes, no, abstain, "yes" if yes > no else "no", None)
    # A tie: the chair's casting vote decides (utslagsröst); a voting chair casts it with
    # their own vote, a chair without a seat names the side.
    own = seen.get(chair.id) if chair.id is not None else None
    own = own if own in ("yes", "no") else None
    casting = data.casting_vote or own
    if casting not in ("yes", "no"):
        problems.append(
            Problem("casting_vote", _l("The votes are tied: the chair's casting vote decides."))
        )
        return problems, none
    if own is not None and casting != own:
        problems.append(
            Problem("casting_vote", _l("The chair's casting vote is the chair's own vote."))
        )
        return problems, none
    return problems, Tally(yes, no, abstain, casting, casting)


def dissent_problems(
    dissents: Sequence[DissentIn],
    q: Quorum,
    present: set[int],
    people: dict[int, BoardMember],
    votes: dict[int, str],
    carried: str | None,
) -> list[Problem]:
    problems = []
    seen: set[tuple[int, str]] = set()
    recused = {p.user_id for p in q.recused}
    for index, dissent in enumerate(dissents):
        where = f"dissents.{index}"
        text_ = clean(dissent.text)
        if dissent.kind not in spec.DISSENT_KINDS:
            problems.append(
                Problem(f"{where}.kind", _l("Choose a reservation or a protocol note."))
            )
            continue
        if text_ is None:
            problems.append(Problem(f"{where}.text", _l("Write the reasons.")))
        elif len(text_) > limits.REASON_MAX:
            problems.append(
                Problem(f"{where}.text", _l("At most %(n)s characters.", n=limits.REASON_MAX))
            )
        if dissent.user_id not in people:
            problems.append(
                Problem(f"{where}.user_id", _l("Not a board member of this association."))
            )
            continue
        if (dissent.user_id, dissent.kind) in seen:
            problems.append(Problem(f"{where}.user_id", _l("This person is listed twice.")))
        seen.add((dissent.user_id, dissent.kind))
        if dissent.kind == "reservation":
            if dissent.user_id not in q.voter_ids:
                problems.append(
                    Problem(
                        f"{where}.user_id",
                        _l("Only a member who took part in the decision can enter a reservation."),
                    )
                )
            elif votes and (
                votes.get(dissent.user_id) not in ("yes", "no")
                or votes.get(dissent.user_id) == carried
            ):
                problems.append(
                    Problem(
                        f"{where}.user_id",
                        _l("Only a member who voted against the decision can enter a reservation."),
                    )
                )
        elif dissent.user_id not in present or dissent.user_id in recused:
            problems.append(
                Problem(
                    f"{where}.user_id",
                    _l("Only a member present for the item can add a note to the minutes."),
                )
            )
    return problems


def latest_decision(session: Session, app: Application) -> Decision | None:
    """The newest decision on the application (board or delegated)."""
    return session.exec(
        select(Decision)
        .where(Decision.application_id == app.id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


def listing(session: Session, association: Association) -> list[Meeting]:
    """The association's meetings, the latest date first."""
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.association_id == association.id)
            .order_by(Meeting.date.desc(), Meeting.id.desc())  # type: ignore[attr-defined]
        ).all()
    )


def ready_for_agenda(session: Session, association_id: int) -> list[Application]:
    """Applications the officer has proposed to the board and not yet placed on an agenda,
    and LIV items (admission, yearly financing) not waiting on one."""
    return list(
        session.exec(
            select(Application)
            .where(
                Application.association_id == association_id,
                or_(Application.state == State.PROPOSED.value, liv.ready_clause()),
            )
            .order_by(Application.diary_year, Application.diary_seq, Application.id)  # type: ignore[arg-type]
        ).all()
    )


def pending_reports(session: Session, association_id: int) -> list[Decision]:
    """Delegated decisions (of any delegate) the delegationsordning has reported to the
    board and not yet on any meeting's agenda, oldest first."""
    reported = select(AgendaItem.decision_id).where(AgendaItem.decision_id.is_not(None))  # type: ignore[union-attr]
    return list(
        session.exec(
            select(Decision)
            .where(
                Decision.association_id == association_id,
                Decision.delegated == True,  # noqa: E712 - a SQL expression
                Decision.report_to_board == True,  # noqa: E712 - a SQL expression
                Decision.id.not_in(reported),  # type: ignore[union-attr]
            )
            .order_by(Decision.decided_at, Decision.id)  # type: ignore[arg-type]
        ).all()
    )


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item with its application (if any), its decision (if taken) and who left
    it for jäv."""

    item: AgendaItem
    application: Application | None
    # The board's decision at this meeting, or for a report the delegated decision reported.
    decision: Decision | None
    recusals: tuple[Recusal, ...] = ()

    @property
    def paragraph(self) -> int | None:
        """The item's § at this meeting (every item takes one when the meeting opens)."""
        return self.item.paragraph

    @property
    def title(self) -> str:
        """The item's heading: its own title, or its application's."""
        if self.item.title:
            return self.item.title
        if self.application is not None:
            return self.application.title or f"#{self.application.id}"
        return ""

    @property
    def undecided(self) -> bool:
        """Whether the item still waits for a decision the chair must write."""
        return self.item.state == spec.ItemState.LISTED and self.item.kind in spec.NEEDS_DECISION


@memoized_for_reads
def agenda(session: Session, meeting: Meeting) -> list[AgendaEntry]:
    """The agenda in order, with applications, decisions and recusals (a few queries in all)."""
    items = items_of(session, meeting)
    if not items:
        return []
    app_ids = [i.application_id for i in items if i.application_id is not None]
    apps = (
        {
            a.id: a
            for a in session.exec(
                select(Application).where(Application.id.in_(app_ids))  # type: ignore[union-attr]
            ).all()
        }
        if app_ids
        else {}
    )
    decided = (
        {
            d.application_id: d
            for d in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all()
        }
        if app_ids
        else {}
    )
    report_ids = [i.decision_id for i in items if i.decision_id is not None]
    reported = (
        {
            d.id: d
            for d in session.exec(
                select(Decision).where(Decision.id.in_(report_ids))  # type: ignore[union-attr]
            ).all()
        }
        if report_ids
        else {}
    )
    recusals: dict[int, list[Recusal]] = {}
    if app_ids:
        for row in session.exec(
            select(Recusal).where(Recusal.meeting_id == meeting.id).order_by(Recusal.id)  # type: ignore[arg-type]
        ).all():
            recusals.setdefault(row.application_id, []).append(row)
    entries = []
    for item in items:
        if item.decision_id is not None:
            decision = reported.get(item.decision_id)
        elif item.kind == spec.APPLICATION_ITEM:
            decision = decided.get(item.application_id)  # type: ignore[arg-type]
        else:
            decision = None
        entries.append(
            AgendaEntry(
                item=item,
                application=apps.get(item.application_id) if item.application_id else None,
                decision=decision,
                recusals=tuple(recusals.get(item.application_id or 0, ())),
            )
        )
    return entries


def people_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """Users by id, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        u.id: u  # type: ignore[misc]
        for u in session.exec(select(User).where(User.id.in_(wanted))).all()  # type: ignore[union-attr]
    }
