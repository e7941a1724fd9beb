"""The economy of an association per year: key, split, budget lines, projection, closing."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from workflow import limits, permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.schemas import Out, Version
from workflow.errors import Forbidden, NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import (
    ECONOMY_RECORD_KINDS,
    KEY_BASES,
    LINE_CATEGORIES,
    Association,
    EconomyRecord,
    User,
    today,
)
from workflow.operations.budget import (
    close_year,
    economy_records,
    key_row,
    record_economy_step,
    set_budget,
    set_contribution_key,
)
from workflow.rules import budget
from workflow.rules.budget import Split, YearBudget
from workflow.schemas import Id, Strict

YEAR_PARAM = {
    "year": {
        "description": "The calendar year of the budget.",
        "minimum": limits.YEAR_MIN,
        "maximum": limits.YEAR_MAX,
    }
}
Figure = Annotated[int, Field(ge=0, le=limits.BUDGET_MAX)]
YearNumber = Annotated[int, Field(ge=limits.YEAR_MIN, le=limits.YEAR_MAX)]
Category = Literal[LINE_CATEGORIES]  # type: ignore[valid-type]
LINES_MAX = 200


class LineIn(Strict):
    """One cost line of the year's budget."""

    category: Category = Field(
        description="`insats` (one per insats), `new_insatser` (available for new insatser),"
        " `structural`, `competence` (kompetensutveckling) or `admin` (kansli, information,"
        " styrelse, ekonomihantering, each a line)."
    )
    label: Annotated[str, Field(min_length=1, max_length=limits.TITLE_MAX)]
    application_id: Id | None = Field(
        default=None, description="The insats this line budgets; its decisions draw on it."
    )
    budget_sek: Figure
    forecast_sek: Figure | None = Field(default=None, description="Prognos.")
    outcome_sek: Figure | None = Field(default=None, description="Utfall.")


class BudgetIn(Strict):
    """One year's budget as the officer enters it (whole kronor; every figure is replaced)."""

    contributions_sek: Figure = Field(
        description="The year's contributions: 50 % state, the local half by the year's key."
    )
    carried_over_sek: Annotated[int, Field(ge=-limits.BUDGET_MAX, le=limits.BUDGET_MAX)] = Field(
        default=0,
        description=(
            "Carried in from the closed accounts (negative for a deficit). Used only where a"
            " chain of years starts; a later year takes its balanserat resultat from the year"
            " before."
        ),
    )
    admin_costs_sek: Figure = Field(
        default=0, description="Office, board and administration (not needed with lines)."
    )
    other_costs_sek: Figure = Field(
        default=0, description="Other costs, e.g. competence development (not needed with lines)."
    )
    lines: Annotated[list[LineIn], Field(max_length=LINES_MAX)] | None = Field(
        default=None,
        description="The cost lines; they replace the year's lines (left out: kept). With"
        " lines, the lines are the costs and decisions draw on them.",
    )
    board_decision: bool = Field(
        default=False,
        description="The board's own decision to change the budget: it may leave a year with"
        " decided grants below zero, which is otherwise refused (422).",
    )
    expected_version: Version | None = None


class KeyMemberIn(Strict):
    """One member's figure in the key."""

    member_id: Id
    population: Annotated[int, Field(ge=0, le=limits.POPULATION_MAX)] | None = Field(
        default=None, description="Its population that year (by population)."
    )
    amount_sek: Figure | None = Field(default=None, description="Its agreed amount (fixed).")


class KeyIn(Strict):
    """How one year's local half is shared (the förbundsordning's key)."""

    basis: Literal[KEY_BASES]  # type: ignore[valid-type]
    rounding_sek: Literal[1, 1000] = 1
    members: Annotated[list[KeyMemberIn], Field(max_length=100)] = Field(
        default_factory=list,
        description="The paying members (region and municipalities); none listed: every"
        " active one.",
    )
    remainder_member_id: Id | None = Field(
        default=None, description="Who takes what rounding leaves over; by default the region."
    )
    expected_version: Version | None = None


RecordKind = Literal[ECONOMY_RECORD_KINDS]  # type: ignore[valid-type]


class RecordIn(Strict):
    """One step of the year's cycle."""

    kind: RecordKind = Field(
        description="`member_consultation` (medlemssamråd: `present_member_ids`, the views in"
        " `text`), `budget_decision` (the board decides the budget: it becomes read-only),"
        " `annual_report` (årsredovisning), `audit_report` (revisionsberättelse, in `text`),"
        " `discharge` (one member's decision on ansvarsfrihet: `member_id`, `granted`)."
    )
    held_on: date
    member_id: Id | None = None
    granted: bool | None = None
    present_member_ids: Annotated[list[Id], Field(max_length=100)] | None = None
    text: Annotated[str, Field(max_length=limits.PLAN_MAX)] | None = None


