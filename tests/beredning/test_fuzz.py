"""Random bodies and queries on the beredning endpoints: a documented answer, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from states.application import State
from workflow.api.beredning import AssociationPatch, EndorsementIn
from workflow.api.queues import InboxQuery

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.text(max_size=30)
    | st.sampled_from(["endorse", "decline", "", " ", "\x00"])
)


def _bodies(names: list[str]) -> st.SearchStrategy[dict]:
    keys = st.sampled_from(names) | st.text(min_size=1, max_size=10)
    return st.dictionaries(keys, scalars, max_size=4)


@FUZZ
@given(body=_bodies(list(EndorsementIn.model_fields)), member=st.sampled_from(["fk", "habo"]))
def test_random_endorsement_bodies(api, bearer, world, partners, make_application, body, member):
    app = make_application(state=State.SUBMITTED)
    response = api.request(
        "PUT",
        f"/api/v1/applications/{app.id}/endorsements/{world.members[member].id}",
        token=bearer(partners["fk"]),
        json=body,
    )
    assert response.status_code in (200, 409, 422), response.get_json()


@FUZZ
@given(body=_bodies(list(AssociationPatch.model_fields)))
def test_random_association_settings(api, bearer, world, body):
    response = api.patch("/api/v1/associations/svb", token=bearer("officer"), json=body)
    assert response.status_code in (200, 409, 422), response.get_json()


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(list(InboxQuery.model_fields)) | st.text(min_size=1, max_size=8),
        st.text(max_size=12) | st.integers(min_value=-(2**40), max_value=2**40).map(str),
        max_size=3,
    ),
    queue=st.sampled_from(["inbox", "preparation"]),
)
def test_random_queue_queries(api, bearer, world, query, queue):
    response = api.get(
        f"/api/v1/associations/svb/queues/{queue}?{urlencode(query)}", token=bearer("officer")
    )
    assert response.status_code in (200, 422), response.get_json()
