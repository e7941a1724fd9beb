"""Shared insatser: the leading association's officers record who co-finances it, in percent."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.api.helpers import problem_fields
from workflow.models import AuditEvent
from workflow.models.shares import InsatsShare

PATH = "/api/v1/applications/{}/shares"


def _count(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(InsatsShare)).one()


def test_an_insats_nobody_shares_is_the_leads_alone(api, token, make_application):
    app = make_application(state="submitted")
    body = api.get(PATH.format(app.id), token=token("officer")).get_json()
    assert body == {
        "application_id": app.id,
        "shares": [
            {
                "association": "svb",
                "name": "Samordningsförbundet Södra Vätterbygden",
                "percent": 100,
                "lead": True,
            }
        ],
    }


def test_the_officer_records_a_co_financing_association(api, token, make_application, session):
    app = make_application(state="submitted")
    response = api.request(
        "PUT",
        PATH.format(app.id),
        token=token("officer"),
        json={"shares": [{"association": "hog", "percent": 36}]},
    )
    assert response.status_code == 200, response.get_json()
    shares = response.get_json()["shares"]
    assert [(s["association"], s["percent"], s["lead"]) for s in shares] == [
        ("svb", 64, True),
        ("hog", 36, False),
    ]
    # Readers of the application see the same; the change is in the audit log.
    assert api.get(PATH.format(app.id), token=token("board")).get_json()["shares"] == shares
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "set_shares")).one()
    assert event.data == {"before": {}, "after": {"hog": 36}}
    # Recording again replaces: an empty list leaves the insats to the lead alone.
    response = api.request("PUT", PATH.format(app.id), token=token("officer"), json={"shares": []})
    assert [s["percent"] for s in response.get_json()["shares"]] == [100]
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("shares", "field"),
    [
        ([{"association": "nowhere", "percent": 10}], "shares.0.association"),
        ([{"association": "svb", "percent": 10}], "shares.0.association"),
        (
            [{"association": "hog", "percent": 10}, {"association": "hog", "percent": 5}],
            "shares.1.association",
        ),
        ([{"association": "hog", "percent": 100}], "shares.0.percent"),
        ([{"association": "hog", "percent": 0}], "shares.0.percent"),
    ],
)
def test_bad_shares_are_refused_by_field_and_change_nothing(
    api, token, make_application, session, shares, field
):
    app = make_application(state="submitted")
    api.request(
        "PUT",
        PATH.format(app.id),
        token=token("officer"),
        json={"shares": [{"association": "hog", "percent": 20}]},
    )
    response = api.request(
        "PUT", PATH.format(app.id), token=token("officer"), json={"shares": shares}
    )
    assert response.status_code == 422
    assert field in problem_fields(response)
    assert _count(session) == 1


@pytest.mark.parametrize("who", ["applicant", "preparer", "board", "auditor", "outsider"])
def test_only_the_leading_associations_officers_record_shares(
    api, token, make_application, session, who
):
    app = make_application(state="submitted")
    response = api.request(
        "PUT",
        PATH.format(app.id),
        token=token(who),
        json={"shares": [{"association": "hog", "percent": 20}]},
    )
    assert response.status_code in (403, 404)
    assert _count(session) == 0


def test_a_draft_is_not_the_officers_yet(api, token, make_application, session):
    draft = make_application()
    response = api.request(
        "PUT",
        PATH.format(draft.id),
        token=token("officer"),
        json={"shares": [{"association": "hog", "percent": 20}]},
    )
    assert response.status_code == 404
    assert _count(session) == 0
