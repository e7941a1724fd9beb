"""Annotations on the application page: forms, threads, and what the applicant never sees."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from tests import factories
from tests.annotations.helpers import INTERNAL_BODY, SHARED_BODY
from tests.web.conftest import text
from workflow.models import Annotation, AnnotationReply


def _show(app) -> str:
    return f"/applications/{app.id}"


def _count(session, model) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


def _annotate_forms(html: str, app) -> int:
    return html.count(f'action="/applications/{app.id}/annotations"')


def test_preparers_annotate_beside_each_section(client, session, sign_in, post, in_preparation):
    app = in_preparation
    sign_in("preparer")
    page = text(client.get(_show(app)))
    # One form per section on the page: basics ... steering group (LIV is not filled in).
    assert _annotate_forms(page, app) == 10
    assert 'name="section" value="goals"' in page
    assert 'id="open-annotations">0<' in page

    response = post(
        f"/applications/{app.id}/annotations",
        {
            "section": "goals",
            "version": "1",
            "quote": "till arbete eller studier",
            "body": SHARED_BODY,
            "shared_with_applicant": "y",
            "requests_completion": "y",
        },
        from_page=_show(app),
    )
    assert response.status_code == 303
    note = session.exec(select(Annotation)).one()
    assert response.location.endswith(f"/applications/{app.id}#annotation-{note.id}")
    assert (note.section, note.shared_with_applicant, note.requests_completion) == (
        "goals",
        True,
        True,
    )
    page = text(client.get(_show(app)))
    thread = page[page.index(f'id="annotation-{note.id}"') :]
    assert SHARED_BODY in thread
    assert "Shared with the applicant" in thread
    assert "Asks for completion" in thread
    assert "till arbete eller studier" in thread
    assert 'id="open-annotations">1<' in page


def test_the_applicant_never_sees_an_internal_annotation(
    client, flow, sign_in, post, in_preparation
):
    app = in_preparation
    internal = flow.annotate(app, section="follow_up_plan", body=INTERNAL_BODY)
    flow.reply(app, internal, "officer", "INTERNT SVAR om kommunen")
    shared = flow.annotate(
        app, section="follow_up_plan", body=SHARED_BODY, shared_with_applicant=True
    )
    settled = flow.annotate(app, section="goals", body="INTERNT och löst")
    flow.resolve(app, settled)

    sign_in("applicant")
    page = text(client.get(_show(app)))
    assert "INTERNT" not in page
    assert SHARED_BODY in page
    assert 'id="open-annotations">1<' in page
    assert "1 open annotation<" in page
    assert "resolved annotation" not in page
    assert _annotate_forms(page, app) == 0
    assert f'/annotations/{shared.id}/replies"' in page
    assert f"annotation-{internal.id}" not in page
    assert "Mark as resolved" not in page

    thread_url = f"/applications/{app.id}/annotations"
    assert client.get(f"{thread_url}/{internal.id}").status_code == 404
    assert "INTERNT" not in text(client.get(f"{thread_url}/{shared.id}"))
    assert client.get(f"{thread_url}/new?section=goals").status_code == 403
    refused = post(f"{thread_url}/{internal.id}/replies", {"body": "?"}, from_page=_show(app))
    assert refused.status_code == 404
    answered = post(
        f"{thread_url}/{shared.id}/replies", {"body": "Vi kompletterar."}, from_page=_show(app)
    )
    assert answered.status_code == 303
    page = text(client.get(_show(app)))
    assert "Vi kompletterar." in page
    assert "INTERNT" not in page


def test_the_preparer_sees_both_and_the_counts(client, flow, sign_in, in_preparation):
    app = in_preparation
    flow.annotate(app, section="follow_up_plan", body=INTERNAL_BODY)
    flow.annotate(app, section="follow_up_plan", body=SHARED_BODY, shared_with_applicant=True)
    sign_in("preparer")
    page = text(client.get(_show(app)))
    assert INTERNAL_BODY in page
    assert "Internal to the preparation" in page
    assert "2 open annotations<" in page
    assert 'id="open-annotations">2<' in page
    assert "The applicant can read this reply." in page
    assert "Internal: the applicant never sees this thread." in page


@pytest.mark.parametrize("viewer", ["board", "chair"])
def test_the_board_reads_annotations_from_prepared_on(
    client, flow, session, world, sign_in, in_preparation, viewer
):
    app = in_preparation
    flow.annotate(app, body=INTERNAL_BODY)
    sign_in(viewer)
    assert INTERNAL_BODY not in text(client.get(_show(app)))
    factories.take_step(session, world, app, "recommend")
    session.commit()
    page = text(client.get(_show(app)))
    assert INTERNAL_BODY in page
    assert _annotate_forms(page, app) == 0
    assert "Mark as resolved" not in page
    assert "/replies" not in page


def test_the_auditor_reads_everything_and_changes_nothing(
    client, flow, sign_in, post, in_preparation
):
    app = in_preparation
    note = flow.annotate(app, body=INTERNAL_BODY)
    sign_in("auditor")
    page = text(client.get(_show(app)))
    assert INTERNAL_BODY in page
    assert _annotate_forms(page, app) == 0
    assert "/replies" not in page
    assert "Mark as resolved" not in page
    base = f"/applications/{app.id}/annotations"
    assert post(base, {"section": "goals", "body": "x"}, from_page=_show(app)).status_code == 403
    assert post(f"{base}/{note.id}/replies", {"body": "x"}, from_page=_show(app)).status_code == 403
    resolve = {"resolved": "true", "expected_version": "1"}
    assert post(f"{base}/{note.id}/resolution", resolve, from_page=_show(app)).status_code == 403


def test_a_refused_annotation_keeps_what_was_typed(client, session, sign_in, post, in_preparation):
    app = in_preparation
    sign_in("preparer")
    url = f"/applications/{app.id}/annotations"
    response = post(
        url,
        {"section": "follow_up_plan", "version": "1", "quote": "finns inte", "body": " "},
        from_page=_show(app),
    )
    assert response.status_code == 422
    page = text(response)
    assert 'class="error-summary"' in page
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="body"', page) or re.search(
        r'<textarea[^>]*name="body"[^>]*aria-invalid="true"', page
    )
    assert 'aria-describedby="body-error"' in page
    assert "Write something." in page
    assert re.search(r">\s*finns inte</textarea>", page)
    assert '<option selected value="follow_up_plan">' in page

    response = post(
        url,
        {
            "section": "follow_up_plan",
            "version": "1",
            "quote": "finns inte",
            "body": "En anteckning",
            "requests_completion": "y",
        },
        from_page=_show(app),
    )
    assert response.status_code == 422
    page = text(response)
    assert "does not occur in this section of version 1" in page
    assert "Only an annotation shared with the applicant can ask for completion." in page
    assert 'aria-describedby="quote-hint quote-error"' in page
    assert re.search(r">\s*En anteckning</textarea>", page)
    assert 'id="requests_completion" name="requests_completion" type="checkbox" value="y"' in page
    assert _count(session, Annotation) == 0


def test_the_full_form_offers_every_version_and_section(client, flow, sign_in, in_preparation):
    app = in_preparation
    flow.resubmit(app, follow_up_plan="Ny plan för uppföljning.")
    sign_in("officer")
    page = text(client.get(f"/applications/{app.id}/annotations/new?section=budget"))
    assert '<option selected value="budget">' in page
    assert '<option selected value="2">Version 2</option>' in page
    assert '<option value="1">Version 1</option>' in page


def test_annotating_an_older_version(client, session, sign_in, post, flow, in_preparation):
    app = in_preparation
    flow.resubmit(app, follow_up_plan="Ny plan för uppföljning.")
    sign_in("preparer")
    response = post(
        f"/applications/{app.id}/annotations",
        {"section": "follow_up_plan", "version": "1", "quote": "Kvartalsvis", "body": "Förr."},
        from_page=_show(app),
    )
    assert response.status_code == 303
    note = session.exec(select(Annotation)).one()
    assert note.version_number == 1
    page = text(client.get(_show(app)))
    thread = page[page.index(f'id="annotation-{note.id}"') :]
    assert "The section has changed since" in thread
    assert "the newest is 2" in thread
    missing = post(
        f"/applications/{app.id}/annotations",
        {"section": "goals", "version": "3", "body": "x"},
        from_page=_show(app),
    )
    assert missing.status_code == 404


def test_reply_resolve_and_reopen_on_the_page(client, session, flow, sign_in, post, in_preparation):
    app = in_preparation
    note = flow.annotate(app)
    sign_in("officer")
    base = f"/applications/{app.id}/annotations/{note.id}"
    empty = post(f"{base}/replies", {"body": ""}, from_page=_show(app))
    assert empty.status_code == 422
    assert "Write something." in text(empty)
    assert _count(session, AnnotationReply) == 0
    assert post(f"{base}/replies", {"body": "Håller med."}, from_page=_show(app)).status_code == 303

    resolved = post(
        f"{base}/resolution", {"resolved": "true", "expected_version": "1"}, from_page=_show(app)
    )
    assert resolved.status_code == 303
    page = text(client.get(_show(app)))
    assert "1 resolved annotation<" in page
    assert "0 open annotations<" in page
    assert "Reopen" in page
    stale = post(
        f"{base}/resolution", {"resolved": "false", "expected_version": "1"}, from_page=_show(app)
    )
    assert stale.status_code == 409
    session.expire_all()
    assert session.get(Annotation, note.id).resolved
    reopened = post(
        f"{base}/resolution", {"resolved": "false", "expected_version": "2"}, from_page=_show(app)
    )
    assert reopened.status_code == 303
    session.expire_all()
    assert not session.get(Annotation, note.id).resolved
    tampered = post(
        f"{base}/resolution", {"resolved": "maybe", "expected_version": "3"}, from_page=_show(app)
    )
    assert tampered.status_code == 422


def test_the_thread_page(client, flow, sign_in, in_preparation):
    app = in_preparation
    note = flow.annotate(app, quote="extern utvärdering", shared_with_applicant=True)
    flow.reply(app, note, "applicant", "Vi ser över det.")
    sign_in("preparer")
    page = text(client.get(f"/applications/{app.id}/annotations/{note.id}"))
    assert "Annotation on “Follow-up and evaluation plan”" in page
    assert "extern utvärdering" in page
    assert "Vi ser över det." in page
    assert 'aria-describedby="body-hint"' in page
    assert "Mark as resolved" in page
    assert client.get(f"/applications/{app.id}/annotations/999999").status_code == 404


def test_other_associations_get_404(client, flow, sign_in, post, in_preparation):
    app = in_preparation
    note = flow.annotate(app, shared_with_applicant=True)
    sign_in("outsider")
    base = f"/applications/{app.id}/annotations"
    assert client.get(f"{base}/new").status_code == 404
    assert client.get(f"{base}/{note.id}").status_code == 404
    assert post(base, {"section": "goals", "body": "x"}).status_code == 404
    assert post(f"{base}/{note.id}/replies", {"body": "x"}).status_code == 404


def test_a_nul_character_is_refused_not_stored(client, session, sign_in, post, in_preparation):
    app = in_preparation
    sign_in("preparer")
    response = post(
        f"/applications/{app.id}/annotations",
        {"section": "goals", "version": "1", "body": "a\x00b", "quote": "Andel\x00"},
        from_page=_show(app),
    )
    assert response.status_code == 422
    assert text(response).count("Must not contain the NUL character.") >= 2
    assert _count(session, Annotation) == 0
