"""LIV through the API and the pages: the proposal, the board, the uppdragsavtal, the flags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session

from tests import factories
from tests.api.helpers import problem_fields
from tests.liv.conftest import LIV_TEXTS, YEAR
from workflow.models import Meeting
from workflow.operations import meetings


def _admitted(liv_proposed, open_meeting, decide) -> tuple[Any, Meeting]:
    app = liv_proposed()
    meeting = open_meeting(app)
    decide(meeting, app, "approve", amounts=[meetings.AmountIn(YEAR + 1, 900_000)])
    return app, meeting


def test_propose_liv_through_the_api_names_each_missing_text(
    api: Any, token: Callable, active: Callable
) -> None:
    app = active()
    url = f"/api/v1/applications/{app.id}/transitions/propose_liv"
    answer = api.post(url, token=token("applicant"), json={"report_plan": "Årligen."})
    assert answer.status_code == 422
    assert problem_fields(answer) == ["activity_description", "results_summary"]
    answer = api.post(url, token=token("applicant"), json=LIV_TEXTS)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["state"] == "liv_proposed"
    assert body["results_summary"] == LIV_TEXTS["results_summary"]


def test_only_the_applicant_proposes_and_the_officer_phases_out(
    api: Any, token: Callable, active: Callable
) -> None:
    app = active()
    url = f"/api/v1/applications/{app.id}/transitions/propose_liv"
    assert api.post(url, token=token("officer"), json=LIV_TEXTS).status_code == 403
    assert api.post(url, token=token("outsider"), json=LIV_TEXTS).status_code == 404
    answer = api.post(
        f"/api/v1/applications/{app.id}/transitions/phase_out", token=token("officer")
    )
    assert answer.status_code == 409  # only from in_liv


def test_board_decides_liv_through_the_meeting_api(
    api: Any,
    token: Callable,
    liv_proposed: Callable,
    open_meeting: Callable,
    session: Session,
) -> None:
    app = liv_proposed()
    meeting = open_meeting(app)
    url = f"/api/v1/meetings/{meeting.id}/decisions"
    answer = api.post(
        url,
        token=token("chair"),
        json={"application_id": app.id, "outcome": "approve", "amounts": []},
    )
    assert answer.status_code == 422
    assert "amounts" in problem_fields(answer)
    answer = api.post(
        url,
        token=token("chair"),
        json={
            "application_id": app.id,
            "outcome": "approve",
            "amounts": [{"year": YEAR + 1, "amount_sek": 850_000}],
        },
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["paragraph"] == 5  # after the four standard items
    liv = api.get(f"/api/v1/applications/{app.id}/liv", token=token("board")).get_json()
    assert liv["state"] == "in_liv"
    assert liv["years"] == [
        {"year": YEAR + 1, "amount_sek": 850_000, "paragraph": 5, "meeting_id": meeting.id}
    ]


def test_the_uppdragsavtal_through_the_api(
    api: Any,
    token: Callable,
    world: factories.World,
    liv_proposed: Callable,
    open_meeting: Callable,
    decide: Callable,
) -> None:
    app, _meeting = _admitted(liv_proposed, open_meeting, decide)
    url = f"/api/v1/applications/{app.id}/liv/agreements"
    body = {
        "party_member_ids": [world.members["jonkoping"].id, world.members["fk"].id],
        "start_date": f"{YEAR + 1}-01-01",
        "end_date": f"{YEAR + 1}-12-31",
        "signed_on": f"{YEAR}-12-01",
    }
    assert api.post(url, token=token("applicant"), json=body).status_code == 403
    bad = {
        **body,
        "party_member_ids": [world.other_members["nassjo"].id],
        "end_date": f"{YEAR}-06-30",
    }
    answer = api.post(url, token=token("officer"), json=bad)
    assert answer.status_code == 422
    assert problem_fields(answer) == ["party_member_ids.0", "end_date", "signed_on"]
    answer = api.post(url, token=token("officer"), json=body)
    assert answer.status_code == 201, answer.get_json()
    saved = answer.get_json()
    assert sorted(saved["party_member_ids"]) == sorted(body["party_member_ids"])
    assert saved["signed_on"] == f"{YEAR}-12-01"
    liv = api.get(f"/api/v1/applications/{app.id}/liv", token=token("applicant")).get_json()
    assert [a["id"] for a in liv["agreements"]] == [saved["id"]]


def test_the_flag_through_the_api(api: Any, token: Callable, liv_proposed: Callable) -> None:
    app = liv_proposed()
    liv = api.get(f"/api/v1/applications/{app.id}/liv", token=token("officer")).get_json()
    assert liv["report_missing_for"] == date.today().year - 1


def test_the_applicant_proposes_on_the_page_and_input_is_kept(
    client: Any, login: Callable, post: Callable, world: factories.World, active: Callable
) -> None:
    app = active()
    login(world.users["applicant"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert f"/applications/{app.id}/liv/propose" in page
    url = f"/applications/{app.id}/liv/propose"
    answer = post(
        url,
        {"expected_version": str(app.version), "report_plan": "Rapport varje februari."},
        from_page=url,
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Rapport varje februari." in html
    assert "Beskriv verksamheten (verksamhetsbeskrivning)." in html
    assert "Sammanfatta resultaten hittills." in html
    answer = post(url, {"expected_version": str(app.version), **LIV_TEXTS}, from_page=url)
    assert answer.status_code == 303
    show = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Föreslagen till LIV" in show


def test_the_proposal_page_refuses_others(
    client: Any, login: Callable, world: factories.World, active: Callable
) -> None:
    app = active()
    login(world.users["officer"])
    assert client.get(f"/applications/{app.id}/liv/propose").status_code == 403


def test_the_flag_on_the_agenda_and_application_page(
    client: Any,
    login: Callable,
    world: factories.World,
    liv_proposed: Callable,
    plan: Callable,
    place: Callable,
) -> None:
    app = liv_proposed()
    meeting = plan(on=date(YEAR, 3, 14))
    place(meeting, app)
    login(world.users["chair"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'data-liv-flag="{app.id}"' in page
    assert f"Det finns ingen godkänd rapport för {YEAR - 1}." in page
    show = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert f'data-liv-flag="{app.id}"' in show


def test_the_officer_records_the_agreement_on_the_page(
    client: Any,
    login: Callable,
    post: Callable,
    world: factories.World,
    liv_proposed: Callable,
    open_meeting: Callable,
    decide: Callable,
    session: Session,
) -> None:
    app, _meeting = _admitted(liv_proposed, open_meeting, decide)
    login(world.users["officer"])
    url = f"/applications/{app.id}/liv"
    page = client.get(url).get_data(as_text=True)
    assert 'id="liv-years"' in page
    assert "900" in page
    refused = post(
        f"{url}/agreements",
        {"start_date": f"{YEAR + 1}-01-01", "end_date": "", "signed_on": "igår"},
        from_page=url,
    )
    assert refused.status_code == 422
    assert f'value="{YEAR + 1}-01-01"' in refused.get_data(as_text=True)
    answer = post(
        f"{url}/agreements",
        {
            "party_member_ids": [str(world.members["jonkoping"].id), str(world.members["af"].id)],
            "start_date": f"{YEAR + 1}-01-01",
            "end_date": f"{YEAR + 1}-12-31",
            "signed_on": f"{YEAR}-11-20",
            "reference": "UA 2026:1",
        },
        from_page=url,
    )
    assert answer.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "UA 2026:1" in page
    assert "Arbetsförmedlingen" in page
