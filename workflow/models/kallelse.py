"""Kallelse: the notice calling the board to a meeting, the answers to it, and mail files.

A mail file (`MailDocument`) is stored once and attached to every message that carries it
(`MailAttachment`): a kallelse to twelve people stores its PDF and its calendar file once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow import limits
from workflow.models import _fk, _in, _optional_stamp, _stamp

CALL_KINDS = ("notice", "call_in")
SEATS = ("ledamot", "ersattare")


class MailDocument(SQLModel, table=True):
    """A file sent with mail (a kallelse's PDF, its .ics), stored once for all its messages."""

    __tablename__ = "mail_document"

    id: int | None = Field(default=None, primary_key=True)
    association_id: int | None = _fk("association.id", nullable=True)
    filename: str = Field(sa_column=Column(String(255), nullable=False))
    content_type: str = Field(sa_column=Column(String(100), nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _stamp()


class MailAttachment(SQLModel, table=True):
    """One file attached to one outgoing message, in the order given."""

    __tablename__ = "mail_attachment"
    __table_args__ = (UniqueConstraint("message_id", "document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = _fk("mail_message.id", ondelete="CASCADE")
    document_id: int = _fk("mail_document.id", index=False)
    position: int = Field(default=0, nullable=False)


class MeetingCall(SQLModel, table=True):
    """One person called to a meeting: by the kallelse, or called in for an absent ledamot."""

    __tablename__ = "meeting_call"
    __table_args__ = (
        CheckConstraint(_in("kind", CALL_KINDS), name="kind_known"),
        CheckConstraint(_in("seat", SEATS), name="seat_known"),
        # An ersättare is called in for someone; a kallelse goes to the board as it stands.
        CheckConstraint(
            "(kind = 'call_in') = (replaces_user_id IS NOT NULL)", name="call_in_replaces"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE")
    user_id: int = _fk("app_user.id", index=False)
    member_id: int = _fk("member.id", index=False)
    seat: str = Field(sa_column=Column(String(10), nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    replaces_user_id: int | None = _fk("app_user.id", nullable=True, index=False)
    email: str = Field(sa_column=Column(String(limits.EMAIL_MAX), nullable=False))
    # Whole days between the sending (Swedish date) and the meeting; what "late" is judged by.
    days_before: int
    # The association's setting when it was sent.
    notice_days: int
    sent_by_id: int | None = _fk("app_user.id", nullable=True, index=False)
    sent_at: datetime = _stamp()
    mail_message_id: int | None = _fk(
        "mail_message.id", nullable=True, ondelete="SET NULL", index=False
    )


class MeetingRsvp(SQLModel, table=True):
    """A board member's answer to the kallelse: coming or not (the latest answer counts)."""

    __tablename__ = "meeting_rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="CASCADE", index=False)
    user_id: int = _fk("app_user.id", index=False)
    attending: bool = Field(nullable=False)
    answered_at: datetime = _stamp()
    changed_at: datetime | None = _optional_stamp()
