"""The export in Uppföljning Finsam's shape: one table per association, year and kind of insats.

Uppföljning Finsam (Försäkringskassan's follow-up system, SUS's successor from 2023) asks
every samordningsförbund, per insats and year, for its classification, its period, its
participants by women and men, where those who ended went, their main source of support
before and after, and its costs. The columns follow the report's breakdowns: the waiting list
(köplats), the participants by age band and the year's budget for an individual insats; the
number of activities and the attendees by category for a structural one. The columns are
data: each is a `Column` of (key, Swedish header, source, getter), in `INDIVIDUAL` and
`STRUCTURAL`; a new report field becomes a new export column by one line here, and
docs/uppfoljning-finsam.md documents every column (a test holds the two to each other).

Participants by municipality of residence are not exported: the municipalities are each
association's own, so the columns would differ from one association to the next, and the
national system's shape for them is not confirmed (docs/uppfoljning-finsam.md).

Which insatser are listed: those of the kind with, in the year, a counted report (the
statistics' rule: the accepted annual report, else the accepted final report) or an amount
granted for the year. The figures are the counted report's; an insats with no counted
report has empty figure cells, not zeros, so nothing unreported reads as reported.

Three statements in all, whatever the number of insatser: the insatser with their
classification, report and granted amount; the outcomes; the breakdowns (sources of support,
age bands, attendance) in one UNION ALL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, String, and_, cast, exists, func, literal, null, or_, union_all
from sqlmodel import Session, select

from workflow import labels
from workflow.i18n import _l
from workflow.models import Application, Association, Decision, DecisionAmount
from workflow.models.classification import InsatsClassification
from workflow.models.reports import (
    AGE_BANDS,
    ATTENDEE_CATEGORIES,
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    Report,
    ReportAge,
    ReportAttendance,
    ReportOutcome,
    ReportSupport,
)
from workflow.rules.budget import GRANTING_OUTCOMES
from workflow.rules.statistics import Split, YearFigures, counted_reports
from workflow.rules.tables import Sheet

KINDS = ("individual", "structural")


@dataclass(frozen=True)
class Attended:
    """Attendees of one category as the report gave them: women and men may be unknown."""

    total: int
    women: int | None = None
    men: int | None = None


@dataclass
class InsatsYear:
    """One insats in one year: what the export's getters read."""

    application_id: int
    title: str | None
    diary_number: str | None
    kind: str
    start_date: date | None
    end_date: date | None
    direction: str | None = None
    precise_direction: str | None = None
    follow_up_method: str | None = None
    esf: bool | None = None
    esf_project: str | None = None
    # None when no report counts for the year (the figure cells stay empty).
    reported: bool = False
    participants: Split = field(default_factory=Split)
    new: Split = field(default_factory=Split)
    ended: Split = field(default_factory=Split)
    costs_sek: int | None = None
    granted_sek: int = 0
    waiting: Split = field(default_factory=Split)
    # None when the report did not give it (budget, activities) or gave no row (ages).
    budget_sek: int | None = None
    activities: int | None = None
    ages: dict[str, Split] | None = None
    attendance: dict[str, Attended] = field(default_factory=dict)
    outcomes: dict[str, Split] = field(default_factory=lambda: {o: Split() for o in OUTCOMES})
    support: dict[str, dict[str, Split]] = field(
        default_factory=lambda: {p: {s: Split() for s in SUPPORT_SOURCES} for p in SUPPORT_PHASES}
    )


@dataclass(frozen=True)
class Column:
    """One column of the export: its key, its header, where its value comes from, the getter."""

    key: str
    header: Callable[[], str]
    source: str
    get: Callable[[InsatsYear], Any]


def _label(table: dict[str, Any], code: str | None) -> str | None:
    return None if code is None else str(labels._label(table, code))


def _reported(get: Callable[[InsatsYear], int]) -> Callable[[InsatsYear], int | None]:
    """A figure of the counted report: empty when the year has none."""
    return lambda row: get(row) if row.reported else None


