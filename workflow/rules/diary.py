"""Diary numbers (diarienummer): `{prefix} {year}/{seq:03d}`, gap-free per association and year."""

from __future__ import annotations


def format_diary_number(prefix: str, year: int, seq: int) -> str:
    """The printed form, e.g. `SVB 2026/007`."""
    return f"{prefix} {year}/{seq:03d}"
