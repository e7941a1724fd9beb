"""The association's statistics per year, counted in SQL from accepted reports only.

Which reports count: for each insats and year its accepted annual report; a year with no
accepted annual report but an accepted final report (an insats shorter than a year, or
one reporting only at the end) counts the final report instead, so no year is counted twice.

Every query groups by year (and by outcome, source, insats or goal; the breakdowns by
municipality, age band and attendee category share one statement): a range of years costs
the same seven statements whatever the number of reports. Money is whole kronor, rounded
half up with Decimal; the payback time has one decimal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from states.report import ReportState
from workflow import labels, limits
from workflow.errors import Problem, ValidationFailed
from workflow.i18n import _l
from workflow.labels import AGE_BAND_LABELS, ATTENDEE_LABELS, OUTCOME_LABELS, SUPPORT_LABELS
from workflow.models import Application, Association, Goal, Member
from workflow.models.reports import (
    AGE_BANDS,
    ATTENDEE_CATEGORIES,
    FULL_TIME_OUTCOMES,
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    Report,
    ReportAge,
    ReportAttendance,
    ReportGoalResult,
    ReportOutcome,
    ReportResidence,
    ReportSupport,
)
from workflow.models.shares import InsatsShare
from workflow.models.statistics import (
    DEFAULT_FULL_TIME_MONTH_SEK,
    DEFAULT_MUNICIPAL_TAX_PERCENT,
    DEFAULT_REGION_TAX_PERCENT,
    DEFAULT_STUDIES_SHARE,
    DEFAULT_SUBSIDISED_SHARE,
    DEFAULT_TAXABLE_MONTH_SEK,
    SocioeconomicParameters,
)
from workflow.rules.shares import WHOLE
from workflow.rules.tables import Sheet

# A series covers at most this many years (one page, one export).
SERIES_MAX = 20
ONE = Decimal(1)
TENTH = Decimal("0.1")


def kronor(value: Decimal) -> int:
    """Whole kronor, rounded half up (0.5 → 1)."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))


# --- parameters --------------------------------------------------------------------------------

SEEDS_000 = "seeds/000"
PARAMETER_NAMES = (
    "full_time_month_sek",
    "subsidised_share",
    "studies_share",
    "taxable_month_sek",
    "region_tax_percent",
    "municipal_tax_percent",
)
# Where each default comes from: the slides of seeds/000 ("Finansiell samordning inom
# rehabilitering", Jönköpings län), the pages "Värdering av sysselsättning" and "Tillkommer
# bl a ökade skatteintäkter", whose method gives "Effekter under 2019 av Finsam i länet".
DEFAULT_SOURCES = {
    "full_time_month_sek": _l(
        "seeds/000, “Värdering av sysselsättning”: 25 000 kr a month a heltid"
    ),
    "subsidised_share": _l("seeds/000, “Värdering av sysselsättning”: 75 % with anställningsstöd"),
    "studies_share": _l("seeds/000, “Värdering av sysselsättning”: 50 % when studying"),
    "taxable_month_sek": _l("seeds/000, “Tillkommer bl a ökade skatteintäkter”: 18 000 kr a month"),
    "region_tax_percent": _l(
        "seeds/000, “Tillkommer bl a ökade skatteintäkter”: 11,76 % to the region"
    ),
    "municipal_tax_percent": _l(
        "seeds/000, “Tillkommer bl a ökade skatteintäkter”: 21,64 % to the municipality"
    ),
}


@dataclass(frozen=True)
class Parameters:
    """The seeds' method: what a heltid is worth a month, and the tax the work brings."""

    full_time_month_sek: int = DEFAULT_FULL_TIME_MONTH_SEK
    subsidised_share: Decimal = DEFAULT_SUBSIDISED_SHARE
    studies_share: Decimal = DEFAULT_STUDIES_SHARE
    taxable_month_sek: int = DEFAULT_TAXABLE_MONTH_SEK
    region_tax_percent: Decimal = DEFAULT_REGION_TAX_PERCENT
    municipal_tax_percent: Decimal = DEFAULT_MUNICIPAL_TAX_PERCENT
    # The association's source of its own figures; None while it keeps the seeds' defaults.
    source: str | None = None
    version: int | None = None

    def is_default(self, name: str) -> bool:
        """Whether the parameter is the seeds' figure."""
        return Decimal(getattr(self, name)) == Decimal(getattr(Parameters, name))

    def source_of(self, name: str) -> str:
        """Where the parameter comes from: seeds/000 for a default, else the association's."""
        if self.is_default(name):
            return str(DEFAULT_SOURCES[name])
        return self.source or str(_l("The association's own figure (no source given)"))

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PARAMETER_NAMES}


def parameters(session: Session, association: Association) -> Parameters:
    """The association's parameters, or the seeds' defaults when it has set none."""
    row = session.get(SocioeconomicParameters, association.id)
    if row is None:
        return Parameters()
    return Parameters(
        row.full_time_month_sek,
        Decimal(row.subsidised_share),
        Decimal(row.studies_share),
        row.taxable_month_sek,
        Decimal(row.region_tax_percent),
        Decimal(row.municipal_tax_percent),
        row.source,
        row.version,
    )