def _text(message: Any) -> Callable[[], str]:
    return lambda: str(message)


_WHO = {"women": _l("women"), "men": _l("men")}


def _gendered(
    key: str,
    header: Callable[[str], Any],
    source: str,
    split: Callable[[InsatsYear], Split | Attended | None],
) -> list[Column]:
    """The women's and the men's column of one figure (empty when the report lacks it)."""

    def part(who: str) -> Callable[[InsatsYear], int | None]:
        def get(row: InsatsYear) -> int | None:
            value = split(row) if row.reported else None
            return None if value is None else getattr(value, who)

        return get

    return [
        Column(
            f"{key}_{who}",
            lambda who=who: str(header(str(_WHO[who]))),
            source.format(who=who),
            part(who),
        )
        for who in ("women", "men")
    ]


def _band_key(band: str) -> str:
    """An age band as a column key: 16-19 → 16_19, 65+ → 65_plus."""
    return band.replace("-", "_").replace("+", "_plus")


def _age_columns() -> list[Column]:
    columns = []
    for band in AGE_BANDS:
        columns += _gendered(
            f"age_{_band_key(band)}",
            lambda who, b=band: _l(
                "Participants %(band)s, %(who)s", band=str(labels.AGE_BAND_LABELS[b]), who=who
            ),
            f"report_age.{{who}} (band = {band})",
            lambda row, b=band: None if row.ages is None else row.ages[b],
        )
    return columns


def _attended(category: str, part: str) -> Callable[[InsatsYear], int | None]:
    """One cell of a category: empty when the report gave no such row or no such split."""

    def get(row: InsatsYear) -> int | None:
        given = row.attendance.get(category) if row.reported else None
        return None if given is None else getattr(given, part)

    return get


def _attendance_columns() -> list[Column]:
    columns = [
        Column(
            "attendees_total",
            _text(_l("Attendees in total")),
            "report_attendance.total (all categories)",
            lambda r: (
                sum(a.total for a in r.attendance.values()) if r.reported and r.attendance else None
            ),
        )
    ]
    for category in ATTENDEE_CATEGORIES:
        name = labels.ATTENDEE_LABELS[category]
        columns.append(
            Column(
                f"attendees_{category}_total",
                lambda n=name: str(
                    _l("Attendees: %(category)s, in total", category=str(n).lower())
                ),
                f"report_attendance.total (category = {category})",
                _attended(category, "total"),
            )
        )
        columns += _gendered(
            f"attendees_{category}",
            lambda who, n=name: _l(
                "Attendees: %(category)s, %(who)s", category=str(n).lower(), who=who
            ),
            f"report_attendance.{{who}} (category = {category})",
            lambda row, c=category: row.attendance.get(c),
        )
    return columns


def _outcome_columns() -> list[Column]:
    columns = []
    for outcome in OUTCOMES:
        columns += _gendered(
            f"ended_to_{outcome}",
            lambda who, o=outcome: (
                # Avbrott is how they ended, not where they went.
                _l("Ended by dropping out, %(who)s", who=who)
                if o == "dropped_out"
                else _l(
                    "Ended to %(outcome)s, %(who)s",
                    outcome=str(labels.OUTCOME_LABELS[o]).lower(),
                    who=who,
                )
            ),
            f"report_outcome.{{who}} (outcome = {outcome})",
            lambda row, o=outcome: row.outcomes[o],
        )
    return columns


def _support_columns() -> list[Column]:
    columns = []
    for phase in SUPPORT_PHASES:
        for source in SUPPORT_SOURCES:
            columns += _gendered(
                f"support_{'before' if phase == 'start' else 'after'}_{source}",
                lambda who, p=phase, s=source: (
                    _l(
                        "Support before: %(source)s, %(who)s",
                        source=str(labels.SUPPORT_LABELS[s]).lower(),
                        who=who,
                    )
                    if p == "start"
                    else _l(
                        "Support after: %(source)s, %(who)s",
                        source=str(labels.SUPPORT_LABELS[s]).lower(),
                        who=who,
                    )
                ),
                f"report_support.{{who}} (phase = {phase}, source = {source})",
                lambda row, p=phase, s=source: row.support[p][s],
            )
    return columns


