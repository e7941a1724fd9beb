"""An application's content as a version stores it, and the newest version's number."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, func, select

from workflow.models import (
    Application,
    ApplicationVersion,
)

# Scalar columns written as they come; the list fields are handled one by one below.
SCALAR_FIELDS = (
    "title",
    "kind",
    "lead_member_id",
    "target_group",
    "age_min",
    "age_max",
    "participants_women",
    "participants_men",
    "start_date",
    "end_date",
    "follow_up_plan",
    "gender_equality_plan",
    "continuation_plan",
    "steering_group",
    "activity_description",
    "report_plan",
    "results_summary",
)


def content(app: Application) -> dict[str, Any]:
    """The application's fields in the API's shape (also what a frozen version stores)."""
    data: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(app, name)
        data[name] = value.isoformat() if isinstance(value, date) else value
    data["partner_member_ids"] = [p.member_id for p in app.partners]
    data["budget"] = [{"year": b.year, "amount_sek": b.amount_sek} for b in app.budget_lines]
    data["cofunding"] = [
        {"member_id": c.member_id, "year": c.year, "amount_sek": c.amount_sek}
        for c in app.cofunding_lines
    ]
    data["goals"] = [
        {"description": g.description, "indicator": g.indicator, "target": g.target}
        for g in app.goals
    ]
    return data


def latest_version_number(session: Session, app: Application) -> int:
    """The number of the newest frozen version (0 before the first submit)."""
    number = session.exec(
        select(func.max(ApplicationVersion.number)).where(
            ApplicationVersion.application_id == app.id
        )
    ).one()
    return number or 0