# --- the figures -------------------------------------------------------------------------------


@dataclass
class Split:
    """One figure by women and men."""

    women: int = 0
    men: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men

    def as_dict(self) -> dict[str, int]:
        return {"women": self.women, "men": self.men, "total": self.total}


@dataclass
class Residence:
    """Participants living in one municipality member (member_id None: outside the area)."""

    member_id: int | None
    name: str | None
    participants: Split


@dataclass
class Attendance:
    """Attendees of one category; women and men only as far as the reports gave them."""

    total: int = 0
    women: int = 0
    men: int = 0

    @property
    def unsplit(self) -> int:
        """Attendees whose gender the reports did not give."""
        return self.total - self.women - self.men

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, "women": self.women, "men": self.men, "unsplit": self.unsplit}


@dataclass
class GoalResult:
    """A goal of an insats with its target and the value reported for the year."""

    description: str
    target: str | None
    value: str | None


@dataclass
class InsatsFigures:
    """One insats's reported figures for a year."""

    application_id: int
    title: str | None
    diary_number: str | None
    participants: Split
    costs_sek: int
    goals: list[GoalResult] = field(default_factory=list)


@dataclass
class Socioeconomic:
    """The seeds' estimate of a year's outcomes: value of the work, tax, and the payback.

    Every figure is whole kronor; the yearly ones are twelve months of the exact monthly
    figure, each rounded on its own, and the totals are the sums of the rounded parts.
    """

    heltider: dict[str, Decimal]
    work_value_month_sek: int
    region_tax_month_sek: int
    municipal_tax_month_sek: int
    work_value_year_sek: int
    region_tax_year_sek: int
    municipal_tax_year_sek: int
    payback_months: Decimal | None
    parameters: Parameters

    @property
    def monthly_value_sek(self) -> int:
        return self.work_value_month_sek + self.region_tax_month_sek + self.municipal_tax_month_sek

    @property
    def yearly_value_sek(self) -> int:
        return self.work_value_year_sek + self.region_tax_year_sek + self.municipal_tax_year_sek

    @property
    def working_heltider(self) -> Decimal:
        """The heltider in work, subsidised or not: the ones that bring tax."""
        return self.heltider["work"] + self.heltider["subsidised_work"]


@dataclass
class YearFigures:
    """Everything the statistics show for one year."""

    year: int
    reports: int = 0
    participants: Split = field(default_factory=Split)
    new: Split = field(default_factory=Split)
    ended: Split = field(default_factory=Split)
    outcomes: dict[str, Split] = field(default_factory=lambda: {o: Split() for o in OUTCOMES})
    costs_sek: int = 0
    support: dict[str, dict[str, Split]] = field(
        default_factory=lambda: {p: {s: Split() for s in SUPPORT_SOURCES} for p in SUPPORT_PHASES}
    )
    insatser: list[InsatsFigures] = field(default_factory=list)
    # Köplats at year end.
    waiting: Split = field(default_factory=Split)
    # The budget of the reports that gave one, and those same reports' costs (utfall).
    budget_sek: int | None = None
    budgeted_costs_sek: int = 0
    # Breakdowns: only reports that gave them count, so a sum may fall short of participants.
    residence: list[Residence] = field(default_factory=list)
    ages: dict[str, Split] = field(default_factory=lambda: {b: Split() for b in AGE_BANDS})
    # Structural insatser: the number of activities and the attendees by category.
    activities: int = 0
    attendance: dict[str, Attendance] = field(
        default_factory=lambda: {c: Attendance() for c in ATTENDEE_CATEGORIES}
    )
    # Heltider of the valued outcomes: as reported, or one a person where a report gave none.
    heltider: dict[str, Decimal] = field(
        default_factory=lambda: {o: Decimal(0) for o in FULL_TIME_OUTCOMES}
    )
    # Persons in the valued outcomes whose reports gave no heltider (counted one each).
    persons_without_heltider: int = 0
    socioeconomic: Socioeconomic | None = None

    @property
    def cost_per_participant_sek(self) -> int | None:
        """Costs over participants, whole kronor; None without participants."""
        if not self.participants.total:
            return None
        return kronor(Decimal(self.costs_sek) / Decimal(self.participants.total))

    @property
    def budget_deviation_sek(self) -> int | None:
        """Budget less the costs of the same reports; None when no report gave a budget."""
        return None if self.budget_sek is None else self.budget_sek - self.budgeted_costs_sek

    @property
    def residence_reported(self) -> bool:
        return bool(self.residence)

    @property
    def ages_reported(self) -> bool:
        return any(s.total for s in self.ages.values())

    @property
    def attendance_reported(self) -> bool:
        return bool(self.activities) or any(a.total for a in self.attendance.values())

    @property
    def attendees(self) -> int:
        return sum(a.total for a in self.attendance.values())

    @property
    def support_reported(self) -> bool:
        """Whether any report of the year gave the participants' support."""
        return any(s.total for phase in self.support.values() for s in phase.values())


