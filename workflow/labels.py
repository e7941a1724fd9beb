"""Display labels for stored codes (states, triggers, parties, kinds, roles), translated lazily.

Every label keyed on a state or a trigger of the three lifecycles (application, meeting,
report) is here; other modules import them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from states.application import State
from states.common import Role
from states.meeting import MeetingState
from states.report import ReportState
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
    # Steps of meetings, agenda items and reports, and the other audited actions: the
    # revisor's audit page names each in words.
    "justera": _l("Protocol checked (justerat)"),
    "post_protocol": _l("Protocol posted on the notice board"),
    "decide": _l("Decision recorded"),
    "redecide": _l("Decision changed"),
    "note": _l("Noted by the board"),
    "table": _l("Tabled"),
    "report_create": _l("Report started"),
    "report_update": _l("Report changed"),
    "report_submit": _l("Report submitted"),
    "report_accept": _l("Report accepted"),
    "report_return": _l("Report returned"),
    "report_settings": _l("Report settings changed"),
    "add_item": _l("Item added to the agenda"),
    "remove_item": _l("Item removed from the agenda"),
    "order_agenda": _l("Agenda reordered"),
    "create_meeting": _l("Meeting planned"),
    "record_attendance": _l("Attendance recorded"),
    "choose_justerare": _l("Justerare chosen"),
    "send_kallelse": _l("Kallelse sent"),
    "answer_kallelse": _l("Kallelse answered"),
    "attachment_added": _l("Attachment added"),
    "attachment_removed": _l("Attachment removed"),
    "set_budget": _l("Budget set"),
    "set_shares": _l("Co-financing shares recorded"),
    "make_part": _l("Other part of a mixed insats made"),
    "set_contribution_key": _l("Contribution key set"),
    "close_year": _l("Year closed (årsbokslut)"),
    "record_economy_step": _l("Step of the year's cycle recorded"),
    "set_socioeconomic_parameters": _l("Socio-economic parameters changed"),
    "classify_insats": _l("National classification set"),
    "record_liv_agreement": _l("LIV agreement recorded"),
    "create_association": _l("Association created"),
    "update_association": _l("Association settings changed"),
    "add_member": _l("Member organisation added"),
    "update_member": _l("Member organisation changed"),
    "update_delegations": _l("Delegationsordning changed"),
    "create_user": _l("User created"),
    "grant_role": _l("Role given"),
    "revoke_role": _l("Role removed"),
    "user_deactivated": _l("Account ended"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset"),
    "recovery_code_used": _l("Recovery code used"),
    "two_factor_enabled": _l("Two-factor sign-in turned on"),
    "two_factor_required": _l("Two-factor sign-in required"),
    "two_factor_reset": _l("Two-factor sign-in reset"),
}

# What waits in each group of the officer's inbox (states.application.INBOX).
INBOX_LABELS: dict[str, Any] = {
    State.SUBMITTED: _l("New submissions to register and check"),
    State.PREPARED: _l("Ready to propose to the board"),
    State.COMPLETION_REQUESTED: _l("Waiting for the applicant to complete"),
}

MEETING_STATE_LABELS: dict[str, Any] = {
    MeetingState.PLANNED: _l("Planned"),
    MeetingState.OPEN: _l("Open"),
    MeetingState.CLOSED: _l("Concluded"),
    MeetingState.PROTOCOL_SIGNED: _l("Protocol signed"),
}

# The button text of each step of a meeting (states.meeting.TRANSITIONS).
MEETING_STEP_LABELS: dict[str, Any] = {
    "open": _l("Open the meeting"),
    "close": _l("Close the meeting"),
    "sign": _l("Sign the protocol"),
}
# In the audit log a meeting's steps are named as done, in the order of the steps above.
ACTION_LABELS.update(
    zip(
        MEETING_STEP_LABELS,
        (_l("Meeting opened"), _l("Meeting closed"), _l("Protocol signed")),
        strict=True,
    )
)

REPORT_STATE_LABELS: dict[str, Any] = {
    ReportState.DRAFT: _l("Draft"),
    ReportState.SUBMITTED: _l("Submitted"),
    ReportState.ACCEPTED: _l("Accepted"),
    ReportState.RETURNED: _l("Returned"),
}

# Each step of a report (states.report.TRANSITIONS).
REPORT_ACTION_LABELS: dict[str, Any] = {
    "submit": _l("Submit the report"),
    "accept": _l("Accept the report"),
    "return": _l("Return the report"),
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
    Role.VICE_CHAIR: _l("Vice chair"),
    Role.AUDITOR: _l("Auditor"),
}

# The delegationsordning's matters and delegates (states/delegation.py).
MATTER_LABELS: dict[str, Any] = {
    "grant": _l("Grants to insatser (applications)"),
    "urgent": _l("Urgent matters (the board cannot wait)"),
}
DELEGATE_LABELS: dict[str, Any] = {
    "director": _l("Director (förbundschef)"),
    "chair": _l("Chair (ordförande)"),
    "working_committee": _l("Working committee (arbetsutskott)"),
}
# The office a ledamot holds on the board.
OFFICE_LABELS: dict[str, Any] = {
    "chair": _l("Chair"),
    "vice_chair": _l("Vice chair"),
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
    "internship": _l("Internship (praktik)"),
    "studies": _l("Studies"),
    "job_seeking": _l("Job seeking"),
    "other_support": _l("Other support"),
    "dropped_out": _l("Dropped out (avbrott)"),
    "other": _l("Other"),
}
SUPPORT_LABELS: dict[str, Any] = {
    "salary": _l("Salary"),
    "sickness_benefit": _l("Sickness benefit"),
    "rehabilitation_benefit": _l("Rehabilitation benefit"),
    "activity_compensation": _l("Sickness or activity compensation"),
    "unemployment_benefit": _l("Unemployment benefit"),
    "activity_support": _l("Activity support or development allowance"),
    "establishment_benefit": _l("Establishment benefit"),
    "income_support": _l("Income support"),
    "student_aid": _l("Student aid"),
    "no_income": _l("No income"),
    "unknown": _l("Unknown"),
    "other": _l("Other"),
}
AGE_BAND_LABELS: dict[str, Any] = {
    "16-19": _l("16–19 years"),
    "20-24": _l("20–24 years"),
    "25-29": _l("25–29 years"),
    "30-39": _l("30–39 years"),
    "40-49": _l("40–49 years"),
    "50-59": _l("50–59 years"),
    "60-64": _l("60–64 years"),
    "65+": _l("65 years or older"),
}
ATTENDEE_LABELS: dict[str, Any] = {
    "staff": _l("Staff of the member organisations"),
    "participants": _l("Patients or participants"),
    "relatives": _l("Relatives"),
    "public": _l("The public"),
    "unspecified": _l("Not divided by category"),
}

# The national classification of an insats (workflow/rules/classification.py): the two
# directions are Uppföljning Finsam's own; the precise directions and the follow-up methods
# are the product's reading of SUS's lists (docs/uppfoljning-finsam.md).
DIRECTION_LABELS: dict[str, Any] = {
    "individual": _l("Individual"),
    "structural": _l("Structural"),
}
PRECISE_DIRECTION_LABELS: dict[str, Any] = {
    "pre_rehabilitation": _l("Pre-rehabilitation and motivation"),
    "vocational_rehabilitation": _l("Vocational rehabilitation"),
    "assessment": _l("Assessment of work capacity"),
    "coordination": _l("Coordination of the participant's support"),
    "work_training": _l("Work training and placement"),
    "support_into_work_or_studies": _l("Support into work or studies"),
    "individual_other": _l("Other individual insats"),
    "competence_development": _l("Competence development"),
    "method_development": _l("Method development"),
    "cooperation_structures": _l("Structures for cooperation"),
    "survey_and_analysis": _l("Survey and analysis"),
    "information": _l("Information and dissemination"),
    "structural_other": _l("Other structural insats"),
}
FOLLOW_UP_METHOD_LABELS: dict[str, Any] = {
    "participant_records": _l("Each participant registered"),
    "aggregate_counts": _l("Counts only"),
}


def _label(table: dict[str, Any], value: str | None) -> Any:
    """The label of `value`, or the value itself when it has none (never fails on new codes)."""
    if value is None:
        return ""
    return table.get(value, value)


def state_label(value: str | None) -> Any:
    """The translated name of an application state."""
    return _label(STATE_LABELS, value)


def inbox_label(value: str | None) -> Any:
    """What waits in the inbox group of an application state."""
    return _label(INBOX_LABELS, value)


def meeting_state_label(value: str | None) -> Any:
    """The translated name of a meeting state."""
    return _label(MEETING_STATE_LABELS, value)


def meeting_step_label(value: str | None) -> Any:
    """The button text of a meeting step."""
    return _label(MEETING_STEP_LABELS, value)


ITEM_STATE_LABELS: dict[str, Any] = {
    "listed": _l("On the agenda"),
    "decided": _l("Decided"),
    "tabled": _l("Tabled"),
}

ITEM_KIND_LABELS: dict[str, Any] = {
    "application": _l("Application"),
    "delegation_report": _l("Delegated decision reported"),
    "decision": _l("Decision item"),
    "information": _l("Information item"),
    "standard": _l("Standard item"),
    "other": _l("Other question"),
}


def item_state_label(value: str | None) -> Any:
    """The translated name of an agenda item's state."""
    return _label(ITEM_STATE_LABELS, value)


