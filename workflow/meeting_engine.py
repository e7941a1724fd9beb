"""The meeting engine: every state change of a board meeting goes through `fire`.

The same pattern as `workflow.engine` for applications: one `transitions.Machine` per
process built from `states/meeting.py`, an adapter carrying the row's state, and checks in a
fixed order — the caller's role (403), the expected version (409), the source state (409),
every guard (422, all problems at once). Then the state moves, the step's effects run, the
version is bumped and the audit event appended; flushed, never committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from transitions import Machine

from states import meeting as spec
from workflow import audit, permissions
from workflow import machine as machines
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Meeting, User, utcnow
from workflow.operations import meetings, protocols


def stale_meeting() -> Conflict:
    """The 409 for a meeting changed since the caller read it."""
    return Conflict(
        _l("The meeting was changed by someone else; reload and try again."),
        code="stale_version",
    )


@dataclass
class Step:
    """What a guard or an effect of a meeting step gets to look at."""

    session: Session
    meeting: Meeting
    by: User
    trigger: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def justerare_id(self) -> int | None:
        value = self.payload.get("justerare_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


Guard = Callable[[Step], list[Problem]]
Effect = Callable[[Step], None]


@cache
def machine() -> Machine:
    """The meeting machine, built once per process."""
    return machines.build(spec.MeetingState, spec.TRANSITIONS)


def is_allowed_from(trigger: str, state: str) -> bool:
    """Whether the machine has this trigger from this state."""
    return machines.is_allowed_from(machine(), trigger, state)


def allowed_transitions(user: Any, meeting: Meeting) -> list[str]:
    """The steps `user` may take on the meeting now (guards not evaluated)."""
    return [
        t.trigger
        for t in spec.TRANSITIONS
        if meeting.state in t.sources
        and permissions.can_fire_meeting(user, meeting.association_id, t.trigger)
    ]


# --- guards ----------------------------------------------------------------------------------


def justerare_problems(step: Step) -> list[Problem]:
    """A justerare given must be a board member, not recorded absent, and not the chair."""
    chosen = step.justerare_id
    if (
        "justerare_id" in step.payload
        and step.payload["justerare_id"] is not None
        and chosen is None
    ):
        return [Problem("justerare_id", _l("Choose a board member."))]
    if chosen is None:
        return []
    people = {p.user_id for p in meetings.roster(step.session, step.meeting.association_id)}
    if chosen not in people:
        return [Problem("justerare_id", _l("The justerare must be a board member."))]
    if chosen == step.by.id:
        return [
            Problem(
                "justerare_id",
                _l("The justerare checks the minutes with the chair: choose someone else."),
            )
        ]
    if meetings.recorded_absent(step.session, step.meeting, chosen):
        return [Problem("justerare_id", _l("The justerare must be present at the meeting."))]
    return []


def _guard_justerare_chosen(step: Step) -> list[Problem]:
    if step.justerare_id is None and step.meeting.justerare_id is None:
        return [
            Problem(
                "justerare_id", _l("Choose the justerare who checks the minutes with the chair.")
            )
        ]
    return []


def _guard_justerare_signed(step: Step) -> list[Problem]:
    chosen = step.justerare_id or step.meeting.justerare_id
    if chosen is not None and not protocols.justerare_signed(step.session, step.meeting, chosen):
        return [Problem("justerare_id", _l("The justerare has not signed the protocol yet."))]
    return []


def _guard_undecided_items_released(step: Step) -> list[Problem]:
    titles = protocols.undecided_titles(step.session, step.meeting)
    if titles:
        return [
            Problem(
                "agenda",
                _l(
                    "Take the items the board left undecided off the agenda first: %(titles)s.",
                    titles=", ".join(titles),
                ),
            )
        ]
    return []


GUARDS: dict[str, Guard] = {
    "justerare_chosen": _guard_justerare_chosen,
    "justerare_signed": _guard_justerare_signed,
    "undecided_items_released": _guard_undecided_items_released,
}


# --- effects ---------------------------------------------------------------------------------


def _effect_open(step: Step) -> None:
    step.meeting.opened_at = utcnow()
    step.meeting.chair_id = step.by.id


def _effect_close(step: Step) -> None:
    step.meeting.closed_at = utcnow()


def _effect_sign(step: Step) -> None:
    step.meeting.signed_at = utcnow()
    step.meeting.signed_by_id = step.by.id


EFFECTS: dict[str, Effect] = {"open": _effect_open, "close": _effect_close, "sign": _effect_sign}

# What runs after the row is saved: rows of their own that need the meeting's new state.
AFTER: dict[str, Callable[[Step], Any]] = {
    # Delegated decisions taken since the meeting was planned are reported at it too.
    "open": lambda step: meetings.add_reports(step.session, step.meeting),
    # The reports take their paragraphs at the meeting, after its decisions.
    "close": lambda step: meetings.number_reports(step.session, step.meeting),
    # The chair's signature beside the justerare's, with the same time as the meeting's stamp.
    "sign": lambda step: protocols.record_chair_signature(step.session, step.meeting, step.by),
}


def check(
    meeting: Meeting,
    trigger: str,
    *,
    by: User,
    session: Session,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Step:
    """Raise the error `fire` would raise, without changing anything."""
    transition = spec.BY_TRIGGER.get(trigger)
    if transition is None:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger), code="unknown_trigger")
    if not permissions.can_fire_meeting(by, meeting.association_id, trigger):
        raise Forbidden(_l("Only the chair opens, closes and signs a meeting."))
    if expected_version is not None and expected_version != meeting.version:
        raise stale_meeting()
    if not is_allowed_from(trigger, meeting.state):
        raise Conflict(
            _l(
                "This step cannot be taken from the state %(state)s.",
                state=meetings.meeting_state_label(meeting.state),
            ),
            code="invalid_transition",
        )
    step = Step(session, meeting, by, trigger, dict(payload or {}))
    problems = justerare_problems(step)
    problems += [p for name in transition.guards for p in GUARDS[name](step)]
    if problems:
        raise ValidationFailed(_l("The step cannot be taken yet."), problems=problems)
    return step


def fire(
    meeting: Meeting,
    trigger: str,
    *,
    by: User,
    session: Session,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Take one step of the meeting: checks, state change, effects, audit event; flushes."""
    step = check(
        meeting,
        trigger,
        by=by,
        session=session,
        payload=payload,
        expected_version=expected_version,
    )
    subject = machines.Subject(meeting.state)
    from_state = subject.state
    if not machine().events[trigger].trigger(subject):  # pragma: no cover - guarded above
        raise Conflict(_l("The step was refused."), code="invalid_transition")
    try:
        with session.no_autoflush:
            meeting.state = subject.state
            if step.justerare_id is not None:
                meeting.justerare_id = step.justerare_id
            session.add(meeting)
            effect = EFFECTS.get(trigger)
            if effect is not None:
                effect(step)
        session.flush()
    except StaleDataError:
        raise stale_meeting() from None
    after = AFTER.get(trigger)
    if after is not None:
        after(step)
    audit.record(
        session,
        action=trigger,
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        from_state=from_state,
        to_state=meeting.state,
        data={k: v for k, v in step.payload.items() if k != "expected_version"},
    )
    return meeting
