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
    # The chair (ordförande) and vice chair (vice ordförande) are ledamöter: each grant
    # names the member organisation whose seat they hold.
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    AUDITOR = "auditor"


# Roles whose grant names the member organisation the person speaks for.
MEMBER_BOUND_ROLES = frozenset({Role.APPLICANT, Role.BOARD, Role.CHAIR, Role.VICE_CHAIR})
# Roles that hold a seat on the board (the chair and vice chair as ledamöter).
BOARD_SEAT_ROLES = frozenset({Role.BOARD, Role.CHAIR, Role.VICE_CHAIR})
# Roles that may lead a meeting: the chair, and the vice chair standing in when the chair is
# absent or jävig (which meeting and item is checked by `permissions.can_lead`).
LEADING_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})


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
