"""A full round of beredning by mail: who gets what, and no internal note ever leaves."""

from __future__ import annotations

from states.application import State
from workflow.models import Annotation, AnnotationReply, Application
from workflow.rules import versions as versions_rules

SECRET = "INTERNT-7731 budgeten verkar uppblåst"
SECRET_QUOTE = "HEMLIGT-CITAT-4410"
SECRET_REPLY = "INTERNT-SVAR-9912 håller med"
SHARED = "Beskriv uppföljningen per kvartal."


def _annotate(session, application, author, *, body, shared, quote=None):
    note = Annotation(
        association_id=application.association_id,
        application_id=application.id,
        version_number=versions_rules.latest_version_number(session, application),
        section="budget",
        quote=quote,
        body=body,
        shared_with_applicant=shared,
        author_id=author.id,
    )
    session.add(note)
    session.flush()
    return note


def test_a_full_round_mails_each_waiting_party_and_never_an_internal_note(
    smtp_app, smtp, session, people, make_application, fire, outbox
):
    application = make_application(state=State.DRAFT)
    app_id = application.id

    def step(trigger: str, who: str, **body) -> None:
        response = fire(app_id, trigger, who, **body)
        assert response.status_code == 200, (trigger, response.get_json())

    step("submit", "applicant")
    step("return_for_completion", "officer", reason="Bilagan om styrgruppen saknas.")
    step("resubmit", "applicant")
    step("accept_for_preparation", "officer")
    # The beredning writes notes: internal ones (with a reply) and one shared with the applicant.
    session.expire_all()
    application = session.get(Application, app_id)
    internal = _annotate(
        session, application, people["preparer"], body=SECRET, shared=False, quote=SECRET_QUOTE
    )
    session.add(
        AnnotationReply(
            annotation_id=internal.id, body=SECRET_REPLY, author_id=people["officer"].id
        )
    )
    _annotate(session, application, people["preparer"], body=SHARED, shared=True)
    session.commit()
    step("request_completion", "preparer", reason="Se kommentaren om uppföljning.")
    step("resubmit", "applicant", reason="Uppföljningen är beskriven.")
    step("accept_for_preparation", "officer")
    step("recommend", "preparer", recommendation="approve", motivation="Väl förankrad insats.")
    step("propose", "officer", proposal="Förbundschefen föreslår att styrelsen beviljar.")

    rows = outbox()
    events = [(row.event, row.to_email) for row in rows]
    applicants = ["applicant2@example.se", "applicant@example.se"]
    preparers = ["preparer2@example.se", "preparer@example.se"]
    officers = ["officer2@example.se", "officer@example.se"]
    assert events == [
        *(("submit", a) for a in applicants),
        *(("return_for_completion", a) for a in applicants),
        *(("resubmit", p) for p in preparers),
        *(("accept_for_preparation", p) for p in preparers),
        *(("request_completion", a) for a in applicants),
        *(("resubmit", p) for p in preparers),
        *(("accept_for_preparation", p) for p in preparers),
        *(("recommend", o) for o in officers),
    ]
    assert {row.status for row in rows} == {"sent"}
    assert len(smtp.received) == len(rows)

    # Not in any mail: not in what was sent, not in what the outbox keeps.
    texts = [r.body + r.message["Subject"] for r in smtp.received]
    texts += [row.body + row.subject for row in rows]
    for text in texts:
        for secret in (SECRET, SECRET_QUOTE, SECRET_REPLY, "INTERNT", "HEMLIGT"):
            assert secret not in text
    # The applicants' mail carries the step's reason and a link, and nothing of the notes.
    to_applicants = [r for r in smtp.received if r.message["Subject"].startswith("Komplettering")]
    assert len(to_applicants) == 2
    for received in to_applicants:
        assert "Se kommentaren om uppföljning." in received.body
        assert SHARED not in received.body
        assert f"/applications/{app_id}\n" in received.body
