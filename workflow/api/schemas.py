"""What the API reads and answers: pydantic models, also the source of the OpenAPI schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from flask import current_app
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from states.application import DECIDE_DELEGATED, PUBLIC_TRIGGERS, State
from states.common import Role
from workflow import limits
from workflow.models import KINDS, PARTIES
from workflow.rules import classification, paging
from workflow.schemas import (
    Amount,
    ApplicationFields,
    BudgetLineIn,
    CofundingLineIn,
    GoalIn,
    Id,
    Name,
    Plan,
    Strict,
)

StateName = Literal[tuple(s.value for s in State)]  # type: ignore[valid-type]
RoleName = Literal[tuple(r.value for r in Role)]  # type: ignore[valid-type]
PartyName = Literal[PARTIES]  # type: ignore[valid-type]
KindName = Literal[KINDS]  # type: ignore[valid-type]
DirectionName = Literal[classification.DIRECTIONS]  # type: ignore[valid-type]
PreciseDirectionName = Literal[classification.PRECISE_CODES]  # type: ignore[valid-type]
FollowUpMethodName = Literal[classification.FOLLOW_UP_METHODS]  # type: ignore[valid-type]
TriggerName = Literal[tuple(sorted(PUBLIC_TRIGGERS | {DECIDE_DELEGATED}))]  # type: ignore[valid-type]
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="The version the client last read.")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=limits.REASON_MAX)]
# A moment in an answer, written as Python writes it (`+00:00`, not pydantic's `Z`).
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]

# --- requests ------------------------------------------------------------------------------


class TokenRequest(Strict):
    """Credentials exchanged for a bearer token."""

    email: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.EMAIL_MAX)
    ]
    password: Annotated[str, StringConstraints(min_length=1, max_length=limits.PASSWORD_MAX)]
    otp: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        default=None,
        description=(
            "The code of the authenticator app (or a recovery code), for users with two-factor"
            " sign-in."
        ),
    )


class AssociationCreate(Strict):
    """A new association (samordningsförbund)."""

    slug: Annotated[str, StringConstraints(pattern=limits.SLUG_PATTERN)] = Field(
        description="Short name used in addresses: lower-case letters, digits and hyphens."
    )
    name: Name
    diary_prefix: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.DIARY_PREFIX_MAX),
    ] = Field(description="Printed before the diary number, e.g. `SVB` in `SVB 2026/001`.")
    delegation_limit_sek: Amount = Field(
        default=0,
        description="The director's limit for grants: the first row of the delegationsordning"
        " (`/associations/{slug}/delegations`).",
    )


class MemberCreate(Strict):
    """A new member organisation of an association."""

    name: Name
    party: PartyName
    population: Annotated[int, Field(ge=0, le=limits.POPULATION_MAX)] | None = None


class MemberUpdate(Strict):
    """A change of a member organisation; what is left out stays."""

    name: Name | None = None
    population: Annotated[int, Field(ge=0, le=limits.POPULATION_MAX)] | None = None
    active: bool | None = Field(
        default=None,
        description="false: the member has left (it is kept with its history, never deleted).",
    )
    expected_version: Version | None = None


class RoleGrantIn(Strict):
    """One role for the new user in this association."""

    role: RoleName
    member_id: Id | None = Field(
        default=None, description="Required for applicant and board: the member spoken for."
    )
    substitute: bool = Field(default=False, description="A board grant as ersättare.")


NewPassword = Annotated[
    str, StringConstraints(min_length=limits.PASSWORD_MIN, max_length=limits.PASSWORD_MAX)
]


class PasswordChange(Strict):
    """The current password and the new one (not one of the common passwords)."""

    old_password: Annotated[str, StringConstraints(min_length=1, max_length=limits.PASSWORD_MAX)]
    new_password: NewPassword


class PasswordResetRequest(Strict):
    """The address to mail a one-time link to, if it is an account's."""

    email: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.EMAIL_MAX)
    ]


class PasswordResetConfirm(Strict):
    """The token from the mailed link and the new password."""

    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: NewPassword


class UserCreate(Strict):
    """A new user with roles in this association."""

    email: EmailStr
    name: Name
    password: Annotated[
        str, StringConstraints(min_length=limits.PASSWORD_MIN, max_length=limits.PASSWORD_MAX)
    ]
    roles: Annotated[list[RoleGrantIn], Field(min_length=1, max_length=len(Role) * 10)]


