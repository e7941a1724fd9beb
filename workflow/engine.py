"""The engine: every state change of an application goes through `fire`.

One `transitions.Machine` per process is built from `states/application.py`
(`model=None`, no auto transitions); a small adapter carries the row's state
while the machine moves it. The engine checks, in order: the caller's role
(403), the expected version (409), the source state (409) and every guard
(422, all problems at once). Only then does it move the state and run the
step's effects, bump the version and append the audit event, flushing
without committing, so the request's single commit makes it all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from transitions import Machine

from states import application as spec
from workflow import audit, labels, permissions
from workflow import machine as machines
from workflow.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    ValidationFailed,
    stale_application,
)
from workflow.i18n import _l
from workflow.models import (
    RECOMMENDATIONS,
    Application,
    Association,
    Proposal,
    Recommendation,
    User,
    utcnow,
)
from workflow.operations import (
    annotations,
    applications,
    diary,
    endorsements,
    notifications,
    reports,
)
from workflow.rules import completeness


@dataclass
class Step:
    """What a guard or an effect gets to look at."""

    session: Session
    application: Application
    by: User
    trigger: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        return _text(self, "reason")


Guard = Callable[[Step], list[Problem]]
Effect = Callable[[Step], None]


@cache
def machine() -> Machine:
    """The application machine, built once per process."""
    return machines.build(spec.State, spec.TRANSITIONS)


def is_allowed_from(trigger: str, state: str) -> bool:
    """Whether the machine has this trigger from this state."""
    return machines.is_allowed_from(machine(), trigger, state)


# --- guards: each returns every problem it finds, never stops at the first ---------------


def _text(step: Step, key: str) -> str | None:
    """A payload text, stripped; None when absent, blank or not text."""
    value = step.payload.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _guard_complete(step: Step) -> list[Problem]:
    return completeness.missing_items(step.application)


def _guard_reason_given(step: Step) -> list[Problem]:
    return [] if step.reason else [Problem("reason", _l("Give a reason."))]


def _guard_liv_complete(step: Step) -> list[Problem]:
    # A text sent with the step counts: the effect stores it on the application.
    missing = completeness.missing_for_liv(step.application)
    return [p for p in missing if not _text(step, p.field)]


def _guard_recommendation_given(step: Step) -> list[Problem]:
    problems = []
    recommendation = step.payload.get("recommendation")
    if recommendation not in RECOMMENDATIONS:
        problems.append(
            Problem("recommendation", _l("Choose approve, approve with conditions or reject."))
        )
    if not _text(step, "motivation"):
        problems.append(Problem("motivation", _l("Give a motivation.")))
    if recommendation == "approve_with_conditions" and not _text(step, "conditions"):
        problems.append(Problem("conditions", _l("Write the conditions of the approval.")))
    return problems


def _guard_completion_requests_answered(step: Step) -> list[Problem]:
    # Open shared requests for completion mean the applicant still owes an answer;
    # the group may recommend anyway, but must say why.
    if _text(step, "override_reason"):
        return []
    open_requests = annotations.open_completion_requests(step.session, step.application)
    if not open_requests:
        return []
    return [
        Problem(
            "override_reason",
            _l(
                "%(n)s shared requests for completion are still open: resolve them, or say why"
                " the group recommends anyway.",
                n=open_requests,
            ),
        )
    ]


def _guard_partners_endorsed(step: Step) -> list[Problem]:
    return endorsements.missing_endorsements(step.session, step.application)


def _guard_proposal_given(step: Step) -> list[Problem]:
    if _text(step, "proposal"):
        return []
    return [Problem("proposal", _l("Write the proposal to the board."))]


GUARDS: dict[str, Guard] = {
    "complete": _guard_complete,
    "reason_given": _guard_reason_given,
    "liv_complete": _guard_liv_complete,
    "recommendation_given": _guard_recommendation_given,
    "proposal_given": _guard_proposal_given,
    "completion_requests_answered": _guard_completion_requests_answered,
    "partners_endorsed": _guard_partners_endorsed,
    "agreement_recorded": reports.guard_agreement_recorded,
    "conditions_met": reports.guard_conditions_met,
    "final_report_accepted": reports.guard_final_report_accepted,
}


# --- effects: what a step does besides moving the state ----------------------------------


def _effect_submit(step: Step) -> None:
    app = step.application
    now = utcnow()
    app.submitted_at = app.submitted_at or now
    # The frozen version first, the diary number last: the counter's row stays locked from
    # the number's allocation to the commit, and every submit of the association waits for
    # it, so nothing that can be done before is done inside that window.
    applications.freeze_version(step.session, app, by=step.by, trigger=step.trigger, flush=False)
    if app.diary_number is None:
        association = step.session.get(Association, app.association_id)
        assert association is not None
        seq, number = diary.next_diary_number(step.session, association, now.year)
        app.diary_year, app.diary_seq, app.diary_number = now.year, seq, number


def _current_version(step: Step) -> int:
    return applications.latest_version_number(step.session, step.application)


def _effect_recommend(step: Step) -> None:
    recommendation = step.payload["recommendation"]
    step.session.add(
        Recommendation(
            application_id=step.application.id,
            version_number=_current_version(step),
            recommendation=recommendation,
            motivation=_text(step, "motivation"),
            conditions=_text(step, "conditions")
            if recommendation == "approve_with_conditions"
            else None,
            override_reason=_text(step, "override_reason"),
            author_id=step.by.id,
        )
    )


def _effect_propose(step: Step) -> None:
    step.session.add(
        Proposal(
            application_id=step.application.id,
            version_number=_current_version(step),
            text=_text(step, "proposal"),
            author_id=step.by.id,
        )
    )


def _effect_propose_liv(step: Step) -> None:
    for name, _message in completeness.LIV_FIELDS:
        value = _text(step, name)
        if value is not None:
            setattr(step.application, name, value)


EFFECTS: dict[str, Effect] = {
    "propose_liv": _effect_propose_liv,
    "submit": _effect_submit,
    "resubmit": _effect_submit,
    "recommend": _effect_recommend,
    "propose": _effect_propose,
    "start": reports.effect_start,
}
# The application's collections an effect adds rows to (beside the row itself): a caller
# showing the application after the step reads these again, and only these.
ADDED_BESIDE: dict[str, tuple[str, ...]] = {
    "recommend": ("recommendations",),
    "propose": ("proposals",),
}


def check(
    application: Application,
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
    if not permissions.can_fire(by, application, trigger):
        raise Forbidden(_l("Your role may not take this step."))
    if expected_version is not None and expected_version != application.version:
        raise stale_application()
    if not is_allowed_from(trigger, application.state):
        raise Conflict(
            _l(
                "This step cannot be taken from the state %(state)s.",
                state=labels.state_label(application.state),
            ),
            code="invalid_transition",
        )
    step = Step(session, application, by, trigger, dict(payload or {}))
    problems = [p for name in transition.guards for p in GUARDS[name](step)]
    if problems:
        raise ValidationFailed(_l("The step cannot be taken yet."), problems=problems)
    return step


def fire(
    application: Application,
    trigger: str,
    *,
    by: User,
    session: Session,
    payload: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Application:
    """Take one step of the lifecycle: checks, state change, effects, audit event; flushes."""
    step = check(
        application,
        trigger,
        by=by,
        session=session,
        payload=payload,
        expected_version=expected_version,
    )
    subject = machines.Subject(application.state)
    from_state = subject.state
    if not machine().events[trigger].trigger(subject):  # pragma: no cover - guarded above
        raise Conflict(_l("The step was refused."), code="invalid_transition")
    # All changes to the row are made before the first flush, so one step is one
    # UPDATE and one version bump; a concurrent change makes it raise StaleDataError.
    try:
        with session.no_autoflush:
            application.state = subject.state
            application.updated_at = utcnow()
            session.add(application)
            effect = EFFECTS.get(trigger)
            if effect is not None:
                effect(step)
        session.flush()
    except StaleDataError:
        # Another request moved the row since we read it: its step won, ours is refused.
        raise stale_application() from None
    data = {k: v for k, v in step.payload.items() if k not in {"reason", "expected_version"}}
    audit.record(
        session,
        action=trigger,
        entity_type="application",
        entity_id=application.id,
        association_id=application.association_id,
        actor=by,
        from_state=from_state,
        to_state=application.state,
        reason=step.reason,
        data=data,
    )
    notifications.step_taken(step, from_state)
    return application
