"""Shared insatser: who finances what share, and how an association counts its part.

One association leads a shared insats (the application is its own); others finance it in
whole percent. Each association counts the insats by its share, so the associations' own
figures add up to the insats once — as the county view counts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import Association
from workflow.models.shares import InsatsShare

WHOLE = 100


@dataclass(frozen=True)
class ShareIn:
    """One co-financing association's share as asked for: by slug, in whole percent."""

    association: str
    percent: int


@dataclass(frozen=True)
class Share:
    """One association's share of an insats, the lead's included."""

    association_id: int
    name: str
    slug: str
    percent: int
    lead: bool


def share_problems(
    lead: Association, wanted: Sequence[ShareIn], known: dict[str, Association]
) -> list[Problem]:
    """Every share names another known association once, 1–99 %, and the lead keeps some."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, share in enumerate(wanted):
        field = f"shares.{index}"
        if share.association not in known:
            problems.append(Problem(f"{field}.association", _l("No such association.")))
        elif share.association == lead.slug:
            problems.append(
                Problem(
                    f"{field}.association",
                    _l("The leading association holds the rest; list only the others."),
                )
            )
        elif share.association in seen:
            problems.append(
                Problem(f"{field}.association", _l("This association is listed twice."))
            )
        seen.add(share.association)
        if not 1 <= share.percent <= WHOLE - 1:
            problems.append(
                Problem(f"{field}.percent", _l("Give a share between 1 and 99 percent."))
            )
    if not problems and sum(s.percent for s in wanted) >= WHOLE:
        problems.append(
            Problem(
                "shares",
                _l("The shares of the others must leave a part to the leading association."),
            )
        )
    return problems


def shares_of(session: Session, application_id: int, lead: Association) -> list[Share]:
    """Every association's share, the lead's first (100 % when nobody shares it)."""
    rows = session.exec(
        select(InsatsShare.percent, Association.id, Association.name, Association.slug)
        .join(Association, Association.id == InsatsShare.association_id)  # type: ignore[arg-type]
        .where(InsatsShare.application_id == application_id)
        .order_by(Association.name)
    ).all()
    others = [Share(a_id, name, slug, percent, False) for percent, a_id, name, slug in rows]
    assert lead.id is not None
    own = Share(lead.id, lead.name, lead.slug, WHOLE - sum(s.percent for s in others), True)
    return [own, *others]
