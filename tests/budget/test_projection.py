"""The carried-forward projection, its warnings, borrowing_problems and the set_budget verb."""

from __future__ import annotations

import pytest
from sqlmodel import select

from states.application import State
from tests import factories
from tests.sql import recorded_statements
from workflow import limits
from workflow.errors import Conflict, ValidationFailed
from workflow.models import AssociationBudget, AuditEvent, Decision
from workflow.operations import associations
from workflow.operations.budget import set_budget
from workflow.rules import budget
from workflow.rules.meetings import latest_decision

# 2024 starts the chain; the carried-over figures of 2025 and 2026 are not used.
THREE_YEARS = {
    2024: (6_000_000, 1_000_000, 800_000, 200_000),
    2025: (6_000_000, 0, 800_000, 200_000),
    2026: (6_000_000, 999_999, 900_000, 100_000),
}


def _codes(row: budget.YearBudget) -> list[str]:
    return [w.code for w in row.warnings]


def _by_year(rows: list[budget.YearBudget]) -> dict[int, budget.YearBudget]:
    return {row.year: row for row in rows}


@pytest.fixture
def board_decision(session, world, make_application):
    """A board decision at a meeting: an approval with conditions, or a referral back."""

    def _board(amounts: dict[int, int], outcome: str) -> Decision:
        if outcome == "approve_with_conditions":
            application = make_application(
                state=State.APPROVED, granted=amounts, conditions="Rapport varje kvartal."
            )
        else:
            application = make_application(state=State.ON_AGENDA, granted=amounts)
            factories.decide(session, world, application, outcome)
            session.commit()
        decision = latest_decision(session, application)
        assert decision is not None
        assert decision.outcome == outcome
        return decision

    return _board


@pytest.fixture
def three_years(budgets, decide, board_decision):
    """Three budgeted years, two granting decisions and two that grant nothing."""
    budgets(THREE_YEARS)
    decide({2024: 4_000_000, 2025: 3_000_000})
    board_decision({2025: 2_900_000, 2026: 2_000_000}, "approve_with_conditions")
    decide({2025: 9_000_000}, outcome="reject")
    board_decision({2026: 7_000_000}, "refer_back")


def test_the_balance_is_carried_forward_year_by_year(session, world, three_years):
    rows = budget.projection(session, world.association)
    assert [r.year for r in rows] == [2024, 2025, 2026]
    assert [r.carried_over_sek for r in rows] == [1_000_000, 2_000_000, 1_100_000]
    assert [r.committed_sek for r in rows] == [4_000_000, 5_900_000, 2_000_000]
    assert [r.projected_balance_sek for r in rows] == [2_000_000, 1_100_000, 4_100_000]
    # What can still be granted without this or a later year going below zero.
    assert [r.room_sek for r in rows] == [1_100_000, 1_100_000, 4_100_000]
    assert [r.stored.carried_over_sek for r in rows] == [1_000_000, 0, 999_999]
    # Capital above 20 % of the contributions (1 200 000) in 2024 and 2026, not in 2025.
    assert ["capital_above_recommendation" in _codes(r) for r in rows] == [True, False, True]


def test_a_range_gives_the_same_figures_as_the_whole(session, world, three_years):
    whole = _by_year(budget.projection(session, world.association))
    part = budget.projection(session, world.association, years=range(2025, 2027))
    assert [r.year for r in part] == [2025, 2026]
    for row in part:
        assert row == whole[row.year]
    # Years before any budget carry nothing in, and count the later years for their room.
    early = _by_year(budget.projection(session, world.association, years=range(2022, 2024)))
    assert early[2022].carried_over_sek == 0
    assert early[2023].projected_balance_sek == 0
    assert early[2023].room_sek == 0
    assert not early[2023].budgeted


def test_extra_adds_a_hypothetical_decision(session, world, three_years):
    rows = _by_year(budget.projection(session, world.association, extra={2025: 600_000}))
    assert rows[2025].extra_sek == 600_000
    assert rows[2025].committed_sek == 6_500_000
    assert rows[2025].projected_balance_sek == 500_000
    assert rows[2024].room_sek == 500_000
    # Nothing was stored.
    again = _by_year(budget.projection(session, world.association))
    assert again[2025].committed_sek == 5_900_000


