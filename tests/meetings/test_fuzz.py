"""Random bodies for the meeting API: every answer is documented, never a 500."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from states.application import State
from tests.api.test_fuzz import json_values
from tests.meetings.conftest import YEAR
from workflow.api.meetings import DecisionIn, DelegatedDecisionIn

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _bodies(names: list[str]) -> st.SearchStrategy[dict]:
    keys = st.sampled_from(names) | st.text(min_size=1, max_size=12)
    return st.dictionaries(keys, json_values, max_size=6)


@FUZZ
@given(body=_bodies(list(DecisionIn.model_fields)))
def test_random_decision_bodies(api, bearer, held, body):
    meeting, (app,) = held()
    body.setdefault("application_id", app.id)
    response = api.post(
        f"/api/v1/meetings/{meeting.id}/decisions", token=bearer("chair"), json=body
    )
    assert response.status_code in (201, 404, 409, 422), response.get_json()


@FUZZ
@given(body=st.lists(json_values, max_size=4) | _bodies(["user_id", "present"]))
def test_random_attendance_bodies(api, bearer, board, plan, body):
    meeting = plan()
    response = api.request(
        "PUT", f"/api/v1/meetings/{meeting.id}/attendance", token=bearer("officer"), json=body
    )
    assert response.status_code in (200, 400, 422), response.get_json()


@FUZZ
@given(body=_bodies([*DelegatedDecisionIn.model_fields]))
def test_random_delegated_bodies(api, bearer, make_application, budgets, body):
    app = make_application(state=State.PREPARED, budget=[{"year": YEAR, "amount_sek": 1}])
    response = api.post(
        f"/api/v1/applications/{app.id}/transitions/decide_delegated",
        token=bearer("officer"),
        json=body,
    )
    assert response.status_code in (200, 403, 409, 422), response.get_json()
