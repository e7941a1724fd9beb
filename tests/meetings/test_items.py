"""Agenda items of every kind: standard items, decision and information items, questions
raised at the meeting, reports; § numbers in agenda order; tabling; granting more than asked."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlmodel import select

from states import meeting as spec
from states.application import State
from tests.api.helpers import problem_fields
from tests.meetings.conftest import YEAR
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.models import AgendaItem, Decision
from workflow.operations import meetings, protocols
from workflow.rules import meetings as meetings_rules

SMALL = [{"year": YEAR, "amount_sek": 150_000}]


def _items(session, meeting) -> list[AgendaItem]:
    session.expire_all()
    return meetings_rules.items_of(session, meeting)


def _paragraphs(session, meeting) -> list[tuple[str, int | None]]:
    return [(e.title, e.paragraph) for e in meetings_rules.agenda(session, meeting)]


def _add(session, world, meeting, kind="decision", title="Budget 2027", **kw):
    by = kw.pop("by", None) or world.users["officer"]
    item = meetings.add_item(session, meeting, meetings.ItemIn(kind, title, **kw), by=by)
    session.commit()
    return item


def test_a_new_meeting_has_the_standard_items_and_new_items_go_before_the_closing(
    session, world, plan, place, proposed
):
    meeting = plan()
    keys = [i.standard for i in _items(session, meeting)]
    assert keys == list(spec.STANDARD_KEYS)
    app = proposed(title="Unga till arbete")
    place(meeting, app)
    _add(session, world, meeting, title="Verksamhetsplan 2027", proposal="Att fastställa planen.")
    kinds = [(i.kind, i.standard) for i in _items(session, meeting)]
    assert kinds[-1] == (spec.STANDARD_ITEM, "closing")
    assert kinds[4:6] == [(spec.APPLICATION_ITEM, None), (spec.DECISION_ITEM, None)]
    # Nothing is numbered before the meeting opens.
    assert {p for _, p in _paragraphs(session, meeting)} == {None}


def test_paragraphs_follow_the_agenda_not_the_order_of_recording(
    session, world, board, budgets, plan, place, proposed, make_application, attend, step, decide
):
    """Wrong 2: a delegation report placed first gets the lower § and is printed first."""
    small = make_application(state=State.PREPARED, budget=SMALL)
    meetings.decide_delegated(
        session,
        small,
        by=world.users["officer"],
        outcome="approve",
        amounts=[meetings.AmountIn(YEAR, 150_000)],
    )
    session.commit()
    meeting = plan()
    app = proposed(title="Unga till arbete")
    place(meeting, app)
    items = _items(session, meeting)
    report = next(i for i in items if i.kind == spec.REPORT_ITEM)
    application = next(i for i in items if i.kind == spec.APPLICATION_ITEM)
    order = [i.id for i in items if i.id not in (report.id, application.id)]
    order[4:4] = [report.id, application.id]  # the report first, right after the standard items
    meetings.reorder_items(session, meeting, order, by=world.users["officer"])
    session.commit()
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    decide(meeting, app)  # the application decided first, the report noted at the close
    step(meeting, "close")
    session.expire_all()
    numbered = [(i.kind, i.paragraph) for i in _items(session, meeting)]
    assert [p for _, p in numbered] == sorted(p for _, p in numbered)
    by_kind = dict(numbered)
    assert by_kind[spec.REPORT_ITEM] < by_kind[spec.APPLICATION_ITEM]
    decision = session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).one()
    assert decision.paragraph == by_kind[spec.APPLICATION_ITEM]
    protocol = protocols.build(session, meeting)
    assert [p.number for p in protocol.items] == sorted(p.number for p in protocol.items)
    assert protocol.paragraphs == {"first": 1, "last": len(numbered)}


def test_decision_information_and_a_question_raised_at_the_meeting(
    session, world, board, plan, attend, step
):
    meeting = plan()
    budget = _add(
        session,
        world,
        meeting,
        title="Budget 2027",
        proposal="Att fastställa budgeten.",
        diary_number="SVB 2026/14",
    )
    info = _add(
        session,
        world,
        meeting,
        kind="information",
        title="Nationella rådet",
        proposal="Förbundschefen informerar om rådets nya rekommendationer.",
    )
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    chair = world.users["chair"]
    with pytest.raises(Forbidden):  # at the meeting only the board (the chair) adds items
        _add(session, world, meeting, kind="other", title="Lokalfrågan")
    session.rollback()
    raised = _add(session, world, meeting, kind="other", title="Lokalfrågan", by=chair)
    assert raised.added_at_meeting
    with pytest.raises(ValidationFailed) as refused:
        meetings.decide_item(session, meeting, budget.id, "  ", by=chair)
    assert [p.field for p in refused.value.problems] == ["text"]
    session.rollback()
    meetings.decide_item(session, meeting, budget.id, "Styrelsen fastställer budgeten.", by=chair)
    meetings.decide_item(session, meeting, raised.id, "Kansliet utreder lokalfrågan.", by=chair)
    session.commit()
    step(meeting, "close")
    session.expire_all()
    items = _items(session, meeting)
    # The question raised at the meeting took § 8 at first; now the §§ follow the agenda again.
    assert [i.paragraph for i in items] == list(range(1, len(items) + 1))
    assert [i.title for i in items][-2:] == ["Lokalfrågan", "Mötets avslutande"]
    assert {i.state for i in items} == {spec.ItemState.DECIDED}
    texts = {p.title: p.decision_text for p in protocols.build(session, meeting).items}
    assert texts["Nationella rådet"] == "Styrelsen noterar informationen."
    assert texts["Budget 2027"] == "Styrelsen fastställer budgeten."
    assert "med tillägg av följande ärenden: ”Lokalfrågan”" in texts["Godkännande av dagordningen"]
    assert info.id in {i.id for i in items}


def test_an_undecided_item_is_tabled_before_signing_and_keeps_its_paragraph(
    session, world, board, plan, attend, step
):
    meeting = plan()
    item = _add(session, world, meeting, title="Attestordning 2027", proposal="Att fastställa.")
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open", justerare_id=world.users["board"].id)
    step(meeting, "close")
    protocols.sign_as_justerare(session, meeting, by=world.users["board"])
    session.commit()
    with pytest.raises(ValidationFailed) as refused:
        step(meeting, "sign")
    assert [p.field for p in refused.value.problems] == ["agenda"]
    session.rollback()
    meetings.remove_item(session, meeting, item.id, by=world.users["officer"])
    session.commit()
    step(meeting, "sign")
    session.expire_all()
    kept = session.get(AgendaItem, item.id)
    assert kept.state == spec.ItemState.TABLED
    assert kept.paragraph is not None
    paragraph = next(p for p in protocols.build(session, meeting).items if p.item_id == item.id)
    assert paragraph.tabled
    assert "bordlägga" in paragraph.decision_text


def test_granting_more_than_applied_for_needs_a_reason_printed_in_the_paragraph(
    session, world, held, decide
):
    """Wrong 8."""
    meeting, (app,) = held()
    more = [meetings.AmountIn(a.year, a.amount_sek + 100_000) for a in app.budget_lines]
    with pytest.raises(ValidationFailed) as refused:
        decide(meeting, app, amounts=more)
    assert "excess_reason" in [p.field for p in refused.value.problems]
    session.rollback()
    decision = decide(meeting, app, amounts=more, excess_reason="Fler deltagare än beräknat.")
    assert decision.excess_reason == "Fler deltagare än beräknat."
    paragraph = next(
        p for p in protocols.build(session, meeting).items if p.decision_id == decision.id
    )
    assert "med följande motivering: Fler deltagare än beräknat." in paragraph.excess_reason
    assert "mer än de" in paragraph.excess_reason


def test_the_items_api(api, bearer, world, board, plan, attend, step, session):
    meeting = plan()
    base = f"/api/v1/meetings/{meeting.id}"
    created = api.post(
        f"{base}/items",
        token=bearer("officer"),
        json={
            "kind": "decision",
            "title": "Budget 2027",
            "proposal": "Att fastställa.",
            "diary_number": "SVB 2026/14",
        },
    )
    assert created.status_code == 201
    item = created.get_json()
    assert (item["kind"], item["item_state"], item["paragraph"]) == ("decision", "listed", None)
    bad = api.post(
        f"{base}/items", token=bearer("officer"), json={"kind": "standard", "title": "x"}
    )
    assert bad.status_code == 422
    blank = api.post(f"{base}/items", token=bearer("officer"), json={"kind": "other", "title": " "})
    assert blank.status_code == 422
    assert problem_fields(blank) == ["title"]
    assert (
        api.post(
            f"{base}/items", token=bearer("chair"), json={"kind": "other", "title": "Före mötet"}
        ).status_code
        == 403
    )
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    agenda = api.get(base, token=bearer("board")).get_json()["agenda"]
    assert [a["kind"] for a in agenda] == ["standard"] * 4 + ["decision", "standard"]
    assert [a["paragraph"] for a in agenda] == [1, 2, 3, 4, 5, 6]
    missing = api.post(f"{base}/items/{item['id']}/decision", token=bearer("chair"), json={})
    assert missing.status_code == 422
    assert problem_fields(missing) == ["text"]
    assert (
        api.post(
            f"{base}/items/{item['id']}/decision", token=bearer("officer"), json={"text": "Ja."}
        ).status_code
        == 403
    )
    decided = api.post(
        f"{base}/items/{item['id']}/decision",
        token=bearer("chair"),
        json={"text": "Styrelsen fastställer budgeten."},
    )
    assert decided.status_code == 201
    assert (decided.get_json()["paragraph"], decided.get_json()["item_state"]) == (5, "decided")
    raised = api.post(
        f"{base}/items", token=bearer("chair"), json={"kind": "other", "title": "Lokalfrågan"}
    )
    assert raised.status_code == 201
    assert (raised.get_json()["paragraph"], raised.get_json()["added_at_meeting"]) == (7, True)
    tabled = api.post(f"{base}/items/{raised.get_json()['id']}/table", token=bearer("chair"))
    assert tabled.status_code == 201
    assert tabled.get_json()["item_state"] == "tabled"
    step(meeting, "close")
    closed = api.get(base, token=bearer("board")).get_json()["agenda"]
    assert [(a["title"], a["paragraph"]) for a in closed][-3:] == [
        ("Budget 2027", 5),
        ("Lokalfrågan", 6),
        ("Mötets avslutande", 7),
    ]
    protocol = api.get(f"{base}/protocol", token=bearer("board")).get_json()
    assert [p["number"] for p in protocol["items"]] == [1, 2, 3, 4, 5, 6, 7]


def test_the_agenda_and_meeting_pages_add_and_decide_items(
    client, post, sign_in, world, board, plan, attend, step, session
):
    meeting = plan()
    sign_in("officer")
    refused = post(
        f"/meetings/{meeting.id}/items",
        {"kind": "decision", "title": "", "proposal": "Att fastställa planen."},
    )
    assert refused.status_code == 422
    assert "Give the item a title." in refused.get_data(as_text=True)
    assert "Att fastställa planen." in refused.get_data(as_text=True)  # the input is kept
    added = post(
        f"/meetings/{meeting.id}/items",
        {"kind": "decision", "title": "Verksamhetsplan 2027", "proposal": "Att fastställa planen."},
    )
    assert added.status_code == 303
    page = client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    assert "Verksamhetsplan 2027" in page
    assert "Mötets avslutande" in page
    item = next(i for i in _items(session, meeting) if i.title == "Verksamhetsplan 2027")
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    sign_in("chair")
    shown = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'id="own-{item.id}"' in shown
    assert "Att fastställa planen." in shown
    empty = post(f"/meetings/{meeting.id}/items/{item.id}/decision", {f"own-{item.id}-text": ""})
    assert empty.status_code == 422
    done = post(
        f"/meetings/{meeting.id}/items/{item.id}/decision",
        {f"own-{item.id}-text": "Styrelsen fastställer verksamhetsplanen."},
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(AgendaItem, item.id).decision_text == (
        "Styrelsen fastställer verksamhetsplanen."
    )


def test_the_protocol_pdf_lists_every_paragraph_in_agenda_order(
    session, world, board, budgets, plan, place, proposed, attend, step, decide, client, sign_in
):
    meeting = plan()
    first, second = proposed(title="Insats Ett"), proposed(title="Insats Två")
    place(meeting, second, first)
    _add(session, world, meeting, kind="information", title="Rapport från kansliet")
    attend(meeting, present=list(board.ledamot.values()))
    step(meeting, "open")
    decide(meeting, first)  # recorded before the item above it
    decide(meeting, second, outcome="reject")
    step(meeting, "close")
    sign_in("board")
    response = client.get(f"/meetings/{meeting.id}/protocol.pdf")
    assert response.status_code == 200
    # pdftotext (poppler-utils, installed by `make install`) reads the PDF as a reader would.
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    text = subprocess.run(  # noqa: S603 - a fixed program on the test's own PDF
        [pdftotext, "-layout", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    order = [
        "Mötets öppnande",
        "Insats Två",
        "Insats Ett",
        "Rapport från kansliet",
        "Mötets avslutande",
    ]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)
    numbers = [int(n) for n in re.findall(r"^\s*§ (\d+) ", text, flags=re.MULTILINE)]
    assert numbers == sorted(numbers)
    assert len(numbers) == 8


def test_a_reported_decision_and_a_tabled_application_cannot_be_decided_again(
    session, world, held, step
):
    meeting, (app,) = held()
    step(meeting, "close")
    meetings.remove_from_agenda(session, meeting, app.id, by=world.users["officer"])
    session.commit()
    session.expire_all()
    item = meetings_rules.item_for(session, meeting, app.id)
    assert item is not None
    assert item.state == spec.ItemState.TABLED
    assert item.paragraph is not None
    with pytest.raises(Conflict):
        meetings.remove_from_agenda(session, meeting, app.id, by=world.users["officer"])


def test_granting_more_than_applied_for_over_the_api(api, bearer, held):
    """Wrong 8 through the API: refused without a reason, printed in the protocol with one."""
    meeting, (app,) = held()
    url = f"/api/v1/meetings/{meeting.id}/decisions"
    more = [{"year": a.year, "amount_sek": a.amount_sek + 50_000} for a in app.budget_lines]
    body = {"application_id": app.id, "outcome": "approve", "amounts": more}
    refused = api.post(url, token=bearer("chair"), json=body)
    assert refused.status_code == 422
    assert "excess_reason" in problem_fields(refused)
    body["excess_reason"] = "Styrelsen vill att insatsen når även Habo."
    decided = api.post(url, token=bearer("chair"), json=body)
    assert decided.status_code == 201, decided.get_json()
    assert decided.get_json()["excess_reason"] == body["excess_reason"]
    protocol = api.get(f"/api/v1/meetings/{meeting.id}/protocol", token=bearer("board"))
    (paragraph,) = [p for p in protocol.get_json()["items"] if p["kind"] == "application"]
    assert body["excess_reason"] in paragraph["excess_reason"]