class ApplicationPatch(ApplicationFields):
    """Application fields to change, and optionally the version the client last read."""

    expected_version: Version | None = None


class TransitionBody(Strict):
    """A step's reason, the version the client last read, and the step's own payload."""

    reason: Annotated[str, StringConstraints(max_length=limits.REASON_MAX)] | None = None
    expected_version: Version | None = None
    recommendation: Literal["approve", "approve_with_conditions", "reject"] | None = Field(
        default=None, description="Only for `recommend`."
    )
    motivation: Plan | None = Field(default=None, description="Only for `recommend`.")
    conditions: Plan | None = Field(
        default=None,
        description="Only for `recommend`; required with `approve_with_conditions`.",
    )
    override_reason: Reason | None = Field(
        default=None,
        description=(
            "Only for `recommend`: why the group recommends although shared requests for"
            " completion are still open (required then)."
        ),
    )
    proposal: Plan | None = Field(default=None, description="Only for `propose`.")
    activity_description: Plan | None = Field(
        default=None, description="Only for `propose_liv` (else the application's own)."
    )
    report_plan: Plan | None = Field(
        default=None, description="Only for `propose_liv` (else the application's own)."
    )
    results_summary: Plan | None = Field(
        default=None, description="Only for `propose_liv` (else the application's own)."
    )
    agreement_date: date | None = Field(
        default=None, description="Only for `start`: the date the agreement was signed."
    )
    confirmed_conditions: (
        Annotated[list[Annotated[int, Field(ge=1, le=100)]], Field(max_length=100)] | None
    ) = Field(
        default=None,
        description=(
            "Only for `start`: the numbers (1, 2, …) of the decision's conditions, one per line"
            " of its conditions text, that the officer confirms are met."
        ),
    )


def _page_size_schema(schema: dict[str, Any]) -> None:
    # The limits are configuration, so the document shows the running app's values.
    schema["default"] = current_app.config["PAGE_SIZE"]
    schema["maximum"] = current_app.config["MAX_PAGE_SIZE"]


class PageQuery(BaseModel):
    """Pagination of a list."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=paging.PAGE_MAX, description="1 is the first page.")
    per_page: int = Field(
        default_factory=lambda: current_app.config["PAGE_SIZE"],
        ge=1,
        description="Items per page.",
        json_schema_extra=_page_size_schema,
    )


SearchText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.SEARCH_MAX)
]


class ApplicationQuery(PageQuery):
    """Filter and pagination of the application list."""

    state: StateName | None = Field(default=None, description="Only applications in this state.")
    q: SearchText | None = Field(
        default=None,
        description="Only applications whose title or diary number contains this, in any case.",
    )


# --- responses -----------------------------------------------------------------------------


class Out(BaseModel):
    """A response object: exactly these keys (tests hold the serializers to it)."""

    model_config = ConfigDict(extra="forbid")


class EmptyOut(Out):
    """An answer with nothing to tell: `{}`."""


class OpenApiDocumentOut(Out):
    """This document; its parts are as the OpenAPI 3.1 specification describes them."""

    openapi: str
    info: dict[str, Any]
    tags: list[dict[str, Any]]
    paths: dict[str, dict[str, Any]]
    components: dict[str, Any]


class ProblemOut(Out):
    field: str
    message: str


class ErrorBody(Out):
    code: str = Field(description="Stable, machine-readable: `not_found`, `stale_version`, ...")
    message: str = Field(description="For people, in the request's language.")
    details: list[ProblemOut] = Field(description="One entry per missing or invalid item.")


class ErrorResponse(Out):
    """Every error answer has this shape."""

    error: ErrorBody


class TokenOut(Out):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: Timestamp


class AssociationOut(Out):
    id: int
    slug: str
    name: str
    diary_prefix: str
    require_partner_endorsement: bool = Field(
        description="Whether submit waits for every partner's endorsement."
    )
    notice_days: int = Field(
        description="Days before a meeting the kallelse should go out (a later one warns)."
    )
    capital_limit_percent: int | None = Field(
        description="The association's own capital limit in percent; null: by size."
    )
    publish_protocols: bool = Field(
        description="Whether the public anslagstavla links each signed protocol's PDF."
    )
    created_at: Timestamp
    version: int
    roles: list[RoleName] = Field(description="The caller's roles in this association.")


class MemberOut(Out):
    id: int
    association: str = Field(description="The association's slug.")
    name: str
    party: PartyName
    population: int | None
    active: bool = Field(description="false: the member has left; kept with its history.")
    version: int


class RoleGrantOut(Out):
    id: int = Field(description="The grant's id: `DELETE .../roles/{grant_id}` removes it.")
    role: RoleName
    member_id: int | None
    substitute: bool


class UserOut(Out):
    id: int
    email: str
    name: str
    roles: list[RoleGrantOut] = Field(description="The user's roles in this association.")


class ActorOut(Out):
    id: int
    name: str


class RecommendationOut(Out):
    """The beredningsgrupp's recommendation, given with `recommend`."""

    id: int
    version_number: int = Field(description="The frozen version it was given on.")
    recommendation: Literal["approve", "approve_with_conditions", "reject"]
    motivation: str
    conditions: str | None
    override_reason: str | None = Field(
        description="Why it was given although shared requests for completion were open."
    )
    author: ActorOut
    created_at: Timestamp


