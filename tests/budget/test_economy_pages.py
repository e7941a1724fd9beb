"""The economy on the page: lines, the årsbokslut, the year's cycle and the chart of capital."""

from __future__ import annotations

from sqlmodel import select

from tests.budget.test_economy import CONTRIBUTIONS, COSTS, URL, _enter_seed_002
from tests.web.conftest import text
from workflow.models import AssociationBudget, AssociationBudgetLine, EconomyRecord

PAGE = "/associations/svb/budget?from=2018&to=2020"


def _lines_form(year: int, rows: list[dict[str, object]]) -> dict[str, str]:
    """The line editor's fields: the rows given, then three empty ones (as the page has)."""
    data: dict[str, str] = {}
    for index, row in enumerate([*rows, {}, {}, {}]):
        data[f"l{year}-lines-{index}-category"] = str(row.get("category", "insats"))
        for name in ("label", "application_id", "budget_sek", "forecast_sek", "outcome_sek"):
            value = row.get(name)
            data[f"l{year}-lines-{index}-{name}"] = "" if value is None else str(value)
    return data


def _stored_lines(session, year: int) -> list[tuple[str, int, int | None]]:
    session.expire_all()
    budget = session.exec(select(AssociationBudget).where(AssociationBudget.year == year)).one()
    lines = session.exec(
        select(AssociationBudgetLine)
        .where(AssociationBudgetLine.budget_id == budget.id)
        .order_by(AssociationBudgetLine.position)
    ).all()
    return [(line.label, line.budget_sek, line.outcome_sek) for line in lines]


def test_the_officer_enters_and_removes_lines_on_the_page(api, token, session, post, sign_in):
    body = {"contributions_sek": 6_072_000, "carried_over_sek": 1_716_342}
    assert (
        api.request("PUT", f"{URL}/budgets/2018", token=token("officer"), json=body).status_code
        == 200
    )
    sign_in("officer")
    url = "/associations/svb/budget/2018/lines?from=2018&to=2020"
    rows = [
        {"category": "insats", "label": "Enter", "budget_sek": "2 990 000"},
        {"category": "admin", "label": "Kansli", "budget_sek": "870000"},
    ]
    saved = post(url, _lines_form(2018, rows), from_page=PAGE, prefix="l2018")
    assert saved.status_code == 303, text(saved)
    assert _stored_lines(session, 2018) == [("Enter", 2_990_000, None), ("Kansli", 870_000, None)]
    year = api.get(f"{URL}/budgets/2018", token=token("board")).get_json()
    assert year["cost_total_sek"] == 3_860_000
    # Emptying a row's name and amounts removes the line; the other keeps its place.
    rows[0] = {"category": "insats"}
    saved = post(url, _lines_form(2018, rows), from_page=PAGE, prefix="l2018")
    assert saved.status_code == 303
    assert _stored_lines(session, 2018) == [("Kansli", 870_000, None)]


def test_a_line_refused_on_the_page_keeps_the_input_and_changes_nothing(
    api, token, session, post, sign_in
):
    body = {"contributions_sek": 6_072_000, "carried_over_sek": 0}
    assert (
        api.request("PUT", f"{URL}/budgets/2018", token=token("officer"), json=body).status_code
        == 200
    )
    sign_in("officer")
    url = "/associations/svb/budget/2018/lines?from=2018&to=2020"
    rows = [
        {"category": "insats", "label": "Enter", "budget_sek": "2990000"},
        {"category": "admin", "label": "", "budget_sek": "870000"},
        {"category": "admin", "label": "Styrelse", "budget_sek": "tre tusen"},
    ]
    refused = post(url, _lines_form(2018, rows), from_page=PAGE, prefix="l2018")
    assert refused.status_code == 422
    html = text(refused)
    assert "error-summary" in html
    assert "Budget lines, row 3: Budget (SEK)" in html
    assert 'value="tre tusen"' in html
    rows[2]["budget_sek"] = "3000"
    refused = post(url, _lines_form(2018, rows), from_page=PAGE, prefix="l2018")
    assert refused.status_code == 422
    html = text(refused)
    # The service's problem lands on the row it came from (row 2, not the second kept line).
    assert "Budget lines, row 2: Line" in html
    assert 'value="Enter"' in html
    assert _stored_lines(session, 2018) == []


def test_lines_need_a_budget_first(session, post, sign_in):
    sign_in("officer")
    url = "/associations/svb/budget/2019/lines?from=2018&to=2020"
    rows = [{"category": "insats", "label": "Enter", "budget_sek": "100"}]
    refused = post(url, _lines_form(2019, rows), from_page=PAGE, prefix="l2019")
    assert refused.status_code == 422
    assert "Enter the year&#39;s budget first." in text(refused)
    assert session.exec(select(AssociationBudget)).all() == []


