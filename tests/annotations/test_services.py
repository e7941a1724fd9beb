"""The annotation service: who reads what, who may write, quotes, carry-over, audit."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from states.application import State
from tests import factories
from tests.annotations.helpers import INTERNAL_BODY, SHARED_BODY
from workflow import audit
from workflow.errors import Conflict, Forbidden, NotFound, ValidationFailed
from workflow.models import Annotation, AuditEvent
from workflow.operations import annotations
from workflow.operations.annotations import Access
from workflow.rules import beredning as beredning_rules


@pytest.mark.parametrize(
    ("viewer", "before_prepared", "from_prepared"),
    [
        ("preparer", Access.ALL, Access.ALL),
        ("officer", Access.ALL, Access.ALL),
        ("auditor", Access.ALL, Access.ALL),
        ("board", Access.NONE, Access.ALL),
        ("chair", Access.NONE, Access.ALL),
        ("applicant", Access.SHARED, Access.SHARED),
        ("other_applicant", Access.NONE, Access.NONE),
        ("outsider", Access.NONE, Access.NONE),
        ("outsider_applicant", Access.NONE, Access.NONE),
        ("admin", Access.NONE, Access.NONE),
    ],
)
def test_who_reads_which_annotations(
    world, make_application, viewer, before_prepared, from_prepared
):
    user = world.users[viewer]
    assert annotations.access(user, make_application(state=State.IN_PREPARATION)) is (
        before_prepared
    )
    assert annotations.access(user, make_application(state=State.PREPARED)) is from_prepared


def test_the_applicant_reads_shared_annotations_only(flow, session, world, in_preparation):
    app = in_preparation
    internal = flow.annotate(app)
    shared = flow.annotate(app, body=SHARED_BODY, shared_with_applicant=True)
    applicant, preparer = world.users["applicant"], world.users["preparer"]

    assert annotations.visible_annotations(session, applicant, app) == [shared]
    assert annotations.visible_annotations(session, preparer, app) == [internal, shared]
    assert not annotations.can_read_annotation(applicant, app, internal)
    assert annotations.can_read_annotation(applicant, app, shared)
    assert annotations.open_count(session, applicant, app) == 1
    assert annotations.open_count(session, preparer, app) == 2
    with pytest.raises(NotFound):
        annotations.load(session, app, internal.id, applicant)


def test_an_annotation_of_another_application_is_not_found(
    flow, session, world, in_preparation, make_application
):
    note = flow.annotate(in_preparation)
    other = make_application(state=State.SUBMITTED)
    with pytest.raises(NotFound):
        annotations.load(session, other, note.id, world.users["preparer"])


@pytest.mark.parametrize("author", ["preparer", "officer"])
def test_preparers_and_officers_annotate(flow, in_preparation, author):
    note = flow.annotate(in_preparation, author, section="goals", body="  Mätbart?  ")
    assert (note.section, note.body, note.version_number) == ("goals", "Mätbart?", 1)
    assert not note.shared_with_applicant
    assert not note.resolved


@pytest.mark.parametrize("author", ["applicant", "board", "chair", "auditor"])
def test_other_roles_may_not_annotate(flow, session, in_preparation, author):
    with pytest.raises(Forbidden):
        flow.annotate(in_preparation, author)
    session.rollback()
    assert session.exec(select(func.count()).select_from(Annotation)).one() == 0


def test_refusals_name_every_field_and_change_nothing(flow, session, in_preparation):
    with pytest.raises(ValidationFailed) as refused:
        flow.annotate(in_preparation, section="nonsense", body="  ", requests_completion=True)
    assert {p.field for p in refused.value.problems} == {"section", "body", "requests_completion"}
    session.rollback()
    assert session.exec(select(func.count()).select_from(Annotation)).one() == 0


def test_a_missing_version_is_not_found(flow, in_preparation):
    with pytest.raises(NotFound):
        flow.annotate(in_preparation, version_number=2)


def test_a_quote_must_stand_in_the_section_of_that_version(flow, in_preparation):
    # The plan reads "Kvartalsvis i Uppföljning Finsam; extern utvärdering år 2."
    note = flow.annotate(in_preparation, quote="Uppföljning\n  Finsam; extern")
    assert note.quote == "Uppföljning\n  Finsam; extern"
    goal = flow.annotate(in_preparation, section="goals", quote="till arbete eller studier")
    assert goal.quote == "till arbete eller studier"
    for section, quote in (
        ("follow_up_plan", "Månadsvis"),
        ("gender_equality_plan", "Kvartalsvis"),  # right words, wrong section
    ):
        with pytest.raises(ValidationFailed) as refused:
            flow.annotate(in_preparation, section=section, quote=quote)
        assert [p.field for p in refused.value.problems] == ["quote"]
        flow.session.rollback()


def test_completion_requests_are_counted_until_resolved(flow, session, in_preparation):
    app = in_preparation
    flow.annotate(app)
    request = flow.annotate(
        app, body=SHARED_BODY, shared_with_applicant=True, requests_completion=True
    )
    assert beredning_rules.open_completion_requests(session, app) == 1
    flow.resolve(app, request)
    assert beredning_rules.open_completion_requests(session, app) == 0


def test_resolve_reopen_and_a_stale_version(flow, session, world, in_preparation):
    app = in_preparation
    note = flow.annotate(app)
    officer = world.users["officer"]
    annotations.set_resolved(session, app, note, by=officer, resolved=True, expected_version=1)
    session.commit()
    assert (note.resolved, note.resolved_by_id, note.version) == (True, officer.id, 2)
    assert note.resolved_at is not None
    # Asking for what already holds changes nothing.
    annotations.set_resolved(session, app, note, by=officer, resolved=True)
    session.commit()
    assert note.version == 2
    with pytest.raises(Conflict) as stale:
        annotations.set_resolved(session, app, note, by=officer, resolved=False, expected_version=1)
    assert stale.value.code == "stale_version"
    annotations.set_resolved(session, app, note, by=officer, resolved=False, expected_version=2)
    session.commit()
    assert (note.resolved, note.resolved_at, note.resolved_by_id) == (False, None, None)


@pytest.mark.parametrize(
    ("who", "shared", "error"),
    [
        ("applicant", False, NotFound),
        ("applicant", True, None),
        ("board", False, Forbidden),
        ("auditor", True, Forbidden),
        ("officer", False, None),
    ],
)
def test_who_may_reply(flow, session, world, in_preparation, who, shared, error):
    app = in_preparation
    if who in ("board", "auditor"):
        factories.take_step(session, world, app, "recommend")  # so the board reads it too
        session.commit()
    note = flow.annotate(app, shared_with_applicant=shared)
    if error is None:
        flow.reply(app, note, who, "Svar i tråden.")
        assert [r.body for r in note.replies] == ["Svar i tråden."]
    else:
        with pytest.raises(error):
            flow.reply(app, note, who, "Svar i tråden.")
        session.rollback()
        assert note.replies == []


def test_only_the_beredning_resolves(flow, session, world, in_preparation):
    app = in_preparation
    note = flow.annotate(app, shared_with_applicant=True)
    with pytest.raises(Forbidden):
        annotations.set_resolved(session, app, note, by=world.users["applicant"], resolved=True)
    hidden = flow.annotate(app)
    with pytest.raises(NotFound):
        annotations.set_resolved(session, app, hidden, by=world.users["applicant"], resolved=True)


def test_open_annotations_carry_over_to_a_resubmitted_version(flow, session, world, in_preparation):
    app = in_preparation
    on_plan = flow.annotate(app, section="follow_up_plan")
    on_goals = flow.annotate(app, section="goals", shared_with_applicant=True)
    settled = flow.annotate(app, section="budget")
    flow.resolve(app, settled)

    flow.resubmit(app, follow_up_plan="Månadsvis i Uppföljning Finsam; extern utvärdering år 2.")

    assert app.state == State.SUBMITTED
    assert session.exec(select(func.count()).select_from(Annotation)).one() == 3  # no copies
    preparer = world.users["preparer"]
    shown = annotations.threads(
        session, preparer, app, annotations.visible_annotations(session, preparer, app)
    )
    marks = {t.annotation.id: (t.changed_since, t.newest_version) for t in shown}
    assert marks == {on_plan.id: (True, 2), on_goals.id: (False, 2), settled.id: (False, 2)}
    assert {t.annotation.version_number for t in shown} == {1}
    # What the applicant reads of it: the shared one, unchanged section.
    applicant = world.users["applicant"]
    seen = annotations.threads(
        session, applicant, app, annotations.visible_annotations(session, applicant, app)
    )
    assert [(t.annotation.id, t.changed_since) for t in seen] == [(on_goals.id, False)]
    # A new annotation goes on the newest version by default.
    assert flow.annotate(app, section="goals").version_number == 2


def test_every_change_is_audited_without_its_text(flow, session, world, in_preparation):
    app = in_preparation
    note = flow.annotate(app, body=INTERNAL_BODY)
    flow.reply(app, note, "officer", "Ett internt svar.")
    flow.resolve(app, note)
    annotations.set_resolved(session, app, note, by=world.users["officer"], resolved=False)
    session.commit()

    events = session.exec(
        select(AuditEvent).where(AuditEvent.entity_type == "annotation").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "reply", "resolve", "reopen"]
    assert {e.entity_id for e in events} == {note.id}
    assert {e.chain_id for e in events} == {app.association_id}
    assert events[0].data["section"] == "follow_up_plan"
    assert events[1].data["reply_id"] == note.replies[0].id
    for event in events:
        assert INTERNAL_BODY not in str(event.data)
        assert "Ett internt svar." not in str(event.data)
    assert audit.verify(session).ok


def test_a_partner_members_applicant_reads_no_annotations(flow, session, world, in_preparation):
    # The application names Försäkringskassan as a partner; its applicant may see the
    # application (to endorse it) but the beredning's notes belong to the lead member.
    partner = factories.user(
        session, world.association, "applicant", world.members["fk"], email="fk@example.se"
    )
    session.commit()
    app = in_preparation
    shared = flow.annotate(app, shared_with_applicant=True)
    assert annotations.access(partner, app) is Access.NONE
    assert annotations.visible_annotations(session, partner, app) == []
    assert annotations.open_count(session, partner, app) == 0
    assert not annotations.can_read_annotation(partner, app, shared)
    with pytest.raises(NotFound):
        annotations.reply(session, app, shared, by=partner, body="x")