IDENTITY: tuple[Column, ...] = (
    Column("insats_name", _text(_l("Name of the insats")), "application.title", lambda r: r.title),
    Column(
        "diary_number",
        _text(_l("Diary number")),
        "application.diary_number",
        lambda r: r.diary_number,
    ),
    Column(
        "direction",
        _text(_l("Direction (insatsinriktning)")),
        "insats_classification.direction",
        lambda r: _label(labels.DIRECTION_LABELS, r.direction),
    ),
    Column(
        "precise_direction",
        _text(_l("Precise direction")),
        "insats_classification.precise_direction",
        lambda r: _label(labels.PRECISE_DIRECTION_LABELS, r.precise_direction),
    ),
    Column(
        "follow_up_method",
        _text(_l("Follow-up method")),
        "insats_classification.follow_up_method",
        lambda r: _label(labels.FOLLOW_UP_METHOD_LABELS, r.follow_up_method),
    ),
    Column(
        "esf",
        _text(_l("ESF co-financing")),
        "insats_classification.esf",
        lambda r: None if r.esf is None else str(_l("Yes") if r.esf else _l("No")),
    ),
    Column(
        "esf_project",
        _text(_l("ESF project")),
        "insats_classification.esf_project",
        lambda r: r.esf_project,
    ),
    Column("start_date", _text(_l("Start date")), "application.start_date", lambda r: r.start_date),
    Column("end_date", _text(_l("End date")), "application.end_date", lambda r: r.end_date),
)

MONEY: tuple[Column, ...] = (
    Column(
        "costs_sek",
        _text(_l("Costs of the year (utfall), SEK")),
        "report.costs_sek",
        lambda r: r.costs_sek if r.reported else None,
    ),
    Column(
        "budget_sek",
        _text(_l("Budget of the year, SEK")),
        "report.budget_sek",
        lambda r: r.budget_sek if r.reported else None,
    ),
    Column(
        "granted_sek",
        _text(_l("Granted for the year, SEK")),
        "decision_amount.amount_sek (granting decisions, the year)",
        lambda r: r.granted_sek,
    ),
)

# The individual insatser's export, in Uppföljning Finsam's order of questions.
INDIVIDUAL: tuple[Column, ...] = (
    *IDENTITY,
    *_gendered(
        "participants",
        lambda who: _l("Participants, %(who)s", who=who),
        "report.participants_{who}",
        lambda r: r.participants,
    ),
    *_gendered(
        "new",
        lambda who: _l("New participants, %(who)s", who=who),
        "report.new_{who}",
        lambda r: r.new,
    ),
    *_gendered(
        "participants_ended",
        lambda who: _l("Participants who ended, %(who)s", who=who),
        "report.ended_{who}",
        lambda r: r.ended,
    ),
    *_gendered(
        "waiting",
        lambda who: _l("Waiting list at year end, %(who)s", who=who),
        "report.waiting_{who}",
        lambda r: r.waiting,
    ),
    *_age_columns(),
    *_outcome_columns(),
    *_support_columns(),
    *MONEY,
)

# The structural insatser's: no participants of their own (a volyminsats is counted only);
# those it reached are the attendees of its activities, by category, split by women and men
# only where the report gave the split.
STRUCTURAL: tuple[Column, ...] = (
    *IDENTITY,
    Column(
        "activities",
        _text(_l("Number of activities")),
        "report.activities",
        lambda r: r.activities if r.reported else None,
    ),
    *_attendance_columns(),
    *MONEY,
)

