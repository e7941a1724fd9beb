"""Statistics against a data set whose totals are worked out by hand (see conftest.py)."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlmodel import Session

from tests import factories
from tests.sql import recorded_statements
from tests.statistics.conftest import YEAR, Dataset
from workflow.operations.statistics import set_parameters
from workflow.rules import statistics
from workflow.rules.statistics import Parameters


def _figures(session: Session, world: factories.World, first: int, last: int):
    return statistics.figures(session, world.association, first, last)


def test_totals_of_a_year_count_accepted_reports_only(
    session: Session, world: factories.World, dataset: Dataset
) -> None:
    (row,) = _figures(session, world, YEAR, YEAR)
    # Counted: A annual, B annual, D final (no annual for D). Not: C (submitted), A final
    # (A has an accepted annual report for the year), the other association's report.
    assert row.reports == 3
    # participants: women 20 + 10 + 2 = 32, men 15 + 12 + 1 = 28, total 60
    assert row.participants.as_dict() == {"women": 32, "men": 28, "total": 60}
    # new: women 8 + 4 + 2 = 14, men 6 + 5 + 1 = 12
    assert row.new.as_dict() == {"women": 14, "men": 12, "total": 26}
    # ended: women 10 + 4 + 2 = 16, men 5 + 6 + 1 = 12
    assert row.ended.as_dict() == {"women": 16, "men": 12, "total": 28}
    # outcomes, women (A + B + D) and men (A + B + D):
    # work 3+1+1=5, 2+2+0=4; subsidised 2+1+0=3, 1+0+0=1; studies 1+0+0=1, 1+2+1=4;
    # job seeking 2+1=3, 1+1=2; other support 1+1=2, 0; other 1+0+1=2, 0+1+0=1
    assert {k: v.as_dict() for k, v in row.outcomes.items()} == {
        "work": {"women": 5, "men": 4, "total": 9},
        "subsidised_work": {"women": 3, "men": 1, "total": 4},
        "studies": {"women": 1, "men": 4, "total": 5},
        "job_seeking": {"women": 3, "men": 2, "total": 5},
        "other_support": {"women": 2, "men": 0, "total": 2},
        "other": {"women": 2, "men": 1, "total": 3},
        # praktik and avbrott: none of the data set's reports gave them
        "internship": {"women": 0, "men": 0, "total": 0},
        "dropped_out": {"women": 0, "men": 0, "total": 0},
    }
    # costs 1 000 000 + 600 000 + 100 001 = 1 700 001; per participant 1 700 001 / 60 =
    # 28 333.35 -> 28 333
    assert row.costs_sek == 1_700_001
    assert row.cost_per_participant_sek == 28_333
    socio = row.socioeconomic
    # heltider: work A 3,5 + B 3 + D 1 = 7,5; subsidised A 2,25 + B 1 = 3,25; studies
    # (none given) A 2 + B 2 + D 1 = 5; persons counted one each: B 6, D 2, A's studies 2
    assert socio.heltider == {
        "work": Decimal("7.5"),
        "subsidised_work": Decimal("3.25"),
        "studies": Decimal("5"),
    }
    assert row.persons_without_heltider == 10
    # work: 25 000 × (7,5 + 0,75 × 3,25 + 0,5 × 5) = 25 000 × 12,4375 = 310 937,5 -> 310 938;
    # tax on 18 000 × (7,5 + 3,25) heltider: region 11,76 % = 22 755,6 -> 22 756,
    # municipality 21,64 % = 41 873,4 -> 41 873; a month 375 567
    assert (
        socio.work_value_month_sek,
        socio.region_tax_month_sek,
        socio.municipal_tax_month_sek,
        socio.monthly_value_sek,
    ) == (310_938, 22_756, 41_873, 375_567)
    # a year: 3 731 250 + 273 067,2 -> 273 067 + 502 480,8 -> 502 481 = 4 506 798
    assert (
        socio.work_value_year_sek,
        socio.region_tax_year_sek,
        socio.municipal_tax_year_sek,
        socio.yearly_value_sek,
    ) == (3_731_250, 273_067, 502_481, 4_506_798)
    # payback 1 700 001 / 375 566,5 = 4,526... -> 4,5 months
    assert socio.payback_months == Decimal("4.5")


def test_goal_attainment_per_insats(
    session: Session, world: factories.World, dataset: Dataset
) -> None:
    (row,) = _figures(session, world, YEAR, YEAR)
    by_title = {i.title: i for i in row.insatser}
    assert sorted(by_title) == ["Insats A", "Insats B", "Insats D"]
    a = by_title["Insats A"]
    assert a.participants.as_dict() == {"women": 20, "men": 15, "total": 35}
    assert a.costs_sek == 1_000_000
    assert [(g.description, g.target, g.value) for g in a.goals] == [
        ("Andel till arbete eller studier", "40 %", "45 %")
    ]
    assert [g.value for g in by_title["Insats B"].goals] == ["30 %"]
    assert [g.value for g in by_title["Insats D"].goals] == ["50 %"]


def test_support_shift_when_reported(
    session: Session, world: factories.World, dataset: Dataset
) -> None:
    this_year, last_year = _figures(session, world, YEAR, YEAR)[0], None
    assert this_year.support_reported
    assert this_year.support["start"]["income_support"].as_dict() == {
        "women": 5,
        "men": 3,
        "total": 8,
    }
    assert this_year.support["end"]["salary"].as_dict() == {"women": 3, "men": 2, "total": 5}
    (last_year,) = _figures(session, world, YEAR - 1, YEAR - 1)
    assert not last_year.support_reported


def test_a_series_of_years(session: Session, world: factories.World, dataset: Dataset) -> None:
    rows = _figures(session, world, YEAR - 2, YEAR)
    assert [r.year for r in rows] == [YEAR - 2, YEAR - 1, YEAR]
    assert rows[0].reports == 0
    assert rows[0].cost_per_participant_sek is None
    assert rows[0].socioeconomic.payback_months is None
    # YEAR - 1: only B's annual report: 5 + 7 = 12 participants, 400 000 kr
    assert rows[1].participants.as_dict() == {"women": 5, "men": 7, "total": 12}
    assert rows[1].costs_sek == 400_000
    # 25 000 × (1 + 0,5 × 1) = 37 500 + tax on one heltid 2 116,8 -> 2 117 and 3 895,2 ->
    # 3 895 = 43 512 a month; 400 000 / 43 512 = 9,19... -> 9,2
    assert rows[1].socioeconomic.monthly_value_sek == 43_512
    assert rows[1].socioeconomic.payback_months == Decimal("9.2")
    assert rows[2].participants.total == 60


def test_rounding_is_half_up() -> None:
    assert statistics.kronor(Decimal("0.5")) == 1
    assert statistics.kronor(Decimal("2.5")) == 3  # banker's rounding would give 2
    assert statistics.kronor(Decimal("12366.5")) == 12_367
    no_tax = {"taxable_month_sek": 0}
    # 24 733 × 0.5 = 12 366.5 -> 12 367 kronor a month
    socio = statistics.estimate(
        0, {"studies": Decimal(1)}, Parameters(full_time_month_sek=24_733, **no_tax)
    )
    assert socio.monthly_value_sek == 12_367
    work = {"work": Decimal(1)}
    # 125 / 100 = 1.25 -> 1.3 months; 1 005 / 100 = 10.05 -> 10.1 (half up, not half even)
    assert statistics.estimate(125, work, Parameters(100, **no_tax)).payback_months == Decimal(
        "1.3"
    )
    assert statistics.estimate(1_005, work, Parameters(100, **no_tax)).payback_months == Decimal(
        "10.1"
    )


def test_parameters_change_the_estimate(
    session: Session, world: factories.World, dataset: Dataset
) -> None:
    set_parameters(
        session,
        world.association,
        full_time_month_sek=20_000,
        subsidised_share=Decimal("0.5"),
        studies_share=Decimal("0.25"),
        taxable_month_sek=0,
        region_tax_percent=Decimal("11.76"),
        municipal_tax_percent=Decimal(0),
        source="Styrelsens beslut",
        by=world.users["officer"],
    )
    session.commit()
    (row,) = _figures(session, world, YEAR, YEAR)
    # 20 000 × (7,5 + 0,5 × 3,25 + 0,25 × 5) = 20 000 × 10,375 = 207 500, no tax;
    # 1 700 001 / 207 500 = 8,19... -> 8,2
    assert row.socioeconomic.monthly_value_sek == 207_500
    assert row.socioeconomic.payback_months == Decimal("8.2")
    params = row.socioeconomic.parameters
    assert params.source_of("full_time_month_sek") == "Styrelsens beslut"
    assert params.source_of("region_tax_percent").startswith("seeds/000")


def test_the_statement_count_does_not_grow_with_the_data(
    app: Flask, session: Session, world: factories.World, dataset: Dataset
) -> None:
    counts = []
    # A first call loads the association row; the counted calls find it in the session.
    _figures(session, world, YEAR, YEAR)
    for first, last in ((YEAR - 1, YEAR - 1), (YEAR, YEAR), (YEAR - 3, YEAR)):
        with recorded_statements(app) as seen:
            _figures(session, world, first, last)
        counts.append(len(seen))
    # One report, three reports and a four-year series cost the same.
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 7
