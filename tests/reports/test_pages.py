"""Report pages: the form keeps input on errors, the report page, the steps, overdue flags."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "annual",
        "year": "2024",
        "participants_women": "20",
        "participants_men": "15",
        "new_women": "12",
        "new_men": "10",
        "ended_women": "8",
        "ended_men": "6",
        "outcome_work_women": "3",
        "outcome_work_men": "2",
        "outcome_studies_women": "2",
        "outcome_studies_men": "1",
        "outcome_job_seeking_women": "3",
        "outcome_job_seeking_men": "3",
        "costs_sek": "750 000",
        "goal_0": "45 %",
        "goal_1": "85 %",
        "narrative": "Året har gått bra.",
    }
    data.update(overrides)
    return data


def _post_new(client: Any, app: Any, **overrides: Any) -> Any:
    page = client.get(f"/applications/{app.id}/reports/new?kind=annual&year=2024")
    assert page.status_code == 200
    data = _form(csrf_token=factories.csrf_token(page.get_data(as_text=True)), **overrides)
    return client.post(f"/applications/{app.id}/reports/new", data=data)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ended_men": "16"}, "Fler avslutade än deltagare (15)."),
        ({"outcome_work_women": "4"}, "9 angivna, 8 avslutade"),
        ({"participants_women": "-2"}, "Måste vara minst 0."),
        ({"costs_sek": "12,5"}, "Måste vara ett heltal."),
        ({"year": "2031"}, "Rapporteringsplanen har ingen årsrapport för det året."),
        ({"outcome_work_heltider": "5,5"}, "Högst en heltid per person (5 personer)."),
    ],
)
def test_a_refused_form_keeps_the_input_and_names_the_problem(
    client: Any, login: Any, world: Any, active_app: Any, overrides: dict[str, str], message: str
) -> None:
    login(world.users["applicant"])
    response = _post_new(client, active_app, **overrides)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Året har gått bra." in html
    assert 'value="45 %"' in html


def test_write_submit_and_accept_on_the_pages(
    client: Any, login: Any, world: Any, active_app: Any
) -> None:
    login(world.users["applicant"])
    created = _post_new(client, active_app, outcome_work_heltider="3,5")
    assert created.status_code == 303, created.get_data(as_text=True)[:2000]
    report_url = created.headers["Location"]
    page = client.get(report_url).get_data(as_text=True)
    # 5 persons in work make 3,5 heltider; studies were given without heltider
    assert 'data-heltider="work">3,5<' in page
    assert 'data-heltider="studies">–<' in page
    # Goals with their targets, costs against the grant, the split by gender.
    assert "Andel till arbete eller studier" in page
    assert "40 %" in page
    assert "45 %" in page
    assert "750\u00a0000 kr" in page
    assert "800\u00a0000 kr" in page
    assert "50\u00a0000 kr" in page
    assert 'id="report-participants"' in page
    token = factories.csrf_token(page)
    submitted = client.post(
        f"{report_url}/transitions/submit", data={"csrf_token": token, "submit-csrf_token": token}
    )
    assert submitted.status_code == 303
    client.post("/logout", data={"csrf_token": token})
    login(world.users["officer"])
    page = client.get(report_url).get_data(as_text=True)
    token = factories.csrf_token(page)
    refused = client.post(f"{report_url}/transitions/return", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Ange ett skäl." in refused.get_data(as_text=True) or "skäl" in refused.get_data(
        as_text=True
    )
    accepted = client.post(f"{report_url}/transitions/accept", data={"csrf_token": token})
    assert accepted.status_code == 303
    assert "Godkänd" in client.get(report_url).get_data(as_text=True)


def test_others_cannot_see_the_report_page(
    client: Any, login: Any, call: Any, world: Any, active_app: Any
) -> None:
    from tests.reports.conftest import figures

    report_id = call(
        world.users["applicant"],
        "post",
        f"/applications/{active_app.id}/reports",
        json=figures(year=2024),
    ).get_json()["id"]
    login(world.users["outsider"])
    assert client.get(f"/reports/{report_id}").status_code == 404
    assert client.get(f"/applications/{active_app.id}/reports/new").status_code == 404


@pytest.mark.parametrize("who", ["applicant", "officer", "board"])
def test_overdue_reports_are_flagged_on_the_dashboard(
    client: Any, login: Any, world: Any, active_app: Any, who: str
) -> None:
    login(world.users[who])
    html = client.get("/").get_data(as_text=True)
    assert 'id="overdue-reports"' in html
    assert "Årsrapport 2024" in html
    assert "senast 2025-02-28" in html


def test_no_overdue_flag_for_another_member(
    client: Any, login: Any, world: Any, active_app: Any
) -> None:
    login(world.users["other_applicant"])
    assert 'id="overdue-reports"' not in client.get("/").get_data(as_text=True)


def test_the_officers_list_of_reports_due_and_its_csv(
    client: Any, login: Any, world: Any, active_app: Any
) -> None:
    login(world.users["officer"])
    page = client.get("/associations/svb/reports?overdue=1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Antal rapporter: 3" in html
    export = client.get("/associations/svb/reports.csv?overdue=1")
    assert export.status_code == 200
    lines = export.get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 4
    assert lines[1].split(";")[2:5] == ["Årsrapport", "2024", "2025-02-28"]
    assert lines[3].split(";")[2:5] == ["Slutrapport", "2026", "2026-08-29"]
    client.post("/logout", data={"csrf_token": factories.csrf_token(html)})
    login(world.users["applicant"])
    assert client.get("/associations/svb/reports").status_code == 404


def test_the_officer_sets_the_reporting_dates(
    client: Any, login: Any, world: Any, active_app: Any
) -> None:
    login(world.users["officer"])
    token = factories.csrf_token(client.get("/associations/svb/reports").get_data(as_text=True))
    refused = client.post(
        "/associations/svb/reports/settings",
        data={
            "csrf_token": token,
            "annual_due_month": "2",
            "annual_due_day": "30",
            "final_due_days": "60",
        },
    )
    assert refused.status_code == 422
    assert "Dagen finns inte i den månaden." in refused.get_data(as_text=True)
    saved = client.post(
        "/associations/svb/reports/settings",
        data={
            "csrf_token": token,
            "annual_due_month": "3",
            "annual_due_day": "31",
            "final_due_days": "90",
        },
    )
    assert saved.status_code == 303
    html = client.get(f"/applications/{active_app.id}").get_data(as_text=True)
    assert "2025-03-31" in html
    assert "2026-09-28" in html


def test_a_returned_report_is_changed_and_submitted_again(
    client: Any, login: Any, call: Any, world: Any, active_app: Any
) -> None:
    from tests.reports.conftest import figures

    applicant, officer = world.users["applicant"], world.users["officer"]
    report_id = call(
        applicant, "post", f"/applications/{active_app.id}/reports", json=figures(year=2024)
    ).get_json()["id"]
    call(applicant, "post", f"/reports/{report_id}/transitions/submit", json={})
    call(officer, "post", f"/reports/{report_id}/transitions/return", json={"reason": "Fel år."})
    login(applicant)
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Fel år." in page
    form = client.get(f"/reports/{report_id}/edit")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'value="45 %"' in html
    token = factories.csrf_token(html)
    data = _form(csrf_token=token, expected_version="3", ended_women="9", narrative="Rättat.")
    del data["kind"], data["year"]
    refused = client.post(f"/reports/{report_id}/edit", data=data)
    assert refused.status_code == 422
    assert "Rättat." in refused.get_data(as_text=True)
    data.update(outcome_other_women="1")
    saved = client.post(f"/reports/{report_id}/edit", data=data)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    submitted = client.post(f"/reports/{report_id}/transitions/submit", data={"csrf_token": token})
    assert submitted.status_code == 303
    assert client.get(f"/reports/{report_id}/edit").status_code == 409
