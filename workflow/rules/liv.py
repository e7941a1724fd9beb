"""LIV (långsiktig integrerad verksamhet): what the board may finance, and its queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists
from sqlmodel import Session, select

from states.application import BOARD_LIV, LIV_ADMISSION, LIV_SHOWN
from states.meeting import APPLICATION_ITEM, UPCOMING, ItemState
from states.report import ReportState
from workflow import limits
from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import (
    AgendaItem,
    Application,
    Decision,
    DecisionAmount,
    Meeting,
)
from workflow.models import today as current_date
from workflow.models.liv import LivAgreement, LivYear
from workflow.models.reports import Report


def is_liv_item(app: Application) -> bool:
    """Whether the board's decision on this application is a LIV decision."""
    return app.state in BOARD_LIV


def is_liv_admission(app: Application) -> bool:
    """Whether the board's LIV decision admits the activity (rather than finances a year)."""
    return app.state in LIV_ADMISSION


def outcome_problem() -> Problem:
    """The refusal of an outcome the board cannot give a LIV item."""
    return Problem("outcome", _l("A LIV decision is approve or reject."))


def financed_years(session: Session, app: Application) -> set[int]:
    """The years the board has already financed for this LIV activity."""
    return set(session.exec(select(LivYear.year).where(LivYear.application_id == app.id)).all())


def amount_problems(session: Session, app: Application, amounts: Sequence[Any]) -> list[Problem]:
    """A LIV approval finances exactly one year, not financed before, for more than 0 SEK."""
    if len(amounts) != 1:
        return [
            Problem("amounts", _l("A LIV activity is financed one year at a time: give one year."))
        ]
    line = amounts[0]
    problems = []
    if not limits.YEAR_MIN <= line.year <= limits.YEAR_MAX:
        problems.append(
            Problem(
                "amounts.0.year",
                _l(
                    "The year must be between %(min)s and %(max)s.",
                    min=limits.YEAR_MIN,
                    max=limits.YEAR_MAX,
                ),
            )
        )
    elif line.year in financed_years(session, app):
        problems.append(
            Problem(
                "amounts.0.year",
                _l("The board has already financed %(year)s for this activity.", year=line.year),
            )
        )
    if not 0 < line.amount_sek <= limits.AMOUNT_MAX:
        problems.append(
            Problem(
                "amounts.0.amount_sek",
                _l("Must be between %(min)s and %(max)s.", min=1, max=limits.AMOUNT_MAX),
            )
        )
    return problems


def suggested_year(app: Application, today: date | None = None) -> int:
    """The year a yearly decision usually finances: the next calendar year."""
    return (today or current_date()).year + 1


def suggested_amounts(app: Application) -> list[tuple[int, int]]:
    """What the chair's form starts from: next year, at the last budgeted year's amount."""
    last = app.budget_lines[-1].amount_sek if app.budget_lines else 0
    return [(suggested_year(app), last)]


LIV_OUTCOMES = ("approve", "reject")


def _waiting_on_agenda(application_id: Any) -> Any:
    """SQL: the application is on the agenda of a meeting not yet held, undecided there."""
    decided = exists().where(
        Decision.meeting_id == AgendaItem.meeting_id,
        Decision.application_id == AgendaItem.application_id,
    )
    return (
        exists()
        .where(
            AgendaItem.application_id == application_id,
            AgendaItem.kind == APPLICATION_ITEM,
            AgendaItem.state == ItemState.LISTED.value,
            Meeting.id == AgendaItem.meeting_id,
            Meeting.state.in_(sorted(UPCOMING)),  # type: ignore[attr-defined]
        )
        .where(~decided)
    )


def ready_clause() -> Any:
    """SQL: a LIV item the officer may place on an agenda (not already waiting on one)."""
    return and_(
        Application.state.in_([str(s) for s in BOARD_LIV]),  # type: ignore[attr-defined]
        ~_waiting_on_agenda(Application.id),
    )


def agenda_conflict(session: Session, app: Application) -> Any:
    """Why a LIV item cannot be placed on an agenda now, or None."""
    waiting = session.exec(
        select(Application.id)
        .where(Application.id == app.id)
        .where(_waiting_on_agenda(Application.id))
    ).first()
    if waiting is None:
        return None
    return _l(
        "“%(title)s” already waits for the board on another meeting's agenda.",
        title=app.title or "",
    )


def unreported(session: Session, apps: Iterable[Application], year: int) -> set[int]:
    """The LIV items among `apps` lacking an accepted report for the year before `year`.

    A decision for a new year should rest on last year's results (DESIGN.md): the flag is a
    warning on the agenda and the application page, not a refusal. Counted only for
    activities that already ran that year. One statement for any number of items.
    """
    wanted = {
        a.id: a
        for a in apps
        if a.state in BOARD_LIV and (a.start_date is None or a.start_date.year <= year - 1)
    }
    if not wanted:
        return set()
    accepted = set(
        session.exec(
            select(Report.application_id).where(
                Report.application_id.in_(list(wanted)),  # type: ignore[attr-defined]
                Report.year == year - 1,
                Report.state == ReportState.ACCEPTED.value,
            )
        ).all()
    )
    return {app_id for app_id in wanted if app_id not in accepted}  # type: ignore[misc]


def agreements(session: Session, app: Application) -> list[LivAgreement]:
    """The activity's uppdragsavtal, the latest period first."""
    return list(
        session.exec(
            select(LivAgreement)
            .where(LivAgreement.application_id == app.id)
            .order_by(LivAgreement.start_date.desc(), LivAgreement.id.desc())  # type: ignore[attr-defined]
        ).all()
    )


@dataclass(frozen=True)
class FinancedYear:
    """One financed LIV year: the amount and the § of the decision."""

    year: int
    amount_sek: int
    paragraph: int | None
    meeting_id: int | None
    meeting_date: date | None


def years(session: Session, app: Application) -> list[FinancedYear]:
    """Every year the board financed, oldest first (one statement)."""
    rows = session.exec(
        select(
            LivYear.year,
            DecisionAmount.amount_sek,
            Decision.paragraph,
            Decision.meeting_id,
            Meeting.date,
        )
        .join(Decision, Decision.id == LivYear.decision_id)  # type: ignore[arg-type]
        .join(
            DecisionAmount,
            and_(DecisionAmount.decision_id == Decision.id, DecisionAmount.year == LivYear.year),  # type: ignore[arg-type]
        )
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)  # type: ignore[arg-type]
        .where(LivYear.application_id == app.id)
        .order_by(LivYear.year)  # type: ignore[arg-type]
    ).all()
    return [FinancedYear(y, int(a), p, m, d) for y, a, p, m, d in rows]


def in_liv_or_proposed(app: Application) -> bool:
    """Whether the application page shows the LIV section."""
    return app.state in LIV_SHOWN