class ProposalOut(Out):
    """The officer's proposal to the board (tjänsteskrivelse), as sent with `propose`."""

    id: int
    version_number: int
    text: str
    author: ActorOut
    created_at: Timestamp


class ApplicationContentOut(Out):
    """The fields an applicant writes (services.applications.content); a frozen version's too."""

    title: str | None
    kind: KindName | None
    lead_member_id: int | None
    partner_member_ids: list[int]
    target_group: str | None
    age_min: int | None
    age_max: int | None
    participants_women: int | None
    participants_men: int | None
    start_date: date | None
    end_date: date | None
    budget: list[BudgetLineIn]
    cofunding: list[CofundingLineIn]
    goals: list[GoalIn]
    follow_up_plan: str | None
    gender_equality_plan: str | None
    continuation_plan: str | None
    steering_group: str | None
    activity_description: str | None
    report_plan: str | None
    results_summary: str | None


class ClassificationOut(Out):
    """The insats's national classification (Uppföljning Finsam); docs/uppfoljning-finsam.md."""

    direction: DirectionName = Field(description="Insatsinriktning: the insats's kind.")
    precise_direction: PreciseDirectionName = Field(
        description="Preciserad inriktning, one of the direction's (the product's reading)."
    )
    follow_up_method: FollowUpMethodName = Field(description="Uppföljningsmetod.")
    esf: bool = Field(description="Whether the ESF co-finances the insats.")
    esf_project: str | None = Field(description="The ESF project, when `esf`.")
    set_at: Timestamp
    fixed: bool = Field(description="The insats has started: the classification cannot change.")


class ApplicationOut(ApplicationContentOut):
    """An application: its fields, where it stands and what the caller may do with it."""

    id: int
    association: str = Field(description="The association's slug.")
    state: StateName
    version: int
    diary_number: str | None
    submitted_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    allowed_transitions: list[TriggerName] = Field(description="The steps the caller may take now.")
    missing: list[ProblemOut] = Field(description="What submit still lacks (the checklist).")
    lead_member_id: int
    recommendation: RecommendationOut | None = Field(
        description="The beredningsgrupp's latest recommendation, if any."
    )
    proposal: ProposalOut | None = Field(description="The latest proposal to the board, if any.")
    classification: ClassificationOut | None = Field(
        description="The national classification the officer set, if any."
    )


class HistoryEventOut(Out):
    """One audit event of an application."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: int
    at: Timestamp
    actor: ActorOut | None
    action: str = Field(description="`create`, `update` or the step taken.")
    trigger: str | None = Field(description="The step, when the state moved.")
    from_state: StateName | None = Field(alias="from")
    to_state: StateName | None = Field(alias="to")
    reason: str | None
    changed_fields: list[str] = Field(description="For `update`: the fields that changed.")


class BrokenLinkOut(Out):
    chain_id: int
    seq: int
    id: int | None
    problem: Literal["sequence", "link", "hash", "truncated"]


class AuditVerificationOut(Out):
    ok: bool
    events: int = Field(description="How many events were checked.")
    broken: list[BrokenLinkOut] = Field(description="The first break of each broken chain.")


T = TypeVar("T")


class Page(Out, Generic[T]):
    """One page of a list."""

    items: list[T]
    page: int
    per_page: int
    total: int = Field(description="Items on all pages.")
    pages: int = Field(description="How many pages there are (0 when the list is empty).")
