"""The budget page: who sees and edits it, the table in tkr, the warnings, the SVG chart."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from tests import factories
from tests.web.conftest import text
from workflow.models import AssociationBudget, RoleGrant

PAGE = "/associations/svb/budget"
FIGURES = {2025: (7_800_000, 600_000, 1_010_000, 230_000), 2026: (7_800_000, 0, 1_010_000, 230_000)}


def _form(year: int, **values: str) -> dict[str, str]:
    data = {
        "contributions_sek": "7 800 000",
        "carried_over_sek": "600000",
        "admin_costs_sek": "1010000",
        "other_costs_sek": "230000",
    }
    data.update(values)
    return {f"y{year}-{name}": value for name, value in data.items()}


@pytest.fixture
def filled(budgets, decide):
    """Two budgeted years and a decision that takes 2026 below zero.

    The grant was made on an ample budget (no borrowing); the board lowered the budget after it.
    """
    decide({2025: 5_000_000, 2026: 9_000_000})
    budgets(FIGURES, board_decision=True)


def test_the_officer_sees_the_table_the_warnings_the_chart_and_the_forms(client, sign_in, filled):
    sign_in("officer")
    response = client.get(f"{PAGE}?from=2025&to=2027")
    assert response.status_code == 200
    html = text(response)
    # The table in tkr, like the seeds: contributions split per member, carried forward.
    assert "Budget 2025–2027 in tkr" in html
    assert re.search(r"Jönköpings kommun</th>\s*<td class=\"num\">1,789</td>", html)
    assert re.search(r"Habo kommun</th>\s*<td class=\"num\">161</td>", html)
    assert re.search(
        r"From the year before</th>\s*<td class=\"num\">600</td><td class=\"num\">2,160</td>",
        html,
    )
    assert "Projected balance in December 2025: 2,160 tkr" in html
    assert "Projected balance in December 2026: -280 tkr" in html
    # Warnings are words, not a colour.
    assert html.count("<strong>Warning:</strong>") == 4
    assert "is below zero (-280,000 kr)" in html
    assert "recommended for the association's size (20 % of the year" in html
    assert "More is committed than 2025 can carry" in html
    # The chart: server-side SVG with a title and a description, no style, no script.
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert '<title id="budget-chart-title">' in svg
    assert (
        "2026: income 9,960 tkr, costs 10,240 tkr, capital at the end of the year -280 tkr"
        " (at most 1,560 tkr recommended)." in svg
    )
    assert "budget-chart__point--negative" in svg
    assert "style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # only external scripts
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    # One form per year; a year after a budgeted year says its figure is not used.
    assert 'action="/associations/svb/budget/2027?from=2025&amp;to=2027"' in html
    assert "2026 carries in the projected balance of 2025 (2,160,000 kr)" in html
    assert 'href="/associations/svb/budget">Budget</a>' in html


@pytest.mark.parametrize("who", ["board", "chair", "auditor"])
def test_board_chair_and_auditor_read_without_forms(client, sign_in, filled, who):
    sign_in(who)
    html = text(client.get(PAGE + "?from=2025&to=2026"))
    assert "Projected balance in December 2026: -280 tkr" in html
    assert "Enter the budget" not in html
    assert "y2025-contributions_sek" not in html
    assert 'href="/associations/svb/budget">Budget</a>' in html


@pytest.mark.parametrize(
    ("who", "status"), [("applicant", 403), ("preparer", 403), ("outsider", 404)]
)
def test_others_may_not_see_it(client, sign_in, who, status):
    sign_in(who)
    assert client.get(PAGE).status_code == status
    assert 'href="/associations/svb/budget"' not in text(client.get("/"))


def test_signing_in_comes_first(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_officer_saves_a_year(client, sign_in, post, session, world):
    sign_in("officer")
    response = post(f"{PAGE}/2026?from=2025&to=2028", _form(2026), from_page=PAGE, prefix="y2026")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{PAGE}?from=2025&to=2028#year-2026")
    (row,) = session.exec(select(AssociationBudget)).all()
    assert (row.year, row.contributions_sek, row.carried_over_sek) == (2026, 7_800_000, 600_000)
    assert "The budget for 2026 is saved." in text(client.get(response.headers["Location"]))


def test_invalid_input_is_kept_and_named_inline(client, sign_in, post, session):
    sign_in("officer")
    data = _form(2026, contributions_sek="lots", admin_costs_sek="-5", other_costs_sek="")
    response = post(f"{PAGE}/2026", data, from_page=PAGE, prefix="y2026")
    assert response.status_code == 422
    html = text(response)
    assert 'value="lots"' in html
    assert 'value="-5"' in html
    assert 'id="y2026-contributions_sek-error"' in html
    assert 'id="y2026-admin_costs_sek-error"' in html
    assert 'id="y2026-other_costs_sek-error"' in html
    assert 'href="#y2026-contributions_sek"' in html
    assert "Must be a whole number." in html
    assert '<details class="budget-year" id="year-2026" open>' in html
    assert session.exec(select(AssociationBudget)).all() == []


def test_a_stale_form_is_refused_with_its_input_kept(client, sign_in, post, budgets, session):
    budgets({2026: FIGURES[2026]})
    sign_in("officer")
    data = {**_form(2026, admin_costs_sek="999"), "y2026-version": "7"}
    response = post(f"{PAGE}/2026", data, from_page=PAGE, prefix="y2026")
    assert response.status_code == 409
    html = text(response)
    assert "changed by someone else" in html
    assert 'value="999"' in html
    (row,) = session.exec(select(AssociationBudget)).all()
    assert row.admin_costs_sek == 1_010_000


@pytest.mark.parametrize(
    ("who", "status"), [("board", 403), ("auditor", 403), ("applicant", 403), ("outsider", 404)]
)
def test_only_officers_save(client, sign_in, post, session, who, status):
    sign_in(who)
    response = post(f"{PAGE}/2026", _form(2026), prefix="y2026")
    assert response.status_code == status
    assert session.exec(select(AssociationBudget)).all() == []


def test_a_bad_range_is_explained_and_the_default_shown(client, sign_in):
    sign_in("officer")
    this_year = date.today().year
    response = client.get(f"{PAGE}?from=soon&to=2026")
    assert response.status_code == 422
    html = text(response)
    assert 'id="from-error"' in html
    assert 'value="soon"' in html
    assert f"Budget {this_year - 1}–{this_year + 2}" in html
    reversed_range = client.get(f"{PAGE}?from=2027&to=2026")
    assert reversed_range.status_code == 422
    assert "Must not be before 2027." in text(reversed_range)


def test_a_second_association_officer_sees_only_their_own(client, login, session, world, budgets):
    both = factories.user(
        session, world.other_association, "auditor", email="both@example.se", name="Bo Båda"
    )
    session.add(RoleGrant(user_id=both.id, association_id=world.association.id, role="officer"))
    session.commit()
    login(both)
    html = text(client.get("/"))
    # One association in the menu at a time (issue 19, friction 1); the switch picks the other.
    first, second = sorted([world.association, world.other_association], key=lambda a: a.id)
    assert f'href="/associations/{first.slug}/budget"' in html
    assert f'href="/associations/{second.slug}/budget"' not in html
    assert 'id="menu-association"' in html
    assert "Budget – " not in html
