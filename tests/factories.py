"""Test data builders with `**overrides`; they flush, the caller commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from states.application import State
from workflow.models import (
    Application,
    ApplicationPartner,
    Association,
    BudgetLine,
    Goal,
    Member,
    User,
    utcnow,
)
from workflow.operations import applications as app_service
from workflow.operations import associations, users
from workflow.operations.diary import next_diary_number

PASSWORD = "correct horse battery"


@dataclass
class World:
    """One association with every role, plus a second association to test isolation."""

    association: Association
    members: dict[str, Member]
    users: dict[str, User]
    other_association: Association
    other_members: dict[str, Member] = field(default_factory=dict)


def association(session: Session, **overrides: Any) -> Association:
    """An association (samordningsförbund)."""
    values = {
        "slug": "svb",
        "name": "Samordningsförbundet Södra Vätterbygden",
        "diary_prefix": "SVB",
        "delegation_limit_sek": 200_000,
    }
    values.update(overrides)
    return associations.create_association(session, **values)


def member(session: Session, assoc: Association, **overrides: Any) -> Member:
    """A member organisation."""
    values = {"name": "Jönköpings kommun", "party": "municipality", "population": 141_081}
    values.update(overrides)
    return associations.add_member(session, assoc, **values)


def user(
    session: Session,
    assoc: Association | None,
    role: str | None = None,
    member_obj: Member | None = None,
    **overrides: Any,
) -> User:
    """A user holding one role (or none) in `assoc`."""
    roles = []
    if role is not None:
        grant: dict[str, Any] = {"role": role}
        if member_obj is not None:
            grant["member_id"] = member_obj.id
        if overrides.pop("substitute", False):
            grant["substitute"] = True
        roles.append(grant)
    values = {
        "email": f"{role or 'user'}-{id(roles)}@example.se",
        "name": "Test Person",
        "password": PASSWORD,
    }
    values.update(overrides)
    return users.create_user(session, association=assoc, roles=roles, **values)


def build_world(session: Session) -> World:
    """The association of the tests, with one user per role."""
    assoc = association(session)
    members = {
        "af": member(session, assoc, name="Arbetsförmedlingen", party="af", population=None),
        "fk": member(session, assoc, name="Försäkringskassan", party="fk", population=None),
        "region": member(
            session, assoc, name="Region Jönköpings län", party="region", population=None
        ),
        "jonkoping": member(session, assoc),
        "habo": member(session, assoc, name="Habo kommun", population=12_690),
    }
    people = {
        "applicant": user(
            session,
            assoc,
            "applicant",
            members["jonkoping"],
            email="applicant@example.se",
            name="Anna Sökande",
        ),
        "other_applicant": user(
            session,
            assoc,
            "applicant",
            members["region"],
            email="region.applicant@example.se",
            name="Rita Region",
        ),
        "preparer": user(
            session, assoc, "preparer", email="preparer@example.se", name="Per Beredare"
        ),
        "officer": user(
            session, assoc, "officer", email="officer@example.se", name="Frida Förbundschef"
        ),
        "board": user(
            session, assoc, "board", members["af"], email="board@example.se", name="Bo Ledamot"
        ),
        "chair": user(session, assoc, "chair", email="chair@example.se", name="Ola Ordförande"),
        "auditor": user(session, assoc, "auditor", email="auditor@example.se", name="Rut Revisor"),
        "admin": user(
            session, None, None, email="admin@example.se", name="Adam Admin", is_admin=True
        ),
    }
    other = association(
        session, slug="hog", name="Höglandets samordningsförbund", diary_prefix="HSF"
    )
    other_members = {
        "nassjo": member(session, other, name="Nässjö kommun", population=31_000),
        "fk": member(session, other, name="Försäkringskassan", party="fk", population=None),
    }
    people["outsider"] = user(
        session, other, "officer", email="outsider@example.se", name="Otto Utanför"
    )
    people["outsider_applicant"] = user(
        session,
        other,
        "applicant",
        other_members["nassjo"],
        email="outsider.applicant@example.se",
        name="Olle Utanför",
    )
    return World(assoc, members, people, other, other_members)


def complete_fields(world: World) -> dict[str, Any]:
    """Every field a complete application needs (API shape, Python dates)."""
    year = date.today().year
    return {
        "title": "Enter – samlad väg till arbete",
        "kind": "individual",
        "partner_member_ids": [world.members["fk"].id, world.members["af"].id],
        "target_group": "Unga vuxna 18–29 år med psykisk ohälsa som behöver stöd från flera parter",
        "age_min": 18,
        "age_max": 29,
        "participants_women": 36,
        "participants_men": 34,
        "start_date": date(year, 1, 1),
        "end_date": date(year + 1, 12, 31),
        "budget": [
            {"year": year, "amount_sek": 1_500_000},
            {"year": year + 1, "amount_sek": 1_500_000},
        ],
        "goals": [
            {
                "description": "Andel till arbete eller studier",
                "indicator": "Avslutade till arbete eller studier / avslutade",
                "target": "40 %",
            }
        ],
        "follow_up_plan": "Kvartalsvis i Uppföljning Finsam; extern utvärdering år 2.",
        "gender_equality_plan": "Könsuppdelad statistik och analys enligt handlingsplanen.",
        "continuation_plan": "Kommunen och regionen tar över vid gott resultat.",
        "steering_group": "En representant per part",
    }


def application(
    session: Session,
    world: World,
    *,
    state: str = State.DRAFT,
    complete: bool = True,
    by: User | None = None,
    **overrides: Any,
) -> Application:
    """An application standing in `state` (rows written directly, not through the engine)."""
    owner = by or world.users["applicant"]
    fields = complete_fields(world) if complete else {"title": "Halvfärdig ansökan"}
    fields.update(overrides)
    app = Application(
        association_id=world.association.id,
        lead_member_id=fields.pop("lead_member_id", world.members["jonkoping"].id),
        created_by_id=owner.id,
        state=str(state),
    )
    for name in app_service.SCALAR_FIELDS:
        if name in fields:
            setattr(app, name, fields[name])
    app.partners = [ApplicationPartner(member_id=m) for m in fields.get("partner_member_ids", [])]
    app.budget_lines = [BudgetLine(**b) for b in fields.get("budget", [])]
    app.goals = [Goal(position=i, **g) for i, g in enumerate(fields.get("goals", []))]
    if state not in (State.DRAFT, State.WITHDRAWN) or overrides.get("submitted"):
        seq, number = next_diary_number(session, world.association, utcnow().year)
        app.diary_year, app.diary_seq, app.diary_number = utcnow().year, seq, number
        app.submitted_at = utcnow()
    session.add(app)
    session.flush()
    if app.submitted_at is not None:
        app_service.freeze_version(session, app, by=owner, trigger="submit")
    return app


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
