"""Declarative state machines: states, transitions, roles and guard names. Pure data."""

from states.common import Role, TransitionSpec

__all__ = ["Role", "TransitionSpec"]
