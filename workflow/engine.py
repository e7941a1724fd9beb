"""The one door: every state change of every lifecycle goes through `fire`.

A lifecycle (applications, board meetings, reports, and whatever comes next) is declared
once as a `Lifecycle`: its spec from `states/`, the row type, who may fire, its guards and
effects. `fire(lifecycle, row, trigger, ...)` is the only code in the project that assigns
a state. It checks, in order: the trigger exists (404), the caller's role (403), the
expected version (409), the source state (409), every guard of the step (422, every problem
at once). Only then does it move the state, run the step's effect, flush (one UPDATE and one
version bump; a concurrent change is a 409), run what needs the saved row, append the audit
event, and take a declared follow-on step. It flushes and never commits: the request's
single commit makes it all or nothing.

One `transitions.Machine` per lifecycle and process, `model=None`, no auto transitions; a
small adapter carries the row's state while the machine moves it (STACK.md pitfall 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from transitions import Machine

from states.common import TransitionSpec
from workflow import audit
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import User, utcnow


@dataclass
class Step:
    """What a guard or an effect gets to look at: the row, who fires, the trigger, the payload."""

    session: Session
    row: Any
    by: User
    trigger: str
    payload: dict[str, Any] = field(default_factory=dict)
    lifecycle: Lifecycle | None = None
    from_state: str | None = None
    # What the effects wrote that the audit event records beside the payload (ids, numbers).
    recorded: dict[str, Any] = field(default_factory=dict)

    @property
    def application(self) -> Any:
        """The row, named as the application lifecycle's guards and notices know it."""
        return self.row

    @property
    def meeting(self) -> Any:
        """The row, named as the meeting lifecycle's guards know it."""
        return self.row

    def text(self, key: str) -> str | None:
        """A payload text, stripped; None when absent, blank or not text."""
        value = self.payload.get(key)
        return value.strip() or None if isinstance(value, str) else None

    @property
    def reason(self) -> str | None:
        return self.text("reason")


Guard = Callable[[Step], list[Problem]]
Effect = Callable[[Step], None]
# A step that follows another in the same transaction: (lifecycle, row, trigger), or None.
FollowOn = Callable[[Step], "tuple[Lifecycle, Any, str] | None"]


class _Subject:
    """The adapter `transitions` moves: only a state, never the SQLModel row itself."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


@dataclass(eq=False)
class Lifecycle:
    """One lifecycle, declared once: its spec, its row, who may fire, guards and effects."""

    name: str  # the audit log's entity type
    states: Sequence[str]
    transitions: Sequence[TransitionSpec]
    may_fire: Callable[[Any, Any, str], bool]  # (user, row, trigger) -> may the role fire it
    guards: Mapping[str, Guard] = field(default_factory=dict)
    # Guards every step of the lifecycle runs before its own (e.g. a payload field any step
    # may carry).
    common_guards: Sequence[Guard] = ()
    # Checks that refuse a step outright (a DomainError, e.g. 409) before its state and guards
    # are looked at: what no correction of the input could fix.
    preconditions: Mapping[str, Effect] = field(default_factory=dict)
    # What a step writes besides the state, before the row's first flush (one UPDATE).
    effects: Mapping[str, Effect] = field(default_factory=dict)
    # What needs the saved row (new rows that point at it, numbering after the state moved).
    after: Mapping[str, Effect] = field(default_factory=dict)
    # Runs for every step after its audit event (e.g. queue the e-mails a step causes).
    observers: Sequence[Callable[[Step], None]] = ()
    follow_on: Mapping[str, FollowOn] = field(default_factory=dict)
    forbidden: Any = field(default_factory=lambda: _l("Your role may not take this step."))
    stale: Callable[[], Conflict] = field(
        default=lambda: Conflict(
            _l("Someone else changed this at the same time; reload and try again."),
            code="stale_version",
        )
    )
    state_label: Callable[[str], Any] = str
    audit_action: Callable[[str], str] = str
    # The audit event's data: by default the payload (without the reason, the version and the
    # inputs whose keys start with "_", which are objects) and what the effects recorded.
    audit_data: Callable[[Step], dict[str, Any]] | None = None
    touches_updated_at: bool = True
    by_trigger: dict[str, TransitionSpec] = field(init=False)
    _machine: Machine | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.by_trigger = {t.trigger: t for t in self.transitions}
        unknown = {g for t in self.transitions for g in t.guards} - set(self.guards)
        if unknown:
            raise ValueError(f"{self.name}: guards without a function: {sorted(unknown)}")

    @property
    def machine(self) -> Machine:
        """The lifecycle's machine, built once per process."""
        if self._machine is None:
            self._machine = Machine(
                model=None,
                states=[str(s) for s in self.states],
                transitions=[
                    {
                        "trigger": t.trigger,
                        "source": [str(s) for s in t.sources],
                        "dest": str(t.dest),
                    }
                    for t in self.transitions
                ],
                initial=None,
                auto_transitions=False,
            )
        return self._machine

    def is_allowed_from(self, trigger: str, state: str) -> bool:
        """Whether the machine has this trigger from this state."""
        event = self.machine.events.get(trigger)
        return event is not None and state in event.transitions

    def next_state(self, trigger: str, state: str) -> str | None:
        """The state the trigger leads to from `state`, or None when it is not allowed."""
        if not self.is_allowed_from(trigger, state):
            return None
        subject = _Subject(state)
        return subject.state if self.machine.events[trigger].trigger(subject) else None

    def allowed(self, user: Any, row: Any, triggers: Sequence[str] | None = None) -> list[str]:
        """The steps `user` may take on the row now (guards not evaluated), in spec order."""
        wanted = set(triggers) if triggers is not None else None
        return [
            t.trigger
            for t in self.transitions
            if (wanted is None or t.trigger in wanted)
            and row.state in t.sources
            and self.may_fire(user, row, t.trigger)
        ]


