"""Associations (samordningsförbund) and their member organisations."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from workflow import audit, limits, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Association, Member, User
from workflow.operations import delegations


def by_slug(session: Session, slug: str) -> Association | None:
    """The association with this slug, if any."""
    return session.exec(select(Association).where(Association.slug == slug)).first()


def names(session: Session) -> list[tuple[str, str]]:
    """Every association's (slug, name), by name."""
    rows = session.exec(
        select(Association.slug, Association.name).order_by(col(Association.name))
    ).all()
    return [(slug, name) for slug, name in rows]


def by_ids(session: Session, ids: Iterable[int]) -> list[Association]:
    """The associations with these ids, by name; those the session holds cost no query.

    Every page's menu asks for the user's associations several times (budget, meetings,
    statistics, queues, reports due); one query serves them all.
    """
    wanted = set(ids)
    held: dict[int, Association] = session.info.get("held_associations", {})
    if missing := wanted - held.keys():
        for row in session.exec(select(Association).where(Association.id.in_(missing))).all():  # type: ignore[union-attr]
            held = session.info.setdefault("held_associations", {})
            held[row.id] = row  # type: ignore[index]
    return sorted((held[i] for i in wanted if i in held), key=lambda a: (a.name, a.id))


def require_manager(by: User, association: Association) -> None:
    """403 unless `by` manages the association's members and users (admins, its officers)."""
    if not permissions.can_manage_association(by, association):
        raise Forbidden(_l("Only administrators and the association's officers may do this."))


def create_association(
    session: Session,
    *,
    slug: str,
    name: str,
    diary_prefix: str,
    delegation_limit_sek: int | None = None,
    by: User | None = None,
) -> Association:
    """Create an association (flushes, never commits); `by=None` is the system (CLI, seeding).

    A `delegation_limit_sek` given starts the delegationsordning: the förbundschef decides
    grants up to it (the officers keep the list afterwards, `operations.delegations`).
    """
    if by is not None and not permissions.is_admin(by):
        raise Forbidden(_l("Only administrators may create associations."))
    if by_slug(session, slug) is not None:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("slug", _l("An association with this short name already exists."))],
        )
    association = Association(
        slug=slug,
        name=name.strip(),
        diary_prefix=diary_prefix.strip(),
    )
    session.add(association)
    session.flush()
    if delegation_limit_sek is not None:
        delegations.start(session, association, delegation_limit_sek)
    audit.record(
        session,
        action="create_association",
        entity_type="association",
        entity_id=association.id,
        association_id=association.id,
        actor=by,
        data={
            "slug": slug,
            "name": association.name,
            "diary_prefix": association.diary_prefix,
            "delegation_limit_sek": delegation_limit_sek,
        },
    )
    return association


def add_member(
    session: Session,
    association: Association,
    *,
    name: str,
    party: str,
    population: int | None = None,
    by: User | None = None,
) -> Member:
    """Add a member organisation (flushes, never commits); `by=None` is the system."""
    if by is not None:
        require_manager(by, association)
    exists = session.exec(
        select(func.count())
        .select_from(Member)
        .where(Member.association_id == association.id, Member.name == name.strip())
    ).one()
    if exists:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("name", _l("The association already has a member with this name."))],
        )
    member = Member(
        association_id=association.id, name=name.strip(), party=party, population=population
    )
    session.add(member)
    session.flush()
    audit.record(
        session,
        action="add_member",
        entity_type="member",
        entity_id=member.id,
        association_id=association.id,
        actor=by,
        data={"name": member.name, "party": party, "population": population},
    )
    return member


def update_settings(
    session: Session,
    association: Association,
    *,
    by: User,
    name: str | None = None,
    require_partner_endorsement: bool | None = None,
    notice_days: int | None = None,
    capital_limit_percent: int | None = None,
    publish_protocols: bool | None = None,
    expected_version: int | None = None,
) -> Association:
    """Change an association's name, endorsement rule, kallelse days, capital limit or whether
    its anslagstavla publishes the signed protocols."""
    if not permissions.can_manage_association(by, association):
        raise Forbidden(_l("Only administrators and the association's officers may do this."))
    if expected_version is not None and expected_version != association.version:
        raise Conflict(
            _l("The association was changed by someone else; reload and try again."),
            code="stale_version",
        )
    if capital_limit_percent is not None and not 0 <= capital_limit_percent <= 100:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("capital_limit_percent", _l("Must be between 0 and 100."))],
        )
    wanted = {
        "name": name.strip() if name is not None else None,
        "require_partner_endorsement": require_partner_endorsement,
        "notice_days": notice_days,
        "capital_limit_percent": capital_limit_percent,
        "publish_protocols": publish_protocols,
    }
    if notice_days is not None and not 0 <= notice_days <= limits.NOTICE_DAYS_MAX:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem(
                    "notice_days",
                    _l("Must be between %(min)s and %(max)s.", min=0, max=limits.NOTICE_DAYS_MAX),
                )
            ],
        )
    changed = {
        key: value
        for key, value in wanted.items()
        if value is not None and getattr(association, key) != value
    }
    if not changed:
        return association
    for key, value in changed.items():
        setattr(association, key, value)
    session.add(association)
    session.flush()
    audit.record(
        session,
        action="update_association",
        entity_type="association",
        entity_id=association.id,
        association_id=association.id,
        actor=by,
        data=changed,
    )
    return association
