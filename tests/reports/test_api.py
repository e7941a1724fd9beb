"""The report API: create, change, every check as a 422 naming the field, the steps."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports.conftest import figures


def _create(call: Any, world: Any, app: Any, **body: Any) -> Any:
    payload = {"kind": "annual", "year": 2024, **figures(), **body}
    return call(world.users["applicant"], "post", f"/applications/{app.id}/reports", json=payload)


def _fields(response: Any) -> set[str]:
    return {d["field"] for d in response.get_json()["error"]["details"]}


def test_applicant_creates_an_annual_report(call: Any, world: Any, active_app: Any) -> None:
    response = _create(call, world, active_app)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["state"] == "draft"
    assert data["due_date"] == "2025-02-28"
    assert data["granted_sek"] == 800_000
    assert data["outcomes"]["work"] == {"women": 3, "men": 2, "heltider": None}
    assert data["outcomes"]["other"] == {"women": 0, "men": 0}
    assert [g["value"] for g in data["goal_results"]] == ["45 %", "85 %"]
    assert data["allowed_transitions"] == ["submit"]


def test_a_report_carries_heltider_of_work_and_studies(
    call: Any, world: Any, active_app: Any
) -> None:
    """seeds/000 counts work in heltider: 5 persons in work may be 3,5 full-time equivalents."""
    outcomes = {
        "work": {"women": 3, "men": 2, "heltider": 3.5},
        "studies": {"women": 2, "men": 1, "heltider": 1.25},
        "job_seeking": {"women": 3, "men": 3},
    }
    response = _create(call, world, active_app, outcomes=outcomes)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["outcomes"]["work"] == {"women": 3, "men": 2, "heltider": 3.5}
    assert data["outcomes"]["studies"]["heltider"] == 1.25
    assert data["outcomes"]["subsidised_work"] == {"women": 0, "men": 0, "heltider": None}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"participants_women": -1}, {"participants_women"}),
        ({"ended_men": 16}, {"ended_men", "outcomes.men"}),
        ({"new_women": 21}, {"new_women"}),
        (
            {"outcomes": {"work": {"women": 8, "men": 5}}},
            {"outcomes.men"},
        ),
        (
            {"outcomes": {"work": {"women": -1, "men": 6}}},
            {"outcomes.work.women"},
        ),
        (
            {
                "outcomes": {
                    "work": {"women": 3, "men": 2, "heltider": 5.5},
                    "studies": {"women": 2, "men": 1},
                    "job_seeking": {"women": 3, "men": 3},
                }
            },
            {"heltider.work"},
        ),
        ({"costs_sek": 1500.5}, {"costs_sek"}),
        ({"costs_sek": "750000"}, {"costs_sek"}),
        ({"goal_results": [{"goal_index": 7, "value": "1"}]}, {"goal_results.0.goal_index"}),
        ({"year": 2030}, {"year"}),
    ],
)
def test_every_check_is_a_422_naming_the_field(
    call: Any, world: Any, active_app: Any, body: dict[str, Any], fields: set[str]
) -> None:
    response = _create(call, world, active_app, **body)
    assert response.status_code == 422, response.get_json()
    assert fields <= _fields(response)


def test_one_annual_report_per_year(call: Any, world: Any, active_app: Any) -> None:
    assert _create(call, world, active_app).status_code == 201
    again = _create(call, world, active_app)
    assert again.status_code == 422
    assert _fields(again) == {"year"}
    assert "2024" in again.get_json()["error"]["details"][0]["message"]


def test_submit_needs_a_result_for_every_goal(call: Any, world: Any, active_app: Any) -> None:
    created = _create(call, world, active_app, goal_results=[{"goal_index": 0, "value": "45 %"}])
    report_id = created.get_json()["id"]
    applicant = world.users["applicant"]
    refused = call(applicant, "post", f"/reports/{report_id}/transitions/submit", json={})
    assert refused.status_code == 422
    assert _fields(refused) == {"goal_results.1"}
    assert "Nöjda deltagare" in refused.get_json()["error"]["details"][0]["message"]
    patched = call(
        applicant,
        "patch",
        f"/reports/{report_id}",
        json={
            "goal_results": [
                {"goal_index": 0, "value": "45 %"},
                {"goal_index": 1, "value": "81 %"},
            ],
            "expected_version": created.get_json()["version"],
        },
    )
    assert patched.status_code == 200, patched.get_json()
    done = call(applicant, "post", f"/reports/{report_id}/transitions/submit", json={})
    assert done.status_code == 200
    assert done.get_json()["state"] == "submitted"


def test_submit_return_resubmit_accept(call: Any, world: Any, active_app: Any) -> None:
    report_id = _create(call, world, active_app).get_json()["id"]
    applicant, officer = world.users["applicant"], world.users["officer"]
    path = f"/reports/{report_id}/transitions"
    assert call(officer, "post", f"{path}/accept", json={}).status_code == 409
    assert call(officer, "post", f"{path}/submit", json={}).status_code == 403
    assert call(applicant, "post", f"{path}/submit", json={}).status_code == 200
    # A submitted report is no longer the applicant's to change.
    assert (
        call(applicant, "patch", f"/reports/{report_id}", json={"costs_sek": 1}).status_code == 409
    )
    no_reason = call(officer, "post", f"{path}/return", json={})
    assert no_reason.status_code == 422
    assert _fields(no_reason) == {"reason"}
    returned = call(
        officer, "post", f"{path}/return", json={"reason": "Kostnaderna saknar underlag."}
    )
    assert returned.get_json()["state"] == "returned"
    assert returned.get_json()["return_reason"] == "Kostnaderna saknar underlag."
    assert (
        call(applicant, "patch", f"/reports/{report_id}", json={"costs_sek": 700_000}).status_code
        == 200
    )
    assert call(applicant, "post", f"{path}/submit", json={}).status_code == 200
    accepted = call(officer, "post", f"{path}/accept", json={})
    assert accepted.status_code == 200
    assert accepted.get_json()["state"] == "accepted"
    assert accepted.get_json()["costs_sek"] == 700_000
    history = call(officer, "get", f"/applications/{active_app.id}").get_json()
    assert history["state"] == "active"


def test_steps_are_audited(call: Any, world: Any, active_app: Any, session: Any) -> None:
    from sqlmodel import select

    from workflow.models import AuditEvent

    report_id = _create(call, world, active_app).get_json()["id"]
    call(world.users["applicant"], "post", f"/reports/{report_id}/transitions/submit", json={})
    call(world.users["officer"], "post", f"/reports/{report_id}/transitions/accept", json={})
    actions = session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "report", AuditEvent.entity_id == report_id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["report_create", "report_submit", "report_accept"]


def test_accepting_the_final_report_closes_the_insats(
    call: Any, world: Any, active_app: Any
) -> None:
    officer = world.users["officer"]
    early = call(
        officer, "post", f"/applications/{active_app.id}/transitions/accept_final_report", json={}
    )
    assert early.status_code == 422
    assert _fields(early) == {"final_report"}
    created = _create(call, world, active_app, kind="final", year=None)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["year"] == 2026
    assert created.get_json()["due_date"] == "2026-08-29"
    report_id = created.get_json()["id"]
    call(world.users["applicant"], "post", f"/reports/{report_id}/transitions/submit", json={})
    assert (
        call(officer, "post", f"/reports/{report_id}/transitions/accept", json={}).status_code
        == 200
    )
    app = call(officer, "get", f"/applications/{active_app.id}").get_json()
    assert app["state"] == "closed"


@pytest.mark.parametrize("who", ["other_applicant", "outsider", "outsider_applicant"])
def test_others_get_404(call: Any, world: Any, active_app: Any, who: str) -> None:
    report_id = _create(call, world, active_app).get_json()["id"]
    user = world.users[who]
    assert call(user, "get", f"/reports/{report_id}").status_code == 404
    assert call(user, "patch", f"/reports/{report_id}", json={"costs_sek": 1}).status_code == 404
    assert (
        call(user, "post", f"/reports/{report_id}/transitions/accept", json={}).status_code == 404
    )
    assert (
        call(
            user, "post", f"/applications/{active_app.id}/reports", json=figures(year=2025)
        ).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["officer", "board", "auditor", "preparer"])
def test_only_the_lead_applicant_writes(call: Any, world: Any, active_app: Any, who: str) -> None:
    response = call(
        world.users[who], "post", f"/applications/{active_app.id}/reports", json=figures(year=2024)
    )
    assert response.status_code == 403


def test_no_reports_before_the_start(call: Any, world: Any, make_application: Any) -> None:
    app = make_application(state="approved")
    response = call(
        world.users["applicant"], "post", f"/applications/{app.id}/reports", json=figures(year=2024)
    )
    assert response.status_code == 409
