"""Shared and mixed insatser: the associations that finance an insats, and the parts of one."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from workflow import permissions
from workflow.api.registry import ID, route
from workflow.api.schemas import ApplicationOut, Out, StateName
from workflow.api.serializers import application_json
from workflow.extensions import db
from workflow.models import Association, User
from workflow.operations import applications, parts, shares
from workflow.rules import parts as parts_rules
from workflow.rules import shares as shares_rules
from workflow.schemas import Strict

APPLICATION = f"/applications/<{ID}:application_id>"


class ShareIn(Strict):
    """Another association's share of the insats, in whole percent."""

    association: Annotated[str, Field(max_length=60)] = Field(
        description="The co-financing association's slug (not the leading one)."
    )
    percent: int = Field(ge=1, le=99, description="Its share in whole percent.")


class SharesIn(Strict):
    """Every co-financing association (replacing those recorded); empty: the lead alone."""

    shares: Annotated[list[ShareIn], Field(max_length=20)]


class ShareOut(Out):
    association: str = Field(description="The association's slug.")
    name: str
    percent: int
    lead: bool = Field(description="Whether it leads the insats (holds what the others leave).")


class SharesOut(Out):
    """Who finances the insats: the lead first, with 100 % when nobody shares it."""

    application_id: int
    shares: list[ShareOut]


def _json(application_id: int, rows: list[shares_rules.Share]) -> dict[str, Any]:
    return {
        "application_id": application_id,
        "shares": [
            {"association": r.slug, "name": r.name, "percent": r.percent, "lead": r.lead}
            for r in rows
        ],
    }


@route(
    f"{APPLICATION}/shares",
    summary="Who finances a shared insats, and their shares",
    tag="applications",
    response=SharesOut,
)
def get_shares(user: User, application_id: int) -> dict[str, Any]:
    """Whoever sees the application."""
    app = applications.load_visible(db.session, application_id, user)
    lead = db.session.get(Association, app.association_id)
    assert lead is not None
    return _json(application_id, shares_rules.shares_of(db.session, application_id, lead))


@route(
    f"{APPLICATION}/shares",
    method="PUT",
    summary="Record the associations that co-finance an insats",
    tag="applications",
    body=SharesIn,
    response=SharesOut,
    errors=(403, 409),
)
def put_shares(user: User, application_id: int, body: SharesIn) -> dict[str, Any]:
    """The leading association's officers; the lead keeps 100 less the others' sum."""
    app = applications.load_visible(db.session, application_id, user)
    rows = shares.set_shares(
        db.session,
        app,
        [shares_rules.ShareIn(s.association, s.percent) for s in body.shares],
        by=user,
    )
    return _json(application_id, rows)


class PartOut(Out):
    """The other part of a mixed insats, as far as the caller may see it."""

    id: int
    title: str | None
    kind: str | None
    state: StateName


class PartsOut(Out):
    """The other part of the application's mixed insats: none, or one."""

    items: list[PartOut]


@route(
    f"{APPLICATION}/parts",
    summary="The other part of a mixed insats (individual and structural)",
    tag="applications",
    response=PartsOut,
)
def get_parts(user: User, application_id: int) -> dict[str, Any]:
    """Whoever sees the application; the other part only if they may see it too."""
    app = applications.load_visible(db.session, application_id, user)
    other = parts_rules.other_part(db.session, app.id)  # type: ignore[arg-type]
    visible = other is not None and permissions.can_view_application(user, other)
    items = (
        [{"id": other.id, "title": other.title, "kind": other.kind, "state": other.state}]
        if visible and other is not None
        else []
    )
    return {"items": items}


@route(
    f"{APPLICATION}/parts",
    method="POST",
    summary="Make the other part of a mixed insats: a draft of the other kind",
    tag="applications",
    response=ApplicationOut,
    status=201,
    errors=(403, 409, 422),
)
def post_part(user: User, application_id: int) -> dict[str, Any]:
    """The leading member's applicants, while the application can be changed."""
    app = applications.load_visible(db.session, application_id, user)
    part = parts.create_part(db.session, app, by=user)
    return application_json(part, user)
