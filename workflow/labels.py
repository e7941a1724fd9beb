"""Display labels for stored codes (states, triggers, parties, kinds, roles), translated lazily."""

from __future__ import annotations

from typing import Any

from states.application import State
from states.common import Role
from workflow.i18n import _l

STATE_LABELS: dict[str, Any] = {
    State.DRAFT: _l("Draft"),
    State.SUBMITTED: _l("Submitted"),
    State.COMPLETION_REQUESTED: _l("Completion requested"),
    State.IN_PREPARATION: _l("In preparation"),
    State.PREPARED: _l("Prepared"),
    State.PROPOSED: _l("Proposed"),
    State.ON_AGENDA: _l("On the agenda"),
    State.APPROVED: _l("Approved"),
    State.REJECTED: _l("Rejected"),
    State.WITHDRAWN: _l("Withdrawn"),
    State.ACTIVE: _l("Active"),
    State.CLOSED: _l("Closed"),
    State.LIV_PROPOSED: _l("Proposed for LIV"),
    State.IN_LIV: _l("In LIV"),
    State.ENDED: _l("Ended"),
}

# Every trigger of the machine, plus the audit actions that are not transitions.
ACTION_LABELS: dict[str, Any] = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "submit": _l("Submit"),
    "withdraw": _l("Withdraw"),
    "return_for_completion": _l("Return for completion"),
    "accept_for_preparation": _l("Accept for preparation"),
    "request_completion": _l("Request completion"),
    "resubmit": _l("Resubmit"),
    "recommend": _l("Recommend"),
    "propose": _l("Propose to the board"),
    "place_on_agenda": _l("Place on the agenda"),
    "remove_from_agenda": _l("Remove from the agenda"),
    "board_approve": _l("Approved by the board"),
    "board_reject": _l("Rejected by the board"),
    "board_refer_back": _l("Referred back by the board"),
    "delegated_approve": _l("Approved by delegation"),
    "delegated_reject": _l("Rejected by delegation"),
    "decide_delegated": _l("Decide by delegation"),
    "start": _l("Start"),
    "accept_final_report": _l("Accept the final report"),
    "propose_liv": _l("Propose for LIV"),
    "liv_approve": _l("Approved for LIV"),
    "liv_reject_active": _l("LIV refused by the board"),
    "liv_reject_closed": _l("LIV refused by the board"),
    "liv_year_decision": _l("Yearly LIV decision by the board"),
    "phase_out": _l("Phase out"),
    "endorse": _l("Endorsed by a partner"),
    "decline": _l("Declined by a partner"),
}

PARTY_LABELS: dict[str, Any] = {
    "af": _l("Swedish Public Employment Service"),
    "fk": _l("Swedish Social Insurance Agency"),
    "region": _l("Region"),
    "municipality": _l("Municipality"),
}

KIND_LABELS: dict[str, Any] = {
    "individual": _l("Individual"),
    "structural": _l("Structural"),
}

ROLE_LABELS: dict[str, Any] = {
    Role.APPLICANT: _l("Applicant"),
    Role.PREPARER: _l("Preparatory group"),
    Role.OFFICER: _l("Director / office"),
    Role.BOARD: _l("Board member"),
    Role.CHAIR: _l("Chair"),
    Role.AUDITOR: _l("Auditor"),
}

RECOMMENDATION_LABELS: dict[str, Any] = {
    "approve": _l("Approve"),
    "approve_with_conditions": _l("Approve with conditions"),
    "reject": _l("Reject"),
}


# A partner member's answer to a joint application; None while it has not answered.
ENDORSEMENT_LABELS: dict[str | None, Any] = {
    "endorse": _l("Endorses the application"),
    "decline": _l("Declines"),
    None: _l("Has not answered yet"),
}

# A report's outcomes (avslutsorsak) and sources of support (försörjning): the report pages
# and the statistics say them alike.
OUTCOME_LABELS: dict[str, Any] = {
    "work": _l("Work"),
    "subsidised_work": _l("Subsidised work"),
    "studies": _l("Studies"),
    "job_seeking": _l("Job seeking"),
    "other_support": _l("Other support"),
    "other": _l("Other"),
}
SUPPORT_LABELS: dict[str, Any] = {
    "salary": _l("Salary"),
    "sickness_benefit": _l("Sickness benefit"),
    "activity_compensation": _l("Activity compensation"),
    "unemployment_benefit": _l("Unemployment benefit"),
    "income_support": _l("Income support"),
    "other": _l("Other"),
}


def _label(table: dict[str, Any], value: str | None) -> Any:
    """The label of `value`, or the value itself when it has none (never fails on new codes)."""
    if value is None:
        return ""
    return table.get(value, value)


def state_label(value: str | None) -> Any:
    """The translated name of an application state."""
    return _label(STATE_LABELS, value)


def action_label(value: str | None) -> Any:
    """The translated name of a trigger or audit action."""
    return _label(ACTION_LABELS, value)


def party_label(value: str | None) -> Any:
    """The translated name of a member's party."""
    return _label(PARTY_LABELS, value)


def kind_label(value: str | None) -> Any:
    """The translated name of a kind of insats."""
    return _label(KIND_LABELS, value)


def role_label(value: str | None) -> Any:
    """The translated name of a role."""
    return _label(ROLE_LABELS, value)


def recommendation_label(value: str | None) -> Any:
    """The translated name of a recommendation."""
    return _label(RECOMMENDATION_LABELS, value)


def endorsement_label(value: str | None) -> Any:
    """The translated name of a partner's answer (or of no answer yet)."""
    return ENDORSEMENT_LABELS.get(value, value)


def template_helpers() -> dict[str, Any]:
    """What the templates get from this module."""
    return {
        "state_label": state_label,
        "action_label": action_label,
        "party_label": party_label,
        "kind_label": kind_label,
        "role_label": role_label,
        "recommendation_label": recommendation_label,
        "endorsement_label": endorsement_label,
        "STATE_LABELS": STATE_LABELS,
    }
