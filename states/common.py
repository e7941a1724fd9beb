"""Building blocks shared by every machine in this package."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """The roles a user can be granted in an association (see DESIGN.md)."""

    APPLICANT = "applicant"
    PREPARER = "preparer"
    OFFICER = "officer"
    BOARD = "board"
    CHAIR = "chair"
    AUDITOR = "auditor"


# Roles whose grant names the member organisation the person speaks for.
MEMBER_BOUND_ROLES = frozenset({Role.APPLICANT, Role.BOARD})


@dataclass(frozen=True)
class TransitionSpec:
    """One named step: from which states, to which, who may take it, what must hold."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()
    # Payload keys the step requires (a reason, a recommendation, ...).
    requires: tuple[str, ...] = field(default=())
    # Payload keys the step reads when given (conditions, a reason to override, ...).
    optional: tuple[str, ...] = field(default=())

    @property
    def payload_keys(self) -> frozenset[str]:
        """Every payload key the step reads; `reason` is always accepted."""
        return frozenset({"reason", *self.requires, *self.optional})
