"""The application (ansökan) lifecycle of DESIGN.md, as data."""

from __future__ import annotations

from enum import StrEnum

from states.common import LEADING_ROLES, Role, TransitionSpec


class State(StrEnum):
    """Every state an application can stand in."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    COMPLETION_REQUESTED = "completion_requested"
    IN_PREPARATION = "in_preparation"
    PREPARED = "prepared"
    PROPOSED = "proposed"
    ON_AGENDA = "on_agenda"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ACTIVE = "active"
    CLOSED = "closed"
    LIV_PROPOSED = "liv_proposed"
    IN_LIV = "in_liv"
    ENDED = "ended"


S = State
_APPLICANT = frozenset({Role.APPLICANT})
_OFFICER = frozenset({Role.OFFICER})
_PREPARER = frozenset({Role.PREPARER})
# The chair, or the vice chair standing in (permissions.can_lead says who leads).
_CHAIR = LEADING_ROLES
_DELEGATES = frozenset({Role.OFFICER, Role.CHAIR})

# The checks of a board decision, in the order their problems are listed.
_BOARD_GUARDS = (
    "outcome_valid",
    "decision_texts",
    "amounts_granted",
    "recusals_valid",
    "quorate",
    "votes_counted",
    "dissents_valid",
    "no_borrowing",
)
# A decision by delegation: the amounts, the delegationsordning (403 without a row covering
# them), no borrowing.
_DELEGATED_GUARDS = ("delegated_amounts", "within_delegation", "no_borrowing")

TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        "submit", (S.DRAFT,), S.SUBMITTED, _APPLICANT, guards=("complete", "partners_endorsed")
    ),
    TransitionSpec(
        "withdraw",
        (S.DRAFT, S.SUBMITTED, S.IN_PREPARATION, S.COMPLETION_REQUESTED),
        S.WITHDRAWN,
        _APPLICANT,
    ),
    TransitionSpec(
        "return_for_completion",
        (S.SUBMITTED,),
        S.COMPLETION_REQUESTED,
        _OFFICER,
        guards=("reason_given",),
        requires=("reason",),
    ),
    TransitionSpec("accept_for_preparation", (S.SUBMITTED,), S.IN_PREPARATION, _OFFICER),
    TransitionSpec(
        "request_completion",
        (S.IN_PREPARATION,),
        S.COMPLETION_REQUESTED,
        # The förbundschef may ask too: during beredning it is their only step otherwise.
        _PREPARER | _OFFICER,
        guards=("reason_given",),
        requires=("reason",),
    ),
    TransitionSpec(
        "resubmit",
        (S.COMPLETION_REQUESTED,),
        S.SUBMITTED,
        _APPLICANT,
        guards=("complete", "partners_endorsed"),
    ),
    TransitionSpec(
        "recommend",
        (S.IN_PREPARATION,),
        S.PREPARED,
        _PREPARER,
        guards=("recommendation_given", "completion_requests_answered"),
        requires=("recommendation", "motivation"),
        optional=("conditions", "override_reason"),
    ),
    TransitionSpec(
        "propose",
        (S.PREPARED,),
        S.PROPOSED,
        _OFFICER,
        guards=("proposal_given",),
        requires=("proposal",),
    ),
    # Agenda and board decisions are fired by the meeting services, not by the
    # transitions endpoint, but they are still steps of this one machine.
    TransitionSpec("place_on_agenda", (S.PROPOSED,), S.ON_AGENDA, _OFFICER),
    TransitionSpec("remove_from_agenda", (S.ON_AGENDA,), S.PROPOSED, _OFFICER),
    # The board's decision: the meeting, its quorum, the votes, dissents and recusals, the
    # amounts and the no-borrowing rule are the step's guards (workflow/lifecycles/application.py).
    TransitionSpec("board_approve", (S.ON_AGENDA,), S.APPROVED, _CHAIR, guards=_BOARD_GUARDS),
    TransitionSpec("board_reject", (S.ON_AGENDA,), S.REJECTED, _CHAIR, guards=_BOARD_GUARDS),
    TransitionSpec(
        "board_refer_back", (S.ON_AGENDA,), S.IN_PREPARATION, _CHAIR, guards=_BOARD_GUARDS
    ),
    # A decision by delegation: the förbundschef's, or the chair's (ordförandebeslut), as the
    # association's delegationsordning allows (the `within_delegation` guard).
    TransitionSpec(
        "delegated_approve", (S.PREPARED,), S.APPROVED, _DELEGATES, guards=_DELEGATED_GUARDS
    ),
    TransitionSpec(
        "delegated_reject", (S.PREPARED,), S.REJECTED, _DELEGATES, guards=_DELEGATED_GUARDS
    ),
    # The agreement date, and a confirmation per condition of an approval with conditions.
    TransitionSpec(
        "start",
        (S.APPROVED,),
        S.ACTIVE,
        _OFFICER,
        guards=("agreement_recorded", "conditions_met"),
        requires=("agreement_date",),
        optional=("confirmed_conditions",),
    ),
    TransitionSpec(
        "accept_final_report", (S.ACTIVE,), S.CLOSED, _OFFICER, guards=("final_report_accepted",)
    ),
    # The three LIV texts may come with the step: the application is no longer editable.
    TransitionSpec(
        "propose_liv",
        (S.ACTIVE, S.CLOSED),
        S.LIV_PROPOSED,
        _APPLICANT,
        guards=("liv_complete",),
        optional=("activity_description", "report_plan", "results_summary"),
    ),
    TransitionSpec("liv_approve", (S.LIV_PROPOSED,), S.IN_LIV, _CHAIR, guards=_BOARD_GUARDS),
    # A refused LIV proposal returns the insats to where it stood when it was proposed
    # (the application's `liv_proposed_from`).
    TransitionSpec("liv_reject_active", (S.LIV_PROPOSED,), S.ACTIVE, _CHAIR, guards=_BOARD_GUARDS),
    TransitionSpec("liv_reject_closed", (S.LIV_PROPOSED,), S.CLOSED, _CHAIR, guards=_BOARD_GUARDS),
    # The board's yearly financing decision keeps the activity in LIV; as a step it is
    # audited and bumps the version like any other.
    TransitionSpec("liv_year_decision", (S.IN_LIV,), S.IN_LIV, _CHAIR, guards=_BOARD_GUARDS),
    TransitionSpec("phase_out", (S.IN_LIV,), S.ENDED, _OFFICER),
)

BY_TRIGGER: dict[str, TransitionSpec] = {t.trigger: t for t in TRANSITIONS}

# The steps a board decision at a meeting fires (one per outcome and kind of item).
BOARD_DECISION_TRIGGERS: frozenset[str] = frozenset(
    t.trigger for t in TRANSITIONS if t.guards == _BOARD_GUARDS
)

# Triggers a client may fire through POST /applications/{id}/transitions/{trigger}.
# Agenda and board steps go through the meeting; `decide_delegated` picks its
# destination by outcome and is mapped by the service that handles it.
PUBLIC_TRIGGERS: frozenset[str] = frozenset(
    {
        "submit",
        "withdraw",
        "return_for_completion",
        "accept_for_preparation",
        "request_completion",
        "resubmit",
        "recommend",
        "propose",
        "start",
        "accept_final_report",
        "propose_liv",
        "phase_out",
    }
)

# The officer's decision within the delegation limit: one request, fired as
# delegated_approve or delegated_reject by its outcome (workflow/operations/meetings.py).
DECIDE_DELEGATED = "decide_delegated"

INITIAL = S.DRAFT
# The applicant may change the content only while it is in its own hands.
EDITABLE: frozenset[State] = frozenset({S.DRAFT, S.COMPLETION_REQUESTED})
TERMINAL: frozenset[State] = frozenset({S.REJECTED, S.WITHDRAWN, S.ENDED})
# A partner member may endorse or decline a joint application, and change its answer, until
# the beredning has made its recommendation.
ENDORSABLE: frozenset[State] = frozenset(
    {S.DRAFT, S.SUBMITTED, S.IN_PREPARATION, S.COMPLETION_REQUESTED}
)
# Preparers, officers, board and auditors see nothing before submission.
HIDDEN_BEFORE_SUBMISSION: frozenset[State] = frozenset({S.DRAFT})
# LIV steps the board takes at a meeting without an agenda state of their own: the admission
# of a proposed activity, and each yearly financing decision of one in LIV.
BOARD_LIV: frozenset[State] = frozenset({S.LIV_PROPOSED, S.IN_LIV})
# States in which the application has passed through submission at least once
# and therefore carries a diary number (withdrawn is ambiguous: see services).
REGISTERED: frozenset[State] = frozenset(State) - {S.DRAFT, S.WITHDRAWN}

# The officer's inbox, in the order the officer works through it: new submissions to register
# and check, applications ready to propose to the board, those awaiting the applicant's
# completion. A tuple: the inbox shows its groups (and the API lists them) in this order.
INBOX: tuple[State, ...] = (S.SUBMITTED, S.PREPARED, S.COMPLETION_REQUESTED)
# The beredningsgrupp's queue: applications it is preparing.
IN_BEREDNING: tuple[State, ...] = (S.IN_PREPARATION,)
# Officers may add a file (a budget workbook, a note) while the office and the beredning work.
OFFICER_ATTACHABLE: frozenset[State] = frozenset({S.SUBMITTED, S.IN_PREPARATION, S.PREPARED})
# The board reads the beredning's notes once the group has recommended: from prepared on.
BOARD_READS_NOTES: frozenset[State] = frozenset(
    {
        S.PREPARED,
        S.PROPOSED,
        S.ON_AGENDA,
        S.APPROVED,
        S.REJECTED,
        S.ACTIVE,
        S.CLOSED,
        S.LIV_PROPOSED,
        S.IN_LIV,
        S.ENDED,
    }
)

# The running insats: reports are written and can fall overdue.
REPORTING: frozenset[State] = frozenset({S.ACTIVE, S.LIV_PROPOSED, S.IN_LIV})
# The final report is written, and its acceptance closes the insats, while the insats is
# active (not once it is proposed for LIV).
FINAL_REPORTING: frozenset[State] = frozenset({S.ACTIVE})
# The application page shows the start and the reporting plan: from the approval on, and
# after the insats has closed or ended (its reports are then history).
REPORT_PLAN: frozenset[State] = REPORTING | {S.APPROVED, S.CLOSED, S.ENDED}
# An activity in or proposed for LIV reports every year, after the insats's period too.
LIV_REPORTING: frozenset[State] = frozenset({S.LIV_PROPOSED, S.IN_LIV})
# The board admits the activity to LIV (its first year financed) from this state; from the
# other BOARD_LIV state it decides a further year.
LIV_ADMISSION: frozenset[State] = frozenset({S.LIV_PROPOSED})
# The application page shows the LIV section: while proposed for or in LIV, and once ended.
LIV_SHOWN: frozenset[State] = BOARD_LIV | {S.ENDED}
# The förbundschef sets the insats's national classification (Uppföljning Finsam) during
# beredning and until the insats starts; from the start on it is fixed.
CLASSIFIABLE: frozenset[State] = frozenset(
    {S.IN_PREPARATION, S.PREPARED, S.PROPOSED, S.ON_AGENDA, S.APPROVED}
)
# The insats has started (the `start` step was taken): its classification is fixed.
STARTED: frozenset[State] = frozenset({S.ACTIVE, S.CLOSED, S.LIV_PROPOSED, S.IN_LIV, S.ENDED})
