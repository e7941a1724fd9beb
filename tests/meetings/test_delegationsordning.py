"""The delegationsordning: rows as data, the delegate's limit, ordförandebeslut, and editing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from states.application import State
from states.meeting import STANDARD_ITEM
from tests.meetings.conftest import YEAR
from tests.web.conftest import text
from workflow.errors import Forbidden
from workflow.i18n import Kronor
from workflow.models import Application, AuditEvent, Decision
from workflow.models.delegations import Delegation
from workflow.operations import delegations, meetings
from workflow.rules import meetings as meetings_rules
from workflow.rules.delegations import DelegationIn

SMALL = [{"year": YEAR, "amount_sek": 120_000}, {"year": YEAR + 1, "amount_sek": 60_000}]
ROWS = [
    {"matter": "grant", "delegate": "director", "limit_sek": 100_000, "report_to_board": True},
    {"matter": "urgent", "delegate": "chair", "limit_sek": 500_000, "report_to_board": True},
]


def _rows(session, world) -> list[tuple]:
    session.expire_all()
    return [
        (r.position, r.matter, r.delegate, r.limit_sek, r.report_to_board, r.note)
        for r in session.exec(
            select(Delegation)
            .where(Delegation.association_id == world.association.id)
            .order_by(Delegation.position)
        ).all()
    ]


def _set(session, world, rows=ROWS) -> None:
    delegations.replace(
        session,
        world.association,
        [DelegationIn(**r) for r in rows],
        by=world.users["officer"],
    )
    session.commit()


def _amounts() -> list[meetings.AmountIn]:
    return [meetings.AmountIn(line["year"], line["amount_sek"]) for line in SMALL]


@pytest.fixture
def small(make_application, budgets) -> Application:
    """A prepared application asking 180 000 SEK."""
    return make_application(state=State.PREPARED, budget=SMALL)


def test_a_new_association_starts_with_the_directors_row(session, world):
    assert _rows(session, world) == [(1, "grant", "director", 200_000, True, None)]


def test_the_directors_limit_comes_from_the_row(session, world, small):
    _set(session, world)
    with pytest.raises(Forbidden) as refused:
        meetings.decide_delegated(
            session, small, by=world.users["officer"], outcome="approve", amounts=_amounts()
        )
    assert refused.value.code == "above_delegation_limit"
    assert [p.field for p in refused.value.problems] == ["amounts"]
    message = str(refused.value.message)
    assert str(Kronor(180_000)) in message
    assert str(Kronor(100_000)) in message
    session.rollback()
    assert session.exec(select(Decision)).all() == []


def test_an_ordforandebeslut_where_a_row_allows_it_is_reported_to_the_board(
    session, world, small, plan
):
    _set(session, world)
    decision = meetings.decide_delegated(
        session, small, by=world.users["chair"], outcome="approve", amounts=_amounts()
    )
    session.commit()
    assert (decision.delegated, decision.delegate, decision.decided_by_id) == (
        True,
        "chair",
        world.users["chair"].id,
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "delegated_approve")).one()
    assert event.data["delegate"] == "chair"
    # Reported on the next agenda like the director's decisions.
    meeting = plan()
    session.expire_all()
    reports = [
        e.decision.id
        for e in meetings_rules.agenda(session, meeting)
        if e.item.kind == "delegation_report"
    ]
    assert reports == [decision.id]


def test_without_a_row_the_chair_has_no_mandate(session, world, small):
    with pytest.raises(Forbidden) as refused:
        meetings.decide_delegated(
            session, small, by=world.users["chair"], outcome="reject", reason="Brådskande."
        )
    assert refused.value.code == "no_delegation"


def test_a_row_not_reported_to_the_board_keeps_its_decisions_off_the_agenda(
    session, world, small, plan
):
    _set(session, world, [{**ROWS[0], "limit_sek": None, "report_to_board": False}])
    decision = meetings.decide_delegated(
        session, small, by=world.users["officer"], outcome="reject", reason="Utanför målgruppen."
    )
    session.commit()
    assert decision.report_to_board is False
    meeting = plan()
    session.expire_all()
    # Only the standard items of every protocol: no delegation report.
    kinds = {e.item.kind for e in meetings_rules.agenda(session, meeting)}
    assert kinds == {STANDARD_ITEM}


def test_the_officer_replaces_the_list_through_the_api(api, bearer, session, world):
    url = "/api/v1/associations/svb/delegations"
    assert api.get(url, token=bearer("board")).get_json()["items"][0]["limit_sek"] == 200_000
    body = {"items": [{**r, "note": None} for r in ROWS]}
    answer = api.request("PUT", url, token=bearer("officer"), json=body)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == body
    assert _rows(session, world) == [
        (1, "grant", "director", 100_000, True, None),
        (2, "urgent", "chair", 500_000, True, None),
    ]
    assert api.request("PUT", url, token=bearer("chair"), json=body).status_code == 403


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"matter": "party", "delegate": "director"}], "items.0.matter"),
        ([{"matter": "grant", "delegate": "mayor"}], "items.0.delegate"),
        ([{"matter": "grant", "delegate": "director", "limit_sek": -1}], "items.0.limit_sek"),
        ([{"matter": "grant", "delegate": "director", "limit_sek": "100"}], "items.0.limit_sek"),
        (
            [
                {"matter": "grant", "delegate": "director"},
                {"matter": "grant", "delegate": "director", "limit_sek": 5},
            ],
            "delegations.1.delegate",
        ),
    ],
)
def test_bad_input_through_the_api_changes_nothing(api, bearer, session, world, items, field):
    before = _rows(session, world)
    answer = api.request(
        "PUT",
        "/api/v1/associations/svb/delegations",
        token=bearer("officer"),
        json={"items": items},
    )
    assert answer.status_code == 422
    fields = [d["field"] for d in answer.get_json()["error"]["details"]]
    assert any(f.startswith(field) for f in fields), fields
    assert _rows(session, world) == before


def test_the_page_edits_the_list_and_keeps_bad_input(client, sign_in, post, session, world):
    url = "/admin/associations/svb/delegations"
    sign_in("officer")
    page = text(client.get(url))
    assert "Delegationsordning" in page
    form = {
        "rows-0-matter": "grant",
        "rows-0-delegate": "director",
        "rows-0-limit_sek": "150 000",
        "rows-0-report_to_board": "y",
        "rows-1-matter": "grant",
        "rows-1-delegate": "director",
        "rows-1-limit_sek": "mycket",
        "rows-2-matter": "",
    }
    refused = post(url, form, from_page=url)
    assert refused.status_code == 422
    assert "mycket" in text(refused)  # the input is kept
    assert _rows(session, world) == [(1, "grant", "director", 200_000, True, None)]
    twice = post(url, {**form, "rows-1-limit_sek": "5"}, from_page=url)
    assert twice.status_code == 422
    assert "earlier row" in text(twice)
    assert _rows(session, world) == [(1, "grant", "director", 200_000, True, None)]
    form.update({"rows-1-matter": "urgent", "rows-1-delegate": "chair", "rows-1-limit_sek": ""})
    done = post(url, form, from_page=url)
    assert done.status_code == 303
    assert _rows(session, world) == [
        (1, "grant", "director", 150_000, True, None),
        (2, "urgent", "chair", None, False, None),
    ]
    sign_in("board")
    assert post(url, form, from_page=url).status_code == 403
