"""An insats's national classification (Uppföljning Finsam): the officer sets it."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from workflow.api.registry import ID, route
from workflow.api.schemas import (
    ClassificationOut,
    DirectionName,
    FollowUpMethodName,
    PreciseDirectionName,
)
from workflow.api.serializers import classification_json
from workflow.extensions import db
from workflow.models import User
from workflow.operations import applications
from workflow.operations.classification import classify
from workflow.rules.classification import ESF_PROJECT_MAX
from workflow.schemas import Strict


class ClassificationIn(Strict):
    """The four answers Uppföljning Finsam asks when the insats is created there."""

    direction: DirectionName = Field(description="Insatsinriktning: the insats's kind.")
    precise_direction: PreciseDirectionName = Field(
        description="Preciserad inriktning: one of the direction's."
    )
    follow_up_method: FollowUpMethodName = Field(
        description="Uppföljningsmetod: a structural insats is counted only (`aggregate_counts`)."
    )
    esf: bool = Field(description="Whether the ESF co-finances the insats.")
    esf_project: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=ESF_PROJECT_MAX)] | None
    ) = Field(default=None, description="The ESF project: required with `esf`, else absent.")


@route(
    f"/applications/<{ID}:application_id>/classification",
    method="PUT",
    summary="Set an insats's national classification (Uppföljning Finsam)",
    tag="applications",
    body=ClassificationIn,
    response=ClassificationOut,
    errors=(403, 409),
    description=(
        "The association's officers, during beredning and until the insats starts. After the"
        " start it is fixed: 409 with code `classification_fixed`; before beredning or after a"
        " refusal 409 `classification_not_open`. A code that does not fit (a precise direction"
        " of the other direction, an ESF project without ESF) is 422 naming the field, and"
        " nothing is written."
    ),
)
def put_classification(user: User, application_id: int, body: ClassificationIn) -> dict[str, Any]:
    """The officer classifies the insats; answers the classification as the application shows it."""
    app = applications.load_visible(db.session, application_id, user)
    classify(db.session, app, body.model_dump(), by=user)
    db.session.flush()
    return classification_json(app) or {}
