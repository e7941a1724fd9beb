"""Protocols: justering, posting (anslag) and extracts (protokollsutdrag)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow import limits
from workflow.models import _fk, _in, _stamp

SIGNATORY_ROLES = ("chair", "justerare")


class ProtocolSignature(SQLModel, table=True):
    """One signature of a meeting's protocol: the chair's or the justerare's, with its time."""

    __tablename__ = "protocol_signature"
    __table_args__ = (
        CheckConstraint(_in("role", SIGNATORY_ROLES), name="role_known"),
        # Each of the two signs once; the same person never signs for both.
        UniqueConstraint("meeting_id", "role"),
        UniqueConstraint("meeting_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE")
    user_id: int = _fk("app_user.id", index=False)
    role: str = Field(sa_column=Column(String(20), nullable=False))
    signed_at: datetime = _stamp()


class ProtocolPosting(SQLModel, table=True):
    """The notice (anslag) that the signed protocol is posted: the appeal period runs from it."""

    __tablename__ = "protocol_posting"
    __table_args__ = (
        UniqueConstraint("meeting_id"),
        CheckConstraint("kept_at <> ''", name="kept_at_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE", index=False)
    posted_on: date
    # Where the protocol is kept (förvaringsplats), printed on the notice.
    kept_at: str = Field(sa_column=Column(String(limits.NAME_MAX), nullable=False))
    recorded_by_id: int = _fk("app_user.id", index=False)
    recorded_at: datetime = _stamp()