COLUMNS: dict[str, tuple[Column, ...]] = {"individual": INDIVIDUAL, "structural": STRUCTURAL}


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def insatser(session: Session, association: Association, year: int, kind: str) -> list[InsatsYear]:
    """The insatser of `kind` reported on or granted for in `year`, in diary-number order."""
    counted = and_(
        counted_reports(association.id, year, year, shared=False),  # type: ignore[arg-type]
        Report.application_id == Application.id,
    )
    granted = (
        select(_sum(DecisionAmount.amount_sek))
        .join(Decision, Decision.id == DecisionAmount.decision_id)  # type: ignore[arg-type]
        .where(
            Decision.application_id == Application.id,
            Decision.outcome.in_(GRANTING_OUTCOMES),  # type: ignore[attr-defined]
            DecisionAmount.year == year,
        )
        .scalar_subquery()
    )
    any_grant = exists().where(
        Decision.application_id == Application.id,
        Decision.outcome.in_(GRANTING_OUTCOMES),  # type: ignore[attr-defined]
        DecisionAmount.decision_id == Decision.id,
        DecisionAmount.year == year,
    )
    rows = session.exec(
        select(
            Application.id,
            Application.title,
            Application.diary_number,
            Application.kind,
            Application.start_date,
            Application.end_date,
            InsatsClassification.direction,
            InsatsClassification.precise_direction,
            InsatsClassification.follow_up_method,
            InsatsClassification.esf,
            InsatsClassification.esf_project,
            Report.id,
            Report.participants_women,
            Report.participants_men,
            Report.new_women,
            Report.new_men,
            Report.ended_women,
            Report.ended_men,
            Report.costs_sek,
            Report.waiting_women,
            Report.waiting_men,
            Report.budget_sek,
            Report.activities,
            granted,
        )
        .outerjoin(
            InsatsClassification,
            InsatsClassification.application_id == Application.id,  # type: ignore[arg-type]
        )
        .outerjoin(Report, counted)
        .where(
            Application.association_id == association.id,
            Application.kind == kind,
            or_(Report.id.is_not(None), any_grant),  # type: ignore[union-attr]
        )
        .order_by(Application.diary_year, Application.diary_seq, Application.id)  # type: ignore[arg-type]
    ).all()
    found: dict[int, InsatsYear] = {}
    for row in rows:
        (app_id, title, diary, app_kind, start, end, direction, precise, method, esf, project) = (
            row[:11]
        )
        report_id, pw, pm, nw, nm, ew, em, costs, ww, wm, budget, activities, granted_sek = row[11:]
        found[app_id] = InsatsYear(
            app_id,
            title,
            diary,
            app_kind,
            start,
            end,
            direction,
            precise,
            method,
            None if esf is None else bool(esf),
            project,
            reported=report_id is not None,
            participants=Split(pw or 0, pm or 0),
            new=Split(nw or 0, nm or 0),
            ended=Split(ew or 0, em or 0),
            costs_sek=None if costs is None else int(costs),
            granted_sek=int(granted_sek or 0),
            waiting=Split(ww or 0, wm or 0),
            budget_sek=None if budget is None else int(budget),
            activities=activities,
        )
    if not found:
        return []
    scope = and_(
        counted_reports(association.id, year, year, shared=False),  # type: ignore[arg-type]
        Report.application_id.in_(found),  # type: ignore[attr-defined]
    )
    for app_id, outcome, women, men in session.exec(
        select(Report.application_id, ReportOutcome.outcome, ReportOutcome.women, ReportOutcome.men)
        .join(Report, Report.id == ReportOutcome.report_id)  # type: ignore[arg-type]
        .where(scope)
    ).all():
        found[app_id].outcomes[outcome] = Split(int(women), int(men))
    _breakdowns(session, found, scope)
    return list(found.values())


