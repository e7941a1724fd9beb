"""Random bodies and queries: every answer is a documented 4xx or success, never a 500."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from states.application import State
from workflow.api.schemas import ApplicationQuery, TransitionBody
from workflow.schemas import ApplicationFields

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["2026-01-01", "2026-13-01", "1999-12-31", "18", "", " ", "\x00"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


def _bodies(names: list[str]) -> st.SearchStrategy[dict]:
    """Objects whose keys are mostly real field names, with values of any JSON type."""
    keys = st.sampled_from(names) | st.text(min_size=1, max_size=12)
    return st.dictionaries(keys, json_values, max_size=6)


APPLICATION_FIELDS = [*ApplicationFields.model_fields, "expected_version"]
TRANSITION_FIELDS = list(TransitionBody.model_fields)
QUERY_FIELDS = list(ApplicationQuery.model_fields)


@FUZZ
@given(body=_bodies(APPLICATION_FIELDS))
def test_random_application_bodies(api, token, make_application, body):
    app = make_application(state=State.DRAFT, complete=False)
    applicant = token("applicant")
    patched = api.patch(f"/api/v1/applications/{app.id}", token=applicant, json=body)
    assert patched.status_code in (200, 409, 422), patched.get_json()
    created = api.post("/api/v1/associations/svb/applications", token=applicant, json=body)
    assert created.status_code in (201, 422), created.get_json()


@FUZZ
@given(
    body=_bodies(TRANSITION_FIELDS),
    trigger=st.sampled_from(["submit", "withdraw", "return_for_completion", "fly"]),
)
def test_random_transition_bodies(api, token, make_application, body, trigger):
    app = make_application(state=State.DRAFT)
    response = api.post(
        f"/api/v1/applications/{app.id}/transitions/{trigger}",
        token=token("applicant"),
        json=body,
    )
    assert response.status_code in (200, 403, 404, 409, 422), response.get_json()


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_as_a_body(api, token, make_application, raw):
    app = make_application(state=State.DRAFT, complete=False)
    response = api.patch(f"/api/v1/applications/{app.id}", token=token("applicant"), data=raw)
    assert response.status_code in (200, 400, 422), response.get_json()


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(QUERY_FIELDS) | st.text(min_size=1, max_size=8),
        st.text(max_size=12) | st.integers(min_value=-(2**70), max_value=2**70).map(str),
        max_size=3,
    )
)
def test_random_list_queries(api, token, world, query):
    response = api.get(
        f"/api/v1/associations/svb/applications?{urlencode(query)}", token=token("officer")
    )
    assert response.status_code in (200, 422), json.dumps(response.get_json())
