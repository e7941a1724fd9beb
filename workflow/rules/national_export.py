"""The export in Uppföljning Finsam's shape: one table per association, year and kind of insats.

Uppföljning Finsam (Försäkringskassan's follow-up system, SUS's successor from 2023) asks
every samordningsförbund, per insats and year, for its classification, its period, its
participants by women and men, where those who ended went, their main source of support
before and after, and its costs. The columns are data: each is a `Column` of (key, Swedish
header, source, getter), in `INDIVIDUAL` and `STRUCTURAL`; a new report field becomes a new
export column by one line here, and docs/uppfoljning-finsam.md documents every column (a
test holds the two to each other).

Which insatser are listed: those of the kind with, in the year, a counted report (the
statistics' rule: the accepted annual report, else the accepted final report) or an amount
granted for the year. The figures are the counted report's; an insats with no counted
report has empty figure cells, not zeros, so nothing unreported reads as reported.

Three statements in all, whatever the number of insatser: the insatser with their
classification, report and granted amount; the outcomes; the sources of support.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, select

from workflow import labels
from workflow.i18n import _l
from workflow.models import Application, Association, Decision, DecisionAmount
from workflow.models.classification import InsatsClassification
from workflow.models.reports import (
    OUTCOMES,
    SUPPORT_PHASES,
    SUPPORT_SOURCES,
    Report,
    ReportOutcome,
    ReportSupport,
)
from workflow.rules.budget import GRANTING_OUTCOMES
from workflow.rules.statistics import Split, YearFigures, counted_reports
from workflow.rules.tables import Sheet

KINDS = ("individual", "structural")


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


def _gendered(
    key: str, header: Callable[[str], Any], source: str, split: Callable[[InsatsYear], Split]
) -> list[Column]:
    """The women's and the men's column of one figure."""
    return [
        Column(
            f"{key}_women",
            lambda: str(header(str(_l("women")))),
            source.format(who="women"),
            _reported(lambda row: split(row).women),
        ),
        Column(
            f"{key}_men",
            lambda: str(header(str(_l("men")))),
            source.format(who="men"),
            _reported(lambda row: split(row).men),
        ),
    ]


def _outcome_columns() -> list[Column]:
    columns = []
    for outcome in OUTCOMES:
        columns += _gendered(
            f"ended_to_{outcome}",
            lambda who, o=outcome: _l(
                "Ended to %(outcome)s, %(who)s",
                outcome=str(labels.OUTCOME_LABELS[o]).lower(),
                who=who,
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
    *_outcome_columns(),
    *_support_columns(),
    *MONEY,
)

# The structural insatser's: no participants of their own; those the insats reached
# (attendees of a training, say) are the report's participants when it gives them.
STRUCTURAL: tuple[Column, ...] = (
    *IDENTITY,
    *_gendered(
        "reached",
        lambda who: _l("Reached (attendees), %(who)s", who=who),
        "report.participants_{who}",
        lambda r: r.participants,
    ),
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
        report_id, pw, pm, nw, nm, ew, em, costs, granted_sek = row[11:]
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
    for app_id, phase, source, women, men in session.exec(
        select(
            Report.application_id,
            ReportSupport.phase,
            ReportSupport.source,
            ReportSupport.women,
            ReportSupport.men,
        )
        .join(Report, Report.id == ReportSupport.report_id)  # type: ignore[arg-type]
        .where(scope)
    ).all():
        found[app_id].support[phase][source] = Split(int(women), int(men))
    return list(found.values())


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
    """The year's figures as the verksamhetsberättelse gives them: women, men and total."""
    header = [str(_l("Figure")), str(_l("Women")), str(_l("Men")), str(_l("Total"))]

    def split(label: Any, value: Split) -> list[Any]:
        return [str(label), value.women, value.men, value.total]

    lines = [
        split(_l("Participants"), figures.participants),
        split(_l("New participants"), figures.new),
        split(_l("Participants who ended"), figures.ended),
        *(
            split(
                _l("Ended to %(outcome)s", outcome=str(labels.OUTCOME_LABELS[name]).lower()),
                figures.outcomes[name],
            )
            for name in OUTCOMES
        ),
        [str(_l("Insatser reported on")), None, None, len(figures.insatser)],
        [str(_l("Costs (SEK)")), None, None, figures.costs_sek],
        [str(_l("Cost per participant (SEK)")), None, None, figures.cost_per_participant_sek],
    ]
    return header, lines


def summary_sheet(figures: YearFigures) -> Sheet:
    """The summary as the one sheet of its workbook."""
    header, lines = summary(figures)
    return Sheet(f"{_l('Summary')} {figures.year}", header, lines)
