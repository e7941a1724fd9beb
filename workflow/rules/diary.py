"""Diary numbers (diarienummer): `{prefix} {year}/{seq:03d}`, gap-free per association and year.

The number is taken from a counter row per association and year, in the caller's
transaction: concurrent submits queue on the row's lock, and a rolled-back submit gives its
number back.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from workflow.models import Association


def format_diary_number(prefix: str, year: int, seq: int) -> str:
    """The printed form, e.g. `SVB 2026/007`."""
    return f"{prefix} {year}/{seq:03d}"


def next_diary_number(session: Session, association: Association, year: int) -> tuple[int, str]:
    """Take the next sequence number for the year.

    The counter row is updated in the caller's transaction: concurrent submits queue
    on its row lock, and a rolled-back submit gives its number back, so there are no
    gaps and no duplicates (the UNIQUE constraint on application guards the rest).
    """
    # One statement takes the number and locks the row: the first submit of a year inserts
    # it, every later one (or a racing first one) increments it.
    seq = session.execute(
        text(
            "INSERT INTO diary_counter (association_id, year, last_seq) VALUES (:a, :y, 1)"
            " ON CONFLICT (association_id, year)"
            " DO UPDATE SET last_seq = diary_counter.last_seq + 1 RETURNING last_seq"
        ),
        {"a": association.id, "y": year},
    ).scalar_one()
    return seq, format_diary_number(association.diary_prefix, year, seq)
