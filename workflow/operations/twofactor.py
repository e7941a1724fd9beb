"""Two-factor sign-in: TOTP secrets (pyotp), single-use recovery codes, the enrolment rule."""

from __future__ import annotations

import io
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from states.common import Role
from workflow import audit, permissions
from workflow.errors import Forbidden
from workflow.i18n import _l
from workflow.models import RoleGrant, User, utcnow
from workflow.models.security import RecoveryCode, SecuritySetting, TwoFactor
from workflow.operations import users

RECOVERY_CODES = 10
STEP_SECONDS = 30
# A code from the step before or after is accepted too: phones' clocks drift.
DRIFT_STEPS = 1
# Roles that must enrol when their association requires two-factor sign-in.
ENFORCED_ROLES = frozenset({Role.OFFICER, Role.BOARD, Role.CHAIR, Role.VICE_CHAIR})
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


def record_for(session: Session, user: User) -> TwoFactor | None:
    """The user's TOTP row (pending or confirmed), if any."""
    return session.get(TwoFactor, user.id)


def is_enabled(session: Session, user: User) -> bool:
    """Whether sign-in asks this user for a code."""
    row = record_for(session, user)
    return row is not None and row.confirmed_at is not None


def settings_for(session: Session, association_id: int) -> SecuritySetting:
    """The association's security settings (defaults when never saved)."""
    row = session.get(SecuritySetting, association_id)
    return row or SecuritySetting(association_id=association_id, require_two_factor=False)


def set_required(session: Session, association_id: int, required: bool, *, by: User) -> None:
    """Turn the association's two-factor requirement on or off (audited)."""
    row = session.get(SecuritySetting, association_id)
    if row is None:
        row = SecuritySetting(association_id=association_id)
    before = bool(row.require_two_factor)
    row.require_two_factor = required
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    if before != required:
        audit.record(
            session,
            action="two_factor_required" if required else "two_factor_not_required",
            entity_type="association",
            entity_id=association_id,
            association_id=association_id,
            actor=by,
        )


def must_enrol(session: Session, user: User) -> bool:
    """Whether the user must set up two-factor sign-in before doing anything else."""
    return not is_enabled(session, user) and required_for(session, user)


def start_enrolment(session: Session, user: User) -> TwoFactor:
    """The user's secret: the pending or confirmed one, or a new pending one."""
    row = record_for(session, user)
    if row is not None:
        return row  # reloading the page keeps the QR code the app may have read already
    row = TwoFactor(user_id=user.id, secret=pyotp.random_base32())
    session.add(row)
    session.flush()
    return row


def provisioning_uri(user: User, row: TwoFactor) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(row.secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> bytes:
    """The QR code of `uri` as a standalone SVG image."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def check_code(session: Session, row: TwoFactor, code: str, *, now: float | None = None) -> bool:
    """Whether `code` is valid now and newer than the last one used (a replay is refused).

    The step is taken with one conditional UPDATE: of two requests racing with the same
    code, the second finds the step already used (PostgreSQL makes it wait for the first's
    commit and then re-checks the condition), so one code signs in once.
    """
    code = _normalise(code)
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(row.secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if row.last_step is not None and step <= row.last_step:
            continue
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return _take_step(session, row, step)
    return False


def _take_step(session: Session, row: TwoFactor, step: int) -> bool:
    """Record `step` as used unless a newer or equal one already is; whether it was taken."""
    taken = session.execute(
        update(TwoFactor)
        .where(
            TwoFactor.user_id == row.user_id,  # type: ignore[arg-type]
            or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step),  # type: ignore[union-attr,operator]
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(row, "last_step", step)
    return True


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten fresh recovery codes (the old ones are gone); only their hashes are kept."""
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all():
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=users.hash_password(raw)))
    session.flush()
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Spend one unused recovery code matching `code`."""
    raw = _normalise(code)
    if len(raw) != 10:
        return False
    hasher = users._hasher()
    unused = session.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.used_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    for row in unused:
        try:
            hasher.verify(row.code_hash, raw)
        except (VerificationError, InvalidHashError):
            continue
        # One conditional UPDATE: of two requests racing with the same code, one spends it.
        spent = session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.id == row.id,  # type: ignore[arg-type]
                RecoveryCode.used_at.is_(None),  # type: ignore[union-attr]
            )
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            return False
        session.expire(row, ["used_at"])
        audit.record(
            session,
            action="recovery_code_used",
            entity_type="user",
            entity_id=user.id,
            association_id=None,
            actor=user,
        )
        return True
    return False


def remaining_recovery_codes(session: Session, user: User) -> int:
    """How many recovery codes the user has left."""
    rows = session.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.used_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    return len(rows)


def confirm(session: Session, user: User, code: str) -> list[str] | None:
    """Confirm the pending secret with a code: the recovery codes, or None if the code is wrong."""
    row = record_for(session, user)
    if row is None or row.confirmed_at is not None or not check_code(session, row, code):
        return None
    row.confirmed_at = utcnow()
    session.add(row)
    codes = new_recovery_codes(session, user)
    # Sessions and tokens won without the second factor end; the caller signs itself in again.
    users.end_sessions(session, user)
    audit.record(
        session,
        action="two_factor_enabled",
        entity_type="user",
        entity_id=user.id,
        association_id=None,
        actor=user,
    )
    return codes


def verify_sign_in(session: Session, user: User, code: str) -> bool:
    """The second step of a sign-in: a current TOTP code or an unused recovery code."""
    row = record_for(session, user)
    if row is None or row.confirmed_at is None:
        return False
    if check_code(session, row, code):
        return True
    return use_recovery_code(session, user, code)


def reset(session: Session, user: User, *, by: User) -> bool:
    """Remove the user's second factor and recovery codes, and sign out their sessions.

    The user themselves (turning it off) or an administrator (a lost phone) may.
    """
    if by.id != user.id and not permissions.is_admin(by):
        raise Forbidden(_l("Only an administrator resets another person's two-factor sign-in."))
    row = record_for(session, user)
    codes = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    if row is None and not codes:
        return False
    if row is not None:
        session.delete(row)
    for code in codes:
        session.delete(code)
    # A lost phone may be in someone else's hands: its sessions and tokens end too.
    users.end_sessions(session, user)
    audit.record(
        session,
        action="two_factor_reset",
        entity_type="user",
        entity_id=user.id,
        association_id=None,
        actor=by,
    )
    return True


def required_for(session: Session, user: User) -> bool:
    """Whether one of the user's associations requires the user to keep two-factor sign-in."""
    required = set(
        session.exec(
            select(SecuritySetting.association_id).where(SecuritySetting.require_two_factor)
        ).all()
    )
    if not required:
        return False
    if user.is_admin:
        return True  # an administrator can act in every association
    grants = session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id)).all()
    return any(g.association_id in required and g.role in ENFORCED_ROLES for g in grants)
