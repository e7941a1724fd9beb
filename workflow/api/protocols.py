"""Protocols: the minutes as JSON and PDF, the justerare's signature, the notice, extracts."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import Response
from pydantic import Field

from workflow import http
from workflow.api.applications import APPLICATION_PATH as APPLICATION
from workflow.api.meetings import MEETING_PATH as MEETING
from workflow.api.meetings import MeetingStateName
from workflow.api.registry import ID, route
from workflow.api.schemas import Out
from workflow.extensions import db
from workflow.models import User
from workflow.operations import applications, meetings, protocols
from workflow.schemas import Id, Name, Strict

PROTOCOL = f"{MEETING}/protocol"


# --- requests --------------------------------------------------------------------------------


class PostingIn(Strict):
    """The day the notice (anslag) of the signed protocol went up, and where it is kept."""

    posted_on: date = Field(description="Not before the justering, not in the future.")
    kept_at: Name | None = Field(
        default=None,
        description="Förvaringsplats; by default as at the association's last posting.",
    )


class JusterareIn(Strict):
    """The board member who checks the minutes with the chair."""

    justerare_id: Id


# --- answers ---------------------------------------------------------------------------------


class AssociationRefOut(Out):
    slug: str
    name: str


class PersonOut(Out):
    user_id: int | None
    name: str
    member: str | None = Field(description="The member organisation a board member sits for.")
    seat: str | None = Field(description="ledamot, ersättare, ordförande, justerare, sekreterare.")
    replaces: str | None = Field(description="The absent ledamot an ersättare serves for.")
    office: str | None = Field(
        default=None, description="A ledamot's office on the board: ordförande, vice ordförande."
    )


class SignatoryOut(Out):
    role: str = Field(description="Sekreterare, Ordförande or Justerande.")
    name: str | None
    signed_at: str | None = Field(description="Local time (Europe/Stockholm) of the signature.")


class ProtocolAmountOut(Out):
    year: int
    amount_sek: int


class ProtocolVoteOut(Out):
    name: str
    vote: Literal["yes", "no", "abstain"]
    label: str


class VoteCountsOut(Out):
    yes: int
    no: int
    abstain: int


class ProtocolDissentOut(Out):
    name: str
    kind: Literal["reservation", "protocol_note"]
    text: str


class ProtocolRecusalOut(Out):
    name: str
    reason: str | None


class ProtocolQuorumOut(Out):
    seats: int
    present: int


class ParagraphOut(Out):
    """One § of the minutes, with the decision text in Swedish."""

    number: int
    kind: str = Field(
        description=(
            "`application`, `delegation_report`, `decision`, `information`, `standard` or `other`."
        )
    )
    item_id: int
    application_id: int | None
    title: str
    diary_number: str | None
    applicant: str | None
    outcome: str | None
    outcome_label: str | None
    decision_text: str
    amounts: list[ProtocolAmountOut]
    total_sek: int
    conditions: str | None
    questions: str | None
    votes: list[ProtocolVoteOut]
    vote_counts: VoteCountsOut | None
    casting_vote: Literal["yes", "no"] | None
    dissents: list[ProtocolDissentOut]
    recusals: list[ProtocolRecusalOut]
    quorum: ProtocolQuorumOut | None
    delegated_by: str | None
    delegated_on: date | None
    legal_force_on: date | None = Field(
        description="The day the decision gains legal force (laga kraft) if not appealed."
    )
    proposal: str | None = Field(description="The proposed decision of an item by title.")
    excess_reason: str | None = Field(
        description="The board's reason for granting more than was applied for."
    )
    matter: str | None = Field(description="`grant`, `liv_admission` or `liv_year`.")
    decision_id: int | None
    state: str | None = Field(description="The item's state: listed, decided or tabled.")
    added_at_meeting: bool
    tabled: bool


class NoticeOut(Out):
    """ANSLAG/BEVIS: the notice that the signed protocol is posted."""

    organ: str
    meeting_date: date
    justered_on: date | None
    posted_on: date
    taken_down_on: date
    last_appeal_day: date = Field(
        description=(
            "Three weeks after the posting, moved to the next weekday that is not a Swedish"
            " public holiday, midsommarafton, julafton or nyårsafton."
        )
    )
    legal_force_on: date = Field(description="The day after the last day to appeal.")
    kept_at: str


class ParagraphSpanOut(Out):
    first: int
    last: int


class ProtocolOut(Out):
    """The minutes of a board meeting (Swedish text: the legal record)."""

    meeting_id: int
    association: AssociationRefOut
    organ: str
    state: MeetingStateName
    signed: bool = Field(description="Signed by the chair and the justerare (justerat).")
    date: date
    location: str | None
    time: str | None = Field(
        description="The meeting's own times (kl. 13.00–15.30), never when the steps were taken."
    )
    paragraphs: ParagraphSpanOut | None
    decision_makers: list[PersonOut] = Field(description="Beslutande: the serving members.")
    substitutes: list[PersonOut] = Field(description="Ersättare present but not serving.")
    absent: list[PersonOut]
    others: list[PersonOut] = Field(description="Övriga närvarande (the secretary).")
    chair: PersonOut | None
    justerare: PersonOut | None
    secretary: PersonOut | None
    justering_place: str | None
    signatures: list[SignatoryOut]
    items: list[ParagraphOut]
    notice: NoticeOut | None


# --- routes ----------------------------------------------------------------------------------


def _protocol(user: User, meeting_id: int) -> protocols.Protocol:
    return protocols.build(db.session, meetings.load(db.session, meeting_id, user))


def _fresh(user: User, meeting_id: int) -> dict[str, Any]:
    db.session.flush()  # what the step wrote is stored before everything is read again
    db.session.expire_all()
    return _protocol(user, meeting_id).as_dict()


@route(
    PROTOCOL,
    summary="Read the protocol (minutes) of a meeting",
    tag="meetings",
    response=ProtocolOut,
)
def get_protocol(user: User, meeting_id: int) -> dict[str, Any]:
    """Officers, the board, the chair and auditors; a draft until signed (`signed`)."""
    return _protocol(user, meeting_id).as_dict()


@route(
    f"{MEETING}/protocol.pdf",
    summary="The protocol as a PDF document",
    tag="meetings",
    media_type="application/pdf",
)
def get_protocol_pdf(user: User, meeting_id: int) -> Response:
    """Laid out like Swedish municipal minutes, in Swedish, with page numbers."""
    return http.protocol_pdf_response(_protocol(user, meeting_id))


@route(
    f"{MEETING}/protocol.docx",
    summary="The protocol as a Word document",
    tag="meetings",
    media_type=http.DOCX_MIMETYPE,
)
def get_protocol_docx(user: User, meeting_id: int) -> Response:
    """The same record as the PDF (every §, the signatures, the notice), to work on in Word."""
    return http.protocol_docx_response(_protocol(user, meeting_id))


@route(
    f"{PROTOCOL}/justerare",
    method="PUT",
    summary="Choose the justerare of a closed meeting",
    tag="meetings",
    body=JusterareIn,
    response=ProtocolOut,
    errors=(403, 409),
    description=(
        "The chair, once the meeting is closed and before the justerare has signed (409"
        " `already_signed`); at the meeting itself the justerare is chosen with `open` or"
        " `close`. 422 on `justerare_id` for someone who is not a present board member."
    ),
)
def put_justerare(user: User, meeting_id: int, body: JusterareIn) -> dict[str, Any]:
    """Choose or change the justerare."""
    meeting = meetings.load(db.session, meeting_id, user)
    protocols.choose_justerare(db.session, meeting, body.justerare_id, by=user)
    return _fresh(user, meeting_id)


@route(
    f"{PROTOCOL}/justering",
    method="POST",
    summary="Sign the protocol as its justerare",
    tag="meetings",
    response=ProtocolOut,
    status=201,
    errors=(403, 409),
    description=(
        "The justerare chosen at the meeting, once it is closed: 403 anyone else, 409 before"
        " the meeting is closed (`invalid_state`), a second time (`already_signed`) or after"
        " the protocol is signed (`protocol_signed`). The chair's `sign` step then completes"
        " the justering and locks the meeting."
    ),
)
def sign_as_justerare(user: User, meeting_id: int) -> dict[str, Any]:
    """Record the justerare's signature."""
    meeting = meetings.load(db.session, meeting_id, user)
    protocols.sign_as_justerare(db.session, meeting, by=user)
    return _fresh(user, meeting_id)


