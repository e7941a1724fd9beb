"""The medlemsråd figures of an association: per insats and year, as the page and the PDF."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workflow import permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.schemas import Out
from workflow.api.statistics import GoalOut, OutcomesOut, SplitOut, YearNumber
from workflow.errors import Forbidden
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import User, today
from workflow.rules import medlemsrad


class MedlemsradQuery(BaseModel):
    """A series of years: `to` defaults to this year, `from` to two years before `to`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_year: YearNumber | None = Field(
        default=None, alias="from", description="The first year (default: two before `to`)."
    )
    to_year: YearNumber | None = Field(
        default=None,
        alias="to",
        description=f"The last year (default: this year; at most {medlemsrad.YEARS_MAX} years).",
    )


class FiguresOut(Out):
    year: int
    reports: int = Field(description="Accepted reports counted (as the statistics count them).")
    participants: SplitOut
    new: SplitOut
    ended: SplitOut
    outcomes: OutcomesOut
    to_work_or_studies: SplitOut = Field(description="Ended to work, subsidised work or studies.")
    share_percent: int | None = Field(
        description="to_work_or_studies ÷ ended in whole percent, rounded half up; null when"
        " nobody ended."
    )
    costs_sek: int = Field(description="The costs the accepted reports give.")
    granted_sek: int = Field(description="What granting decisions gave for the year.")


class InsatsYearOut(FiguresOut):
    goals: list[GoalOut] = Field(
        description="The insats's goals (free text) with the value reported for the year."
    )


class InsatsOut(Out):
    application_id: int
    title: str | None
    diary_number: str | None
    ended: SplitOut = Field(description="Everyone who ended in the years asked for.")
    to_work_or_studies: SplitOut
    share_percent: int | None
    years: list[InsatsYearOut]


class AssociationRefOut(Out):
    slug: str
    name: str


class MedlemsradOut(Out):
    """The association's years (sums of its insatser) and each insats year by year."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_year: int = Field(alias="from")
    to_year: int = Field(alias="to")
    association: AssociationRefOut
    years: list[FiguresOut]
    insatser: list[InsatsOut]


@route(
    "/associations/<slug>/medlemsrad",
    summary="The association's insatser and results over a series of years (medlemsråd)",
    tag="statistics",
    query=MedlemsradQuery,
    response=MedlemsradOut,
    errors=(403,),
    params={"slug": SLUG},
)
def get_medlemsrad(user: User, slug: str, query: MedlemsradQuery) -> dict[str, Any]:
    """Officers, board members, the chair, auditors and admins; the page's figures."""
    association = load_association(slug, user)
    if not permissions.can_view_medlemsrad(user, association):
        raise Forbidden(
            _l("Only the association's officers, board members and auditors see its statistics.")
        )
    years = medlemsrad.choose_years(query.from_year, query.to_year, today().year)
    (view,) = medlemsrad.view(db.session, [association], years.start, years.stop - 1)
    return medlemsrad.view_json(view, years)
