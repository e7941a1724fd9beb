"""The meeting API: every answer is checked against the OpenAPI document by the `api` client."""

from __future__ import annotations

from sqlmodel import select

from states.application import State
from tests.api.helpers import error_code, problem_fields
from tests.meetings.conftest import YEAR
from workflow.models import Application, Decision

SMALL = [{"year": YEAR, "amount_sek": 150_000}]


def _state(session, app_id: int) -> str:
    session.expire_all()
    return session.get(Application, app_id).state


def _create(api, bearer, **body):
    body.setdefault("date", f"{YEAR}-03-14")
    return api.post("/api/v1/associations/svb/meetings", token=bearer("officer"), json=body)


def _apps(answer) -> list[int]:
    """The applications on the agenda of a meeting answer, in order."""
    return [i["application_id"] for i in answer.get_json()["agenda"] if i["application_id"]]


def test_plan_list_and_read_meetings(api, bearer, world):
    created = _create(api, bearer, location="Kansliet")
    assert created.status_code == 201
    meeting = created.get_json()
    assert (meeting["state"], meeting["location"], meeting["version"]) == ("planned", "Kansliet", 1)
    # The board user (af) and the chair (fk) hold the two seats.
    assert meeting["quorum"] == {"seats": 2, "filled": 0, "quorate": False}
    assert meeting["allowed_transitions"] == []  # the officer does not open meetings
    listing = api.get("/api/v1/associations/svb/meetings", token=bearer("board"))
    assert listing.status_code == 200
    assert [m["id"] for m in listing.get_json()["items"]] == [meeting["id"]]
    seen = api.get(f"/api/v1/meetings/{meeting['id']}", token=bearer("chair"))
    assert seen.get_json()["allowed_transitions"] == ["open"]


def test_planning_refusals(api, bearer, world):
    assert _create(api, bearer, date="14 mars").status_code == 422
    refused = api.post(
        "/api/v1/associations/svb/meetings", token=bearer("chair"), json={"date": f"{YEAR}-01-01"}
    )
    assert refused.status_code == 403
    hidden = api.post(
        "/api/v1/associations/svb/meetings",
        token=bearer("outsider"),
        json={"date": f"{YEAR}-01-01"},
    )
    assert hidden.status_code == 404
    assert (
        api.get("/api/v1/associations/svb/meetings", token=bearer("applicant")).status_code == 403
    )


def test_meetings_are_hidden_from_other_associations(api, bearer, plan):
    meeting = plan()
    assert api.get(f"/api/v1/meetings/{meeting.id}", token=bearer("outsider")).status_code == 404
    assert api.get(f"/api/v1/meetings/{meeting.id}", token=bearer("applicant")).status_code == 404


def test_agenda_add_order_and_remove(api, bearer, session, plan, proposed):
    meeting = plan()
    a, b, c = proposed(), proposed(), proposed()
    url = f"/api/v1/meetings/{meeting.id}/agenda"
    one = api.post(url, token=bearer("officer"), json={"application_id": a.id})
    assert one.status_code == 201
    several = api.post(url, token=bearer("officer"), json={"application_ids": [c.id, b.id]})
    assert _apps(several) == [a.id, c.id, b.id]
    assert _state(session, b.id) == State.ON_AGENDA
    ordered = api.request(
        "PUT", f"{url}/order", token=bearer("officer"), json={"application_ids": [b.id, a.id, c.id]}
    )
    assert ordered.status_code == 200
    assert _apps(ordered) == [b.id, a.id, c.id]
    # The standard items keep their places around the applications.
    agenda = ordered.get_json()["agenda"]
    assert [i["position"] for i in agenda] == list(range(1, 9))
    assert [i["kind"] for i in agenda] == ["standard"] * 4 + ["application"] * 3 + ["standard"]
    removed = api.request("DELETE", f"{url}/{a.id}", token=bearer("officer"))
    assert removed.status_code == 200
    assert _apps(removed) == [b.id, c.id]
    assert _state(session, a.id) == State.PROPOSED
    gone = api.request("DELETE", f"{url}/{a.id}", token=bearer("officer"))
    assert gone.status_code == 404