class RecordOut(Out):
    id: int
    year: int
    kind: RecordKind
    held_on: date
    member_id: int | None
    granted: bool | None
    present_member_ids: list[int] | None
    text: str | None


class RecordsOut(Out):
    records: list[RecordOut]


class CloseIn(Strict):
    """The board's årsbokslut for the year."""

    decided_on: date = Field(description="The date of the board's decision.")


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
        "key_mismatch",
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
    basis: Literal["population", "equal", "fixed"]
    rounding_sek: int = Field(description="The key's rounding unit (1 without a key).")
    keyed: bool = Field(description="Whether the year's contribution key decided the split.")


class LineOut(Out):
    category: Category
    label: str
    application_id: int | None
    budget_sek: int
    forecast_sek: int | None
    outcome_sek: int | None
    drawn_sek: int = Field(description="What decisions for its insats have drawn on it.")


class CategoryOut(Out):
    category: Category
    budget_sek: int
    forecast_sek: int | None = Field(description="Null unless every line has a forecast.")
    outcome_sek: int | None = Field(description="Null unless every line has an outcome.")
    share_percent: float = Field(description="Share of the year's budgeted costs.")


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
    income_total_sek: int = Field(description="Summa intäkter: contributions and carried in.")
    cost_total_sek: int = Field(
        description="Summa kostnader: the lines' budget (without lines: administration, other"
        " costs and committed)."
    )
    result_sek: int = Field(
        description="Prel. balanserat resultat: income less costs; the real result once closed."
    )
    closed: bool = Field(description="Whether the board has closed the year (årsbokslut).")
    closed_on: date | None
    lines: list[LineOut]
    categories: list[CategoryOut]
    new_insatser_granted_sek: int = Field(
        description="Granted from the `new_insatser` lines (decisions without a line of their own)."
    )
    capital_limit_sek: int = Field(
        description="The most eget kapital recommended for the association's size, or its own"
        " setting."
    )
    warnings: list[WarningOut]


class KeyMemberOut(Out):
    member_id: int
    name: str
    population: int | None
    amount_sek: int | None


class KeyOut(Out):
    """A year's contribution key and the split it gives."""

    year: int
    basis: Literal["population", "equal", "fixed"]
    rounding_sek: int
    remainder_member_id: int | None
    version: int
    members: list[KeyMemberOut]
    split: SplitOut


class BudgetRangeOut(Out):
    """The carried-forward budget of several years."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_year: int = Field(alias="from")
    to_year: int = Field(alias="to")
    years: list[BudgetYearOut]


def split_json(split: Split) -> dict[str, Any]:
    """The split of a year's contributions as the API answers it."""
    return {
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
        "rounding_sek": split.rounding_sek,
        "keyed": split.keyed,
    }