def test_borrowing_problems_name_each_year_that_would_go_below_zero(session, world, three_years):
    assert budget.borrowing_problems(session, world.association, {2025: 1_100_000}) == []
    assert budget.borrowing_problems(session, world.association, {2025: 0}) == []
    (only,) = budget.borrowing_problems(session, world.association, {2025: 1_100_001})
    assert only.field == "amounts"
    assert "2025" in str(only.message)
    # 2024's money is needed by 2025: granting it takes both years below zero.
    problems = budget.borrowing_problems(session, world.association, {2024: 3_000_000})
    assert [p.field for p in problems] == ["amounts", "amounts"]
    assert "2024" in str(problems[0].message)
    assert "2025" in str(problems[1].message)
    assert "1" in str(problems[0].message)  # the balance is named
    # A year after the last budget lives on what is carried into it.
    assert budget.borrowing_problems(session, world.association, {2027: 4_100_000}) == []
    (later,) = budget.borrowing_problems(session, world.association, {2027: 4_100_001})
    assert "2027" in str(later.message)


def test_a_year_already_below_zero_only_blocks_what_makes_it_worse(session, world, budgets):
    budgets({2024: (1_000_000, 0, 1_200_000, 0), 2025: (1_000_000, 0, 0, 0)})
    assert budget.borrowing_problems(session, world.association, {2025: 800_000}) == []
    (problem,) = budget.borrowing_problems(session, world.association, {2024: 1})
    assert "2024" in str(problem.message)


def test_borrowing_problems_lock_the_association(app, session, world, three_years, backend):
    with recorded_statements(app) as seen:
        budget.borrowing_problems(session, world.association, {2025: 1})
    locking = [s for s in seen if "FOR UPDATE" in s and "association" in s]
    # SQLite has no row locks (it serialises writers); PostgreSQL locks the row.
    assert bool(locking) == (backend == "postgresql")
    session.rollback()


def test_negative_year_and_room_exceeded(session, world, budgets, decide):
    # Granted on an ample budget (no borrowing); the board set the seed's budget after it.
    decide({2019: 6_800_000, 2020: 5_979_000})
    budgets(
        {
            2019: (6_072_000, 2_123_000, 845_000, 200_000),
            2020: (6_072_000, 0, 877_000, 200_000),
        },
        board_decision=True,
    )
    rows = budget.projection(session, world.association)
    # The seed's 2019 and 2020 (001): 2019 ends above zero, 2020 below.
    assert [r.projected_balance_sek for r in rows] == [350_000, -634_000]
    assert _codes(rows[0])[0] == "room_exceeded"
    assert rows[0].room_sek == 0
    assert "634" in str(rows[0].warnings[0].message)
    assert "2020" in str(rows[0].warnings[0].message)
    assert _codes(rows[1])[0] == "negative_balance"
    assert rows[1].room_sek == 0
    assert "room_exceeded" not in _codes(rows[1])


def test_capital_above_the_recommendation_for_the_size(session, world, budgets):
    # 1 mkr of contributions: at most 30 % by Nationella rådet's steps.
    budgets({2030: (1_000_000, 300_000, 0, 1_000_000), 2031: (1_000_000, 0, 999_999, 0)})
    rows = budget.projection(session, world.association)
    assert rows[0].projected_balance_sek == 300_000
    assert "capital_above_recommendation" not in _codes(rows[0])
    assert rows[1].projected_balance_sek == 300_001
    (warning,) = [w for w in rows[1].warnings if w.code == "capital_above_recommendation"]
    assert "300" in str(warning.message)
    assert "30 %" in str(warning.message)


@pytest.mark.parametrize(
    ("contributions", "percent"),
    [(3_000_000, 30), (3_000_001, 20), (5_520_000, 20), (15_000_000, 20), (15_000_001, 15)],
)
def test_the_recommended_capital_follows_the_size(contributions, percent):
    assert budget.capital_limit_percent(contributions) == percent
    # seeds/002: "i vår storlek … max 20 %", about 1.1 mkr of 5.52 mkr.
    assert budget.capital_limit_percent(5_520_000) * 5_520_000 // 100 == 1_104_000
    assert budget.capital_limit_percent(contributions, 12) == 12


def test_the_association_sets_its_own_capital_limit(session, world, budgets):
    associations.update_settings(
        session, world.association, capital_limit_percent=20, by=world.users["officer"]
    )
    session.commit()
    budgets({2030: (1_000_000, 200_001, 0, 1_000_000)})
    (row,) = budget.projection(session, world.association)
    assert row.capital_limit_sek == 200_000
    assert "capital_above_recommendation" in _codes(row)