def test_agenda_refusals(api, bearer, make_application, plan, proposed):
    meeting = plan()
    url = f"/api/v1/meetings/{meeting.id}/agenda"
    ready = proposed()
    prepared = make_application(state=State.PREPARED)
    both = api.post(
        url, token=bearer("officer"), json={"application_id": ready.id, "application_ids": [1]}
    )
    assert both.status_code == 422
    wrong = api.post(url, token=bearer("officer"), json={"application_id": prepared.id})
    assert wrong.status_code == 409
    assert problem_fields(wrong) == ["application_id"]
    several = api.post(
        url, token=bearer("officer"), json={"application_ids": [ready.id, prepared.id]}
    )
    assert (several.status_code, problem_fields(several)) == (409, ["application_ids.1"])
    missing = api.post(url, token=bearer("officer"), json={"application_id": 999_999})
    assert (missing.status_code, problem_fields(missing)) == (422, ["application_id"])
    assert (
        api.post(url, token=bearer("chair"), json={"application_id": ready.id}).status_code == 403
    )
    order = api.request(
        "PUT", f"{url}/order", token=bearer("officer"), json={"application_ids": [ready.id]}
    )
    assert (order.status_code, problem_fields(order)) == (422, ["application_ids"])


def test_attendance_takes_a_list(api, bearer, board, plan):
    meeting = plan()
    url = f"/api/v1/meetings/{meeting.id}/attendance"
    body = [
        {"user_id": board.ledamot["af"].id, "present": False},
        {"user_id": board.ersattare["af"].id, "present": True},
        {"user_id": board.ledamot["fk"].id, "present": True},
        {"user_id": board.ledamot["region"].id, "present": True},
    ]
    recorded = api.request("PUT", url, token=bearer("chair"), json=body)
    assert recorded.status_code == 200
    answer = recorded.get_json()
    assert answer["quorum"] == {"seats": 5, "filled": 3, "quorate": True}
    serving = {a["user"]["id"]: a["serving"] for a in answer["attendance"]}
    assert serving[board.ersattare["af"].id] is True
    assert serving[board.ledamot["af"].id] is False
    unknown = api.request(
        "PUT", url, token=bearer("officer"), json=[{"user_id": 999_999, "present": True}]
    )
    assert (unknown.status_code, problem_fields(unknown)) == (422, ["0.user_id"])
    assert api.request("PUT", url, token=bearer("board"), json=[]).status_code == 403
    shape = api.request("PUT", url, token=bearer("officer"), json={"user_id": 1})
    assert shape.status_code == 422


def test_open_decide_close_and_sign(api, bearer, session, board, budgets, plan, place, proposed):
    meeting = plan()
    app = proposed()
    place(meeting, app)
    base = f"/api/v1/meetings/{meeting.id}"
    api.request(
        "PUT",
        f"{base}/attendance",
        token=bearer("officer"),
        json=[{"user_id": u.id, "present": True} for u in board.ledamot.values()],
    )
    opened = api.post(
        f"{base}/transitions/open",
        token=bearer("chair"),
        json={"expected_version": 1, "justerare_id": board.ledamot["habo"].id},
    )
    assert opened.status_code == 200
    assert opened.get_json()["justerare"]["id"] == board.ledamot["habo"].id
    decided = api.post(
        f"{base}/decisions",
        token=bearer("chair"),
        json={
            "application_id": app.id,
            "outcome": "approve",
            "amounts": [
                {"year": YEAR, "amount_sek": 1_200_000},
                {"year": YEAR + 1, "amount_sek": 1_000_000},
            ],
            "votes": [
                {"user_id": u.id, "vote": "no" if key == "habo" else "yes"}
                for key, u in board.ledamot.items()
            ],
            "dissents": [
                {
                    "user_id": board.ledamot["habo"].id,
                    "kind": "reservation",
                    "text": "För dyrt.",
                }
            ],
        },
    )
    assert decided.status_code == 201, decided.get_json()
    body = decided.get_json()
    # §§ 1–4 open the meeting (the standard items): the application is § 5.
    assert (body["paragraph"], body["paragraph_year"], body["outcome"]) == (5, YEAR, "approve")
    assert (body["matter"], body["excess_reason"], body["extract_url"]) == ("grant", None, None)
    assert [a["amount_sek"] for a in body["amounts"]] == [1_200_000, 1_000_000]
    assert body["quorum"] == {"seats": 5, "present": 5}
    assert body["dissents"][0]["user"]["id"] == board.ledamot["habo"].id
    assert _state(session, app.id) == State.APPROVED
    twice = api.post(
        f"{base}/decisions",
        token=bearer("chair"),
        json={"application_id": app.id, "outcome": "reject"},
    )
    assert (twice.status_code, error_code(twice)) == (409, "already_decided")
    closed = api.post(f"{base}/transitions/close", token=bearer("chair"), json={"ends_at": "15:30"})
    assert closed.get_json()["paragraphs"] == {"first": 1, "last": 6}
    assert closed.get_json()["ends_at"] == "15:30"
    # Justering: the justerare signs first, the chair's signature completes it.
    justered = api.post(f"{base}/protocol/justering", token=bearer(board.ledamot["habo"]))
    assert justered.status_code == 201
    signed = api.post(f"{base}/transitions/sign", token=bearer("chair"))
    assert signed.get_json()["state"] == "protocol_signed"
    item = next(i for i in signed.get_json()["agenda"] if i["kind"] == "application")
    assert (item["paragraph"], item["decision"]["outcome"]) == (5, "approve")
    assert item["decision"]["extract_url"].endswith(
        f"/applications/{app.id}/decisions/{item['decision']['id']}/protocol-extract.pdf"
    )


