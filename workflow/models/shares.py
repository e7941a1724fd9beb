"""Shared insatser (financed by several associations) and mixed ones (two linked parts)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models import _fk, _stamp


class InsatsShare(SQLModel, table=True):
    """One co-financing association's share (whole percent) of an insats led by another.

    The lead association (the application's) holds what the others leave: 100 less their sum.
    IT-spåret, led by Höglandet, is financed by all three associations of Jönköpings län
    (seeds/001); counted once in the county, each association counts its share.
    """

    __tablename__ = "insats_share"
    __table_args__ = (
        UniqueConstraint("application_id", "association_id"),
        CheckConstraint("percent BETWEEN 1 AND 99", name="percent_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    # Indexed: a co-financing association's statistics look its shares up.
    association_id: int = _fk("association.id")
    percent: int
    recorded_by_id: int = _fk("app_user.id", index=False)
    recorded_at: datetime = _stamp()


class InsatsPart(SQLModel, table=True):
    """The two parts of a mixed insats: one individual, one structural, each an application.

    Projekt Efterstöd is "struktur 50 %, individstöd 50 %" (seeds/001); Uppföljning Finsam
    registers such an insats as two, with distinct names. Each part has its own budget, goals
    and reports; this row only ties them together. An application is in one pair at most.
    """

    __tablename__ = "insats_part"
    __table_args__ = (
        UniqueConstraint("first_id"),
        UniqueConstraint("second_id"),
        CheckConstraint("first_id <> second_id", name="two_applications"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The application the other part was made from, and the part made from it.
    first_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    second_id: int = _fk("application.id", ondelete="CASCADE", index=False)
    created_by_id: int = _fk("app_user.id", index=False)
    created_at: datetime = _stamp()
