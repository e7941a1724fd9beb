"""A data set of reports whose totals the tests work out by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.api.conftest import api, token  # noqa: F401 - fixtures, used by name
from tests.web.conftest import compiled_catalog, post  # noqa: F401 - fixtures, used by name
from workflow.models import Application
from workflow.models.reports import Report

YEAR = 2025
OUTCOME_NAMES = ("work", "subsidised_work", "studies", "job_seeking", "other_support", "other")


def add_report(
    session: Session,
    world: factories.World,
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
    goal_value: str = "10 %",
    support: dict[tuple[str, str], tuple[int, int]] | None = None,
    heltider: dict[str, str] | None = None,
    **breakdowns: Any,
) -> Report:
    """One report written by the applicant and brought to `state` by the real steps.

    `breakdowns` go to the report as they are (waiting list, budget, ages, attendance …).
    """
    supports: dict[str, dict[str, dict[str, int]]] = {}
    for (phase, source), (w, m) in (support or {}).items():
        supports.setdefault(phase, {})[source] = {"women": w, "men": m}
    return factories.report(
        session,
        world,
        app,
        state=state,
        kind=kind,
        year=None if kind == "final" else year,
        participants_women=participants[0],
        participants_men=participants[1],
        new_women=new[0],
        new_men=new[1],
        ended_women=ended[0],
        ended_men=ended[1],
        outcomes={name: {"women": w, "men": m} for name, (w, m) in outcomes.items()},
        costs_sek=costs,
        goal_results=[(app.goals[0].position, goal_value)],
        support=supports or None,
        heltider={k: Decimal(v) for k, v in heltider.items()} if heltider else None,
        **breakdowns,
    )


@dataclass
class Dataset:
    """The applications of the data set, by letter."""

    apps: dict[str, Application]


@pytest.fixture
def dataset(
    session: Session, world: factories.World, make_application: Callable[..., Any]
) -> Dataset:
    """Four insatser of the world's association and one of the other association.

    Counted for 2025: A's and B's annual reports and D's final report (D ends in 2025).
    Not counted: C's submitted report and the other association's report.
    """
    running = {"start_date": date(YEAR - 1, 1, 1), "end_date": date(YEAR + 1, 12, 31)}
    running["budget"] = [{"year": y, "amount_sek": 500_000} for y in (YEAR - 1, YEAR, YEAR + 1)]
    a = make_application(state=State.ACTIVE, title="Insats A", **running)
    b = make_application(state=State.ACTIVE, title="Insats B", **running)
    c = make_application(state=State.ACTIVE, title="Insats C", **running)
    d = make_application(
        state=State.ACTIVE,
        title="Insats D",
        start_date=date(YEAR - 1, 1, 1),
        end_date=date(YEAR, 12, 31),
        budget=[{"year": y, "amount_sek": 500_000} for y in (YEAR - 1, YEAR)],
    )
    add_report(
        session,
        world,
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
        # 5 persons in work make 3,5 heltider, 3 in subsidised work 2,25; studies not given
        heltider={"work": "3.5", "subsidised_work": "2.25"},
        support={
            ("start", "income_support"): (5, 3),
            ("start", "sickness_benefit"): (4, 2),
            ("end", "salary"): (3, 2),
            ("end", "income_support"): (2, 1),
        },
    )
    add_report(
        session,
        world,
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
        world,
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
        world,
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
        world,
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
    other = make_application(state=State.ACTIVE, title="Annat förbunds insats", **running)
    other_report = add_report(
        session,
        world,
        other,
        year=YEAR,
        participants=(1000, 1000),
        new=(0, 0),
        ended=(0, 0),
        outcomes={},
        costs=1,
    )
    # Moved to the other association: its reports must never be counted here.
    for row in (other, other_report):
        row.association_id = world.other_association.id
        session.add(row)
    other.lead_member_id = world.other_members["nassjo"].id
    session.flush()
    session.commit()
    return Dataset({"a": a, "b": b, "c": c, "d": d})
