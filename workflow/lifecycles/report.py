"""The yearly and final report lifecycle: draft → submitted → accepted | returned.

Declared once for the engine. Accepting the final report of an active insats is followed by
the application's `accept_final_report` step, which closes the insats, in the same
transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from states import report as spec
from states.application import State
from workflow import labels, permissions
from workflow.engine import Lifecycle, Step
from workflow.errors import Conflict, Problem
from workflow.i18n import _l
from workflow.lifecycles.application import APPLICATION
from workflow.models import utcnow
from workflow.models.reports import Report
from workflow.rules.reports import (
    application_of,
    figure_problems,
    missing_goal_results,
    outcome_table,
    report_breakdown_problems,
    report_counts,
)


def stale_report() -> Conflict:
    """The 409 for a report changed since the caller read it."""
    return Conflict(
        _l("The report was changed by someone else; reload and try again."),
        code="stale_version",
    )


def _application(step: Step) -> Any:
    return application_of(step.session, step.row)


def _guard_report_complete(step: Step) -> list[Problem]:
    report = step.row
    problems = figure_problems(report_counts(report), outcome_table(report), report.costs_sek)
    problems += report_breakdown_problems(report)
    return problems + missing_goal_results(_application(step), report)


def _guard_reason_given(step: Step) -> list[Problem]:
    return [] if step.reason else [Problem("reason", _l("Give a reason."))]


def _effect_submit(step: Step) -> None:
    step.row.submitted_at = utcnow()
    step.row.submitted_by_id = step.by.id
    step.row.returned_at = None


def _effect_accept(step: Step) -> None:
    step.row.accepted_at = utcnow()
    step.row.accepted_by_id = step.by.id


def _effect_return(step: Step) -> None:
    step.row.submitted_at = None
    step.row.submitted_by_id = None
    step.row.returned_at = utcnow()
    step.row.return_reason = step.reason


def _close_insats(step: Step) -> tuple[Lifecycle, Any, str] | None:
    """An accepted final report closes the active insats it reports on."""
    app = _application(step)
    if step.row.kind == "final" and app.state == State.ACTIVE:
        return APPLICATION, app, "accept_final_report"
    return None


def _may_fire(user: Any, report: Report, trigger: str) -> bool:
    # The report's roles are those of its application (the lead member's applicants).
    session = object_session(report)
    assert session is not None
    return permissions.can_fire_report(user, application_of(session, report), trigger)


def _audit_data(step: Step) -> dict[str, Any]:
    return {"application_id": step.row.application_id, "kind": step.row.kind, "year": step.row.year}


REPORT = Lifecycle(
    name="report",
    states=[s.value for s in spec.ReportState],
    transitions=spec.TRANSITIONS,
    may_fire=_may_fire,
    guards={"report_complete": _guard_report_complete, "reason_given": _guard_reason_given},
    effects={"submit": _effect_submit, "accept": _effect_accept, "return": _effect_return},
    follow_on={"accept": _close_insats},
    stale=stale_report,
    state_label=labels.report_state_label,
    audit_action=lambda trigger: f"report_{trigger}",
    audit_data=_audit_data,
)
