"""The association's statistics: one year, or a series of years; JSON, CSV and XLSX."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from flask import Response
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from workflow import http, limits, permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.schemas import Out, Version
from workflow.errors import Forbidden
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, User, today
from workflow.models.reports import AGE_BANDS, ATTENDEE_CATEGORIES
from workflow.models.statistics import SOURCE_MAX
from workflow.operations.statistics import set_parameters
from workflow.rules import statistics
from workflow.schemas import Strict

YearNumber = Annotated[int, Field(ge=limits.YEAR_MIN, le=limits.YEAR_MAX)]
CSV = "text/csv"


class StatisticsQuery(BaseModel):
    """One year (`year`, default this year) or a series (`from`, `to`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    year: YearNumber | None = Field(default=None, description="One year (default: this year).")
    from_year: YearNumber | None = Field(
        default=None, alias="from", description="The first year of a series."
    )
    to_year: YearNumber | None = Field(
        default=None,
        alias="to",
        description=f"The last year of a series (at most {statistics.SERIES_MAX} years).",
    )


class SplitOut(Out):
    women: int
    men: int
    total: int


class OutcomesOut(Out):
    work: SplitOut
    subsidised_work: SplitOut
    studies: SplitOut
    job_seeking: SplitOut
    other_support: SplitOut
    other: SplitOut
    internship: SplitOut = Field(description="Praktik.")
    dropped_out: SplitOut = Field(description="Avbrott.")


class ResidenceStatisticsOut(SplitOut):
    member_id: int | None = Field(description="A municipality member; null: outside the area.")
    name: str | None


class AgeStatisticsOut(SplitOut):
    band: Literal[AGE_BANDS]  # type: ignore[valid-type]


class AttendanceStatisticsOut(Out):
    category: Literal[ATTENDEE_CATEGORIES]  # type: ignore[valid-type]
    total: int
    women: int = Field(description="Women, as far as the reports gave them.")
    men: int = Field(description="Men, as far as the reports gave them.")
    unsplit: int = Field(description="Attendees whose gender the reports did not give.")


class ParametersOut(Out):
    """The association's parameters of the seeds' method, each with its source."""

    full_time_month_sek: int = Field(description="A heltid without subsidy, a month (25 000).")
    subsidised_share: float = Field(description="Subsidised work's share of it (0.75).")
    studies_share: float = Field(description="Studies' share of it (0.5).")
    taxable_month_sek: int = Field(description="The taxable wage of a heltid a month (18 000).")
    region_tax_percent: float = Field(description="Tax to the region, % (11.76).")
    municipal_tax_percent: float = Field(description="Tax to the municipality, % (21.64).")
    source: str | None = Field(description="The association's source of its own figures.")
    sources: dict[str, str] = Field(
        description="Per parameter where it comes from: seeds/000 for a default, else `source`."
    )
    version: int | None = Field(description="null while the association keeps the defaults.")


class ParametersIn(Strict):
    """Every parameter of the method; `source` is required when one differs from the seeds'."""

    full_time_month_sek: int = Field(ge=1, le=10_000_000)
    subsidised_share: Annotated[Decimal, Field(ge=0, le=1, decimal_places=3, allow_inf_nan=False)]
    studies_share: Annotated[Decimal, Field(ge=0, le=1, decimal_places=3, allow_inf_nan=False)]
    taxable_month_sek: int = Field(ge=0, le=10_000_000)
    region_tax_percent: Annotated[
        Decimal, Field(ge=0, le=100, decimal_places=2, allow_inf_nan=False)
    ]
    municipal_tax_percent: Annotated[
        Decimal, Field(ge=0, le=100, decimal_places=2, allow_inf_nan=False)
    ]
    source: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=SOURCE_MAX)] | None
    ) = None
    expected_version: Version | None = None


class HeltiderOut(Out):
    work: float
    subsidised_work: float
    studies: float


