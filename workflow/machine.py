"""The plumbing every state machine shares: one `transitions.Machine` per spec, an adapter.

Built from a tuple of `TransitionSpec` (states/), with `model=None` and no auto transitions
(STACK.md pitfall 1); a step is fired on a small adapter carrying only the row's state, so
the SQLModel row never meets `transitions`.
"""

from __future__ import annotations

from collections.abc import Iterable

from transitions import Machine

from states.common import TransitionSpec


class Subject:
    """The adapter `transitions` moves: only a state, never the SQLModel row itself."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def build(states: Iterable[str], specs: Iterable[TransitionSpec]) -> Machine:
    """One machine for a workflow; callers cache it per process."""
    return Machine(
        model=None,
        states=[str(s) for s in states],
        transitions=[
            {"trigger": t.trigger, "source": [str(s) for s in t.sources], "dest": str(t.dest)}
            for t in specs
        ],
        initial=None,
        auto_transitions=False,
    )


def is_allowed_from(machine: Machine, trigger: str, state: str) -> bool:
    """Whether the machine has this trigger from this state."""
    event = machine.events.get(trigger)
    return event is not None and state in event.transitions


def next_state(machine: Machine, trigger: str, state: str) -> str | None:
    """The state the trigger leads to from `state`, or None when it is not allowed."""
    subject = Subject(state)
    if not is_allowed_from(machine, trigger, state):
        return None
    return subject.state if machine.events[trigger].trigger(subject) else None