def test_decision_refusals_over_the_api(
    api, bearer, session, board, budgets, plan, place, attend, proposed
):
    meeting = plan()
    app = proposed()
    place(meeting, app)
    url = f"/api/v1/meetings/{meeting.id}/decisions"
    reject = {"application_id": app.id, "outcome": "reject"}
    not_open = api.post(url, token=bearer("chair"), json=reject)
    assert (not_open.status_code, error_code(not_open)) == (409, "invalid_state")
    assert api.post(url, token=bearer("board"), json=reject).status_code == 403
    attend(meeting, present=[board.ledamot["af"]])
    api.post(f"/api/v1/meetings/{meeting.id}/transitions/open", token=bearer("chair"))
    not_quorate = api.post(url, token=bearer("chair"), json=reject)
    assert (not_quorate.status_code, problem_fields(not_quorate)) == (422, ["attendance"])
    attend(meeting, present=list(board.ledamot.values()))
    no_amounts = api.post(
        url, token=bearer("chair"), json={"application_id": app.id, "outcome": "approve"}
    )
    assert (no_amounts.status_code, problem_fields(no_amounts)) == (422, ["amounts"])
    elsewhere = proposed()
    off_agenda = api.post(
        url, token=bearer("chair"), json={"application_id": elsewhere.id, "outcome": "reject"}
    )
    assert (off_agenda.status_code, error_code(off_agenda)) == (409, "not_on_agenda")
    unknown = api.post(
        url, token=bearer("chair"), json={"application_id": 999_999, "outcome": "reject"}
    )
    assert unknown.status_code == 404
    assert session.exec(select(Decision)).all() == []
    assert _state(session, app.id) == State.ON_AGENDA


def test_meeting_step_refusals_over_the_api(api, bearer, plan):
    meeting = plan()
    base = f"/api/v1/meetings/{meeting.id}/transitions"
    assert api.post(f"{base}/open", token=bearer("officer")).status_code == 403
    assert api.post(f"{base}/close", token=bearer("chair")).status_code == 409
    stale = api.post(f"{base}/open", token=bearer("chair"), json={"expected_version": 7})
    assert (stale.status_code, error_code(stale)) == (409, "stale_version")
    assert api.post(f"{base}/adjourn", token=bearer("chair")).status_code == 404
    odd = api.post(f"{base}/open", token=bearer("chair"), json={"justerare_id": "x"})
    assert odd.status_code == 422


def test_decide_delegated_over_the_api(api, bearer, session, make_application, budgets, plan):
    app = make_application(state=State.PREPARED, budget=SMALL)
    url = f"/api/v1/applications/{app.id}/transitions/decide_delegated"
    seen = api.get(f"/api/v1/applications/{app.id}", token=bearer("officer"))
    assert "decide_delegated" in seen.get_json()["allowed_transitions"]
    above = api.post(
        url,
        token=bearer("officer"),
        json={"outcome": "approve", "amounts": [{"year": YEAR, "amount_sek": 250_000}]},
    )
    assert (above.status_code, error_code(above)) == (403, "above_delegation_limit")
    assert problem_fields(above) == ["amounts"]
    assert api.post(url, token=bearer("chair"), json={"outcome": "reject"}).status_code == 403
    assert api.post(url, token=bearer("officer"), json={"outcome": "maybe"}).status_code == 422
    done = api.post(
        url,
        token=bearer("officer"),
        json={"outcome": "approve", "amounts": SMALL, "reason": "Inom delegationen."},
    )
    assert done.status_code == 200
    assert done.get_json()["state"] == "approved"
    again = api.post(url, token=bearer("officer"), json={"outcome": "reject"})
    assert again.status_code == 409
    meeting = plan()
    agenda = api.get(f"/api/v1/meetings/{meeting.id}", token=bearer("board")).get_json()["agenda"]
    reports = [i for i in agenda if i["kind"] != "standard"]
    assert [(i["kind"], i["application_id"]) for i in reports] == [("delegation_report", app.id)]
    assert reports[0]["decision"]["delegated"] is True
