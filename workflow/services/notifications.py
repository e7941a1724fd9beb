"""Who is told of a step that now waits for them. The mail helper fills this in."""

from __future__ import annotations

from typing import Any


def step_taken(step: Any, from_state: str) -> None:
    """Queue the e-mails a step causes (in the step's transaction; sent after the commit)."""
