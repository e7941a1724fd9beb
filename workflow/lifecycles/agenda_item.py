"""The agenda item (ärende) lifecycle: listed → decided | tabled, declared once for the engine.

The chair writes the board's decision on an item while the meeting is open (for an
application, its decision step records the decision and then this step); an item the board
leaves undecided is tabled (bordlagt) and keeps its § in the record.
"""

from __future__ import annotations

from typing import Any

from states import meeting as spec
from workflow import labels, limits, permissions
from workflow.engine import Lifecycle, Step
from workflow.errors import Conflict, Problem
from workflow.i18n import _l
from workflow.models import Meeting, utcnow


def stale_item() -> Conflict:
    """The 409 for an item changed since the caller read it."""
    return Conflict(
        _l("The agenda item was changed by someone else; reload and try again."),
        code="stale_version",
    )


def _meeting(step: Step) -> Meeting:
    meeting = step.payload.get("_meeting") or step.session.get(Meeting, step.row.meeting_id)
    assert meeting is not None  # an item belongs to its meeting
    return meeting


def _guard_meeting_deciding(step: Step) -> list[Problem]:
    meeting = _meeting(step)
    if meeting.state in spec.DECIDING:
        return []
    return [
        Problem(
            "meeting",
            _l(
                "The board decides only while the meeting is open (now: %(state)s).",
                state=labels.meeting_state_label(meeting.state),
            ),
        )
    ]


def _guard_meeting_begun(step: Step) -> list[Problem]:
    meeting = _meeting(step)
    if meeting.state in (spec.MeetingState.OPEN, spec.MeetingState.CLOSED):
        return []
    return [
        Problem(
            "meeting",
            _l("An item is tabled at the meeting or after it, before the protocol is signed."),
        )
    ]


def _guard_noted_kind(step: Step) -> list[Problem]:
    if step.row.kind in spec.NEEDS_DECISION:
        return [Problem("text", _l("Write the board's decision."))]
    return []


def item_text(step: Step) -> str | None:
    """The decision text given with the step, stripped (None when blank)."""
    value = step.payload.get("text")
    return value.strip() or None if isinstance(value, str) else None


def _guard_text_given(step: Step) -> list[Problem]:
    item, text = step.row, item_text(step)
    if item.kind == spec.APPLICATION_ITEM:
        # The application's own decision step has recorded the board's decision first.
        return (
            []
            if step.payload.get("_decided")
            else [Problem("text", _l("The board decides an application with its decision form."))]
        )
    if text is None and item.kind in spec.NEEDS_DECISION:
        return [Problem("text", _l("Write the board's decision."))]
    if text is not None and len(text) > limits.PLAN_MAX:
        return [Problem("text", _l("At most %(n)s characters.", n=limits.PLAN_MAX))]
    return []


def _effect_decide(step: Step) -> None:
    item = step.row
    # Without a text of the chair's the protocol writes the standard one, with the names and
    # additions the meeting gave it (workflow/rules/protocol_texts.py).
    item.decision_text = item_text(step)
    item.decided_at = utcnow()
    item.decided_by_id = step.by.id


def _may_fire(user: Any, item: Any, trigger: str) -> bool:
    return permissions.can_fire_item(user, item, trigger)


AGENDA_ITEM = Lifecycle(
    name="agenda_item",
    states=[s.value for s in spec.ItemState],
    transitions=spec.ITEM_TRANSITIONS,
    may_fire=_may_fire,
    guards={
        "meeting_deciding": _guard_meeting_deciding,
        "meeting_begun": _guard_meeting_begun,
        "text_given": _guard_text_given,
        "noted_kind": _guard_noted_kind,
    },
    effects={"decide": _effect_decide, "redecide": _effect_decide, "note": _effect_decide},
    forbidden=_l("Only the chair records the board's decisions; the officer may table an item."),
    stale=stale_item,
    state_label=labels.item_state_label,
    audit_data=lambda step: {
        "meeting_id": step.row.meeting_id,
        # An application's item goes with the application (seed-scale copies it so).
        **({"application_id": step.row.application_id} if step.row.application_id else {}),
        "kind": step.row.kind,
        "paragraph": step.row.paragraph,
        "text": step.row.decision_text,
    },
    touches_updated_at=False,
)
