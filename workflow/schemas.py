"""Input schemas: types and limits of what a client may send. Shared by the API and the pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from workflow import limits
from workflow.errors import Problem
from workflow.i18n import _l

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=limits.TITLE_MAX)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=limits.SHORT_TEXT_MAX)
]
Plan = Annotated[str, StringConstraints(strip_whitespace=True, max_length=limits.PLAN_MAX)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.NAME_MAX)
]
Age = Annotated[int, Field(ge=limits.AGE_MIN, le=limits.AGE_MAX)]
Count = Annotated[int, Field(ge=0, le=limits.PARTICIPANTS_MAX)]
Amount = Annotated[int, Field(ge=0, le=limits.AMOUNT_MAX)]
Year = Annotated[int, Field(ge=limits.YEAR_MIN, le=limits.YEAR_MAX)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
DATE_MIN = date(limits.YEAR_MIN, 1, 1)
DATE_MAX = date(limits.YEAR_MAX, 12, 31)
# An insats's period: within the years a budget line may name (a year 9999 is a typing error).
Period = Annotated[
    date,
    Field(
        ge=DATE_MIN,
        le=DATE_MAX,
        description=f"Between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}.",
    ),
]


class Strict(BaseModel):
    """Unknown fields are refused; types are not coerced (a "12" is not 12)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class BudgetLineIn(Strict):
    year: Year
    amount_sek: Amount


class CofundingLineIn(Strict):
    member_id: Id
    year: Year
    amount_sek: Amount


class GoalIn(Strict):
    description: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.SHORT_TEXT_MAX),
    ]
    indicator: ShortText | None = None
    target: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=limits.NAME_MAX)] | None
    ) = None


class ApplicationFields(Strict):
    """Every field an applicant may write; all optional while the application is a draft."""

    title: Title | None = None
    kind: Literal["individual", "structural"] | None = None
    lead_member_id: Id | None = None
    partner_member_ids: Annotated[list[Id], Field(max_length=limits.PARTNERS_MAX)] | None = None
    target_group: ShortText | None = None
    age_min: Age | None = None
    age_max: Age | None = None
    participants_women: Count | None = None
    participants_men: Count | None = None
    start_date: Period | None = None
    end_date: Period | None = None
    budget: Annotated[list[BudgetLineIn], Field(max_length=limits.BUDGET_YEARS_MAX)] | None = None
    cofunding: Annotated[list[CofundingLineIn], Field(max_length=limits.COFUNDING_MAX)] | None = (
        None
    )
    goals: Annotated[list[GoalIn], Field(max_length=limits.GOALS_MAX)] | None = None
    follow_up_plan: Plan | None = None
    gender_equality_plan: Plan | None = None
    continuation_plan: Plan | None = None
    steering_group: ShortText | None = None
    activity_description: Plan | None = None
    report_plan: Plan | None = None
    results_summary: Plan | None = None


def parse(schema: type[BaseModel], data: Any, *, from_json: bool = False) -> Any:
    """Validate `data` against `schema`, turning every error into a translated Problem."""
    try:
        if from_json:
            return schema.model_validate_json(data)
        return schema.model_validate(data)
    except ValidationError as exc:
        from workflow.errors import ValidationFailed

        raise ValidationFailed(
            _l("Some fields are invalid."), problems=problems_from(exc)
        ) from None


def problems_from(exc: ValidationError) -> list[Problem]:
    """Map pydantic's error types to our own Swedish/English messages."""
    problems = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"]) or "body"
        problems.append(Problem(field, _message_for(err)))
    return problems


def _message_for(err: Any) -> Any:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _l("This field is required.")
    if kind == "extra_forbidden":
        return _l("Unknown field.")
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _l("Must be a whole number.")
    if kind in {"string_type"}:
        return _l("Must be text.")
    if kind in {"bool_type", "bool_parsing"}:
        return _l("Must be true or false.")
    if kind in {"list_type"}:
        return _l("Must be a list.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _l("Must be an object.")
    if kind.startswith("date"):
        return _l("Must be a date written YYYY-MM-DD.")
    if kind == "string_too_long":
        return _l("At most %(n)s characters.", n=ctx.get("max_length"))
    if kind == "string_too_short":
        return _l("Must not be empty.")
    if kind == "too_long":
        return _l("At most %(n)s items.", n=ctx.get("max_length"))
    # A date's bound (pydantic hands it over as a date or as its ISO text), not a number's.
    if kind in {"greater_than_equal", "less_than_equal"} and not isinstance(
        ctx.get("ge", ctx.get("le")), int | float
    ):
        return _l(
            "Must be a date between %(first)s and %(last)s.",
            first=DATE_MIN.isoformat(),
            last=DATE_MAX.isoformat(),
        )
    if kind == "greater_than_equal":
        return _l("Must be at least %(n)s.", n=ctx.get("ge"))
    if kind == "less_than_equal":
        return _l("Must be at most %(n)s.", n=ctx.get("le"))
    if kind == "literal_error":
        return _l("Must be one of: %(values)s.", values=ctx.get("expected", ""))
    if kind in {"string_pattern_mismatch"}:
        return _l("Has the wrong format.")
    if kind in {"value_error", "assertion_error"}:
        return _l("Is not valid.")
    if kind in {"json_invalid", "json_type"}:
        return _l("The body is not valid JSON.")
    return _l("Is not valid.")