def _breakdowns(session: Session, found: dict[int, InsatsYear], scope: Any) -> None:
    """Sources of support, age bands and attendance of the counted reports: one UNION ALL."""
    none = cast(null(), String)
    support = (
        select(
            Report.application_id,
            literal("support").label("section"),
            ReportSupport.phase.label("key"),  # type: ignore[attr-defined]
            cast(ReportSupport.source, String).label("detail"),
            cast(ReportSupport.women, Integer).label("women"),
            cast(ReportSupport.men, Integer).label("men"),
            cast(null(), Integer).label("total"),
        )
        .join(Report, Report.id == ReportSupport.report_id)  # type: ignore[arg-type]
        .where(scope)
    )
    ages = (
        select(
            Report.application_id,
            literal("ages"),
            ReportAge.band,
            none,
            ReportAge.women,
            ReportAge.men,
            cast(null(), Integer),
        )
        .join(Report, Report.id == ReportAge.report_id)  # type: ignore[arg-type]
        .where(scope)
    )
    attendance = (
        select(
            Report.application_id,
            literal("attendance"),
            ReportAttendance.category,
            none,
            ReportAttendance.women,
            ReportAttendance.men,
            ReportAttendance.total,
        )
        .join(Report, Report.id == ReportAttendance.report_id)  # type: ignore[arg-type]
        .where(scope)
    )
    for app_id, section, key, detail, women, men, total in session.execute(
        union_all(support, ages, attendance)
    ).all():
        row = found[app_id]
        if section == "support":
            row.support[key][detail] = Split(int(women), int(men))
        elif section == "ages":
            if row.ages is None:
                row.ages = {band: Split() for band in AGE_BANDS}
            row.ages[key] = Split(int(women), int(men))
        else:
            row.attendance[key] = Attended(
                int(total),
                None if women is None else int(women),
                None if men is None else int(men),
            )


def headers(kind: str) -> list[str]:
    """The header row of the kind's export, in the request's language."""
    return [column.header() for column in COLUMNS[kind]]


def table(rows: Sequence[InsatsYear], kind: str) -> tuple[list[str], list[list[Any]]]:
    """The header and one row per insats: the CSV's lines and the XLSX sheet's rows."""
    columns = COLUMNS[kind]
    return headers(kind), [[column.get(row) for column in columns] for row in rows]


def sheet(rows: Sequence[InsatsYear], kind: str, year: int) -> Sheet:
    """The export as the one sheet of its workbook."""
    header, lines = table(rows, kind)
    title = labels.DIRECTION_LABELS[kind]
    return Sheet(f"{title} {year}", header, lines)


# --- the yearly summary (verksamhetsberättelse) ------------------------------------------------


def summary(figures: YearFigures) -> tuple[list[str], list[list[Any]]]:
    """The year's figures as the verksamhetsberättelse gives them: women, men and total.

    Every outcome of OUTCOMES has its row (praktik and avbrott included), then the waiting
    list; the structural insatser's activities and attendees give their totals only.
    """
    header = [str(_l("Figure")), str(_l("Women")), str(_l("Men")), str(_l("Total"))]

    def split(label: Any, value: Split) -> list[Any]:
        return [str(label), value.women, value.men, value.total]

    lines = [
        split(_l("Participants"), figures.participants),
        split(_l("New participants"), figures.new),
        split(_l("Participants who ended"), figures.ended),
        *(
            split(
                _l("Ended by dropping out")
                if name == "dropped_out"
                else _l("Ended to %(outcome)s", outcome=str(labels.OUTCOME_LABELS[name]).lower()),
                figures.outcomes[name],
            )
            for name in OUTCOMES
        ),
        split(_l("Waiting list at year end"), figures.waiting),
        [str(_l("Insatser reported on")), None, None, len(figures.insatser)],
        # Structural insatser: totals only, since attendees are often not split by gender.
        [str(_l("Activities of structural insatser")), None, None, figures.activities],
        [str(_l("Attendees of structural insatser")), None, None, figures.attendees],
        [str(_l("Costs (SEK)")), None, None, figures.costs_sek],
        [str(_l("Cost per participant (SEK)")), None, None, figures.cost_per_participant_sek],
    ]
    return header, lines


def summary_sheet(figures: YearFigures) -> Sheet:
    """The summary as the one sheet of its workbook."""
    header, lines = summary(figures)
    return Sheet(f"{_l('Summary')} {figures.year}", header, lines)
