"""Application content: create a draft, change its fields, serialise it, freeze a version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, and_, false, or_
from sqlmodel import Session, select

from states import application as machine
from states.common import Role
from workflow import audit, permissions
from workflow.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    ValidationFailed,
    stale_application,
)
from workflow.i18n import _l
from workflow.models import (
    Application,
    ApplicationPartner,
    ApplicationVersion,
    Association,
    BudgetLine,
    CofundingLine,
    Goal,
    Member,
    User,
    utcnow,
)
from workflow.operations import idempotency
from workflow.rules.versions import SCALAR_FIELDS, content
from workflow.schemas import ApplicationFields

# The idempotency keys of new drafts (workflow/operations/idempotency.py).
CREATE_KEY = "create_application"


def _association_members(session: Session, association_id: int) -> dict[int, Member]:
    rows = session.exec(select(Member).where(Member.association_id == association_id)).all()
    return {m.id: m for m in rows if m.id is not None}


def _check(
    app: Application,
    fields: ApplicationFields,
    members: dict[int, Member],
    by: User,
) -> list[Problem]:
    """Cross-field and cross-row rules that a schema alone cannot express."""
    given = fields.model_fields_set
    problems: list[Problem] = []

    def merged(name: str) -> Any:
        return getattr(fields, name) if name in given else getattr(app, name)

    lead = merged("lead_member_id")
    if "lead_member_id" in given:
        if lead not in members:
            problems.append(Problem("lead_member_id", _l("No such member of this association.")))
        elif lead not in permissions.member_ids_for(by, app.association_id, Role.APPLICANT):
            problems.append(
                Problem(
                    "lead_member_id",
                    _l("You can only apply on behalf of your own member organisation."),
                )
            )
    if "partner_member_ids" in given and fields.partner_member_ids is not None:
        seen: set[int] = set()
        for i, member_id in enumerate(fields.partner_member_ids):
            if member_id not in members:
                problems.append(
                    Problem(f"partner_member_ids.{i}", _l("No such member of this association."))
                )
            elif member_id == lead:
                problems.append(
                    Problem(
                        f"partner_member_ids.{i}", _l("The lead member cannot also be a partner.")
                    )
                )
            elif member_id in seen:
                problems.append(Problem(f"partner_member_ids.{i}", _l("Named twice.")))
            seen.add(member_id)
    age_min, age_max = merged("age_min"), merged("age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.append(Problem("age_max", _l("The highest age must not be below the lowest.")))
    start, end = merged("start_date"), merged("end_date")
    if start is not None and end is not None and end < start:
        problems.append(Problem("end_date", _l("The end date must not be before the start date.")))
    if "budget" in given and fields.budget is not None:
        years: set[int] = set()
        for i, line in enumerate(fields.budget):
            if line.year in years:
                problems.append(Problem(f"budget.{i}.year", _l("The year is given twice.")))
            elif start is not None and end is not None and not start.year <= line.year <= end.year:
                problems.append(
                    Problem(
                        f"budget.{i}.year",
                        _l(
                            "The year lies outside the period %(start)s–%(end)s.",
                            start=start.year,
                            end=end.year,
                        ),
                    )
                )
            years.add(line.year)
    if "cofunding" in given and fields.cofunding is not None:
        keys: set[tuple[int, int]] = set()
        for i, line in enumerate(fields.cofunding):
            if line.member_id not in members:
                problems.append(
                    Problem(f"cofunding.{i}.member_id", _l("No such member of this association."))
                )
            elif (line.member_id, line.year) in keys:
                problems.append(
                    Problem(f"cofunding.{i}", _l("This member and year are given twice."))
                )
            keys.add((line.member_id, line.year))
    return problems


def _merge_rows(
    current: list[Any], new: list[Any], *, key: Callable[[Any], Any], columns: tuple[str, ...]
) -> list[Any]:
    """The new child rows, reusing (and updating) a current row with the same unique key.

    Replacing the rows wholesale makes the flush INSERT the new row before it DELETEs the
    old one holding the same key, which the UNIQUE constraint refuses.
    """
    by_key = {key(row): row for row in current}
    merged = []
    for row in new:
        old = by_key.pop(key(row), None)
        if old is not None:
            for column in columns:
                setattr(old, column, getattr(row, column))
            row = old
        merged.append(row)
    return merged


def _apply(app: Application, fields: ApplicationFields) -> list[str]:
    """Write the given fields onto the row; returns the names that changed."""
    given = fields.model_fields_set
    before = content(app)
    for name in SCALAR_FIELDS:
        if name in given:
            value = getattr(fields, name)
            if isinstance(value, str) and value == "":
                value = None  # an emptied text field is the same as one never filled
            setattr(app, name, value)
    if "partner_member_ids" in given:
        app.partners = _merge_rows(
            app.partners,
            [ApplicationPartner(member_id=m) for m in fields.partner_member_ids or []],
            key=lambda r: r.member_id,
            columns=(),
        )
    if "budget" in given:
        app.budget_lines = _merge_rows(
            app.budget_lines,
            [BudgetLine(year=b.year, amount_sek=b.amount_sek) for b in fields.budget or []],
            key=lambda r: r.year,
            columns=("amount_sek",),
        )
    if "cofunding" in given:
        app.cofunding_lines = _merge_rows(
            app.cofunding_lines,
            [
                CofundingLine(member_id=c.member_id, year=c.year, amount_sek=c.amount_sek)
                for c in fields.cofunding or []
            ],
            key=lambda r: (r.member_id, r.year),
            columns=("amount_sek",),
        )
    if "goals" in given:
        app.goals = _merge_rows(
            app.goals,
            [
                Goal(
                    position=i,
                    description=g.description,
                    indicator=g.indicator or None,
                    target=g.target or None,
                )
                for i, g in enumerate(fields.goals or [])
            ],
            key=lambda r: r.position,
            columns=("description", "indicator", "target"),
        )
    after = content(app)
    return sorted(k for k in after if after[k] != before[k])


def create_draft(
    session: Session,
    association: Association,
    fields: ApplicationFields,
    *,
    by: User,
    idempotency_key: str | None = None,
) -> Application:
    """Create a draft for the caller's member organisation (flushes, never commits).

    With an idempotency key the caller sent before, the draft that request made comes back.
    """
    if not permissions.can_create_application(by, association):
        raise Forbidden(_l("Only applicants of a member organisation can create applications."))
    key = idempotency.check_key(idempotency_key)
    done = idempotency.claim(session, by=by, action=CREATE_KEY, key=key)
    if done is not None and (earlier := session.get(Application, done)) is not None:
        return earlier
    own = permissions.member_ids_for(by, association.id, Role.APPLICANT)
    lead = fields.lead_member_id
    if lead is None:
        if len(own) > 1:
            raise ValidationFailed(
                _l("Some fields are invalid."),
                problems=[
                    Problem("lead_member_id", _l("Choose which member organisation applies."))
                ],
            )
        lead = next(iter(own))
    app = Application(association_id=association.id, lead_member_id=lead, created_by_id=by.id)
    members = _association_members(session, association.id)
    probe = fields.model_copy(update={"lead_member_id": lead})
    probe.model_fields_set.add("lead_member_id")
    problems = _check(app, probe, members, by)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    _apply(app, probe)
    session.add(app)
    session.flush()
    audit.record(
        session,
        action="create",
        entity_type="application",
        entity_id=app.id,
        association_id=association.id,
        actor=by,
        to_state=app.state,
    )
    idempotency.complete(session, by=by, action=CREATE_KEY, key=key, entity_id=app.id)
    return app


def update_fields(
    session: Session,
    app: Application,
    fields: ApplicationFields,
    *,
    by: User,
    expected_version: int | None = None,
) -> Application:
    """Change the content while the application is in the applicant's hands."""
    if not permissions.can_edit_application(by, app):
        raise Forbidden(_l("Only the lead member's applicants may change the application."))
    if expected_version is not None and expected_version != app.version:
        raise stale_application()
    if app.state not in machine.EDITABLE:
        raise Conflict(
            _l("The application can no longer be changed in its current state."),
            code="invalid_state",
        )
    problems = _check(app, fields, _association_members(session, app.association_id), by)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    changed = _apply(app, fields)
    if changed:
        app.updated_at = utcnow()
        session.add(app)
        session.flush()
        audit.record(
            session,
            action="update",
            entity_type="application",
            entity_id=app.id,
            association_id=app.association_id,
            actor=by,
            data={"fields": changed},
        )
    return app


