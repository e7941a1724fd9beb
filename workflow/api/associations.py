"""Associations, their member organisations and their users."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from workflow import limits, permissions
from workflow.api.paging import paginate
from workflow.api.registry import route
from workflow.api.schemas import (
    AssociationCreate,
    AssociationOut,
    MemberCreate,
    MemberOut,
    MemberUpdate,
    Page,
    PageQuery,
    UserCreate,
    UserOut,
)
from workflow.api.serializers import association_json, member_json, user_json
from workflow.errors import Forbidden, NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, Member, RoleGrant, User
from workflow.operations import associations, users
from workflow.operations.budget import update_member

SLUG = {"description": "The association's short name, e.g. `svb`."}


def load_association(slug: str, user: User) -> Association:
    """The association if `user` may see it; otherwise 404 (absent and hidden look alike)."""
    found = (
        associations.by_slug(db.session, slug) if re.fullmatch(limits.SLUG_PATTERN, slug) else None
    )
    if found is None or not permissions.can_view_association(user, found):
        raise NotFound(_l("No such association."))
    return found


@route(
    "/associations",
    method="POST",
    summary="Create an association",
    tag="associations",
    body=AssociationCreate,
    response=AssociationOut,
    status=201,
    errors=(403,),
)
def create_association(user: User, body: AssociationCreate) -> dict[str, Any]:
    """Administrators only."""
    association = associations.create_association(db.session, **body.model_dump(), by=user)
    return association_json(association, user)


@route(
    "/associations",
    summary="List the associations you can see",
    tag="associations",
    query=PageQuery,
    response=Page[AssociationOut],
)
def list_associations(user: User, query: PageQuery) -> dict[str, Any]:
    """Those where you hold a role; administrators see all."""
    statement = select(Association).order_by(Association.name, Association.id)
    if not permissions.is_admin(user):
        statement = statement.where(
            Association.id.in_(sorted(permissions.association_ids(user)))  # type: ignore[union-attr]
        )
    return paginate(db.session, statement, query, lambda row: association_json(row, user))


@route(
    "/associations/<slug>/members",
    method="POST",
    summary="Add a member organisation",
    tag="associations",
    body=MemberCreate,
    response=MemberOut,
    status=201,
    errors=(403,),
    params={"slug": SLUG},
)
def create_member(user: User, slug: str, body: MemberCreate) -> dict[str, Any]:
    """Administrators and the association's officers."""
    association = load_association(slug, user)
    member = associations.add_member(db.session, association, **body.model_dump(), by=user)
    return member_json(member)


@route(
    "/associations/<slug>/members/<int:member_id>",
    method="PATCH",
    summary="Change a member organisation, or deactivate it",
    tag="associations",
    body=MemberUpdate,
    response=MemberOut,
    errors=(403, 409),
    params={"slug": SLUG, "member_id": {"description": "The member's id."}},
)
def patch_member(user: User, slug: str, member_id: int, body: MemberUpdate) -> dict[str, Any]:
    """Administrators and the association's officers; a member is never deleted."""
    association = load_association(slug, user)
    member = db.session.get(Member, member_id) if member_id < 2**31 else None
    if member is None or member.association_id != association.id:
        raise NotFound(_l("No such member."))
    update_member(db.session, member, **body.model_dump(exclude_unset=True), by=user)
    return member_json(member)


@route(
    "/associations/<slug>/members",
    summary="List the member organisations",
    tag="associations",
    query=PageQuery,
    response=Page[MemberOut],
    params={"slug": SLUG},
)
def list_members(user: User, slug: str, query: PageQuery) -> dict[str, Any]:
    """Anyone with a role in the association."""
    association = load_association(slug, user)
    statement = select(Member).where(Member.association_id == association.id).order_by(Member.name)
    return paginate(db.session, statement, query, member_json)


@route(
    "/associations/<slug>/users",
    method="POST",
    summary="Create a user with roles in the association",
    tag="associations",
    body=UserCreate,
    response=UserOut,
    status=201,
    errors=(403,),
    params={"slug": SLUG},
)
def create_user(user: User, slug: str, body: UserCreate) -> dict[str, Any]:
    """Administrators and the association's officers; `substitute` marks an ersättare."""
    association = load_association(slug, user)
    created = users.create_user(
        db.session,
        email=body.email,
        name=body.name,
        password=body.password,
        association=association,
        roles=[grant.model_dump() for grant in body.roles],
        by=user,
    )
    return user_json(created, association)


def _managed(slug: str, user: User) -> Association:
    """The association if `user` manages it: 404 if hidden, 403 if only working there."""
    association = load_association(slug, user)
    if not permissions.can_manage_association(user, association):
        raise Forbidden(_l("Only the association's officers and administrators manage its users."))
    return association


@route(
    "/associations/<slug>/users",
    summary="List the users with a role in the association, with their roles there",
    tag="associations",
    query=PageQuery,
    response=Page[UserOut],
    errors=(403,),
    params={"slug": SLUG},
)
def list_users(user: User, slug: str, query: PageQuery) -> dict[str, Any]:
    """Administrators and the association's officers; by name. Each role carries its `id`."""
    association = _managed(slug, user)
    holders = select(RoleGrant.user_id).where(RoleGrant.association_id == association.id)
    statement = (
        select(User)
        .where(User.id.in_(holders))  # type: ignore[union-attr]
        .order_by(User.name, User.id)
    )
    return paginate(db.session, statement, query, lambda u: user_json(u, association))


@route(
    "/associations/<slug>/users/<int:user_id>/roles/<int:grant_id>",
    method="DELETE",
    summary="Remove one of a user's roles in the association (their sessions and tokens end)",
    tag="associations",
    response=UserOut,
    errors=(403, 409),
    params={
        "slug": SLUG,
        "user_id": {"description": "The user's id."},
        "grant_id": {"description": "The role grant's id (`roles[].id` of the user)."},
    },
)
def revoke_role(user: User, slug: str, user_id: int, grant_id: int) -> dict[str, Any]:
    """Administrators and the association's officers; the user is mailed, the audit log keeps
    the grant. Nobody removes their own officer role (`403 own_officer_role`), only an admin an
    admin's; the last officer role of the association stays (`409 last_officer`)."""
    association = _managed(slug, user)
    grant = users.find_grant(db.session, association, user_id, grant_id)
    users.revoke_role(db.session, grant, by=user)
    holder = db.session.get(User, user_id)
    return user_json(holder, association)
