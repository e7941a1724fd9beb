"""Random bodies and queries for the annotation endpoints: a documented answer, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from tests.api.test_fuzz import FUZZ, _bodies
from workflow.api.annotations import AnnotationCreate, AnnotationPatch, AnnotationQuery

CREATE_FIELDS = list(AnnotationCreate.model_fields)
PATCH_FIELDS = list(AnnotationPatch.model_fields)
QUERY_FIELDS = list(AnnotationQuery.model_fields)


@FUZZ
@given(body=_bodies(CREATE_FIELDS))
def test_random_annotation_bodies(api, token, in_preparation, body):
    url = f"/api/v1/applications/{in_preparation.id}/annotations"
    response = api.post(url, token=token("preparer"), json=body)
    assert response.status_code in (201, 404, 422), response.get_json()


@FUZZ
@given(patch=_bodies(PATCH_FIELDS), reply=_bodies(["body"]))
def test_random_patch_and_reply_bodies(api, token, flow, in_preparation, patch, reply):
    note = flow.annotate(in_preparation, shared_with_applicant=True)
    url = f"/api/v1/applications/{in_preparation.id}/annotations/{note.id}"
    patched = api.patch(url, token=token("officer"), json=patch)
    assert patched.status_code in (200, 409, 422), patched.get_json()
    replied = api.post(f"{url}/replies", token=token("applicant"), json=reply)
    assert replied.status_code in (201, 422), replied.get_json()


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(QUERY_FIELDS) | st.text(min_size=1, max_size=8),
        st.text(max_size=12) | st.sampled_from(["true", "false", "1", "0", "yes"]),
        max_size=3,
    )
)
def test_random_list_queries(api, token, in_preparation, query):
    url = f"/api/v1/applications/{in_preparation.id}/annotations?{urlencode(query)}"
    response = api.get(url, token=token("applicant"))
    assert response.status_code in (200, 422), response.get_json()
