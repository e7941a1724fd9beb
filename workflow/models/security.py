"""Trust: two-factor sign-in, recovery codes, the association's security settings, attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from workflow.models import _fk, _in, _optional_stamp, _stamp, _ts

ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "odt")
# 20 MB: an evaluation plan or a budget workbook, never a video.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
FILENAME_MAX = 255


class TwoFactor(SQLModel, table=True):
    """A user's TOTP secret: pending until confirmed by a code, then asked at every sign-in."""

    __tablename__ = "two_factor"

    user_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("app_user.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    secret: str = Field(sa_column=Column(String(64), nullable=False))
    confirmed_at: datetime | None = _optional_stamp()
    # The last 30-second time step a code was accepted for: the same code never works twice.
    last_step: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = _stamp()


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code, stored as an argon2 hash like a password."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id", ondelete="CASCADE")
    code_hash: str = Field(sa_column=Column(String(255), nullable=False))
    used_at: datetime | None = _optional_stamp()


class SecuritySetting(SQLModel, table=True):
    """An association's security settings (one row per association, absent means defaults)."""

    __tablename__ = "security_setting"

    association_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("association.id"), primary_key=True, autoincrement=False
        )
    )
    # Officers, board members (chair included) and admins must enrol in two-factor sign-in.
    require_two_factor: bool = Field(default=False, nullable=False)
    updated_at: datetime = _stamp()


class Attachment(SQLModel, table=True):
    """A file of an application or of one of its reports, stored apart under a random name."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint(_in("kind", ATTACHMENT_KINDS), name="kind_known"),
        CheckConstraint(
            f"size_bytes > 0 AND size_bytes <= {ATTACHMENT_MAX_BYTES}", name="size_range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = _fk("association.id", index=False)
    application_id: int = _fk("application.id", ondelete="CASCADE")
    # Set for a report's file (application_id is then the report's application); None for the
    # application's own files.
    report_id: int | None = _fk("report.id", nullable=True, ondelete="CASCADE")
    filename: str = Field(sa_column=Column(String(FILENAME_MAX), nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    size_bytes: int = Field(nullable=False)
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    storage_name: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    uploaded_by_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()


class PasswordReset(SQLModel, table=True):
    """A mailed one-time link to set a new password: only its hash kept, short-lived, used once."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id", ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = _stamp()
    expires_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _optional_stamp()