class SocioeconomicOut(Out):
    """The seeds' method (seeds/000) on the year's heltider; whole kronor, rounded half up."""

    heltider: HeltiderOut = Field(
        description="Heltider (full-time equivalents) as reported; a person whose report gave"
        " none counts as one."
    )
    persons_without_heltider: int = Field(
        description="Persons in work or studies whose reports gave no heltider."
    )
    work_value_month_sek: int = Field(
        description="full_time_month_sek × (work + subsidised_share × subsidised_work +"
        " studies_share × studies), in heltider."
    )
    region_tax_month_sek: int = Field(
        description="taxable_month_sek × region_tax_percent % × (work + subsidised_work)."
    )
    municipal_tax_month_sek: int = Field(
        description="taxable_month_sek × municipal_tax_percent % × (work + subsidised_work)."
    )
    monthly_value_sek: int = Field(description="The three monthly parts added.")
    work_value_year_sek: int = Field(description="Twelve months of the value of the work.")
    region_tax_year_sek: int = Field(description="Twelve months of the region's tax.")
    municipal_tax_year_sek: int = Field(description="Twelve months of the municipality's tax.")
    yearly_value_sek: int = Field(description="The three yearly parts added.")
    payback_months: float | None = Field(
        description="costs_sek ÷ monthly value, one decimal; null when the value is 0."
    )
    parameters: ParametersOut


class GoalOut(Out):
    description: str
    target: str | None
    value: str | None


class InsatsOut(Out):
    application_id: int
    title: str | None
    diary_number: str | None
    participants: SplitOut
    costs_sek: int
    goals: list[GoalOut]


class SupportOut(Out):
    salary: SplitOut
    sickness_benefit: SplitOut
    rehabilitation_benefit: SplitOut
    activity_compensation: SplitOut
    unemployment_benefit: SplitOut
    activity_support: SplitOut
    establishment_benefit: SplitOut
    income_support: SplitOut
    student_aid: SplitOut
    no_income: SplitOut
    unknown: SplitOut
    other: SplitOut


class SupportShiftOut(Out):
    start: SupportOut
    end: SupportOut


class YearStatisticsOut(Out):
    """One year, counted from accepted reports only; every figure by women and men."""

    year: int
    participants: SplitOut
    new: SplitOut
    ended: SplitOut
    outcomes: OutcomesOut
    costs_sek: int
    cost_per_participant_sek: int | None
    socioeconomic: SocioeconomicOut
    insatser: list[InsatsOut]
    support: SupportShiftOut | None = Field(
        description="The participants' main source of support at start and at end"
        " (försörjning), when the year's reports give it; null otherwise."
    )
    waiting: SplitOut = Field(description="Köplats at year end.")
    budget_sek: int | None = Field(
        description="The budget of the reports that gave one; null when none did."
    )
    budgeted_costs_sek: int = Field(description="The costs of those same reports.")
    budget_deviation_sek: int | None = Field(description="budget_sek − budgeted_costs_sek.")
    residence: list[ResidenceStatisticsOut] = Field(
        description="Participants by municipality of residence, of the reports that gave it."
    )
    ages: list[AgeStatisticsOut] = Field(
        description="Participants by age band, of the reports that gave it."
    )
    activities: int = Field(description="Structural insatser: the number of activities.")
    attendance: list[AttendanceStatisticsOut] = Field(
        description="Structural insatser: attendees by category."
    )


class SeriesOut(Out):
    """A series of years."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_year: int = Field(alias="from")
    to_year: int = Field(alias="to")
    years: list[YearStatisticsOut]


class StatisticsOut(RootModel[YearStatisticsOut | SeriesOut]):
    """One year's object, or with `from`/`to` a series: `{"from", "to", "years": [...]}`."""


def _readable(slug: str, user: User) -> Association:
    association = load_association(slug, user)
    if not permissions.can_view_statistics(user, association):
        raise Forbidden(
            _l("Only the association's officers, board members and auditors see its statistics.")
        )
    return association


