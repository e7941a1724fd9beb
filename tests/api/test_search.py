"""The application list's search through the API: `?q=` on title or diary number."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from states.application import State
from tests.api.helpers import error_code
from workflow import limits


@pytest.fixture
def listed(make_application):
    """Two submitted applications about work, one about something else, and a draft."""
    return [
        make_application(title="Ungdomar i arbete", state=State.SUBMITTED),
        make_application(title="Hälsa och ARBETE", state=State.SUBMITTED),
        make_application(title="100% närvaro", state=State.SUBMITTED),
        make_application(title="Utkast om arbete"),
    ]


def test_the_api_list_takes_q(api, token, world, listed):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    answer = api.get(f"{url}?{urlencode({'q': ' arbete '})}", token=token("officer"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["total"] == 2
    assert {a["title"] for a in body["items"]} == {"Ungdomar i arbete", "Hälsa och ARBETE"}
    # Applicants find their own draft too.
    mine = api.get(f"{url}?q=utkast", token=token("applicant")).get_json()
    assert [a["title"] for a in mine["items"]] == ["Utkast om arbete"]


@pytest.mark.parametrize("q", ["", "   ", "x" * (limits.SEARCH_MAX + 1)])
def test_the_api_refuses_an_empty_or_too_long_q(api, token, world, listed, q):
    url = f"/api/v1/associations/{world.association.slug}/applications"
    answer = api.get(f"{url}?{urlencode({'q': q})}", token=token("officer"))
    assert answer.status_code == 422
    assert error_code(answer) == "validation_failed"
    assert "q" in answer.get_data(as_text=True)