def versions(session: Session, app: Application) -> list[ApplicationVersion]:
    """Every frozen version, oldest first."""
    return list(
        session.exec(
            select(ApplicationVersion)
            .where(ApplicationVersion.application_id == app.id)
            .order_by(ApplicationVersion.number)
        ).all()
    )


def visible_query(
    user: Any,
    *,
    association_id: int | None = None,
    state: str | None = None,
    search: str | None = None,
) -> Select:
    """A SELECT of the applications `user` may see, newest first (same rule as can_view).

    `search` keeps those whose title or diary number contains it, whatever the case.
    """
    conditions = []
    for assoc_id in sorted(permissions.association_ids(user)):
        if association_id is not None and assoc_id != association_id:
            continue
        roles = permissions.roles_in(user, assoc_id)
        own = permissions.member_ids_for(user, assoc_id, Role.APPLICANT)
        clauses = []
        if own:
            clauses.append(Application.lead_member_id.in_(own))  # type: ignore[attr-defined]
            # Joint applications the user's member is a partner in (read-only for them).
            clauses.append(
                Application.id.in_(  # type: ignore[union-attr]
                    select(ApplicationPartner.application_id).where(
                        ApplicationPartner.member_id.in_(own)  # type: ignore[attr-defined]
                    )
                )
            )
        if roles - {Role.APPLICANT}:
            clauses.append(
                and_(
                    Application.submitted_at.is_not(None),  # type: ignore[union-attr]
                    Application.state.not_in(  # type: ignore[attr-defined]
                        [str(s) for s in machine.HIDDEN_BEFORE_SUBMISSION]
                    ),
                )
            )
        if clauses:
            conditions.append(and_(Application.association_id == assoc_id, or_(*clauses)))
    query = select(Application).where(or_(*conditions) if conditions else false())
    if state is not None:
        query = query.where(Application.state == state)
    if search:
        # autoescape: a % or _ typed in the box is looked for as such, not as a wildcard.
        query = query.where(
            or_(
                Application.title.icontains(search, autoescape=True),  # type: ignore[union-attr]
                Application.diary_number.icontains(search, autoescape=True),  # type: ignore[union-attr]
            )
        )
    return query.order_by(Application.updated_at.desc(), Application.id.desc())  # type: ignore[attr-defined]


def load_visible(session: Session, application_id: int, user: Any) -> Application:
    """The application if `user` may see it; otherwise NotFound (absent and hidden look alike)."""
    app = session.get(Application, application_id)
    if app is None or not permissions.can_view_application(user, app):
        raise NotFound(_l("No such application."))
    return app
