"""The budget API: every answer is checked against the OpenAPI document by the `api` client."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.api.helpers import error_code, problem_fields
from workflow.models import AssociationBudget, AuditEvent

BODY = {
    "contributions_sek": 7_800_000,
    "carried_over_sek": 600_000,
    "admin_costs_sek": 1_010_000,
    "other_costs_sek": 230_000,
}
URL = "/api/v1/associations/svb/budgets"


def _put(api, token, year: int, body: dict, who: str = "officer", **kwargs):
    return api.request("PUT", f"{URL}/{year}", token=token(who), json=body, **kwargs)


def test_the_officer_enters_a_year_and_gets_the_split(api, token, world, session):
    answer = _put(api, token, 2026, BODY)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["year"] == 2026
    assert body["budgeted"] is True
    assert body["version"] == 1
    assert {k: body[k] for k in BODY} == BODY
    split = body["split"]
    assert split["state_sek"] == 3_900_000
    assert split["region_sek"] == 1_950_000
    assert [(m["member_id"], m["population"], m["sek"]) for m in split["municipalities"]] == [
        (world.members["habo"].id, 12_690, 160_924),
        (world.members["jonkoping"].id, 141_081, 1_789_076),
    ]
    assert split["basis"] == "population"
    assert split["unallocated_sek"] == 0
    assert body["carried_in_sek"] == 600_000
    assert body["committed_sek"] == 0
    assert body["projected_balance_sek"] == 7_160_000
    assert body["room_sek"] == 7_160_000
    assert [w["code"] for w in body["warnings"]] == ["capital_above_recommendation"]
    (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "set_budget")).all()
    assert event.actor_id == world.users["officer"].id


def test_a_change_needs_the_current_version(api, token, world):
    assert _put(api, token, 2026, BODY).status_code == 200
    changed = {**BODY, "other_costs_sek": 0, "expected_version": 1}
    answer = _put(api, token, 2026, changed)
    assert answer.status_code == 200
    assert answer.get_json()["version"] == 2
    stale = _put(api, token, 2026, {**changed, "admin_costs_sek": 1})
    assert stale.status_code == 409
    assert error_code(stale) == "stale_version"
    assert api.get(f"{URL}/2026", token=token("board")).get_json()["admin_costs_sek"] == 1_010_000


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**BODY, "contributions_sek": -1}, ["contributions_sek"]),
        (
            {**BODY, "admin_costs_sek": 10**9 + 1, "other_costs_sek": "12"},
            ["admin_costs_sek", "other_costs_sek"],
        ),
        ({**BODY, "carried_over_sek": -(10**9) - 1}, ["carried_over_sek"]),
        # Only the contributions are required: the rest defaults to 0 (or comes from lines).
        ({"carried_over_sek": 1}, ["contributions_sek"]),
        ({**BODY, "surplus": 1}, ["surplus"]),
        ({**BODY, "contributions_sek": 1.5}, ["contributions_sek"]),
        ({**BODY, "expected_version": 0}, ["expected_version"]),
    ],
)
def test_invalid_figures_are_named_and_nothing_is_stored(api, token, session, body, fields):
    answer = _put(api, token, 2026, body)
    assert answer.status_code == 422
    assert sorted(problem_fields(answer)) == sorted(fields)
    assert session.exec(select(AssociationBudget)).all() == []


def test_a_negative_carried_over_figure_is_a_deficit(api, token):
    answer = _put(api, token, 2026, {**BODY, "carried_over_sek": -200_000})
    assert answer.status_code == 200
    assert answer.get_json()["projected_balance_sek"] == 6_360_000


@pytest.mark.parametrize("who", ["officer", "board", "chair", "auditor"])
def test_officers_board_chair_and_auditors_read(api, token, world, who):
    assert _put(api, token, 2026, BODY).status_code == 200
    answer = api.get(f"{URL}/2026", token=token(who))
    assert answer.status_code == 200
    assert answer.get_json()["contributions_sek"] == 7_800_000


@pytest.mark.parametrize(
    ("who", "status"), [("applicant", 403), ("preparer", 403), ("outsider", 404)]
)
def test_others_may_not_read(api, token, who, status):
    assert api.get(f"{URL}/2026", token=token(who)).status_code == status
    assert api.get(URL, token=token(who)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("board", 403), ("chair", 403), ("auditor", 403), ("applicant", 403), ("outsider", 404)],
)
def test_only_officers_write(api, token, session, who, status):
    assert _put(api, token, 2026, BODY, who=who).status_code == status
    assert session.exec(select(AssociationBudget)).all() == []


def test_addresses_outside_the_years_and_without_token(api, token, client):
    assert api.get(f"{URL}/1999", token=token("officer")).status_code == 404
    assert api.request("PUT", f"{URL}/2101", token=token("officer"), json=BODY).status_code == 404
    assert api.get(f"{URL}/2026").status_code == 401
    assert (
        api.get("/api/v1/associations/nosuch/budgets/2026", token=token("officer")).status_code
        == 404
    )


def test_a_year_without_budget_still_answers(api, token, budgets, decide):
    # Granted while 2026 carried enough into 2027; then 2026's budget was cut to nothing.
    budgets({2026: (1_000_000, 0, 0, 0)})
    decide({2027: 250_000})
    budgets({2026: (1_000_000, 0, 1_000_000, 0)}, board_decision=True)
    body = api.get(f"{URL}/2027", token=token("board")).get_json()
    assert body["budgeted"] is False
    assert body["version"] is None
    assert body["contributions_sek"] is None
    assert body["committed_sek"] == 250_000
    assert body["projected_balance_sek"] == -250_000
    assert [w["code"] for w in body["warnings"]] == ["negative_balance", "no_budget"]


def test_the_range_carries_forward_and_warns(api, token, decide):
    # Granted on an ample budget (no borrowing), which the board then lowers (its own
    # decision: the officer alone may not).
    decide({2025: 900_000, 2026: 1_500_000})
    for year, contributions in ((2025, 1_000_000), (2026, 1_000_000), (2027, 1_000_000)):
        body = {**BODY, "contributions_sek": contributions, "carried_over_sek": 0}
        body["board_decision"] = True
        body.update(admin_costs_sek=100_000, other_costs_sek=0)
        assert _put(api, token, year, body).status_code == 200
    answer = api.get(URL, token=token("auditor"), lang="en")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["from"], body["to"]) == (2025, 2027)
    years = body["years"]
    assert [y["carried_in_sek"] for y in years] == [0, 0, -600_000]
    assert [y["projected_balance_sek"] for y in years] == [0, -600_000, 300_000]
    assert [[w["code"] for w in y["warnings"]] for y in years] == [
        ["room_exceeded"],
        ["negative_balance"],
        # 300 000 of 1 mkr: within the 30 % recommended for an association of this size.
        [],
    ]
    assert "below zero" in years[1]["warnings"][0]["message"]
    one = api.get(f"{URL}?from=2026&to=2026", token=token("auditor"), lang="en").get_json()
    assert [y["year"] for y in one["years"]] == [2026]
    assert one["years"][0] == years[1]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2027&to=2026", "to"),
        ("from=2000&to=2020", "to"),
        ("from=soon", "from"),
        ("to=1999", "to"),
        ("year=2026", "year"),
    ],
)
def test_a_bad_range_is_named(api, token, query, field):
    answer = api.get(f"{URL}?{query}", token=token("officer"))
    assert answer.status_code == 422
    assert problem_fields(answer) == [field]


def test_the_document_describes_the_budget_operations(api):
    paths = api.document["paths"]
    put = paths["/api/v1/associations/{slug}/budgets/{year}"]["put"]
    assert put["tags"] == ["budgets"]
    assert {"200", "403", "404", "409", "422"} <= set(put["responses"])
    names = {p["name"] for p in paths["/api/v1/associations/{slug}/budgets"]["get"]["parameters"]}
    assert names == {"slug", "from", "to"}
