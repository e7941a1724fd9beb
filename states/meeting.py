"""The board meeting (styrelsemöte) lifecycle of DESIGN.md, as data."""

from __future__ import annotations

from enum import StrEnum

from states.common import Role, TransitionSpec


class MeetingState(StrEnum):
    """Every state a board meeting can stand in."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    PROTOCOL_SIGNED = "protocol_signed"


M = MeetingState
_CHAIR = frozenset({Role.CHAIR})

TRANSITIONS: tuple[TransitionSpec, ...] = (
    # The justerare may be chosen when the meeting opens, when it closes or when it is signed.
    TransitionSpec("open", (M.PLANNED,), M.OPEN, _CHAIR, optional=("justerare_id",)),
    TransitionSpec("close", (M.OPEN,), M.CLOSED, _CHAIR, optional=("justerare_id",)),
    # Justering: the justerare signs first, then the chair's signature completes it; the
    # signed protocol locks the meeting. Items left undecided must leave the agenda first.
    TransitionSpec(
        "sign",
        (M.CLOSED,),
        M.PROTOCOL_SIGNED,
        _CHAIR,
        guards=("justerare_chosen", "justerare_signed", "undecided_items_released"),
        optional=("justerare_id",),
    ),
)

BY_TRIGGER: dict[str, TransitionSpec] = {t.trigger: t for t in TRANSITIONS}
PUBLIC_TRIGGERS: frozenset[str] = frozenset(BY_TRIGGER)

INITIAL = M.PLANNED
# The officer builds the agenda only before the meeting opens.
AGENDA_EDITABLE: frozenset[MeetingState] = frozenset({M.PLANNED})
# Attendance is recorded before and during the meeting.
ATTENDANCE_EDITABLE: frozenset[MeetingState] = frozenset({M.PLANNED, M.OPEN})
# The kallelse is sent, and answered, while the meeting is still to come.
NOTICE_OPEN: frozenset[MeetingState] = frozenset({M.PLANNED})
# The board decides only while the meeting is open.
DECIDING: frozenset[MeetingState] = frozenset({M.OPEN})
# After the meeting, an item left undecided (bordlagt) may go back to `proposed`.
HELD: frozenset[MeetingState] = frozenset({M.CLOSED, M.PROTOCOL_SIGNED})
TERMINAL: frozenset[MeetingState] = frozenset({M.PROTOCOL_SIGNED})
# Meetings whose agenda items still wait for the board.
UPCOMING: frozenset[MeetingState] = frozenset({M.PLANNED, M.OPEN})
# The protocol is kept from the moment the meeting opens: the meeting page links to it.
MINUTED: frozenset[MeetingState] = frozenset({M.OPEN, M.CLOSED, M.PROTOCOL_SIGNED})

# What an agenda item is: a decision of the board, or the report of a delegated decision.
AGENDA_KINDS = ("decision", "delegation_report")
SEATS = ("ledamot", "ersattare")
VOTES = ("yes", "no", "abstain")
DISSENT_KINDS = ("reservation", "protocol_note")
