"""The board meeting (styrelsemöte) lifecycle of DESIGN.md, as data."""

from __future__ import annotations

from enum import StrEnum

from states.common import LEADING_ROLES, Role, TransitionSpec


class MeetingState(StrEnum):
    """Every state a board meeting can stand in."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    PROTOCOL_SIGNED = "protocol_signed"


M = MeetingState
# The chair, or the vice chair standing in (permissions.can_lead says who leads).
_CHAIR = LEADING_ROLES

TRANSITIONS: tuple[TransitionSpec, ...] = (
    # The justerare may be chosen when the meeting opens, when it closes or when it is signed.
    # A meeting opens on its date, not before (the `open` precondition).
    TransitionSpec("open", (M.PLANNED,), M.OPEN, _CHAIR, optional=("justerare_id",)),
    # Closing records the time the meeting ended: given, or now if it is held today.
    TransitionSpec(
        "close",
        (M.OPEN,),
        M.CLOSED,
        _CHAIR,
        guards=("end_time_known",),
        optional=("justerare_id", "ends_at"),
    ),
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

# What an agenda item (ärende) is: an application for the board to decide, the report of a
# delegated decision, a beslutsärende (budget, policies, attestordning …) with its proposal,
# an informationsärende, one of the standard items every protocol has, or a question raised
# at the meeting (övriga frågor).
APPLICATION_ITEM = "application"
REPORT_ITEM = "delegation_report"
DECISION_ITEM = "decision"
INFORMATION_ITEM = "information"
STANDARD_ITEM = "standard"
OTHER_ITEM = "other"
AGENDA_KINDS = (
    APPLICATION_ITEM,
    REPORT_ITEM,
    DECISION_ITEM,
    INFORMATION_ITEM,
    STANDARD_ITEM,
    OTHER_ITEM,
)
# The kinds the officer (or the board, at the meeting) adds by title.
ADDABLE_KINDS = (DECISION_ITEM, INFORMATION_ITEM, OTHER_ITEM)
# The kinds whose § needs a decision written by the chair before the protocol can be signed.
NEEDS_DECISION = frozenset({APPLICATION_ITEM, DECISION_ITEM, OTHER_ITEM})
# The standard items of every protocol, in order: those that open the meeting and the one
# that closes it (their Swedish titles and texts live in workflow/rules/protocol_texts.py).
STANDARD_OPENING = ("opening", "justerare", "agenda", "previous_minutes")
STANDARD_CLOSING = ("closing",)
STANDARD_KEYS = STANDARD_OPENING + STANDARD_CLOSING


class ItemState(StrEnum):
    """Every state an agenda item can stand in: on the list, decided, or tabled (bordlagt)."""

    LISTED = "listed"
    DECIDED = "decided"
    TABLED = "tabled"


_I = ItemState
_OFFICER_OR_CHAIR = LEADING_ROLES | {Role.OFFICER}

ITEM_TRANSITIONS: tuple[TransitionSpec, ...] = (
    # The board's decision on the item (for an application, recorded with its decision step).
    TransitionSpec(
        "decide", (_I.LISTED,), _I.DECIDED, _CHAIR, guards=("meeting_deciding", "text_given")
    ),
    # The chair may correct the § text while the meeting is open.
    TransitionSpec(
        "redecide", (_I.DECIDED,), _I.DECIDED, _CHAIR, guards=("meeting_deciding", "text_given")
    ),
    # When the meeting closes, the items the board only takes note of (standard items,
    # information, reported delegated decisions) are recorded with their texts.
    TransitionSpec("note", (_I.LISTED,), _I.DECIDED, _CHAIR, guards=("noted_kind",)),
    # An item the board leaves undecided is tabled (bordlagt): it keeps its § in the record.
    TransitionSpec("table", (_I.LISTED,), _I.TABLED, _OFFICER_OR_CHAIR, guards=("meeting_begun",)),
)
ITEM_BY_TRIGGER: dict[str, TransitionSpec] = {t.trigger: t for t in ITEM_TRANSITIONS}
ITEM_INITIAL = _I.LISTED
SEATS = ("ledamot", "ersattare")
VOTES = ("yes", "no", "abstain")
DISSENT_KINDS = ("reservation", "protocol_note")
