"""People: password hashing, sign-in checks, API tokens and role grants."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import UTC, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete
from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from states.common import MEMBER_BOUND_ROLES, Role
from workflow import audit, labels, mail, permissions
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import ZONE, ApiToken, Association, Member, RoleGrant, User, utcnow
from workflow.notifications import render
from workflow.operations.associations import require_manager

# A hash to verify against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH: dict[tuple[int, int], str] = {}


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
    )


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user whose password matches, or None (same work either way)."""
    hasher = _hasher()
    user = find_user(session, email)
    if user is None:
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = hasher.hash(secrets.token_hex(8))
        with contextlib.suppress(VerificationError):
            hasher.verify(_DUMMY_HASH[key], password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.add(user)
    return user


def issue_token(session: Session, user: User) -> str:
    """A new bearer token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_HOURS"]
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.flush()
    return token


def end_sessions(session: Session, user: User, *, tokens: bool = True) -> None:
    """Sign every session of `user` out and, with `tokens`, revoke every API token (flushes).

    The session cookie carries the user's epoch (User.get_id): bumping it makes every cookie
    issued before, a copied one too, sign in nobody.
    """
    user.session_epoch += 1
    session.add(user)
    if tokens:
        session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))  # type: ignore[arg-type]
    session.flush()


def sign_out(session: Session, user: User) -> None:
    """Sign-out: every session of the user ends, a copy of the cookie too; tokens stay."""
    end_sessions(session, user, tokens=False)


def token_digest(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired token belongs to."""
    # Every API request starts here: the token, its user and the grants in one statement.
    query = (
        select(ApiToken.expires_at, User)
        .join(User, User.id == ApiToken.user_id)  # type: ignore[arg-type]
        .where(ApiToken.token_hash == token_digest(token))
        .options(joinedload(User.grants))  # type: ignore[arg-type]
    )
    row = session.exec(query).unique().first()
    if row is None:
        return None
    expires, user = row
    if expires.tzinfo is None:  # SQLite returns naive UTC
        expires = expires.replace(tzinfo=UTC)
    if expires < utcnow():
        return None
    return user if user.active else None


def _role_grants(
    session: Session, association: Association, roles: list[dict], problems: list[Problem]
) -> list[RoleGrant]:
    """The grants `roles` asks for in `association`; what is wrong goes to `problems`."""
    grants: list[RoleGrant] = []
    member_ids = set(
        session.exec(select(Member.id).where(Member.association_id == association.id)).all()
    )
    for i, grant in enumerate(roles):
        role = grant.get("role")
        member_id = grant.get("member_id")
        substitute = bool(grant.get("substitute", False))
        if role not in {r.value for r in Role}:
            problems.append(Problem(f"roles.{i}.role", _l("Unknown role.")))
            continue
        if Role(role) in MEMBER_BOUND_ROLES:
            if member_id is None:
                problems.append(
                    Problem(
                        f"roles.{i}.member_id",
                        _l("This role is held on behalf of a member organisation: name it."),
                    )
                )
                continue
            if member_id not in member_ids:
                problems.append(
                    Problem(f"roles.{i}.member_id", _l("No such member of this association."))
                )
                continue
        else:
            member_id = None
        if substitute and role != Role.BOARD:
            problems.append(
                Problem(
                    f"roles.{i}.substitute",
                    _l("Only a board grant can mark a substitute (ersättare)."),
                )
            )
            continue
        key = (role, member_id)
        if key in {(g.role, g.member_id) for g in grants}:
            problems.append(Problem(f"roles.{i}", _l("The same role is given twice.")))
            continue
        grants.append(
            RoleGrant(
                association_id=association.id,
                role=role,
                member_id=member_id,
                substitute=substitute,
            )
        )
    return grants


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    association: Association | None = None,
    roles: list[dict] | None = None,
    is_admin: bool = False,
    by: User | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a user with its grants in one association (flushes, never commits).

    `password_hash`: the password already hashed (seeded data hashes one password once).
    `by=None` is the system (the CLI's create-admin, seeding).
    """
    if by is not None:
        if association is not None:
            require_manager(by, association)
        elif not permissions.is_admin(by):
            raise Forbidden(_l("Only administrators may create users outside an association."))
    problems = []
    email = normalise_email(email)
    if session.exec(select(func.count()).select_from(User).where(User.email == email)).one():
        # An officer learns nothing of other associations' accounts: the same words whether
        # the address is taken here or elsewhere. An administrator sees every account anyway.
        if by is None or permissions.is_admin(by):
            message = _l("A user with this e-mail address already exists.")
        else:
            message = _l(
                "This e-mail address cannot be used for a new user. If the person already has "
                "an account, an administrator can give it roles here."
            )
        problems.append(Problem("email", message))
    grants: list[RoleGrant] = []
    if roles:
        if association is None:
            raise ValueError("roles need an association")
        grants = _role_grants(session, association, roles, problems)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=password_hash or hash_password(password),
        is_admin=is_admin,
        grants=grants,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="create_user",
        entity_type="user",
        entity_id=user.id,
        association_id=association.id if association else None,
        actor=by,
        data={
            "email": email,
            "roles": [
                {"role": g.role, "member_id": g.member_id, "substitute": g.substitute}
                for g in grants
            ],
            "is_admin": is_admin,
        },
    )
    return user


def grant_roles(
    session: Session, user: User, association: Association, roles: list[dict], *, by: User | None
) -> list[RoleGrant]:
    """Give an existing user roles in an association (a shared förbundschef, say); flushes."""
    if by is not None:
        require_manager(by, association)
    problems: list[Problem] = []
    grants = _role_grants(session, association, roles, problems)
    held = {(g.association_id, g.role, g.member_id) for g in user.grants}
    for i, grant in enumerate(grants):
        if (grant.association_id, grant.role, grant.member_id) in held:
            problems.append(Problem(f"roles.{i}", _l("The user already holds this role.")))
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    user.grants.extend(grants)
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="grant_role",
        entity_type="user",
        entity_id=user.id,
        association_id=association.id,
        actor=by,
        data={
            "email": user.email,
            "roles": [
                {"role": g.role, "member_id": g.member_id, "substitute": g.substitute}
                for g in grants
            ],
        },
    )
    return grants


def local_now() -> str:
    """The time now as the mails to a user write it (Swedish local time)."""
    return utcnow().astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def mail_user(session: Session, user: User, template: str, **context: object) -> None:
    """Queue a mail about the user's own account (password, deactivation, a removed role)."""
    subject, body = render(template, {"name": user.name, "email": user.email, **context})
    mail.queue(
        session,
        to=user.email,
        subject=subject,
        body=body,
        event=template.removeprefix("mail/").removesuffix(".txt"),
        association_id=None,
        application_id=None,
    )


def find_grant(
    session: Session, association: Association, user_id: int, grant_id: int
) -> RoleGrant:
    """The grant `grant_id` of user `user_id` in `association`, or NotFound (`role_not_held`).

    A grant of another association, of another user, or one already removed is the same
    answer: the user holds no such role here.
    """
    grant = session.get(RoleGrant, grant_id) if 0 < grant_id < 2**31 else None
    if grant is None or grant.association_id != association.id or grant.user_id != user_id:
        raise NotFound(_l("The user holds no such role here."), code="role_not_held")
    return grant


def revoke_role(session: Session, grant: RoleGrant, *, by: User) -> None:
    """Remove one role grant (flushes): the holder's sessions and tokens end, the holder is
    mailed, and the audit log keeps what was held.

    Admins and the association's officers; nobody removes their own officer role (another
    officer or an admin does), only an admin removes an admin's roles, and the association's
    last officer role of an active account stays (give the successor the role first).
    """
    holder = session.get(User, grant.user_id)
    association = session.get(Association, grant.association_id)
    if holder is None or association is None:
        raise NotFound(_l("The user holds no such role here."), code="role_not_held")
    if grant.role == Role.OFFICER and holder.id == by.id:
        raise Forbidden(
            _l("You cannot remove your own officer role: another officer or an administrator can."),
            code="own_officer_role",
        )
    if not permissions.can_revoke_role(by, grant, holder):
        raise Forbidden(_l("You may not remove this role."))
    if grant.role == Role.OFFICER and holder.active:
        # Two officers removing each other at once: the association's row orders them.
        session.exec(
            select(Association.id).where(Association.id == association.id).with_for_update()
        ).one()
        others = session.exec(
            select(func.count())
            .select_from(RoleGrant)
            .join(User, User.id == RoleGrant.user_id)  # type: ignore[arg-type]
            .where(
                RoleGrant.association_id == association.id,
                RoleGrant.role == Role.OFFICER,
                RoleGrant.id != grant.id,
                User.active.is_(True),  # type: ignore[attr-defined]
            )
        ).one()
        if not others:
            raise Conflict(
                _l("This is the association's last officer: give the role to the successor first."),
                code="last_officer",
            )
    held = {"role": grant.role, "member_id": grant.member_id, "substitute": grant.substitute}
    member = session.get(Member, grant.member_id) if grant.member_id is not None else None
    holder.grants.remove(grant)  # delete-orphan: the row goes, the audit event keeps it
    session.add(holder)
    end_sessions(session, holder)
    audit.record(
        session,
        action="revoke_role",
        entity_type="user",
        entity_id=holder.id,
        association_id=association.id,
        actor=by,
        data={"email": holder.email, "grant_id": grant.id, "roles": [held]},
    )
    mail_user(
        session,
        holder,
        "mail/role_revoked.txt",
        when=local_now(),
        by=by.name,
        association=association.name,
        role=labels.ROLE_LABELS.get(grant.role, grant.role),
        member=member.name if member is not None else None,
    )
