"""The national classification of an insats, as Uppföljning Finsam asks it (issue 22)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from workflow.models import Versioned, _fk, _in, _stamp, _version
from workflow.rules.classification import (
    DIRECTIONS,
    ESF_PROJECT_MAX,
    FOLLOW_UP_METHODS,
    PRECISE_CODES,
)


class InsatsClassification(Versioned, SQLModel, table=True):
    """Direction, precise direction, follow-up method and ESF co-financing of one insats.

    Set by the förbundschef during beredning or after the approval; fixed once the insats
    has started, as the national system fixes them once the insats is created there.
    """

    __tablename__ = "insats_classification"
    __table_args__ = (
        CheckConstraint(_in("direction", DIRECTIONS), name="direction_known"),
        CheckConstraint(_in("precise_direction", PRECISE_CODES), name="precise_known"),
        CheckConstraint(_in("follow_up_method", FOLLOW_UP_METHODS), name="method_known"),
        CheckConstraint(
            "(esf AND esf_project IS NOT NULL AND esf_project <> '')"
            " OR (NOT esf AND esf_project IS NULL)",
            name="esf_project_iff_esf",
        ),
    )

    application_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
        )
    )
    direction: str = Field(sa_column=Column(String(20), nullable=False))
    precise_direction: str = Field(sa_column=Column(String(40), nullable=False))
    follow_up_method: str = Field(sa_column=Column(String(30), nullable=False))
    esf: bool = Field(sa_column=Column(Boolean, nullable=False))
    esf_project: str | None = Field(default=None, sa_column=Column(String(ESF_PROJECT_MAX)))
    set_by_id: int = _fk("app_user.id", index=False)
    set_at: datetime = _stamp()
    version: int = _version()
