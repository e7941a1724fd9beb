"""The statistics and medlemsråd pages open on the latest year with accepted reports (a year
reports in the next), and link every year that has them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests import factories
from tests.statistics.conftest import YEAR, Dataset
from workflow.rules import statistics


def test_year_runs_join_consecutive_years_and_cap_their_length() -> None:
    assert statistics.year_runs([2017, 2018, 2019, 2023], 6) == [
        range(2017, 2020),
        range(2023, 2024),
    ]
    assert statistics.year_runs(list(range(2010, 2024)), 6) == [
        range(2010, 2012),
        range(2012, 2018),
        range(2018, 2024),
    ]
    assert statistics.year_runs([], 6) == []


def test_the_reported_years_are_those_with_a_counted_report(
    session: Any, world: factories.World, dataset: Dataset
) -> None:
    # The data set's accepted reports are of YEAR - 1 and YEAR; `until` cuts the later ones.
    assert statistics.reported_years(session, world.association.id, YEAR + 5) == [YEAR - 1, YEAR]
    assert statistics.reported_years(session, world.association.id, YEAR - 1) == [YEAR - 1]
    assert statistics.reported_years(session, world.association.id, YEAR - 2) == []


def test_the_pages_open_on_the_latest_reported_year(
    client: Any, login: Callable, world: factories.World, dataset: Dataset
) -> None:
    login(world.users["officer"])
    page = client.get("/associations/svb/statistics").get_data(as_text=True)
    assert f"<h1>Statistik {YEAR}</h1>" in page
    assert "År med godkända rapporter:" in page
    assert f'href="/associations/svb/statistics?year={YEAR}" aria-current="page">{YEAR}</a>' in page
    council = client.get("/associations/svb/medlemsrad").get_data(as_text=True)
    # One run of years, opened whole (at most three years).
    assert f'?from={YEAR - 1}&amp;to={YEAR}" aria-current="page">{YEAR - 1}–{YEAR}</a>' in council


def test_without_reports_the_page_says_so(
    client: Any, login: Callable, world: factories.World
) -> None:
    login(world.users["officer"])
    page = client.get("/associations/svb/statistics").get_data(as_text=True)
    assert "Ingen rapport är godkänd ännu" in page