def test_a_commitment_without_budget_and_a_new_chain(session, world, budgets, decide):
    budgets({2020: (1_000_000, 100_000, 100_000, 0), 2023: (1_000_000, 555_000, 100_000, 0)})
    decide({2022: 300_000})
    rows = _by_year(budget.projection(session, world.association))
    assert list(rows) == [2020, 2021, 2022, 2023]
    assert rows[2021].carried_over_sek == 1_000_000
    assert rows[2021].contributions_sek == 0
    assert rows[2022].projected_balance_sek == 700_000
    assert "no_budget" in _codes(rows[2022])
    assert "no_budget" not in _codes(rows[2021])
    # 2023 follows a year without budget: its own carried-over figure starts a new chain.
    assert rows[2023].carried_over_sek == 555_000
    assert rows[2020].room_sek == 700_000


def test_split_notes_join_the_warnings_of_budgeted_years(session, world, budgets):
    world.members["habo"].population = None
    session.commit()
    budgets({2025: (1_000_000, 0, 0, 800_000)})
    (row,) = budget.projection(session, world.association)
    assert "equal_split" in _codes(row)
    assert [s.sek for s in row.split.municipalities] == [125_000, 125_000]


def test_no_budget_no_decision_no_years(session, world):
    assert budget.projection(session, world.association) == []
    assert budget.known_years(session, world.association) == range(0)


# --- set_budget ------------------------------------------------------------------------------


def _events(session, world) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "association_budget")
            .where(AuditEvent.association_id == world.association.id)
            .order_by(AuditEvent.id)
        ).all()
    )


FIGURES = {
    "contributions_sek": 3_746_000,
    "carried_over_sek": -50_000,
    "admin_costs_sek": 500_000,
    "other_costs_sek": 0,
}


def test_set_budget_creates_changes_and_audits(session, world):
    officer = world.users["officer"]
    row = set_budget(session, world.association, 2025, **FIGURES, by=officer)
    session.commit()
    assert (row.year, row.carried_over_sek, row.version) == (2025, -50_000, 1)
    changed = {**FIGURES, "admin_costs_sek": 600_000}
    set_budget(session, world.association, 2025, **changed, by=officer, expected_version=1)
    session.commit()
    assert row.version == 2
    assert row.admin_costs_sek == 600_000
    # The same figures again change nothing and write no event.
    set_budget(session, world.association, 2025, **changed, by=officer)
    session.commit()
    assert row.version == 2
    events = _events(session, world)
    assert [e.action for e in events] == ["set_budget", "set_budget"]
    assert events[1].entity_id == row.id
    assert events[1].actor_id == officer.id
    assert events[1].data["admin_costs_sek"] == 600_000
    assert events[1].data["previous"]["admin_costs_sek"] == 500_000


def test_set_budget_names_each_invalid_field_and_changes_nothing(session, world):
    with pytest.raises(ValidationFailed) as caught:
        set_budget(
            session,
            world.association,
            1999,
            contributions_sek=-1,
            carried_over_sek=-limits.BUDGET_MAX - 1,
            admin_costs_sek=limits.BUDGET_MAX + 1,
            other_costs_sek=True,
            by=world.users["officer"],
        )
    assert [p.field for p in caught.value.problems] == [
        "year",
        "contributions_sek",
        "carried_over_sek",
        "admin_costs_sek",
        "other_costs_sek",
    ]
    assert session.exec(select(AssociationBudget)).all() == []
    assert _events(session, world) == []


def test_set_budget_refuses_a_stale_version(session, world):
    officer = world.users["officer"]
    with pytest.raises(Conflict) as missing:
        set_budget(session, world.association, 2025, **FIGURES, by=officer, expected_version=1)
    assert missing.value.code == "stale_version"
    set_budget(session, world.association, 2025, **FIGURES, by=officer)
    session.commit()
    with pytest.raises(Conflict):
        set_budget(
            session,
            world.association,
            2025,
            **{**FIGURES, "other_costs_sek": 1},
            by=officer,
            expected_version=2,
        )
    session.rollback()
    (stored,) = session.exec(select(AssociationBudget)).all()
    assert stored.other_costs_sek == 0
    assert stored.version == 1


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (None, None, range(2025, 2029)),
        (2030, None, range(2030, 2031)),
        (2020, None, range(2020, 2029)),
        (None, 2022, range(2022, 2023)),
        (None, 2040, range(2029, 2041)),
        (2024, 2026, range(2024, 2027)),
    ],
)
def test_choose_years(first, last, expected):
    assert budget.choose_years(first, last, range(2025, 2029)) == expected


@pytest.mark.parametrize(("first", "last"), [(2026, 2025), (2000, 2012)])
def test_choose_years_refuses_a_reversed_or_too_long_range(first, last):
    with pytest.raises(ValidationFailed) as caught:
        budget.choose_years(first, last, range(2025, 2029))
    assert [p.field for p in caught.value.problems] == ["to"]