def estimate(costs_sek: int, heltider: dict[str, Decimal], params: Parameters) -> Socioeconomic:
    """The seeds' method (seeds/000) on the year's heltider (full-time equivalents).

    value of the work a month = full time a month × (work + subsidised share × subsidised
    work + studies share × studies); the tax a month = taxable wage a month × rate × the
    heltider in work, subsidised or not (studies bring none), to the region and to the
    municipality; a year is twelve months. Payback = costs ÷ (value + tax a month), in months
    with one decimal; None when the value is nothing.
    """
    h = {name: Decimal(heltider.get(name, 0)) for name in FULL_TIME_OUTCOMES}
    valued = (
        h["work"]
        + params.subsidised_share * h["subsidised_work"]
        + params.studies_share * h["studies"]
    )
    work_month = Decimal(params.full_time_month_sek) * valued
    working = h["work"] + h["subsidised_work"]
    region_month = Decimal(params.taxable_month_sek) * params.region_tax_percent / 100 * working
    municipal_month = (
        Decimal(params.taxable_month_sek) * params.municipal_tax_percent / 100 * working
    )
    monthly = work_month + region_month + municipal_month
    payback = (
        (Decimal(costs_sek) / monthly).quantize(TENTH, rounding=ROUND_HALF_UP) if monthly else None
    )
    return Socioeconomic(
        heltider=h,
        work_value_month_sek=kronor(work_month),
        region_tax_month_sek=kronor(region_month),
        municipal_tax_month_sek=kronor(municipal_month),
        work_value_year_sek=kronor(12 * work_month),
        region_tax_year_sek=kronor(12 * region_month),
        municipal_tax_year_sek=kronor(12 * municipal_month),
        payback_months=payback,
        parameters=params,
    )


def mkr(value: int) -> Decimal:
    """Kronor as millions with one decimal, as the seeds write them (13,9 milj kr)."""
    return (Decimal(value) / 1_000_000).quantize(TENTH, rounding=ROUND_HALF_UP)


def _ids(association_id: int | Collection[int]) -> list[int]:
    return [association_id] if isinstance(association_id, int) else sorted(association_id)


def counted_reports(
    association_id: int | Collection[int], first: int, last: int, *, shared: bool = True
) -> Any:
    """SQL: the accepted reports that count for the association's (or associations') years
    first..last — with `shared`, also those of insatser another association leads and these
    co-finance (counted by their share: `report_weight`)."""
    ids = _ids(association_id)
    annual = aliased(Report)
    has_annual = exists().where(
        annual.application_id == Report.application_id,
        annual.year == Report.year,
        annual.kind == "annual",
        annual.state == ReportState.ACCEPTED.value,
        annual.year >= first,
        annual.year <= last,
    )
    own = Report.association_id.in_(ids)  # type: ignore[attr-defined]
    co_financed = Report.application_id.in_(  # type: ignore[attr-defined]
        select(InsatsShare.application_id).where(
            InsatsShare.association_id.in_(ids)  # type: ignore[attr-defined]
        )
    )
    return and_(
        or_(own, co_financed) if shared else own,
        Report.state == ReportState.ACCEPTED.value,
        Report.year >= first,
        Report.year <= last,
        or_(Report.kind == "annual", and_(Report.kind == "final", ~has_annual)),
    )


def report_weight(association_id: int | Collection[int]) -> Any:
    """SQL: the percent of a counted report the associations count.

    An insats nobody shares counts whole (100). A shared insats counts, for the associations
    together, the lead's part when the lead is among them (100 less the shares of those that
    are not) and otherwise their own shares — so one association counts its financing share,
    and the county, holding every share, counts the insats once.
    """
    ids = _ids(association_id)

    def shares(among: bool) -> Any:
        where = InsatsShare.association_id.in_(ids)  # type: ignore[attr-defined]
        return (
            select(func.coalesce(func.sum(InsatsShare.percent), 0))
            .where(InsatsShare.application_id == Report.application_id, where if among else ~where)
            .scalar_subquery()
        )

    return case(
        (Report.association_id.in_(ids), WHOLE - shares(False)),  # type: ignore[attr-defined]
        else_=shares(True),
    )


def counting_association(association_id: int | Collection[int]) -> Any:
    """SQL: which of the associations a counted report counts for — its own, or for an insats
    another leads, the first of them that co-finances it."""
    ids = _ids(association_id)
    partner = (
        select(func.min(InsatsShare.association_id))
        .where(
            InsatsShare.application_id == Report.application_id,
            InsatsShare.association_id.in_(ids),  # type: ignore[attr-defined]
        )
        .scalar_subquery()
    )
    return case(
        (Report.association_id.in_(ids), Report.association_id),  # type: ignore[attr-defined]
        else_=partner,
    )