def _rows(association: Association, query: StatisticsQuery) -> tuple[range, list[Any]]:
    years = statistics.choose_years(query.year, query.from_year, query.to_year, today().year)
    return years, statistics.figures(db.session, association, years.start, years.stop - 1)


def _filename(association: Association, years: range, ext: str) -> str:
    span = str(years.start) if len(years) == 1 else f"{years.start}-{years.stop - 1}"
    return f"statistik-{association.slug}-{span}.{ext}"


@route(
    "/associations/<slug>/statistics",
    summary="The association's statistics for a year or a series of years",
    tag="statistics",
    query=StatisticsQuery,
    response=StatisticsOut,
    errors=(403,),
    params={"slug": SLUG},
)
def get_statistics(user: User, slug: str, query: StatisticsQuery) -> dict[str, Any]:
    """Officers, board members, the chair and auditors. With `from`/`to`: a series."""
    association = _readable(slug, user)
    years, rows = _rows(association, query)
    if query.from_year is None and query.to_year is None:
        return statistics.year_json(rows[0])
    return {
        "from": years.start,
        "to": years.stop - 1,
        "years": [statistics.year_json(r) for r in rows],
    }


@route(
    "/associations/<slug>/statistics.csv",
    summary="The statistics as CSV (UTF-8 with BOM, `;`-separated)",
    tag="statistics",
    query=StatisticsQuery,
    errors=(403,),
    params={"slug": SLUG},
    media_type=CSV,
)
def get_statistics_csv(user: User, slug: str, query: StatisticsQuery) -> Response:
    """One row per year, section and item: women, men, total, value."""
    association = _readable(slug, user)
    years, rows = _rows(association, query)
    header, lines = statistics.csv_rows(rows)
    return http.csv_response(_filename(association, years, "csv"), header, lines)


@route(
    "/associations/<slug>/statistics.xlsx",
    summary="The statistics as an XLSX workbook (a sheet per table)",
    tag="statistics",
    query=StatisticsQuery,
    errors=(403,),
    params={"slug": SLUG},
    media_type=http.XLSX_MIMETYPE,
)
def get_statistics_xlsx(user: User, slug: str, query: StatisticsQuery) -> Response:
    """Participants, outcomes, costs, insatser, goals and support, a sheet each."""
    association = _readable(slug, user)
    years, rows = _rows(association, query)
    return http.xlsx_response(_filename(association, years, "xlsx"), statistics.sheets(rows))


@route(
    "/associations/<slug>/statistics/parameters",
    summary="The parameters of the socio-economic estimate, each with its source",
    tag="statistics",
    response=ParametersOut,
    errors=(403,),
    params={"slug": SLUG},
)
def get_parameters(user: User, slug: str) -> dict[str, Any]:
    """Whoever sees the statistics; the seeds' defaults (seeds/000) until the officer sets them."""
    association = _readable(slug, user)
    return statistics.parameters_json(statistics.parameters(db.session, association))


@route(
    "/associations/<slug>/statistics/parameters",
    method="PUT",
    summary="Set the parameters of the socio-economic estimate",
    tag="statistics",
    body=ParametersIn,
    response=ParametersOut,
    errors=(403, 409),
    params={"slug": SLUG},
    description=(
        "The association's officers. Every parameter is given; a figure out of range, or one"
        " that differs from the seeds' method without a `source`, is 422 naming the field"
        " and nothing is written. A stale `expected_version` is 409."
    ),
)
def put_parameters(user: User, slug: str, body: ParametersIn) -> dict[str, Any]:
    """The officer sets the association's parameters; answers them as `GET` would."""
    association = load_association(slug, user)
    data = body.model_dump()
    expected = data.pop("expected_version")
    params = set_parameters(db.session, association, **data, by=user, expected_version=expected)
    return statistics.parameters_json(params)
