"""Idempotency keys: a create form sent twice (a double click, a retried request) makes one row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models import _fk, _stamp

KEY_MAX = 100


class IdempotencyKey(SQLModel, table=True):
    """A key a user sent with a create request, and the row that request made."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "action", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("app_user.id", ondelete="CASCADE", index=False)
    action: str = Field(sa_column=Column(String(40), nullable=False))
    key: str = Field(sa_column=Column(String(KEY_MAX), nullable=False))
    # Empty only inside the transaction that claims the key and creates the row.
    entity_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    created_at: datetime = _stamp()
