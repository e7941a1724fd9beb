"""The annotation and version endpoints; every answer is checked against openapi.json."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from states.application import State
from tests import factories
from tests.annotations.helpers import INTERNAL_BODY, SHARED_BODY
from tests.api.helpers import error_code, problem_fields
from workflow.models import Annotation, AnnotationReply


def _url(app, *rest) -> str:
    return "/".join([f"/api/v1/applications/{app.id}", *map(str, rest)])


def _count(session, model) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


# --- annotate -------------------------------------------------------------------------------


@pytest.mark.parametrize("author", ["preparer", "officer"])
def test_preparers_and_officers_annotate(api, token, world, in_preparation, author):
    response = api.post(
        _url(in_preparation, "annotations"),
        token=token(author),
        json={
            "section": "follow_up_plan",
            "body": "Hur följs avbrott upp?",
            "quote": "extern utvärdering",
            "shared_with_applicant": True,
            "requests_completion": True,
        },
    )
    assert response.status_code == 201, response.get_json()
    note = response.get_json()
    assert note["section"] == "follow_up_plan"
    assert (note["version_number"], note["newest_version_number"]) == (1, 1)
    assert (note["shared_with_applicant"], note["requests_completion"]) == (True, True)
    assert note["author"] == {"id": world.users[author].id, "name": world.users[author].name}
    assert (note["resolved"], note["changed_since"], note["replies"]) == (False, False, [])


@pytest.mark.parametrize("caller", ["applicant", "board", "chair", "auditor"])
def test_other_roles_get_403(api, token, session, in_preparation, caller):
    response = api.post(
        _url(in_preparation, "annotations"),
        token=token(caller),
        json={"section": "goals", "body": "Nej."},
    )
    assert response.status_code == 403
    assert _count(session, Annotation) == 0


@pytest.mark.parametrize("caller", ["outsider", "other_applicant", "outsider_applicant"])
def test_callers_who_cannot_see_the_application_get_404(api, token, in_preparation, caller):
    response = api.post(
        _url(in_preparation, "annotations"),
        token=token(caller),
        json={"section": "goals", "body": "Nej."},
    )
    assert response.status_code == 404
    assert api.get(_url(in_preparation, "annotations"), token=token(caller)).status_code == 404


def test_refusals_name_the_field(api, token, session, in_preparation):
    url, preparer = _url(in_preparation, "annotations"), token("preparer")
    unknown = api.post(url, token=preparer, json={"section": "colour", "body": "x"})
    assert (unknown.status_code, problem_fields(unknown)) == (422, ["section"])
    quote = api.post(url, token=preparer, json={"section": "goals", "body": "x", "quote": "nope"})
    assert (quote.status_code, problem_fields(quote)) == (422, ["quote"])
    internal_request = api.post(
        url, token=preparer, json={"section": "goals", "body": "x", "requests_completion": True}
    )
    assert problem_fields(internal_request) == ["requests_completion"]
    empty = api.post(url, token=preparer, json={"section": "goals", "body": "   "})
    assert problem_fields(empty) == ["body"]
    missing = api.post(url, token=preparer, json={"section": "goals", "body": "x", "version": 7})
    assert (missing.status_code, error_code(missing)) == (404, "not_found")
    assert _count(session, Annotation) == 0


def test_a_version_of_another_application_is_404(
    api, token, flow, in_preparation, make_application
):
    other = make_application(state=State.SUBMITTED)
    flow.fire(other, "accept_for_preparation", "officer")
    flow.resubmit(other, follow_up_plan="Ny plan.")  # the other application has a version 2
    response = api.post(
        _url(in_preparation, "annotations"),
        token=token("preparer"),
        json={"section": "goals", "body": "x", "version": 2},
    )
    assert response.status_code == 404


# --- reading: the internal/shared boundary --------------------------------------------------


def test_the_applicant_never_receives_an_internal_annotation(api, token, flow, in_preparation):
    app = in_preparation
    internal = flow.annotate(app, body=INTERNAL_BODY)
    flow.reply(app, internal, "officer", "INTERNT SVAR om kommunen")
    shared = flow.annotate(app, section="goals", body=SHARED_BODY, shared_with_applicant=True)

    answer = api.get(_url(app, "annotations"), token=token("applicant"))
    assert answer.status_code == 200
    raw = answer.get_data(as_text=True)
    assert "INTERNT" not in raw
    assert [n["id"] for n in answer.get_json()["items"]] == [shared.id]
    assert answer.get_json()["total"] == 1
    for path in (_url(app, "annotations", internal.id), _url(app, "annotations", internal.id)):
        assert api.patch(path, token=token("applicant"), json={"resolved": True}).status_code == 404
    reply = api.post(
        _url(app, "annotations", internal.id, "replies"),
        token=token("applicant"),
        json={"body": "?"},
    )
    assert reply.status_code == 404

    everything = api.get(_url(app, "annotations"), token=token("preparer")).get_json()
    assert [n["id"] for n in everything["items"]] == [internal.id, shared.id]
    assert everything["items"][0]["replies"][0]["body"] == "INTERNT SVAR om kommunen"


def test_the_board_reads_annotations_from_prepared_on(
    api, token, flow, session, world, in_preparation
):
    app = in_preparation
    flow.annotate(app, body=INTERNAL_BODY)
    before = api.get(_url(app, "annotations"), token=token("board"))
    assert (before.status_code, before.get_json()["total"]) == (200, 0)
    factories.take_step(session, world, app, "recommend")
    session.commit()
    after = api.get(_url(app, "annotations"), token=token("board")).get_json()
    assert [n["body"] for n in after["items"]] == [INTERNAL_BODY]
    auditor = api.get(_url(app, "annotations"), token=token("auditor")).get_json()
    assert auditor["total"] == 1
    refused = api.patch(
        _url(app, "annotations", after["items"][0]["id"]),
        token=token("board"),
        json={"resolved": True},
    )
    assert refused.status_code == 403


def test_the_open_filter(api, token, flow, in_preparation):
    app = in_preparation
    settled = flow.annotate(app, section="budget")
    flow.resolve(app, settled)
    pending = flow.annotate(app, section="goals")
    url = _url(app, "annotations")
    only_open = api.get(f"{url}?open=true", token=token("preparer")).get_json()
    assert [n["id"] for n in only_open["items"]] == [pending.id]
    only_resolved = api.get(f"{url}?open=false", token=token("preparer")).get_json()
    assert [n["id"] for n in only_resolved["items"]] == [settled.id]
    assert only_resolved["items"][0]["resolved_by"]["id"] == flow.user("preparer").id
    bad = api.get(f"{url}?open=perhaps", token=token("preparer"))
    assert (bad.status_code, problem_fields(bad)) == (422, ["open"])


# --- replies, resolve and reopen ------------------------------------------------------------


def test_replies_build_a_thread(api, token, session, flow, in_preparation):
    app = in_preparation
    note = flow.annotate(app, body=SHARED_BODY, shared_with_applicant=True)
    url = _url(app, "annotations", note.id, "replies")
    first = api.post(url, token=token("officer"), json={"body": "Se även målen."})
    assert first.status_code == 201
    second = api.post(url, token=token("applicant"), json={"body": "Vi kompletterar."})
    assert second.status_code == 201
    replies = second.get_json()["replies"]
    assert [(r["author"]["id"], r["body"]) for r in replies] == [
        (flow.user("officer").id, "Se även målen."),
        (flow.user("applicant").id, "Vi kompletterar."),
    ]
    empty = api.post(url, token=token("officer"), json={"body": ""})
    assert (empty.status_code, problem_fields(empty)) == (422, ["body"])
    assert _count(session, AnnotationReply) == 2


def test_resolve_reopen_and_stale(api, token, flow, in_preparation):
    app = in_preparation
    note = flow.annotate(app)
    url = _url(app, "annotations", note.id)
    resolved = api.patch(
        url, token=token("officer"), json={"resolved": True, "expected_version": 1}
    )
    assert resolved.status_code == 200
    body = resolved.get_json()
    assert (body["resolved"], body["version"]) == (True, 2)
    assert body["resolved_by"]["id"] == flow.user("officer").id
    stale = api.patch(url, token=token("preparer"), json={"resolved": False, "expected_version": 1})
    assert (stale.status_code, error_code(stale)) == (409, "stale_version")
    reopened = api.patch(
        url, token=token("preparer"), json={"resolved": False, "expected_version": 2}
    )
    assert (reopened.status_code, reopened.get_json()["resolved"]) == (200, False)
    assert reopened.get_json()["resolved_at"] is None
    missing = api.patch(url, token=token("preparer"), json={})
    assert (missing.status_code, problem_fields(missing)) == (422, ["resolved"])
    absent = api.patch(
        _url(app, "annotations", 999999), token=token("preparer"), json={"resolved": True}
    )
    assert absent.status_code == 404


def test_the_applicant_may_not_resolve_a_shared_annotation(api, token, flow, in_preparation):
    note = flow.annotate(in_preparation, shared_with_applicant=True)
    response = api.patch(
        _url(in_preparation, "annotations", note.id),
        token=token("applicant"),
        json={"resolved": True},
    )
    assert response.status_code == 403


def test_carry_over_is_shown_after_a_resubmit(api, token, flow, in_preparation):
    app = in_preparation
    on_plan = flow.annotate(app, section="follow_up_plan", shared_with_applicant=True)
    on_goals = flow.annotate(app, section="goals", shared_with_applicant=True)
    flow.resubmit(app, follow_up_plan="Månadsvis uppföljning i Uppföljning Finsam.")
    items = api.get(_url(app, "annotations"), token=token("applicant")).get_json()["items"]
    marks = {
        n["id"]: (n["changed_since"], n["version_number"], n["newest_version_number"])
        for n in items
    }
    assert marks == {on_plan.id: (True, 1, 2), on_goals.id: (False, 1, 2)}


# --- versions -------------------------------------------------------------------------------


def test_versions_their_snapshots_and_the_diff(api, token, flow, in_preparation):
    app = in_preparation
    year = app.start_date.year
    flow.resubmit(
        app,
        follow_up_plan="Månadsvis i Uppföljning Finsam; extern utvärdering år 2.",
        end_date=date(year, 12, 31),
        budget=[{"year": year, "amount_sek": 1_200_000}],
    )
    listed = api.get(_url(app, "versions"), token=token("applicant")).get_json()
    assert [(v["number"], v["trigger"]) for v in listed["items"]] == [
        (1, "submit"),
        (2, "resubmit"),
    ]
    assert listed["items"][1]["created_by"]["id"] == flow.user("applicant").id

    second = api.get(_url(app, "versions", 2), token=token("preparer")).get_json()
    assert second["snapshot"]["follow_up_plan"].startswith("Månadsvis")
    assert len(second["snapshot"]["budget"]) == 1

    compared = api.get(_url(app, "versions", 1, "diff", 2), token=token("officer")).get_json()
    assert compared["changed_sections"] == ["period", "budget", "follow_up_plan"]
    sections = {s["section"]: s for s in compared["sections"]}
    plan = sections["follow_up_plan"]["fields"][0]
    assert plan["kind"] == "text"
    assert {"op": "delete", "text": "Kvartalsvis"} in plan["chunks"]
    assert {"op": "insert", "text": "Månadsvis"} in plan["chunks"]
    budget = sections["budget"]["fields"][0]
    assert [r["status"] for r in budget["rows"]] == ["changed", "removed"]
    assert budget["rows"][0]["changed_columns"] == ["amount_sek"]
    assert not sections["goals"]["changed"]


def test_unknown_versions_and_hidden_applications_are_404(api, token, in_preparation):
    app = in_preparation
    for path in (_url(app, "versions", 2), _url(app, "versions", 1, "diff", 3)):
        response = api.get(path, token=token("preparer"))
        assert (response.status_code, error_code(response)) == (404, "not_found")
    for caller in ("outsider", "other_applicant"):
        for path in (
            _url(app, "versions"),
            _url(app, "versions", 1),
            _url(app, "versions", 1, "diff", 1),
        ):
            assert api.get(path, token=token(caller)).status_code == 404
    assert api.get(_url(app, "versions", 0), token=token("preparer")).status_code == 404


def test_a_reply_does_not_make_the_callers_version_stale(api, token, flow, in_preparation):
    app = in_preparation
    note = flow.annotate(app)
    flow.reply(app, note, "officer", "Ett svar.")
    response = api.patch(
        _url(app, "annotations", note.id),
        token=token("preparer"),
        json={"resolved": True, "expected_version": 1},
    )
    assert (response.status_code, response.get_json()["version"]) == (200, 2)


def test_the_applicants_history_has_no_trace_of_annotations(api, token, flow, in_preparation):
    app = in_preparation
    note = flow.annotate(app, body=INTERNAL_BODY)
    flow.reply(app, note, "officer", "INTERNT SVAR")
    flow.resolve(app, note)
    history = api.get(_url(app, "history"), token=token("applicant"))
    assert history.status_code == 200
    actions = [e["action"] for e in history.get_json()["items"]]
    assert actions == ["create", "submit", "accept_for_preparation"]
    assert "INTERNT" not in history.get_data(as_text=True)