@route(
    f"{PROTOCOL}/posting",
    method="PUT",
    summary="Record the posting of the notice (anslag)",
    tag="meetings",
    body=PostingIn,
    response=ProtocolOut,
    errors=(403, 409),
    description=(
        "Officers, once the protocol is signed (else 409 `invalid_state`), once"
        " (`already_posted`). The appeal period of three weeks runs from `posted_on`; each"
        " decision gains legal force the day after. The applicants of each decided"
        " application are sent a link to their extract."
    ),
)
def put_posting(user: User, meeting_id: int, body: PostingIn) -> dict[str, Any]:
    """Record the notice; the protocol answers with its ANSLAG/BEVIS block."""
    meeting = meetings.load(db.session, meeting_id, user)
    protocols.record_posting(
        db.session,
        meeting,
        posted_on=body.posted_on,
        kept_at=body.kept_at
        if body.kept_at is not None
        else protocols.default_kept_at(db.session, meeting),
        by=user,
    )
    return _fresh(user, meeting_id)


@route(
    f"{APPLICATION}/protocol-extract.pdf",
    summary="The extract of the protocol with the board's decision (protokollsutdrag)",
    tag="applications",
    media_type="application/pdf",
    description="Whoever may see the application, once the protocol is signed (404 before).",
)
def get_extract_pdf(user: User, application_id: int) -> Response:
    """The § of the board's decision, with the header, attendance and justering."""
    app = applications.load_visible(db.session, application_id, user)
    return http.extract_pdf_response(protocols.extract_for(db.session, app))


@route(
    f"{APPLICATION}/decisions/<{ID}:decision_id>/protocol-extract.pdf",
    summary="The extract of the protocol with one board decision (protokollsutdrag)",
    tag="applications",
    media_type="application/pdf",
    description=(
        "Whoever may see the application, once that decision's protocol is signed (404"
        " before); its address stays the same whatever the board decides later."
    ),
)
def get_decision_extract_pdf(user: User, application_id: int, decision_id: int) -> Response:
    """The § of one board decision, with the header, attendance and justering."""
    app = applications.load_visible(db.session, application_id, user)
    return http.extract_pdf_response(protocols.extract_for(db.session, app, decision_id))
