"""The economy as the associations' own papers keep it: the seeds' figures are the test.

seeds/004: Samordningsförbundet Härnösand Timrå's 2024 budget of 3 746 000 kr = state
1 873 000, Region Västernorrland 937 000, Härnösand 468 000, Timrå 468 000.
seeds/002 section 9: Södra Vätterbygden's budget 2018–2020, which carries 89 832 kr into 2019
and 51 122 kr into 2020.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

from openpyxl import load_workbook
from sqlmodel import select

from tests.api.helpers import problem_fields
from workflow.models import AssociationBudget, AuditEvent, ContributionKey
from workflow.rules.budget import KeyFigures, split_by_key

URL = "/api/v1/associations/svb"


def _member(index: int, name: str, party: str, population: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(id=index, name=name, party=party, population=population, active=True)


def test_seed_004_harnosand_timra_2024_to_the_krona():
    members = [
        _member(1, "Försäkringskassan", "fk"),
        _member(2, "Arbetsförmedlingen", "af"),
        _member(3, "Region Västernorrland", "region"),
        _member(4, "Härnösands kommun", "municipality", 25_000),
        _member(5, "Timrå kommun", "municipality", 18_000),
    ]
    split = split_by_key(3_746_000, members, KeyFigures("equal", 1000, None, {}))
    assert split.state_sek == 1_873_000
    assert split.region_sek == 937_000
    assert [(s.name, s.sek) for s in split.municipalities] == [
        ("Härnösands kommun", 468_000),
        ("Timrå kommun", 468_000),
    ]
    # To the krona the equal shares would be 936 500 and 468 250 each: the unit rounds them
    # down and the region takes the 1 000 left over.
    exact = split_by_key(3_746_000, members, KeyFigures("equal", 1, None, {}))
    assert (exact.region_sek, [s.sek for s in exact.municipalities]) == (936_500, [468_250] * 2)
    # The remainder placed on a municipality instead, as an association may choose.
    other = split_by_key(3_746_000, members, KeyFigures("equal", 1000, 5, {}))
    assert (other.region_sek, [s.sek for s in other.municipalities]) == (
        936_000,
        [468_000, 469_000],
    )


def test_the_state_half_is_exact_and_rounding_keeps_the_sum():
    members = [_member(3, "Region", "region"), _member(4, "A", "municipality", 3)]
    members.append(_member(5, "B", "municipality", 7))
    split = split_by_key(1_000_001, members, KeyFigures("population", 1000, None, {}))
    assert split.state_sek == 500_001
    towns = [s.sek for s in split.municipalities]
    assert towns == [75_000, 175_000]
    assert split.region_sek + sum(towns) == 500_000


def test_the_key_refuses_a_region_it_does_not_know(api, token):
    answer = api.request(
        "PUT",
        f"{URL}/contribution-keys/2026",
        token=token("officer"),
        json={"basis": "equal", "members": [{"member_id": 999_999}]},
    )
    assert answer.status_code == 422
    assert problem_fields(answer) == ["members.0.member_id"]


# seeds/002 section 9: Budget 2018, 2019, 2020 (kronor), the cost lines in the seed's order.
COSTS = [
    ("insats", "Enter", (2_990_000, 3_005_340, 3_031_730)),
    ("insats", "FIA", (572_840, 0, 0)),
    ("insats", "IT-spåret", (400_000, 400_000, 400_000)),
    ("structural", "Projektgemensamt", (15_000, 15_000, 15_000)),
    ("new_insatser", "Tillgängligt nya projekt", (1_900_000, 1_450_000, 2_700_000)),
    ("insats", "IPS i psykosvården", (652_420, 652_420, 0)),
    ("insats", "Efterstöd", (0, 0, 0)),
    ("competence", "Kompetensutveckling", (200_000, 200_000, 200_000)),
    ("admin", "Kansli", (870_000, 900_000, 930_000)),
    ("admin", "Information", (25_000, 20_000, 20_000)),
    ("admin", "Styrelse", (3_000, 3_000, 3_000)),
    ("admin", "Ekonomihantering", (70_250, 72_150, 74_050)),
]
CONTRIBUTIONS = {2018: 6_072_000, 2019: 6_679_200, 2020: 7_347_120}
# 2019 and 2020: the plan's agreed amounts (a 10 % increase a year), region first.
FIXED = {
    2019: {"region": 1_669_800, "habo": 113_550, "jonkoping": 1_347_530, "mullsjo": 73_470,
           "vaggeryd": 135_250},
    2020: {"region": 1_836_780, "habo": 124_900, "jonkoping": 1_482_280, "mullsjo": 80_820,
           "vaggeryd": 148_780},
}  # fmt: skip
# 2018 by that year's populations (note a: "uppdaterat invånarantal respektive år").
POPULATIONS_2018 = {"habo": 11_560, "jonkoping": 137_190, "mullsjo": 7_480, "vaggeryd": 13_770}


def _lines(year: int, **outcome: int) -> list[dict]:
    column = year - 2018
    lines = []
    for category, label, amounts in COSTS:
        line = {"category": category, "label": label, "budget_sek": amounts[column]}
        if outcome:
            line["outcome_sek"] = outcome.get(label, amounts[column])
        lines.append(line)
    return lines


def _enter_seed_002(api, token, ids):
    for year in (2018, 2019, 2020):
        if year == 2018:
            key = {
                "basis": "population",
                "members": [
                    {"member_id": ids[name], "population": population}
                    for name, population in POPULATIONS_2018.items()
                ]
                + [{"member_id": ids["region"]}],
            }
        else:
            key = {
                "basis": "fixed",
                "members": [
                    {"member_id": ids[name], "amount_sek": amount}
                    for name, amount in FIXED[year].items()
                ],
            }
        body = {"contributions_sek": CONTRIBUTIONS[year], "lines": _lines(year)}
        if year == 2018:
            body["carried_over_sek"] = 1_716_342
        answer = api.request("PUT", f"{URL}/budgets/{year}", token=token("officer"), json=body)
        assert answer.status_code == 200, answer.get_json()
        answer = api.request(
            "PUT", f"{URL}/contribution-keys/{year}", token=token("officer"), json=key
        )
        assert answer.status_code == 200, answer.get_json()


def test_seed_002_section_9_as_lines(api, token, vatterbygden):
    _enter_seed_002(api, token, vatterbygden)
    body = api.get(f"{URL}/budgets?from=2018&to=2020", token=token("board")).get_json()
    years = body["years"]
    assert [y["income_total_sek"] for y in years] == [7_788_342, 6_769_032, 7_398_242]
    assert [y["cost_total_sek"] for y in years] == [7_698_510, 6_717_910, 7_373_780]
    assert [y["result_sek"] for y in years] == [89_832, 51_122, 24_462]
    assert [y["carried_in_sek"] for y in years] == [1_716_342, 89_832, 51_122]
    first = years[0]["split"]
    assert (first["state_sek"], first["region_sek"]) == (3_036_000, 1_518_000)
    towns = {m["member_id"]: m["sek"] for m in first["municipalities"]}
    assert [towns[vatterbygden[n]] for n in ("habo", "jonkoping", "mullsjo", "vaggeryd")] == [
        103_224,
        1_225_026,
        66_792,
        122_958,
    ]
    later = years[1]["split"]
    assert later["basis"] == "fixed"
    assert (later["state_sek"], later["region_sek"]) == (3_339_600, 1_669_800)
    assert {m["member_id"]: m["sek"] for m in later["municipalities"]}[
        vatterbygden["jonkoping"]
    ] == 1_347_530
    shares = {c["category"]: c["share_percent"] for c in years[0]["categories"]}
    assert shares["admin"] == 12.6
    assert sum(c["budget_sek"] for c in years[0]["categories"]) == 7_698_510


def test_closing_a_year_below_budget_carries_the_real_result(api, token, vatterbygden, session):
    _enter_seed_002(api, token, vatterbygden)
    before = api.get(f"{URL}/budgets/2019", token=token("board")).get_json()
    # Enter spent 190 000 kr less than budgeted in 2018.
    body = {
        "contributions_sek": CONTRIBUTIONS[2018],
        "carried_over_sek": 1_716_342,
        "lines": _lines(2018, Enter=2_800_000),
    }
    assert (
        api.request("PUT", f"{URL}/budgets/2018", token=token("officer"), json=body).status_code
        == 200
    )
    closed = api.post(
        f"{URL}/budgets/2018/close", token=token("officer"), json={"decided_on": "2019-03-20"}
    )
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["closed"] is True
    assert closed.get_json()["result_sek"] == 89_832 + 190_000
    after = api.get(f"{URL}/budgets/2019", token=token("board")).get_json()
    assert after["carried_in_sek"] == 89_832 + 190_000
    assert after["result_sek"] == before["result_sek"] + 190_000
    assert after["room_sek"] == before["room_sek"] + 190_000
    # A closed year cannot change, and nothing is written.
    version = session.exec(
        select(AssociationBudget.version).where(AssociationBudget.year == 2018)
    ).one()
    again = api.request("PUT", f"{URL}/budgets/2018", token=token("officer"), json=body)
    assert again.status_code == 422
    assert problem_fields(again) == ["year"]
    session.expire_all()
    assert (
        session.exec(select(AssociationBudget.version).where(AssociationBudget.year == 2018)).one()
        == version
    )
    (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "close_year")).all()
    assert event.data["result_sek"] == 279_832


def test_closing_needs_every_outcome(api, token, vatterbygden):
    _enter_seed_002(api, token, vatterbygden)
    answer = api.post(
        f"{URL}/budgets/2018/close", token=token("officer"), json={"decided_on": "2019-03-20"}
    )
    assert answer.status_code == 422
    assert problem_fields(answer)[0] == "lines.0.outcome_sek"


def test_fixed_amounts_must_sum_to_the_local_half(api, token, vatterbygden, session):
    _enter_seed_002(api, token, vatterbygden)
    amounts = {**FIXED[2019], "habo": 113_551}
    key = {
        "basis": "fixed",
        "members": [{"member_id": vatterbygden[n], "amount_sek": a} for n, a in amounts.items()],
    }
    answer = api.request("PUT", f"{URL}/contribution-keys/2019", token=token("officer"), json=key)
    assert answer.status_code == 422
    assert problem_fields(answer) == ["members"]
    stored = api.get(f"{URL}/contribution-keys/2019", token=token("board")).get_json()
    assert stored["version"] == 1
    assert {m["member_id"]: m["amount_sek"] for m in stored["members"]}[
        vatterbygden["habo"]
    ] == 113_550


def test_a_line_without_category_is_refused(api, token, session):
    body = {"contributions_sek": 1_000_000, "lines": [{"label": "Kansli", "budget_sek": 1}]}
    answer = api.request("PUT", f"{URL}/budgets/2026", token=token("officer"), json=body)
    assert answer.status_code == 422
    assert problem_fields(answer) == ["lines.0.category"]
    assert session.exec(select(AssociationBudget)).all() == []
    assert session.exec(select(ContributionKey)).all() == []


def test_a_decision_for_a_budgeted_insats_draws_on_its_own_line(api, token, decide, session):
    lines = [
        {"category": "new_insatser", "label": "Nya insatser", "budget_sek": 300_000},
        {"category": "admin", "label": "Kansli", "budget_sek": 100_000},
    ]
    body = {"contributions_sek": 1_000_000, "lines": lines}
    assert (
        api.request("PUT", f"{URL}/budgets/2026", token=token("officer"), json=body).status_code
        == 200
    )
    decision = decide({2026: 200_000})
    year = api.get(f"{URL}/budgets/2026", token=token("board")).get_json()
    # Unlinked: drawn from the new-insatser line; the result is untouched.
    assert year["new_insatser_granted_sek"] == 200_000
    assert year["projected_balance_sek"] == year["result_sek"] == 600_000
    assert year["room_sek"] == 100_000 + 600_000
    linked = [*lines, {"category": "insats", "label": "Enter", "budget_sek": 250_000,
                       "application_id": decision.application_id}]  # fmt: skip
    body = {"contributions_sek": 1_000_000, "lines": linked, "expected_version": year["version"]}
    answer = api.request("PUT", f"{URL}/budgets/2026", token=token("officer"), json=body)
    assert answer.status_code == 200, answer.get_json()
    year = answer.get_json()
    assert year["new_insatser_granted_sek"] == 0
    assert year["lines"][2]["drawn_sek"] == 200_000
    assert year["result_sek"] == year["projected_balance_sek"] == 350_000


def test_a_budget_cut_after_a_grant_is_refused_naming_the_years(api, token, budgets, decide):
    """Issue 18, weakness 9: the officer may not make the association borrow."""
    budgets({2026: (2_000_000, 0, 0, 0), 2027: (2_000_000, 0, 0, 0)})
    decide({2026: 1_500_000, 2027: 1_500_000})
    body = {"contributions_sek": 0, "carried_over_sek": 0}
    answer = api.request("PUT", f"{URL}/budgets/2026", token=token("officer"), json=body)
    assert answer.status_code == 422
    (problem,) = answer.get_json()["error"]["details"]
    assert problem["field"] == "budget"
    assert "2026" in problem["message"]
    assert "2027" in problem["message"]
    assert api.get(f"{URL}/budgets/2026", token=token("board")).get_json()["version"] == 1
    # The board's own decision to change the budget passes, with its warnings.
    decided = api.request(
        "PUT", f"{URL}/budgets/2026", token=token("officer"), json={**body, "board_decision": True}
    )
    assert decided.status_code == 200
    assert decided.get_json()["projected_balance_sek"] == -1_500_000


def test_a_member_is_edited_and_deactivated_never_deleted(api, token, world, session):
    habo = world.members["habo"]
    url = f"{URL}/members/{habo.id}"
    answer = api.patch(url, token=token("officer"), json={"population": 12_000})
    assert answer.status_code == 200
    assert answer.get_json()["population"] == 12_000
    answer = api.patch(url, token=token("officer"), json={"active": False, "expected_version": 2})
    assert answer.status_code == 200
    assert answer.get_json()["active"] is False
    body = {"contributions_sek": 4_000_000, "carried_over_sek": 0}
    year = api.request("PUT", f"{URL}/budgets/2026", token=token("officer"), json=body).get_json()
    assert [m["member_id"] for m in year["split"]["municipalities"]] == [
        world.members["jonkoping"].id
    ]
    assert api.patch(url, token=token("board"), json={"active": True}).status_code == 403
    stale = api.patch(url, token=token("officer"), json={"name": "Habo", "expected_version": 1})
    assert stale.status_code == 409


def test_the_page_and_the_files_show_the_lines(api, token, vatterbygden, client, sign_in):
    _enter_seed_002(api, token, vatterbygden)
    sign_in("board")
    page = client.get("/associations/svb/budget?from=2018&to=2020")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The seed's layout in tkr, the years side by side: Enter 2 990 / 3 005 / 3 032.
    assert re.search(r"Enter</th>\s*<td class=\"num\">2,990</td><td class=\"num\">3,005</td>", html)
    assert "7,699" in html  # Summa kostnader 2018
    assert "Budget, forecast and outcome 2018 in tkr" in html
    csv = client.get("/associations/svb/budget.csv?from=2018&to=2020")
    assert csv.status_code == 200
    text = csv.get_data(as_text=True)
    assert "2018;Insatser for individuals and groups;Enter;2990000;;" in text
    assert "2019;Sum;Result (prel. balanserat resultat);51122;;" in text
    xlsx = client.get("/associations/svb/budget.xlsx?from=2018&to=2020")
    assert xlsx.status_code == 200
    assert xlsx.data[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["A2"].value == 2018
    assert {row[0].number_format for row in sheet.iter_rows(min_row=2)} == {"0"}
    assert sheet["D2"].number_format == "#,##0"  # an amount keeps its thousands separator


def test_the_outcome_is_read_from_the_accounts(api, token, vatterbygden, post, sign_in):
    _enter_seed_002(api, token, vatterbygden)
    sign_in("officer")
    page = "/associations/svb/budget?from=2018&to=2020"
    url = "/associations/svb/budget/2018/outcome?from=2018&to=2020"
    wrong = io.BytesIO(b"Rad;Utfall\nEnter;1 000\nHISS;5 000\n")
    refused = post(url, {"o2018-file": (wrong, "utfall.csv")}, from_page=page, prefix="o2018")
    assert refused.status_code == 422
    assert "2018 has no line named HISS." in refused.get_data(as_text=True)
    rows = "".join(
        f"{label};{'2 800 000 kr' if label == 'Enter' else amounts[0]}\n"
        for _category, label, amounts in COSTS
    )
    # The board decided the budget: the outcome still follows it up.
    decision = {"kind": "budget_decision", "held_on": "2017-11-24"}
    assert (
        api.post(f"{URL}/economy-records/2018", token=token("officer"), json=decision).status_code
        == 201
    )
    upload = io.BytesIO(("\ufeffRad;Utfall\n" + rows).encode())
    saved = post(url, {"o2018-file": (upload, "utfall.csv")}, from_page=page, prefix="o2018")
    assert saved.status_code == 303
    year = api.get(f"{URL}/budgets/2018", token=token("board")).get_json()
    assert year["lines"][0]["outcome_sek"] == 2_800_000
    assert {c["category"]: c["outcome_sek"] for c in year["categories"]}["admin"] == 968_250
    closed = api.post(
        f"{URL}/budgets/2018/close", token=token("officer"), json={"decided_on": "2019-03-20"}
    )
    assert closed.get_json()["result_sek"] == 279_832


def test_the_yearly_cycle_is_recorded_and_a_decided_budget_is_read_only(api, token, world):
    body = {"contributions_sek": 4_000_000, "carried_over_sek": 0}
    assert (
        api.request("PUT", f"{URL}/budgets/2027", token=token("officer"), json=body).status_code
        == 200
    )
    records = f"{URL}/economy-records/2027"
    region, habo = world.members["region"].id, world.members["habo"].id
    consultation = {
        "kind": "member_consultation",
        "held_on": "2026-10-15",
        "present_member_ids": [region, habo],
        "text": "Habo vill se mer för unga vuxna.",
    }
    assert api.post(records, token=token("officer"), json=consultation).status_code == 201
    decided = api.post(
        records, token=token("officer"), json={"kind": "budget_decision", "held_on": "2026-11-27"}
    )
    assert decided.status_code == 201
    changed = {**body, "contributions_sek": 4_100_000}
    refused = api.request("PUT", f"{URL}/budgets/2027", token=token("officer"), json=changed)
    assert refused.status_code == 422
    assert problem_fields(refused) == ["year"]
    again = {**changed, "board_decision": True}
    assert (
        api.request("PUT", f"{URL}/budgets/2027", token=token("officer"), json=again).status_code
        == 200
    )
    incomplete = api.post(
        records, token=token("officer"), json={"kind": "discharge", "held_on": "2028-05-01"}
    )
    assert incomplete.status_code == 422
    assert problem_fields(incomplete) == ["member_id", "granted"]
    discharge = {"kind": "discharge", "held_on": "2028-05-01", "member_id": habo, "granted": True}
    assert api.post(records, token=token("officer"), json=discharge).status_code == 201
    assert api.post(records, token=token("board"), json=discharge).status_code == 403
    listed = api.get(records, token=token("auditor")).get_json()["records"]
    assert [r["kind"] for r in listed] == ["member_consultation", "budget_decision", "discharge"]
    assert listed[0]["present_member_ids"] == [region, habo]


def test_the_officer_sets_the_key_on_the_page(api, token, world, post, sign_in):
    body = {"contributions_sek": 3_746_000, "carried_over_sek": 0}
    assert (
        api.request("PUT", f"{URL}/budgets/2026", token=token("officer"), json=body).status_code
        == 200
    )
    sign_in("officer")
    page = "/associations/svb/budget?from=2026&to=2026"
    url = "/associations/svb/budget/2026/key?from=2026&to=2026"
    habo = world.members["habo"].id
    refused = post(
        url,
        {"k2026-basis": "fixed", "k2026-rounding_sek": "1", f"k2026-amount_{habo}": "5"},
        from_page=page,
        prefix="k2026",
    )
    assert refused.status_code == 422
    assert "A fixed key needs it." in refused.get_data(as_text=True)
    saved = post(
        url, {"k2026-basis": "equal", "k2026-rounding_sek": "1000"}, from_page=page, prefix="k2026"
    )
    assert saved.status_code == 303
    split = api.get(f"{URL}/budgets/2026", token=token("board")).get_json()["split"]
    assert (split["state_sek"], split["region_sek"]) == (1_873_000, 937_000)
    assert [m["sek"] for m in split["municipalities"]] == [468_000, 468_000]
