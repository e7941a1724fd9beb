"""The reporting plan: annual reports per calendar year before the last, a final report after."""

from __future__ import annotations

from datetime import date

from workflow.models import Application
from workflow.models.reports import ReportSettings
from workflow.operations import reports


def _plan(start: date, end: date, settings: ReportSettings | None = None) -> list[tuple]:
    app = Application(association_id=1, lead_member_id=1, created_by_id=1)
    app.start_date, app.end_date = start, end
    return reports.plan_entries(app, settings or ReportSettings(association_id=1))


def test_period_starting_and_ending_mid_year() -> None:
    assert _plan(date(2024, 3, 1), date(2026, 6, 30)) == [
        ("annual", 2024, date(2025, 2, 28)),
        ("annual", 2025, date(2026, 2, 28)),
        ("final", 2026, date(2026, 8, 29)),
    ]


def test_period_within_one_calendar_year_has_only_the_final_report() -> None:
    assert _plan(date(2025, 2, 1), date(2025, 10, 31)) == [("final", 2025, date(2025, 12, 30))]


def test_period_ending_on_new_years_eve_reports_the_last_year_in_the_final_report() -> None:
    assert _plan(date(2024, 1, 1), date(2025, 12, 31)) == [
        ("annual", 2024, date(2025, 2, 28)),
        ("final", 2025, date(2026, 3, 1)),
    ]


def test_the_associations_own_dates() -> None:
    settings = ReportSettings(
        association_id=1, annual_due_month=3, annual_due_day=31, final_due_days=90
    )
    assert _plan(date(2024, 8, 15), date(2025, 5, 31), settings) == [
        ("annual", 2024, date(2025, 3, 31)),
        ("final", 2025, date(2025, 8, 29)),
    ]


def test_no_period_no_plan() -> None:
    app = Application(association_id=1, lead_member_id=1, created_by_id=1)
    assert reports.plan_entries(app, ReportSettings(association_id=1)) == []


def test_a_due_day_that_does_not_exist_every_year_is_refused() -> None:
    assert [p.field for p in reports.settings_problems(2, 29, 60)] == ["annual_due_day"]
    assert [p.field for p in reports.settings_problems(13, 1, 400)] == [
        "annual_due_month",
        "final_due_days",
    ]
    assert reports.settings_problems(2, 28, 60) == []