def item_kind_label(value: str | None) -> Any:
    """The translated name of an agenda item's kind."""
    return _label(ITEM_KIND_LABELS, value)


def report_state_label(value: str | None) -> Any:
    """The translated name of a report state."""
    return _label(REPORT_STATE_LABELS, value)


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


@dataclass(frozen=True)
class StateOption:
    """A state a list can be filtered by: its value, its label, whether it is the one chosen."""

    value: str
    label: Any
    chosen: bool


def state_options(states: Iterable[str], chosen: str | None) -> list[StateOption]:
    """The application states of a filter, in the given order, the chosen one marked."""
    return [StateOption(str(s), state_label(s), str(s) == chosen) for s in states]


def template_helpers() -> dict[str, Any]:
    """What the templates get from this module."""
    return {
        "state_label": state_label,
        "inbox_label": inbox_label,
        "action_label": action_label,
        "party_label": party_label,
        "kind_label": kind_label,
        "role_label": role_label,
        "recommendation_label": recommendation_label,
        "endorsement_label": endorsement_label,
        "STATE_LABELS": STATE_LABELS,
        "MATTER_LABELS": MATTER_LABELS,
        "DELEGATE_LABELS": DELEGATE_LABELS,
        "OFFICE_LABELS": OFFICE_LABELS,
    }


REPORT_KIND_LABELS: dict[str, Any] = {"annual": _l("Annual report"), "final": _l("Final report")}


def report_kind_label(value: str) -> Any:
    """The report kind's label."""
    return REPORT_KIND_LABELS.get(value, value)