def whole_part(value: Any) -> int:
    """A weighted sum (figures × percent) back in whole units, rounded half up."""
    return int((Decimal(value or 0) / WHOLE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def figures(session: Session, association: Association, first: int, last: int) -> list[YearFigures]:
    """The statistics of every year first..last (seven statements in all)."""
    years = {y: YearFigures(y) for y in range(first, last + 1)}
    counted = counted_reports(association.id, first, last)  # type: ignore[arg-type]
    # A shared insats counts by the association's financing share: each sum is of the
    # figures × the percent, back in whole units (rounded half up) by `whole_part`.
    weight = report_weight(association.id)  # type: ignore[arg-type]

    def part(column: Any) -> Any:
        return _sum(column * weight)

    budgeted = Report.budget_sek.is_not(None)  # type: ignore[union-attr]
    totals = session.exec(
        select(
            Report.year,
            func.count(Report.id),  # type: ignore[arg-type]
            part(Report.participants_women),
            part(Report.participants_men),
            part(Report.new_women),
            part(Report.new_men),
            part(Report.ended_women),
            part(Report.ended_men),
            part(Report.costs_sek),
            part(Report.waiting_women),
            part(Report.waiting_men),
            part(Report.activities),
            func.count(Report.budget_sek),  # type: ignore[arg-type]
            part(Report.budget_sek),
            part(case((budgeted, Report.costs_sek), else_=0)),
        )
        .where(counted)
        .group_by(Report.year)
    ).all()
    for year, n, pw, pm, nw, nm, ew, em, costs, ww, wm, acts, nb, budget, bcosts in totals:
        row = years[year]
        row.reports = int(n)
        row.participants = Split(whole_part(pw), whole_part(pm))
        row.new = Split(whole_part(nw), whole_part(nm))
        row.ended = Split(whole_part(ew), whole_part(em))
        row.costs_sek = whole_part(costs)
        row.waiting = Split(whole_part(ww), whole_part(wm))
        row.activities = whole_part(acts)
        row.budget_sek = whole_part(budget) if nb else None
        row.budgeted_costs_sek = whole_part(bcosts)
    persons = ReportOutcome.women + ReportOutcome.men
    unreported = ReportOutcome.full_time_equivalents.is_(None)  # type: ignore[union-attr]
    for year, outcome, women, men, heltider, without in session.exec(
        select(
            Report.year,
            ReportOutcome.outcome,
            part(ReportOutcome.women),
            part(ReportOutcome.men),
            part(func.coalesce(ReportOutcome.full_time_equivalents, persons)),
            part(case((unreported, persons), else_=0)),
        )
        .join(Report, Report.id == ReportOutcome.report_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportOutcome.outcome)
    ).all():
        row = years[year]
        row.outcomes[outcome] = Split(whole_part(women), whole_part(men))
        if outcome in FULL_TIME_OUTCOMES:
            row.heltider[outcome] = (Decimal(heltider) / WHOLE).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            row.persons_without_heltider += whole_part(without)
    for year, phase, source, women, men in session.exec(
        select(
            Report.year,
            ReportSupport.phase,
            ReportSupport.source,
            part(ReportSupport.women),
            part(ReportSupport.men),
        )
        .join(Report, Report.id == ReportSupport.report_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportSupport.phase, ReportSupport.source)
    ).all():
        years[year].support[phase][source] = Split(whole_part(women), whole_part(men))
    _breakdowns(session, years, counted, part)
    _insatser(session, years, counted, part)
    params = parameters(session, association)
    for row in years.values():
        row.socioeconomic = estimate(row.costs_sek, row.heltider, params)
    return [years[y] for y in sorted(years)]


def _breakdowns(
    session: Session, years: dict[int, YearFigures], counted: Any, part: Callable[[Any], Any]
) -> None:
    """Residence, age bands and attendees per year, in one statement (a UNION ALL)."""
    none = cast(null(), Integer)
    residence = (
        select(
            Report.year,
            literal("residence").label("section"),
            cast(ReportResidence.member_id, String).label("key"),
            Member.name.label("name"),  # type: ignore[attr-defined]
            part(ReportResidence.women).label("women"),
            part(ReportResidence.men).label("men"),
            none.label("total"),
        )
        .join(Report, Report.id == ReportResidence.report_id)  # type: ignore[arg-type]
        .outerjoin(Member, Member.id == ReportResidence.member_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportResidence.member_id, Member.name)
    )
    ages = (
        select(
            Report.year,
            literal("ages"),
            ReportAge.band,
            cast(null(), String),
            part(ReportAge.women),
            part(ReportAge.men),
            none,
        )
        .join(Report, Report.id == ReportAge.report_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportAge.band)
    )
    attendance = (
        select(
            Report.year,
            literal("attendance"),
            ReportAttendance.category,
            cast(null(), String),
            part(ReportAttendance.women),
            part(ReportAttendance.men),
            part(ReportAttendance.total),
        )
        .join(Report, Report.id == ReportAttendance.report_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, ReportAttendance.category)
    )
    for year, section, key, name, women, men, total in session.execute(
        union_all(residence, ages, attendance)
    ).all():
        row = years[year]
        if section == "residence":
            member_id = int(key) if key is not None else None
            row.residence.append(
                Residence(member_id, name, Split(whole_part(women), whole_part(men)))
            )
        elif section == "ages":
            row.ages[key] = Split(whole_part(women), whole_part(men))
        else:
            row.attendance[key] = Attendance(whole_part(total), whole_part(women), whole_part(men))
    for row in years.values():
        # By name, outside the area last.
        row.residence.sort(key=lambda r: (r.member_id is None, r.name or "", r.member_id or 0))


def _insatser(
    session: Session, years: dict[int, YearFigures], counted: Any, part: Callable[[Any], Any]
) -> None:
    """Per insats and year: participants, costs and each goal with its reported value."""
    by_key: dict[tuple[int, int], InsatsFigures] = {}
    for year, app_id, title, diary, pw, pm, costs in session.exec(
        select(
            Report.year,
            Application.id,
            Application.title,
            Application.diary_number,
            part(Report.participants_women),
            part(Report.participants_men),
            part(Report.costs_sek),
        )
        .join(Application, Application.id == Report.application_id)  # type: ignore[arg-type]
        .where(counted)
        .group_by(Report.year, Application.id, Application.title, Application.diary_number)
        .order_by(Report.year, Application.diary_number, Application.id)  # type: ignore[arg-type]
    ).all():
        figures_row = InsatsFigures(
            app_id, title, diary, Split(whole_part(pw), whole_part(pm)), whole_part(costs)
        )
        by_key[(year, app_id)] = figures_row
        years[year].insatser.append(figures_row)
    if not by_key:
        return
    for key, results in goal_results(session, counted).items():
        if key in by_key:
            by_key[key].goals = results


def goal_results(session: Session, counted: Any) -> dict[tuple[int, int], list[GoalResult]]:
    """Per (year, insats): every goal of the insats with the value of that year's counted
    report (one statement)."""
    goals: dict[tuple[int, int], list[GoalResult]] = defaultdict(list)
    rows = session.exec(
        select(
            Report.year,
            Goal.application_id,
            Goal.position,
            Goal.description,
            Goal.target,
            ReportGoalResult.value,
        )
        .join(Goal, Goal.application_id == Report.application_id)  # type: ignore[arg-type]
        .outerjoin(
            ReportGoalResult,
            and_(
                ReportGoalResult.report_id == Report.id,  # type: ignore[arg-type]
                ReportGoalResult.goal_index == Goal.position,
            ),
        )
        .where(counted)
        .order_by(Report.year, Goal.application_id, Goal.position)  # type: ignore[arg-type]
    ).all()
    for year, app_id, _position, description, target, value in rows:
        goals[(year, app_id)].append(GoalResult(description, target, value))
    return goals


# --- the request's years -----------------------------------------------------------------------


def reported_years(
    session: Session, association_id: int | Collection[int], until: int
) -> list[int]:
    """The years up to `until` with a counted report for the association(s), oldest first
    (one statement): a page opens on the latest, since a year's reports come in the next."""
    rows = session.exec(
        select(Report.year)
        .where(counted_reports(association_id, limits.YEAR_MIN, until))
        .distinct()
        .order_by(Report.year)
    ).all()
    return [int(year) for year in rows]


def year_runs(years: Sequence[int], longest: int) -> list[range]:
    """Consecutive years as ranges of at most `longest` years (a long run split from its
    end), oldest first: the links to the years that have reports."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    result: list[range] = []
    for run in runs:
        chunks = []
        end = run[-1]
        while end >= run[0]:
            start = max(run[0], end - longest + 1)
            chunks.append(range(start, end + 1))
            end = start - 1
        result.extend(reversed(chunks))
    return result


def choose_years(year: int | None, first: int | None, last: int | None, default: int) -> range:
    """The years asked for: one year, or a series from..to (at most SERIES_MAX years)."""
    problems = []
    for name, value in (("year", year), ("from", first), ("to", last)):
        if value is not None and not limits.YEAR_MIN <= value <= limits.YEAR_MAX:
            problems.append(
                Problem(
                    name,
                    _l(
                        "Must be between %(min)s and %(max)s.",
                        min=limits.YEAR_MIN,
                        max=limits.YEAR_MAX,
                    ),
                )
            )
    if not problems and (first is not None or last is not None):
        start = first if first is not None else (last or default)
        end = last if last is not None else (first or default)
        if start > end:
            problems.append(Problem("to", _l("The last year comes before the first.")))
        elif end - start + 1 > SERIES_MAX:
            problems.append(Problem("to", _l("At most %(n)s years at a time.", n=SERIES_MAX)))
        if not problems:
            return range(start, end + 1)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    single = year if year is not None else default
    return range(single, single + 1)


# --- the API's shape and the exports --------------------------------------------------------------


def parameters_json(params: Parameters) -> dict[str, Any]:
    """The parameters, each with its source (seeds/000 for a default)."""
    return {
        "full_time_month_sek": params.full_time_month_sek,
        "subsidised_share": float(params.subsidised_share),
        "studies_share": float(params.studies_share),
        "taxable_month_sek": params.taxable_month_sek,
        "region_tax_percent": float(params.region_tax_percent),
        "municipal_tax_percent": float(params.municipal_tax_percent),
        "source": params.source,
        "sources": {name: params.source_of(name) for name in PARAMETER_NAMES},
        "version": params.version,
    }


def socioeconomic_json(socio: Socioeconomic, persons_without_heltider: int) -> dict[str, Any]:
    """The estimate of a year as the API gives it."""
    return {
        "heltider": {name: float(socio.heltider[name]) for name in FULL_TIME_OUTCOMES},
        "persons_without_heltider": persons_without_heltider,
        "work_value_month_sek": socio.work_value_month_sek,
        "region_tax_month_sek": socio.region_tax_month_sek,
        "municipal_tax_month_sek": socio.municipal_tax_month_sek,
        "monthly_value_sek": socio.monthly_value_sek,
        "work_value_year_sek": socio.work_value_year_sek,
        "region_tax_year_sek": socio.region_tax_year_sek,
        "municipal_tax_year_sek": socio.municipal_tax_year_sek,
        "yearly_value_sek": socio.yearly_value_sek,
        "payback_months": float(socio.payback_months) if socio.payback_months is not None else None,
        "parameters": parameters_json(socio.parameters),
    }


def year_json(row: YearFigures) -> dict[str, Any]:
    """One year as API.md's "Statistics" gives it, plus the support shift when reported."""
    socio = row.socioeconomic
    assert socio is not None  # `figures` always estimates
    return {
        "year": row.year,
        "participants": row.participants.as_dict(),
        "new": row.new.as_dict(),
        "ended": row.ended.as_dict(),
        "outcomes": {name: row.outcomes[name].as_dict() for name in OUTCOMES},
        "costs_sek": row.costs_sek,
        "cost_per_participant_sek": row.cost_per_participant_sek,
        "socioeconomic": socioeconomic_json(socio, row.persons_without_heltider),
        "insatser": [
            {
                "application_id": i.application_id,
                "title": i.title,
                "diary_number": i.diary_number,
                "participants": i.participants.as_dict(),
                "costs_sek": i.costs_sek,
                "goals": [
                    {"description": g.description, "target": g.target, "value": g.value}
                    for g in i.goals
                ],
            }
            for i in row.insatser
        ],
        "support": {
            phase: {source: row.support[phase][source].as_dict() for source in SUPPORT_SOURCES}
            for phase in SUPPORT_PHASES
        }
        if row.support_reported
        else None,
        "waiting": row.waiting.as_dict(),
        "budget_sek": row.budget_sek,
        "budgeted_costs_sek": row.budgeted_costs_sek,
        "budget_deviation_sek": row.budget_deviation_sek,
        "residence": [
            {"member_id": r.member_id, "name": r.name, **r.participants.as_dict()}
            for r in row.residence
        ],
        "ages": [{"band": band, **row.ages[band].as_dict()} for band in AGE_BANDS],
        "activities": row.activities,
        "attendance": [{"category": c, **row.attendance[c].as_dict()} for c in ATTENDEE_CATEGORIES],
    }


def _labels() -> tuple[dict[str, Any], dict[str, Any]]:
    # The report's labels, so a statistic says "Studier" exactly as its report does.
    return labels.OUTCOME_LABELS, labels.SUPPORT_LABELS


def _split_cells(split: Split) -> list[int]:
    return [split.women, split.men, split.total]


YEAR_COLUMN = frozenset({0})


def sheets(rows: list[YearFigures]) -> list[Sheet]:
    """The statistics as tables: a sheet per table in XLSX, sections of one CSV."""
    gender = [str(_l("Women")), str(_l("Men")), str(_l("Total"))]
    people = Sheet(
        str(_l("Participants")),
        [str(_l("Year")), str(_l("Figure")), *gender],
        [
            [row.year, str(label), *_split_cells(split)]
            for row in rows
            for label, split in (
                (_l("Participants"), row.participants),
                (_l("New participants"), row.new),
                (_l("Participants who ended"), row.ended),
                (_l("Waiting list at year end"), row.waiting),
            )
        ],
    )
    outcomes = Sheet(
        str(_l("Outcomes")),
        [str(_l("Year")), str(_l("Outcome")), *gender],
        [
            [row.year, str(OUTCOME_LABELS.get(name, name)), *_split_cells(row.outcomes[name])]
            for row in rows
            for name in OUTCOMES
        ],
    )
    costs = Sheet(
        str(_l("Costs")),
        [
            str(_l("Year")),
            str(_l("Costs (SEK)")),
            str(_l("Cost per participant (SEK)")),
            str(_l("Heltider in work")),
            str(_l("Heltider in subsidised work")),
            str(_l("Heltider in studies")),
            str(_l("Value of the work and studies, a year (SEK)")),
            str(_l("Increased tax to the region, a year (SEK)")),
            str(_l("Increased tax to the municipality, a year (SEK)")),
            str(_l("Monthly value (SEK)")),
            str(_l("Yearly value (SEK)")),
            str(_l("Payback (months)")),
        ],
        [
            [
                row.year,
                row.costs_sek,
                row.cost_per_participant_sek,
                *(row.socioeconomic.heltider[name] for name in FULL_TIME_OUTCOMES),
                row.socioeconomic.work_value_year_sek,
                row.socioeconomic.region_tax_year_sek,
                row.socioeconomic.municipal_tax_year_sek,
                row.socioeconomic.monthly_value_sek,
                row.socioeconomic.yearly_value_sek,
                row.socioeconomic.payback_months,
            ]
            for row in rows
            if row.socioeconomic is not None
        ],
    )
    params = rows[-1].socioeconomic.parameters if rows and rows[-1].socioeconomic else Parameters()
    parameter_sheet = Sheet(
        str(_l("Parameters")),
        [str(_l("Parameter")), str(_l("Value")), str(_l("Source"))],
        [[name, getattr(params, name), params.source_of(name)] for name in PARAMETER_NAMES],
    )
    insatser = Sheet(
        str(_l("Insatser")),
        [
            str(_l("Year")),
            str(_l("Diary number")),
            str(_l("Title")),
            *gender,
            str(_l("Costs (SEK)")),
        ],
        [
            [row.year, i.diary_number, i.title, *_split_cells(i.participants), i.costs_sek]
            for row in rows
            for i in row.insatser
        ],
    )
    goals = Sheet(
        str(_l("Goals")),
        [
            str(_l("Year")),
            str(_l("Diary number")),
            str(_l("Goal")),
            str(_l("Target")),
            str(_l("Reported value")),
        ],
        [
            [row.year, i.diary_number, g.description, g.target, g.value]
            for row in rows
            for i in row.insatser
            for g in i.goals
        ],
    )
    support = Sheet(
        str(_l("Support")),
        [str(_l("Year")), str(_l("When")), str(_l("Main source of support")), *gender],
        [
            [
                row.year,
                str(_l("At start") if phase == "start" else _l("At end")),
                str(SUPPORT_LABELS.get(source, source)),
                *_split_cells(row.support[phase][source]),
            ]
            for row in rows
            if row.support_reported
            for phase in SUPPORT_PHASES
            for source in SUPPORT_SOURCES
        ],
    )
    tables = [people, outcomes, costs, insatser, goals, support, *_breakdown_sheets(rows)]
    # These tables' first column is the year: a name, not an amount.
    for table in tables:
        table.plain = YEAR_COLUMN
    return [people, outcomes, costs, parameter_sheet, *tables[3:]]


def _residence_name(residence: Residence) -> str:
    if residence.member_id is None:
        return str(_l("Outside the area"))
    return residence.name or ""


def _breakdown_sheets(rows: list[YearFigures]) -> list[Sheet]:
    """Budget against costs, residence, age bands and the attendees of structural insatser."""
    gender = [str(_l("Women")), str(_l("Men")), str(_l("Total"))]
    budget = Sheet(
        str(_l("Budget")),
        [
            str(_l("Year")),
            str(_l("Budget (SEK)")),
            str(_l("Costs of the reports with a budget (SEK)")),
            str(_l("Budget less costs (SEK)")),
            str(_l("Costs (SEK)")),
        ],
        [
            [
                row.year,
                row.budget_sek,
                row.budgeted_costs_sek,
                row.budget_deviation_sek,
                row.costs_sek,
            ]
            for row in rows
        ],
    )
    residence = Sheet(
        str(_l("Residence")),
        [str(_l("Year")), str(_l("Municipality")), *gender],
        [
            [row.year, _residence_name(r), *_split_cells(r.participants)]
            for row in rows
            for r in row.residence
        ],
    )
    ages = Sheet(
        str(_l("Ages")),
        [str(_l("Year")), str(_l("Age")), *gender],
        [
            [row.year, str(AGE_BAND_LABELS[band]), *_split_cells(row.ages[band])]
            for row in rows
            for band in AGE_BANDS
        ],
    )
    attendance = Sheet(
        str(_l("Attendees")),
        [
            str(_l("Year")),
            str(_l("Category")),
            str(_l("In all")),
            str(_l("Women")),
            str(_l("Men")),
            str(_l("Gender not given")),
        ],
        [
            [row.year, str(_l("Number of activities")), row.activities, None, None, None]
            for row in rows
        ]
        + [
            [
                row.year,
                str(ATTENDEE_LABELS[c]),
                row.attendance[c].total,
                row.attendance[c].women,
                row.attendance[c].men,
                row.attendance[c].unsplit,
            ]
            for row in rows
            for c in ATTENDEE_CATEGORIES
        ],
    )
    return [budget, residence, ages, attendance]


def csv_rows(rows: list[YearFigures]) -> tuple[list[str], list[list[Any]]]:
    """The statistics as one long table: year, section, item, women, men, total, value."""
    header = [
        str(_l("Year")),
        str(_l("Section")),
        str(_l("Item")),
        str(_l("Women")),
        str(_l("Men")),
        str(_l("Total")),
        str(_l("Value")),
    ]
    out: list[list[Any]] = []
    for row in rows:
        people = str(_l("Participants"))
        for label, split in (
            (_l("Participants"), row.participants),
            (_l("New participants"), row.new),
            (_l("Participants who ended"), row.ended),
            (_l("Waiting list at year end"), row.waiting),
        ):
            out.append([row.year, people, str(label), *_split_cells(split), None])
        for name in OUTCOMES:
            out.append(
                [
                    row.year,
                    str(_l("Outcomes")),
                    str(OUTCOME_LABELS.get(name, name)),
                    *_split_cells(row.outcomes[name]),
                    None,
                ]
            )
        socio = row.socioeconomic
        assert socio is not None
        for label, value in (
            (_l("Costs (SEK)"), row.costs_sek),
            (_l("Cost per participant (SEK)"), row.cost_per_participant_sek),
            (_l("Heltider in work"), socio.heltider["work"]),
            (_l("Heltider in subsidised work"), socio.heltider["subsidised_work"]),
            (_l("Heltider in studies"), socio.heltider["studies"]),
            (_l("Value of the work and studies, a year (SEK)"), socio.work_value_year_sek),
            (_l("Increased tax to the region, a year (SEK)"), socio.region_tax_year_sek),
            (_l("Increased tax to the municipality, a year (SEK)"), socio.municipal_tax_year_sek),
            (_l("Monthly value (SEK)"), socio.monthly_value_sek),
            (_l("Yearly value (SEK)"), socio.yearly_value_sek),
            (_l("Payback (months)"), socio.payback_months),
        ):
            out.append([row.year, str(_l("Costs")), str(label), None, None, None, value])
        for insats in row.insatser:
            name = " ".join(p for p in (insats.diary_number, insats.title) if p)
            out.append(
                [
                    row.year,
                    str(_l("Insatser")),
                    name,
                    *_split_cells(insats.participants),
                    insats.costs_sek,
                ]
            )
            for goal in insats.goals:
                target = f" ({goal.target})" if goal.target else ""
                out.append(
                    [
                        row.year,
                        str(_l("Goals")),
                        f"{insats.diary_number or ''}: {goal.description}{target}",
                        None,
                        None,
                        None,
                        goal.value,
                    ]
                )
        if row.support_reported:
            for phase in SUPPORT_PHASES:
                section = str(_l("Support at start") if phase == "start" else _l("Support at end"))
                for source in SUPPORT_SOURCES:
                    out.append(
                        [
                            row.year,
                            section,
                            str(SUPPORT_LABELS.get(source, source)),
                            *_split_cells(row.support[phase][source]),
                            None,
                        ]
                    )
        out += _breakdown_csv(row)
    return header, out


def _breakdown_csv(row: YearFigures) -> list[list[Any]]:
    """A year's budget, residence, ages and attendees as rows of the long table."""
    budget = str(_l("Budget"))
    out: list[list[Any]] = [
        [row.year, budget, str(_l("Budget (SEK)")), None, None, None, row.budget_sek],
        [
            row.year,
            budget,
            str(_l("Costs of the reports with a budget (SEK)")),
            None,
            None,
            None,
            row.budgeted_costs_sek,
        ],
        [
            row.year,
            budget,
            str(_l("Budget less costs (SEK)")),
            None,
            None,
            None,
            row.budget_deviation_sek,
        ],
    ]
    for r in row.residence:
        out.append(
            [
                row.year,
                str(_l("Residence")),
                _residence_name(r),
                *_split_cells(r.participants),
                None,
            ]
        )
    if row.ages_reported:
        for band in AGE_BANDS:
            out.append(
                [
                    row.year,
                    str(_l("Ages")),
                    str(AGE_BAND_LABELS[band]),
                    *_split_cells(row.ages[band]),
                    None,
                ]
            )
    if row.attendance_reported:
        attendees = str(_l("Attendees"))
        out.append(
            [row.year, attendees, str(_l("Number of activities")), None, None, None, row.activities]
        )
        for c in ATTENDEE_CATEGORIES:
            a = row.attendance[c]
            out.append(
                [row.year, attendees, str(ATTENDEE_LABELS[c]), a.women, a.men, a.total, None]
            )
    return out
