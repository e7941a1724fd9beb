"""The budget of an association per year: the legal split, the projection, the warnings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from workflow import limits, permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.schemas import Out, Version
from workflow.errors import Forbidden, NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, User, today
from workflow.operations.budget import set_budget
from workflow.rules import budget
from workflow.rules.budget import YearBudget
from workflow.schemas import Strict

YEAR_PARAM = {
    "year": {
        "description": "The calendar year of the budget.",
        "minimum": limits.YEAR_MIN,
        "maximum": limits.YEAR_MAX,
    }
}
Figure = Annotated[int, Field(ge=0, le=limits.BUDGET_MAX)]
YearNumber = Annotated[int, Field(ge=limits.YEAR_MIN, le=limits.YEAR_MAX)]


class BudgetIn(Strict):
    """One year's budget as the officer enters it (whole kronor; every figure is replaced)."""

    contributions_sek: Figure = Field(
        description="The year's contributions: 50 % state, 25 % region, 25 % municipalities."
    )
    carried_over_sek: Annotated[int, Field(ge=-limits.BUDGET_MAX, le=limits.BUDGET_MAX)] = Field(
        description=(
            "Carried in from the year before (negative for a deficit). Used where a chain of"
            " years starts; later years carry the previous year's projected balance."
        )
    )
    admin_costs_sek: Figure = Field(description="Office, board and administration.")
    other_costs_sek: Figure = Field(description="Other costs, e.g. competence development.")
    expected_version: Version | None = None


class RangeQuery(BaseModel):
    """The years of a projection."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_year: YearNumber | None = Field(
        default=None,
        alias="from",
        description="The first year; by default the first year with a budget or a commitment.",
    )
    to_year: YearNumber | None = Field(
        default=None,
        alias="to",
        description=f"The last year (at most {budget.RANGE_MAX} years in all); by default the last"
        " known.",
    )


class WarningOut(Out):
    code: Literal[
        "negative_balance",
        "room_exceeded",
        "capital_above_recommendation",
        "no_budget",
        "equal_split",
        "no_region",
        "no_municipality",
        "no_local_members",
    ]
    message: str


class MunicipalityShareOut(Out):
    member_id: int
    name: str
    population: int | None
    sek: int


class SplitOut(Out):
    """The contributions split by law; the parts sum exactly to the contributions."""

    state_sek: int = Field(description="Half, paid by the state through Försäkringskassan.")
    region_sek: int = Field(description="A quarter (the whole local half if no municipality).")
    municipalities: list[MunicipalityShareOut] = Field(
        description="A quarter, by population (equally when a population is unknown)."
    )
    unallocated_sek: int = Field(
        description="The local half when there is neither a region nor a municipality member."
    )
    basis: Literal["population", "equal"]


class BudgetYearOut(Out):
    """One year of the carried-forward budget."""

    year: int
    budgeted: bool = Field(description="Whether a budget is entered for the year.")
    version: int | None = Field(description="Send as `expected_version`; null without budget.")
    contributions_sek: int | None = Field(description="As entered; null without budget.")
    carried_over_sek: int | None = Field(description="As entered; null without budget.")
    admin_costs_sek: int | None = Field(description="As entered; null without budget.")
    other_costs_sek: int | None = Field(description="As entered; null without budget.")
    split: SplitOut
    carried_in_sek: int = Field(
        description="What the projection carries in: the previous year's projected balance,"
        " or the entered figure where a chain of years starts."
    )
    committed_sek: int = Field(description="Granted by decisions for this year.")
    room_sek: int = Field(
        description="What can still be granted for this year without it or a later year"
        " going below zero."
    )
    projected_balance_sek: int = Field(description="Beräknat kvar: the balance at year end.")
    warnings: list[WarningOut]


class BudgetRangeOut(Out):
    """The carried-forward budget of several years."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_year: int = Field(alias="from")
    to_year: int = Field(alias="to")
    years: list[BudgetYearOut]


def year_json(row: YearBudget) -> dict[str, Any]:
    """One year of the projection as the API answers it."""
    stored = row.stored
    split = row.split
    return {
        "year": row.year,
        "budgeted": stored is not None,
        "version": stored.version if stored is not None else None,
        **{name: getattr(stored, name) if stored is not None else None for name in budget.FIGURES},
        "split": {
            "state_sek": split.state_sek,
            "region_sek": split.region_sek,
            "municipalities": [
                {
                    "member_id": share.member_id,
                    "name": share.name,
                    "population": share.population,
                    "sek": share.sek,
                }
                for share in split.municipalities
            ],
            "unallocated_sek": split.unallocated_sek,
            "basis": split.basis,
        },
        "carried_in_sek": row.carried_over_sek,
        "committed_sek": row.committed_sek,
        "room_sek": row.room_sek,
        "projected_balance_sek": row.projected_balance_sek,
        "warnings": [{"code": w.code, "message": str(w.message)} for w in row.warnings],
    }


def _year(year: int) -> int:
    # Checked here, not by the converter: werkzeug answers 405 for one of two methods that
    # share a rule whose converter refuses the value.
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise NotFound(_l("There is no budget for that year."))
    return year


def _readable(slug: str, user: User) -> Association:
    association = load_association(slug, user)
    if not permissions.can_view_budget(user, association):
        raise Forbidden(
            _l("Only the association's officers, board members and auditors see its budget.")
        )
    return association


def _one_year(association: Association, year: int) -> dict[str, Any]:
    (row,) = budget.projection(db.session, association, years=range(year, year + 1))
    return year_json(row)


@route(
    "/associations/<slug>/budgets/<int:year>",
    method="PUT",
    summary="Enter or change one year's budget",
    tag="budgets",
    body=BudgetIn,
    response=BudgetYearOut,
    errors=(403, 409),
    params={"slug": SLUG, **YEAR_PARAM},
)
def put_budget(user: User, slug: str, year: int, body: BudgetIn) -> dict[str, Any]:
    """The association's officers. Answers the year as `GET` would."""
    association = load_association(slug, user)
    _year(year)
    set_budget(db.session, association, year, **body.model_dump(), by=user)
    return _one_year(association, year)


@route(
    "/associations/<slug>/budgets/<int:year>",
    summary="One year's budget: split, commitments, room, projected balance",
    tag="budgets",
    response=BudgetYearOut,
    errors=(403,),
    params={"slug": SLUG, **YEAR_PARAM},
)
def get_budget(user: User, slug: str, year: int) -> dict[str, Any]:
    """Officers, board members, the chair and auditors; a year without budget too."""
    association = _readable(slug, user)
    return _one_year(association, _year(year))


@route(
    "/associations/<slug>/budgets",
    summary="The carried-forward budget of several years",
    tag="budgets",
    query=RangeQuery,
    response=BudgetRangeOut,
    errors=(403,),
    params={"slug": SLUG},
)
def list_budgets(user: User, slug: str, query: RangeQuery) -> dict[str, Any]:
    """Officers, board members, the chair and auditors; by default every known year."""
    association = _readable(slug, user)
    default = budget.recent(budget.known_years(db.session, association), today().year)
    years = budget.choose_years(query.from_year, query.to_year, default)
    rows = budget.projection(db.session, association, years=years)
    return {"from": years.start, "to": years.stop - 1, "years": [year_json(r) for r in rows]}
