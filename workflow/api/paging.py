"""Pagination shared by every list of the API."""

from __future__ import annotations

from collections.abc import Callable
from math import ceil
from typing import Any

from flask import current_app
from sqlmodel import Session, func, select

from workflow.api.schemas import PageQuery
from workflow.errors import Problem, ValidationFailed
from workflow.i18n import _l


def paginate(
    session: Session, query: Any, params: PageQuery, serialize: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `query`: `{"items", "page", "per_page", "total", "pages"}`."""
    limit = current_app.config["MAX_PAGE_SIZE"]
    if params.per_page > limit:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("per_page", _l("Must be at most %(n)s.", n=limit))],
        )
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = session.exec(
        query.offset((params.page - 1) * params.per_page).limit(params.per_page)
    ).all()
    return {
        "items": [serialize(row) for row in rows],
        "page": params.page,
        "per_page": params.per_page,
        "total": total,
        "pages": ceil(total / params.per_page),
    }