def year_json(row: YearBudget) -> dict[str, Any]:
    """One year of the projection as the API answers it."""
    stored = row.stored
    lines = stored.lines if stored is not None else ()
    drawn = row.drawn or (0,) * len(lines)
    return {
        "year": row.year,
        "budgeted": stored is not None,
        "version": stored.version if stored is not None else None,
        **{name: getattr(stored, name) if stored is not None else None for name in budget.FIGURES},
        "split": split_json(row.split),
        "carried_in_sek": row.carried_over_sek,
        "committed_sek": row.committed_sek,
        "room_sek": row.room_sek,
        "projected_balance_sek": row.projected_balance_sek,
        "income_total_sek": row.income_total_sek,
        "cost_total_sek": row.cost_total_sek,
        "result_sek": row.result_sek,
        "closed": stored is not None and stored.closed,
        "closed_on": (
            stored.closed_on.isoformat() if stored is not None and stored.closed_on else None
        ),
        "lines": [
            {
                "category": line.category,
                "label": line.label,
                "application_id": line.application_id,
                "budget_sek": line.budget_sek,
                "forecast_sek": line.forecast_sek,
                "outcome_sek": line.outcome_sek,
                "drawn_sek": amount,
            }
            for line, amount in zip(lines, drawn, strict=True)
        ],
        "categories": [
            {
                "category": total.category,
                "budget_sek": total.budget_sek,
                "forecast_sek": total.forecast_sek,
                "outcome_sek": total.outcome_sek,
                "share_percent": total.share_percent,
            }
            for total in budget.category_totals(lines)
        ],
        "new_insatser_granted_sek": row.granted_new_sek,
        "capital_limit_sek": row.capital_limit_sek,
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
    data = body.model_dump(exclude_unset=True)
    set_budget(db.session, association, year, **data, by=user)
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


@route(
    "/associations/<slug>/budgets/<int:year>/close",
    method="POST",
    summary="Close the year (årsbokslut): its real result is carried into the next",
    tag="budgets",
    body=CloseIn,
    response=BudgetYearOut,
    errors=(403,),
    params={"slug": SLUG, **YEAR_PARAM},
)
def post_close(user: User, slug: str, year: int, body: CloseIn) -> dict[str, Any]:
    """The association's officers record the board's decision; every line needs its outcome."""
    association = load_association(slug, user)
    close_year(db.session, association, _year(year), decided_on=body.decided_on, by=user)
    return _one_year(association, year)


def key_json(association: Association, year: int) -> dict[str, Any]:
    """A year's contribution key and the split it gives."""
    row = key_row(db.session, association, year)
    if row is None:
        raise NotFound(_l("There is no contribution key for that year."))
    key = budget.stored_keys(db.session, association.id)[year]
    names = {m.id: m.name for m in association.members}
    (projected,) = budget.projection(db.session, association, years=range(year, year + 1))
    return {
        "year": year,
        "basis": row.basis,
        "rounding_sek": row.rounding_sek,
        "remainder_member_id": row.remainder_member_id,
        "version": row.version,
        "members": [
            {
                "member_id": member_id,
                "name": names.get(member_id, ""),
                "population": population,
                "amount_sek": amount,
            }
            for member_id, (population, amount) in sorted(key.entries.items())
        ],
        "split": split_json(projected.split),
    }


@route(
    "/associations/<slug>/contribution-keys/<int:year>",
    method="PUT",
    summary="Set one year's contribution key (population, equal or fixed)",
    tag="budgets",
    body=KeyIn,
    response=KeyOut,
    errors=(403, 409),
    params={"slug": SLUG, **YEAR_PARAM},
)
def put_key(user: User, slug: str, year: int, body: KeyIn) -> dict[str, Any]:
    """The association's officers; the budget year's `split` follows the key."""
    association = load_association(slug, user)
    data = body.model_dump()
    members = data.pop("members")
    set_contribution_key(db.session, association, _year(year), **data, members=members, by=user)
    return key_json(association, year)


@route(
    "/associations/<slug>/contribution-keys/<int:year>",
    summary="One year's contribution key",
    tag="budgets",
    response=KeyOut,
    errors=(403,),
    params={"slug": SLUG, **YEAR_PARAM},
)
def get_key(user: User, slug: str, year: int) -> dict[str, Any]:
    """Officers, board members, the chair and auditors."""
    association = _readable(slug, user)
    return key_json(association, _year(year))


def record_json(record: EconomyRecord) -> dict[str, Any]:
    """One recorded step of a year's cycle."""
    return {
        "id": record.id,
        "year": record.year,
        "kind": record.kind,
        "held_on": record.held_on.isoformat(),
        "member_id": record.member_id,
        "granted": record.granted,
        "present_member_ids": record.present_member_ids,
        "text": record.text,
    }


@route(
    "/associations/<slug>/economy-records/<int:year>",
    method="POST",
    summary="Record a step of the year's cycle: medlemssamråd, budget decision, report, discharge",
    tag="budgets",
    body=RecordIn,
    response=RecordOut,
    status=201,
    errors=(403,),
    params={"slug": SLUG, **YEAR_PARAM},
)
def post_record(user: User, slug: str, year: int, body: RecordIn) -> dict[str, Any]:
    """The association's officers; a recorded step is never changed."""
    association = load_association(slug, user)
    record = record_economy_step(db.session, association, _year(year), **body.model_dump(), by=user)
    return record_json(record)


@route(
    "/associations/<slug>/economy-records/<int:year>",
    summary="The recorded steps of a year's cycle",
    tag="budgets",
    response=RecordsOut,
    errors=(403,),
    params={"slug": SLUG, **YEAR_PARAM},
)
def list_records(user: User, slug: str, year: int) -> dict[str, Any]:
    """Officers, board members, the chair and auditors."""
    association = _readable(slug, user)
    return {
        "records": [record_json(r) for r in economy_records(db.session, association, _year(year))]
    }
