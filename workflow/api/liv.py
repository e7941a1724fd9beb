"""LIV through the API: the activity's financed years and flag, and its uppdragsavtal.

Admission and the yearly financing are board decisions (POST /meetings/{id}/decisions with
one year in `amounts`); proposing and phasing out are steps of the application
(`propose_liv`, `phase_out`).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import Field

from workflow import limits
from workflow.api.registry import ID, route
from workflow.api.schemas import Out, StateName
from workflow.extensions import db
from workflow.models import Application, User
from workflow.models.liv import LivAgreement
from workflow.operations import applications, liv
from workflow.rules import liv as liv_rules
from workflow.schemas import Strict

APPLICATION = f"/applications/<{ID}:application_id>"
Reference = Annotated[str, Field(max_length=limits.NAME_MAX)]


class AgreementIn(Strict):
    """An uppdragsavtal: the member organisations that are parties, the period, the signing."""

    party_member_ids: Annotated[list[int], Field(max_length=50)] = Field(
        description="Member organisations of the association that signed it (at least one)."
    )
    start_date: datetime.date
    end_date: datetime.date
    signed_on: datetime.date
    reference: Reference | None = None


class AgreementOut(Out):
    id: int
    application_id: int
    party_member_ids: list[int]
    start_date: datetime.date
    end_date: datetime.date
    signed_on: datetime.date
    reference: str | None


class FinancedYearOut(Out):
    year: int
    amount_sek: int
    paragraph: int | None
    meeting_id: int | None


class LivOut(Out):
    """A LIV activity: the years the board financed, its agreements, last year's report."""

    application_id: int
    state: StateName
    years: list[FinancedYearOut]
    agreements: list[AgreementOut]
    report_missing_for: int | None = Field(
        description="The year before this one when its report is not accepted (a warning"
        " before the next yearly decision); null otherwise."
    )


def agreement_json(row: LivAgreement) -> dict[str, Any]:
    """One uppdragsavtal as the API answers it."""
    return {
        "id": row.id,
        "application_id": row.application_id,
        "party_member_ids": [p.member_id for p in row.parties],
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat(),
        "signed_on": row.signed_on.isoformat(),
        "reference": row.reference,
    }


def _liv_json(app: Application) -> dict[str, Any]:
    this_year = liv_rules.suggested_year(app) - 1
    missing = app.id in liv_rules.unreported(db.session, [app], this_year)
    return {
        "application_id": app.id,
        "state": app.state,
        "years": [
            {
                "year": y.year,
                "amount_sek": y.amount_sek,
                "paragraph": y.paragraph,
                "meeting_id": y.meeting_id,
            }
            for y in liv_rules.years(db.session, app)
        ],
        "agreements": [agreement_json(a) for a in liv_rules.agreements(db.session, app)],
        "report_missing_for": this_year - 1 if missing else None,
    }


@route(
    f"{APPLICATION}/liv",
    summary="A LIV activity: years financed, uppdragsavtal, last year's report",
    tag="liv",
    response=LivOut,
)
def get_liv(user: User, application_id: int) -> dict[str, Any]:
    """Whoever sees the application."""
    app = applications.load_visible(db.session, application_id, user)
    return _liv_json(app)


@route(
    f"{APPLICATION}/liv/agreements",
    method="POST",
    summary="Record the uppdragsavtal of a LIV activity",
    tag="liv",
    body=AgreementIn,
    response=AgreementOut,
    status=201,
    errors=(403, 409),
)
def post_agreement(user: User, application_id: int, body: AgreementIn) -> dict[str, Any]:
    """The association's officers, for an activity in LIV."""
    app = applications.load_visible(db.session, application_id, user)
    row = liv.record_agreement(
        db.session,
        app,
        liv.AgreementIn(
            party_member_ids=body.party_member_ids,
            start_date=body.start_date,
            end_date=body.end_date,
            signed_on=body.signed_on,
            reference=body.reference,
        ),
        by=user,
    )
    db.session.flush()  # stored before it is read again
    db.session.refresh(row)
    return agreement_json(row)