def test_closing_a_year_on_the_page_carries_the_real_result(
    api, token, vatterbygden, session, post, sign_in, client
):
    _enter_seed_002(api, token, vatterbygden)
    sign_in("officer")
    close = "/associations/svb/budget/2018/close?from=2018&to=2020"
    refused = post(close, {"c2018-decided_on": "2019-03-20"}, from_page=PAGE, prefix="c2018")
    assert refused.status_code == 422
    assert "Enter the outcome before closing the year." in text(refused)
    # The outcome through the line editor: Enter spent 190 000 kr less than budgeted.
    rows = [
        {
            "category": category,
            "label": label,
            "budget_sek": amounts[0],
            "outcome_sek": amounts[0] - (190_000 if label == "Enter" else 0),
        }
        for category, label, amounts in COSTS
    ]
    lines = "/associations/svb/budget/2018/lines?from=2018&to=2020"
    assert post(lines, _lines_form(2018, rows), from_page=PAGE, prefix="l2018").status_code == 303
    blank = post(close, {"c2018-decided_on": ""}, from_page=PAGE, prefix="c2018")
    assert blank.status_code == 422
    done = post(close, {"c2018-decided_on": "2019-03-20"}, from_page=PAGE, prefix="c2018")
    assert done.status_code == 303, text(done)
    following = api.get(f"{URL}/budgets/2019", token=token("board")).get_json()
    assert following["carried_in_sek"] == 89_832 + 190_000
    html = text(client.get(PAGE))
    assert 'id="lines-2018"' not in html  # a closed year's lines no longer change
    assert 'id="close-2018"' not in html
    assert 'id="lines-2019"' in html
    again = post(close, {"c2018-decided_on": "2019-03-21"}, from_page=PAGE, prefix="c2018")
    assert again.status_code == 422


def test_the_year_s_cycle_is_recorded_on_the_page(world, session, post, sign_in, client):
    sign_in("officer")
    url = "/associations/svb/budget/2019/records?from=2018&to=2020"
    region, habo = world.members["region"].id, world.members["habo"].id
    incomplete = post(
        url, {"r2019-kind": "discharge", "r2019-held_on": "2020-05-01"}, from_page=PAGE,
        prefix="r2019",
    )  # fmt: skip
    assert incomplete.status_code == 422
    assert "Choose a member of the association." in text(incomplete)
    assert session.exec(select(EconomyRecord)).all() == []
    saved = post(
        url,
        {
            "r2019-kind": "member_consultation",
            "r2019-held_on": "2018-10-15",
            "r2019-present_member_ids": [str(region), str(habo)],
            "r2019-text": "Habo vill se mer för unga vuxna.",
        },
        from_page=PAGE,
        prefix="r2019",
    )
    assert saved.status_code == 303, text(saved)
    sign_in("board")
    html = text(client.get(PAGE))
    records = html.split('id="records-2019"')[1].split("<h3")[0]
    assert "2018-10-15" in records
    assert "Habo vill se mer för unga vuxna." in records
    assert world.members["habo"].name in records
    assert 'id="record-2019"' not in html  # the board reads; only officers record
    refused = post(
        url, {"r2019-kind": "annual_report", "r2019-held_on": "2020-03-01"}, from_page=PAGE,
        prefix="r2019",
    )  # fmt: skip
    assert refused.status_code in (400, 403)
    assert len(session.exec(select(EconomyRecord)).all()) == 1


def test_the_chart_shows_income_costs_capital_and_the_limit(
    api, token, vatterbygden, client, sign_in
):
    _enter_seed_002(api, token, vatterbygden)
    sign_in("board")
    html = text(client.get(PAGE))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("budget-chart__bar--costs") == 3 + 1  # a bar a year, and the legend's
    assert "budget-chart__limit" in svg
    assert "Most capital recommended" in svg
    data = html.split('id="chart-data"')[1].split("</table>")[0]
    # 2018: income 7 788 tkr, costs 7 699 tkr, capital 90 tkr, at most 20 % of 6 072 000.
    assert '<th scope="row">2018</th><td class="num">7,788</td><td class="num">7,699</td>' in data
    assert '<td class="num">90</td><td class="num">1,214</td>' in data
    assert CONTRIBUTIONS[2018] * 20 // 100 == 1_214_400


def test_the_capital_limit_is_set_on_the_settings_page(world, session, post, sign_in, client):
    sign_in("officer")
    url = "/admin/associations/svb"
    data = {"name": world.association.name, "notice_days": "7", "capital_limit_percent": "101"}
    refused = post(url, data, from_page=url)
    assert refused.status_code == 422
    assert 'value="101"' in text(refused)
    session.refresh(world.association)
    assert world.association.capital_limit_percent is None
    data["capital_limit_percent"] = "15"
    assert post(url, data, from_page=url).status_code == 303
    session.refresh(world.association)
    assert world.association.capital_limit_percent == 15
    assert 'value="15"' in text(client.get(url))
