"""Joint applications and the beredning: partners' answers, recommendations, proposal draft."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Response
from pydantic import Field

from workflow import http, limits, permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import ID, route
from workflow.api.schemas import (
    ActorOut,
    AssociationOut,
    Out,
    Reason,
    RecommendationOut,
    Timestamp,
    Version,
)
from workflow.api.serializers import (
    actor_json,
    association_json,
    recommendation_json,
    timestamp,
)
from workflow.errors import Forbidden
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.operations import applications, associations, endorsements, proposals
from workflow.operations.endorsements import PartnerAnswer
from workflow.schemas import Name, Strict

APPLICATION = f"/applications/<{ID}:application_id>"
MEMBER = {"description": "A partner member organisation named on the application."}


class EndorsementIn(Strict):
    """A partner member's answer to a joint application."""

    decision: Literal["endorse", "decline"] = Field(
        description="`endorse`: the member stands behind the application; `decline`: it does not."
    )
    comment: Reason | None = Field(default=None, description="Required with `decline`.")
    expected_version: Version | None = Field(
        default=None, description="The version of the answer last read (when changing one)."
    )


class EndorsementOut(Out):
    """One partner member and its answer; `decision` is null while it has not answered."""

    member_id: int
    member_name: str
    decision: Literal["endorse", "decline"] | None
    comment: str | None
    by: ActorOut | None = Field(description="Who gave the answer.")
    updated_at: Timestamp | None
    version: int | None = Field(description="Send as `expected_version` to change the answer.")


class EndorsementsOut(Out):
    """Every partner of the application with its answer, in member-name order."""

    items: list[EndorsementOut]
    require_partner_endorsement: bool = Field(
        description="Whether the association requires every partner's endorsement to submit."
    )


class RecommendationsOut(Out):
    """Every recommendation of the beredningsgrupp, oldest first."""

    items: list[RecommendationOut]


class ProposalDraftOut(Out):
    """The pre-filled proposal to the board, to edit and send with `propose`."""

    application_id: int
    version: int = Field(description="The application's version; send it when proposing.")
    text: str


class AssociationPatch(Strict):
    """Settings of an association; a field left out (or null) is not changed."""

    name: Name | None = None
    require_partner_endorsement: bool | None = Field(
        default=None, description="Whether submit waits for every partner's endorsement."
    )
    notice_days: Annotated[int, Field(ge=0, le=limits.NOTICE_DAYS_MAX)] | None = Field(
        default=None, description="Days before a meeting the kallelse should go out."
    )
    capital_limit_percent: Annotated[int, Field(ge=0, le=100)] | None = Field(
        default=None,
        description="The most eget kapital the association aims at, in percent of a year's"
        " contributions (by default Nationella rådet's recommendation by size).",
    )
    publish_protocols: bool | None = Field(
        default=None,
        description="Whether the public anslagstavla links each signed protocol's PDF.",
    )
    expected_version: Version | None = None


def endorsement_json(answer: PartnerAnswer) -> dict[str, Any]:
    """One partner's answer."""
    row = answer.endorsement
    return {
        "member_id": answer.member_id,
        "member_name": answer.member_name,
        "decision": answer.decision,
        "comment": answer.comment,
        "by": actor_json(answer.user),
        "updated_at": timestamp(row.updated_at) if row is not None else None,
        "version": row.version if row is not None else None,
    }


@route(
    f"{APPLICATION}/endorsements",
    summary="The partners' answers to a joint application",
    tag="applications",
    response=EndorsementsOut,
)
def list_endorsements(user: User, application_id: int) -> dict[str, Any]:
    """Whoever sees the application sees every partner's answer."""
    app = applications.load_visible(db.session, application_id, user)
    association = db.session.get(Association, app.association_id)
    assert association is not None
    return {
        "items": [endorsement_json(a) for a in endorsements.listing(db.session, app)],
        "require_partner_endorsement": association.require_partner_endorsement,
    }