def problems_of(step: Step, guard_names: Sequence[str]) -> list[Problem]:
    """Every problem the named guards (and the lifecycle's common guards) find."""
    lifecycle = step.lifecycle
    assert lifecycle is not None
    problems = [p for guard in lifecycle.common_guards for p in guard(step)]
    return problems + [p for name in guard_names for p in lifecycle.guards[name](step)]


def check(
    lifecycle: Lifecycle,
    row: Any,
    trigger: str,
    *,
    by: User,
    session: Session,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Step:
    """Raise the error `fire` would raise, without changing anything; return the step."""
    transition = lifecycle.by_trigger.get(trigger)
    if transition is None:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger), code="unknown_trigger")
    if not lifecycle.may_fire(by, row, trigger):
        raise Forbidden(lifecycle.forbidden)
    if expected_version is not None and expected_version != row.version:
        raise lifecycle.stale()
    step = Step(session, row, by, trigger, dict(payload or {}), lifecycle, row.state)
    precondition = lifecycle.preconditions.get(trigger)
    if precondition is not None:
        precondition(step)
    if not lifecycle.is_allowed_from(trigger, row.state):
        raise Conflict(
            _l(
                "This step cannot be taken from the state %(state)s.",
                state=lifecycle.state_label(row.state),
            ),
            code="invalid_transition",
        )
    problems = problems_of(step, transition.guards)
    if problems:
        raise ValidationFailed(_l("The step cannot be taken yet."), problems=problems)
    return step


def fire(
    lifecycle: Lifecycle,
    row: Any,
    trigger: str,
    *,
    by: User,
    session: Session,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Any:
    """Take one step: checks, state change, effects, audit event, follow-on; flushes."""
    step = check(
        lifecycle,
        row,
        trigger,
        by=by,
        session=session,
        payload=payload,
        expected_version=expected_version,
    )
    target = lifecycle.next_state(trigger, row.state)
    if target is None:  # pragma: no cover - checked above
        raise Conflict(_l("The step was refused."), code="invalid_transition")
    from_state = row.state
    # All changes to the row are made before the first flush, so one step is one UPDATE
    # and one version bump; a concurrent change makes it raise StaleDataError.
    try:
        with session.no_autoflush:
            row.state = target
            if lifecycle.touches_updated_at:
                row.updated_at = utcnow()
            session.add(row)
            effect = lifecycle.effects.get(trigger)
            if effect is not None:
                effect(step)
        session.flush()
    except StaleDataError:
        # Another request moved the row since we read it: its step won, ours is refused.
        raise lifecycle.stale() from None
    after = lifecycle.after.get(trigger)
    if after is not None:
        after(step)
    data = (
        lifecycle.audit_data(step)
        if lifecycle.audit_data is not None
        else {
            **{
                k: v
                for k, v in step.payload.items()
                if k not in {"reason", "expected_version"} and not k.startswith("_")
            },
            **step.recorded,
        }
    )
    audit.record(
        session,
        action=lifecycle.audit_action(trigger),
        entity_type=lifecycle.name,
        entity_id=row.id,
        association_id=row.association_id,
        actor=by,
        from_state=from_state,
        to_state=row.state,
        reason=step.reason,
        data=data,
    )
    for observer in lifecycle.observers:
        observer(step)
    follow = lifecycle.follow_on.get(trigger)
    then = follow(step) if follow is not None else None
    if then is not None:
        next_lifecycle, next_row, next_trigger = then
        fire(next_lifecycle, next_row, next_trigger, by=by, session=session)
    return row
