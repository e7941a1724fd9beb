"""The statistics sum the report breakdowns per year: residence, age bands, köplats, budget,
praktik and avbrott, and the activities and attendees of structural insatser."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from tests import factories
from tests.sql import recorded_statements
from workflow.rules import statistics

YEAR = 2024
RUNNING = {"start_date": date(YEAR, 1, 1), "end_date": date(YEAR + 1, 12, 31)}


@pytest.fixture
def breakdowns(session: Session, world: factories.World) -> dict[str, Any]:
    """Finnveden's SE insats by municipality (seeds/001), a second insats with ages and a
    waiting list, and Psykiatriveckan as a structural insats with 2600 attendees."""
    places = {
        name: factories.member(session, world.association, name=name)
        for name in ("Gnosjö", "Gislaved", "Värnamo")
    }
    budget = [{"year": y, "amount_sek": 500_000} for y in (YEAR, YEAR + 1)]
    se = factories.application(session, world, state="active", budget=budget, **RUNNING)
    factories.report(
        session,
        world,
        se,
        state="accepted",
        year=YEAR,
        participants_women=46,
        participants_men=53,
        residence=[
            (places["Gnosjö"].id, 12, 8),
            (places["Gislaved"].id, 19, 28),
            (places["Värnamo"].id, 15, 17),
        ],
        budget_sek=1_000_000,
        costs_sek=900_000,
    )
    it = factories.application(session, world, state="active", budget=budget, **RUNNING)
    factories.report(
        session,
        world,
        it,
        state="accepted",
        year=YEAR,
        participants_women=3,
        participants_men=20,
        new_women=3,
        new_men=20,
        ended_women=1,
        ended_men=9,
        outcomes={
            "dropped_out": {"women": 0, "men": 3},
            "studies": {"women": 0, "men": 2},
            "work": {"women": 0, "men": 1},
            "internship": {"women": 1, "men": 3},
        },
        ages=[("20-24", 2, 12), ("25-29", 1, 8)],
        waiting_women=1,
        waiting_men=9,
        costs_sek=400_000,
    )
    week = factories.application(
        session, world, state="active", kind="structural", budget=budget, **RUNNING
    )
    factories.report(
        session,
        world,
        week,
        state="accepted",
        year=YEAR,
        participants_women=0,
        participants_men=0,
        new_women=0,
        new_men=0,
        ended_women=0,
        ended_men=0,
        outcomes={},
        activities=21,
        attendance=[("unspecified", 2600, None, None), ("staff", 200, 120, None)],
        costs_sek=150_000,
    )
    session.commit()
    return places


def test_a_year_sums_the_breakdowns(
    session: Session, world: factories.World, breakdowns: dict[str, Any]
) -> None:
    (row,) = statistics.figures(session, world.association, YEAR, YEAR)
    assert row.participants.as_dict() == {"women": 49, "men": 73, "total": 122}
    # Finnveden's table: 46 women, 53 men, 99 in all.
    assert {r.name: r.participants.as_dict() for r in row.residence} == {
        "Gislaved": {"women": 19, "men": 28, "total": 47},
        "Gnosjö": {"women": 12, "men": 8, "total": 20},
        "Värnamo": {"women": 15, "men": 17, "total": 32},
    }
    assert row.ages["20-24"].as_dict() == {"women": 2, "men": 12, "total": 14}
    assert row.ages["65+"].total == 0
    assert (row.outcomes["internship"].total, row.outcomes["dropped_out"].total) == (4, 3)
    assert row.waiting.as_dict() == {"women": 1, "men": 9, "total": 10}
    # The budget of the one report that gave it, against that report's costs.
    assert (row.budget_sek, row.budgeted_costs_sek, row.budget_deviation_sek) == (
        1_000_000,
        900_000,
        100_000,
    )
    assert row.costs_sek == 1_450_000
    assert row.activities == 21
    assert row.attendees == 2800
    assert row.attendance["staff"].as_dict() == {
        "total": 200,
        "women": 120,
        "men": 0,
        "unsplit": 80,
    }


def test_the_api_page_and_csv_show_them(
    api: Any,
    token: Callable,
    client: Any,
    login: Any,
    world: factories.World,
    breakdowns: dict[str, Any],
) -> None:
    answer = api.get(f"/api/v1/associations/svb/statistics?year={YEAR}", token=token("officer"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert sum(r["total"] for r in body["residence"]) == 99
    assert body["waiting"] == {"women": 1, "men": 9, "total": 10}
    assert body["activities"] == 21
    unspecified = next(a for a in body["attendance"] if a["category"] == "unspecified")
    assert unspecified == {
        "category": "unspecified",
        "total": 2600,
        "women": 0,
        "men": 0,
        "unsplit": 2600,
    }
    assert body["budget_deviation_sek"] == 100_000
    login(world.users["officer"])
    page = client.get(f"/associations/svb/statistics?year={YEAR}").get_data(as_text=True)
    for table in ("residence", "ages", "attendance", "budget"):
        assert f'id="{table}-{YEAR}"' in page
    assert 'data-figure="attendees">2' in page
    assert "Gnosjö" in page
    answer = client.get(f"/associations/svb/statistics.csv?year={YEAR}")
    rows = list(
        csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    by_item = {(r[1], r[2]): r for r in rows[1:]}
    assert by_item[("Hemkommun", "Gnosjö")][3:6] == ["12", "8", "20"]
    assert by_item[("Deltagare", "På köplats vid årets slut")][3:6] == ["1", "9", "10"]
    assert by_item[("Besökare", "Inte uppdelat på kategori")][5] == "2600"
    assert by_item[("Utfall", "Praktik")][5] == "4"


def test_the_statement_count_stays_with_breakdowns(
    app: Flask, session: Session, world: factories.World, breakdowns: dict[str, Any]
) -> None:
    statistics.figures(session, world.association, YEAR, YEAR)
    counts = []
    for first, last in ((YEAR, YEAR), (YEAR - 1, YEAR), (YEAR - 3, YEAR + 1)):
        with recorded_statements(app) as seen:
            statistics.figures(session, world.association, first, last)
        counts.append(len(seen))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 7
