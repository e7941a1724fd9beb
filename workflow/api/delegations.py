"""The delegationsordning: which matters the board delegates, to whom, up to what amount."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.schemas import Out, Reason
from workflow.extensions import db
from workflow.models import User
from workflow.models.delegations import Delegation
from workflow.operations import delegations
from workflow.rules import delegations as delegation_rules
from workflow.schemas import Amount, Strict

Matter = Literal["grant", "urgent"]
Delegate = Literal["director", "chair", "working_committee"]
MATTER = (
    "`grant`: decisions on applications for grants to insatser; `urgent`: urgent matters"
    " the board cannot wait for (kommunallagen 6 kap. 39 §), decided on an application too."
)
DELEGATE = (
    "`director`: the förbundschef (the officers); `chair`: the ordförande (ordförandebeslut);"
    " `working_committee`: the arbetsutskott (kept as the record; no user acts as it)."
)


class DelegationRow(Strict):
    """One row of the delegationsordning."""

    matter: Matter = Field(description=MATTER)
    delegate: Delegate = Field(description=DELEGATE)
    limit_sek: Amount | None = Field(
        default=None,
        description="The highest total (applied for and granted) the delegate decides; null: no"
        " limit.",
    )
    report_to_board: bool = Field(
        default=True,
        description="Whether the delegate's decisions are reported on the next meeting's agenda.",
    )
    note: Reason | None = Field(default=None, description="The row's wording.")


class DelegationsIn(Strict):
    """The whole delegationsordning, in order; it replaces the association's list."""

    items: list[DelegationRow] = Field(max_length=delegations.ROWS_MAX)


class DelegationOut(Out):
    matter: Matter
    delegate: Delegate
    limit_sek: int | None
    report_to_board: bool
    note: str | None


class DelegationsOut(Out):
    """The association's delegationsordning, in order."""

    items: list[DelegationOut]


def _json(rows: list[Delegation]) -> dict[str, Any]:
    return {
        "items": [
            {
                "matter": r.matter,
                "delegate": r.delegate,
                "limit_sek": r.limit_sek,
                "report_to_board": r.report_to_board,
                "note": r.note,
            }
            for r in rows
        ]
    }


@route(
    "/associations/<slug>/delegations",
    summary="The association's delegationsordning",
    tag="associations",
    response=DelegationsOut,
    params={"slug": SLUG},
)
def list_delegations(user: User, slug: str) -> dict[str, Any]:
    """Anyone with a role in the association. A decision by delegation (`decide_delegated`)
    is taken under the first row of its delegate whose limit covers the amount."""
    association = load_association(slug, user)
    return _json(delegation_rules.rows_of(db.session, association.id))  # type: ignore[arg-type]


@route(
    "/associations/<slug>/delegations",
    method="PUT",
    summary="Replace the association's delegationsordning",
    tag="associations",
    body=DelegationsIn,
    response=DelegationsOut,
    errors=(403,),
    params={"slug": SLUG},
)
def replace_delegations(user: User, slug: str, body: DelegationsIn) -> dict[str, Any]:
    """The association's officers. Invalid input (an unknown matter or delegate, a negative
    limit, a matter given twice to one delegate) is refused with 422 and nothing changed."""
    association = load_association(slug, user)
    rows = delegations.replace(
        db.session,
        association,
        [
            delegation_rules.DelegationIn(
                r.matter, r.delegate, r.limit_sek, r.report_to_board, r.note
            )
            for r in body.items
        ],
        by=user,
    )
    return _json(rows)