@route(
    f"{APPLICATION}/endorsements/<{ID}:member_id>",
    method="PUT",
    summary="Endorse or decline a joint application for a partner member",
    tag="applications",
    body=EndorsementIn,
    response=EndorsementOut,
    errors=(403, 409),
    params={"member_id": MEMBER},
    description=(
        "Applicants of that partner member. A member that is not a partner is 422, another"
        " member's applicant 403, a decline without a comment 422. The answer may be changed"
        " while the application is a draft, submitted, in preparation or awaiting completion"
        " (otherwise 409)."
    ),
)
def put_endorsement(
    user: User, application_id: int, member_id: int, body: EndorsementIn
) -> dict[str, Any]:
    """Record or change the answer of one partner member."""
    app = applications.load_visible(db.session, application_id, user)
    endorsements.answer(
        db.session,
        app,
        member_id,
        body.decision,
        by=user,
        comment=body.comment,
        expected_version=body.expected_version,
    )
    answer = next(a for a in endorsements.listing(db.session, app) if a.member_id == member_id)
    return endorsement_json(answer)


@route(
    f"{APPLICATION}/recommendations",
    summary="The beredningsgrupp's recommendations",
    tag="applications",
    response=RecommendationsOut,
)
def list_recommendations(user: User, application_id: int) -> dict[str, Any]:
    """Oldest first; a referral back from the board may bring a second one."""
    app = applications.load_visible(db.session, application_id, user)
    return {"items": [recommendation_json(r) for r in app.recommendations]}


@route(
    f"{APPLICATION}/proposal-draft",
    summary="The pre-filled proposal to the board (tjänsteskrivelse)",
    tag="applications",
    response=ProposalDraftOut,
    errors=(403,),
    description=(
        "Officers. Drafted from the application, its budget, the partners' answers and the"
        " latest recommendation; edit it and send it as `proposal` with the `propose` step."
    ),
)
def proposal_draft(user: User, application_id: int) -> dict[str, Any]:
    """The tjänsteskrivelse as the application stands now."""
    app = applications.load_visible(db.session, application_id, user)
    if not permissions.can_draft_proposal(user, app):
        raise Forbidden(_l("Only the association's officers write proposals to the board."))
    return {
        "application_id": app.id,
        "version": app.version,
        "text": proposals.draft_proposal(db.session, app),
    }


@route(
    f"{APPLICATION}/proposal.pdf",
    summary="The tjänsteskrivelse as a PDF document",
    tag="applications",
    media_type=http.PDF_MIMETYPE,
    description=(
        "Whoever may see the application, once the officer has proposed it (404 before):"
        " the latest proposal to the board, in Swedish."
    ),
)
def get_proposal_pdf(user: User, application_id: int) -> Response:
    """The officer's proposal to the board as sent."""
    app = applications.load_visible(db.session, application_id, user)
    return http.proposal_pdf_response(proposals.document_of(db.session, app))


@route(
    f"{APPLICATION}/proposal.docx",
    summary="The tjänsteskrivelse as a Word document",
    tag="applications",
    media_type=http.DOCX_MIMETYPE,
    description="As `proposal.pdf`, from the same data, to work on in Word.",
)
def get_proposal_docx(user: User, application_id: int) -> Response:
    """The officer's proposal to the board as a Word document."""
    app = applications.load_visible(db.session, application_id, user)
    return http.proposal_docx_response(proposals.document_of(db.session, app))


@route(
    "/associations/<slug>",
    method="PATCH",
    summary="Change an association's settings",
    tag="associations",
    body=AssociationPatch,
    response=AssociationOut,
    errors=(403, 409),
    params={"slug": SLUG},
)
def update_association(user: User, slug: str, body: AssociationPatch) -> dict[str, Any]:
    """Administrators and the association's officers: name, endorsement rule."""
    association = load_association(slug, user)
    associations.update_settings(
        db.session,
        association,
        by=user,
        name=body.name,
        require_partner_endorsement=body.require_partner_endorsement,
        notice_days=body.notice_days,
        capital_limit_percent=body.capital_limit_percent,
        publish_protocols=body.publish_protocols,
        expected_version=body.expected_version,
    )
    return association_json(association, user)
