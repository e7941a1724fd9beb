"""The API's lists: the rule of workflow/rules/paging.py with the installation's page size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlmodel import Session

from workflow.api.schemas import PageQuery
from workflow.errors import ValidationFailed
from workflow.i18n import _l
from workflow.rules import paging


def paginate(
    session: Session, query: Any, params: PageQuery, serialize: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `query`: `{"items", "page", "per_page", "total", "pages"}`."""
    problems = paging.size_problems(params.per_page, current_app.config["MAX_PAGE_SIZE"])
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    return paging.paginate(session, query, params.page, params.per_page).as_dict(serialize)
