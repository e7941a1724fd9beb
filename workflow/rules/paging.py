"""Pagination, one rule for the pages and the API: which page, which rows, how many pages.

The two faces differ only in what they do with a page number out of range, and each says so
when it asks: a page clamps it (a page beyond the last shows the last one, a page number
that is not a whole number ≥ 1 shows the first), the API answers the page asked for, empty
beyond the last (its schema refuses a number below 1 and a page size above the maximum).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlmodel import Session, func, select

from workflow.errors import Problem
from workflow.i18n import _l

# The highest page number read from an address (beyond it, the page is the last anyway).
PAGE_MAX = 1_000_000


def page_number(value: Any) -> int:
    """The page asked for in a query string: 1 when absent or not a whole number ≥ 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(1, min(number, PAGE_MAX))


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill (0 when there are none)."""
    return ceil(total / per_page)


def clamp(page: int, total: int, per_page: int) -> int:
    """The page a list page shows: the one asked for, or the last when it is beyond it."""
    return max(1, min(page, page_count(total, per_page)))


def offset(page: int, per_page: int) -> int:
    """How many rows come before the page."""
    return (page - 1) * per_page


def size_problems(per_page: int, limit: int) -> list[Problem]:
    """A page size above the installation's maximum, named for a 422."""
    if per_page > limit:
        return [Problem("per_page", _l("Must be at most %(n)s.", n=limit))]
    return []


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, where it is, and how many rows all pages hold."""

    rows: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (0 when the list is empty)."""
        return page_count(self.total, self.per_page)

    def as_dict(self, serialize: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """The API's page: `{"items", "page", "per_page", "total", "pages"}`."""
        return {
            "items": [serialize(row) for row in self.rows],
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def count(session: Session, query: Any) -> int:
    """How many rows the SELECT gives, in one statement."""
    return int(
        session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    )


def paginate(
    session: Session, query: Any, page: int, per_page: int, *, clamped: bool = False
) -> Page:
    """One page of `query`: counted, then read with offset and limit.

    `clamped` (the pages): a page beyond the last gives the last one.
    """
    total = count(session, query)
    if clamped:
        page = clamp(page, total, per_page)
    rows = list(session.exec(query.offset(offset(page, per_page)).limit(per_page)).all())
    return Page(rows, page, per_page, total)
