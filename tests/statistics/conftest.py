"""A data set of reports whose totals the tests work out by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name
from workflow.models import Application
from workflow.models.reports import Report, ReportGoalResult, ReportOutcome, ReportSupport

YEAR = 2025
OUTCOME_NAMES = ("work", "subsidised_work", "studies", "job_seeking", "other_support", "other")


def add_report(
    session: Session,
    app: Application,
    *,
    year: int,
    state: str = "accepted",
    kind: str = "annual",
    participants: tuple[int, int],
    new: tuple[int, int],
    ended: tuple[int, int],
    outcomes: dict[str, tuple[int, int]],
    costs: int,
    goal_value: str | None = None,
    support: dict[tuple[str, str], tuple[int, int]] | None = None,
) -> Report:
    """One report written directly, with its outcome, goal and support rows."""
    stamp = datetime(year + 1, 2, 1, tzinfo=UTC)
    report = Report(
        association_id=app.association_id,
        application_id=app.id,
        kind=kind,
        year=year,
        state=state,
        due_date=date(year + 1, 2, 28),
        participants_women=participants[0],
        participants_men=participants[1],
        new_women=new[0],
        new_men=new[1],
        ended_women=ended[0],
        ended_men=ended[1],
        costs_sek=costs,
        created_by_id=app.created_by_id,
        submitted_at=stamp if state in ("submitted", "accepted") else None,
        accepted_at=stamp if state == "accepted" else None,
    )
    report.outcomes = [
        ReportOutcome(outcome=name, women=w, men=m) for name, (w, m) in outcomes.items()
    ]
    if goal_value is not None:
        goal = app.goals[0]
        report.goal_results = [
            ReportGoalResult(goal_id=goal.id, goal_index=goal.position, value=goal_value)
        ]
    report.supports = [
        ReportSupport(phase=phase, source=source, women=w, men=m)
        for (phase, source), (w, m) in (support or {}).items()
    ]
    session.add(report)
    session.flush()
    return report


@dataclass
class Dataset:
    """The applications of the data set, by letter."""

    apps: dict[str, Application]


@pytest.fixture
def dataset(
    session: Session, world: factories.World, make_application: Callable[..., Any]
) -> Dataset:
    """Four insatser of the world's association and one of the other association.

    Counted for 2025: A's and B's annual reports and D's final report (D has no annual one).
    Not counted: C's submitted report, A's final report (A has an accepted annual report for
    2025), and the other association's report.
    """
    a = make_application(state=State.ACTIVE, title="Insats A")
    b = make_application(state=State.ACTIVE, title="Insats B")
    c = make_application(state=State.ACTIVE, title="Insats C")
    d = make_application(state=State.CLOSED, title="Insats D")
    add_report(
        session,
        a,
        year=YEAR,
        participants=(20, 15),
        new=(8, 6),
        ended=(10, 5),
        outcomes={
            "work": (3, 2),
            "subsidised_work": (2, 1),
            "studies": (1, 1),
            "job_seeking": (2, 1),
            "other_support": (1, 0),
            "other": (1, 0),
        },
        costs=1_000_000,
        goal_value="45 %",
        support={
            ("start", "income_support"): (5, 3),
            ("start", "sickness_benefit"): (4, 2),
            ("end", "salary"): (3, 2),
            ("end", "income_support"): (2, 1),
        },
    )
    add_report(
        session,
        a,
        year=YEAR,
        kind="final",
        participants=(90, 90),
        new=(90, 90),
        ended=(90, 90),
        outcomes={"work": (90, 90)},
        costs=9_000_000,
    )
    add_report(
        session,
        b,
        year=YEAR,
        participants=(10, 12),
        new=(4, 5),
        ended=(4, 6),
        outcomes={
            "work": (1, 2),
            "subsidised_work": (1, 0),
            "studies": (0, 2),
            "job_seeking": (1, 1),
            "other_support": (1, 0),
            "other": (0, 1),
        },
        costs=600_000,
        goal_value="30 %",
    )
    add_report(
        session,
        b,
        year=YEAR - 1,
        participants=(5, 7),
        new=(5, 7),
        ended=(1, 1),
        outcomes={"work": (1, 0), "studies": (0, 1)},
        costs=400_000,
        goal_value="20 %",
    )
    add_report(
        session,
        c,
        year=YEAR,
        state="submitted",
        participants=(100, 100),
        new=(100, 100),
        ended=(50, 50),
        outcomes={"work": (50, 50)},
        costs=5_000_000,
    )
    add_report(
        session,
        d,
        year=YEAR,
        kind="final",
        participants=(2, 1),
        new=(2, 1),
        ended=(2, 1),
        outcomes={"work": (1, 0), "studies": (0, 1), "other": (1, 0)},
        costs=100_001,
        goal_value="50 %",
    )
    other = factories.application(
        session,
        world,
        state=State.ACTIVE,
        title="Annat förbunds insats",
    )
    # Moved to the other association: its reports must never be counted here.
    other.association_id = world.other_association.id
    other.lead_member_id = world.other_members["nassjo"].id
    session.add(other)
    session.flush()
    add_report(
        session,
        other,
        year=YEAR,
        participants=(1000, 1000),
        new=(0, 0),
        ended=(0, 0),
        outcomes={},
        costs=1,
    )
    session.commit()
    return Dataset({"a": a, "b": b, "c": c, "d": d})
