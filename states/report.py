"""The yearly and final report lifecycle of DESIGN.md, as data."""

from __future__ import annotations

from enum import StrEnum

from states.common import Role, TransitionSpec


class ReportState(StrEnum):
    """Every state a report can stand in."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


R = ReportState
_APPLICANT = frozenset({Role.APPLICANT})
_OFFICER = frozenset({Role.OFFICER})

# A returned report goes back to the applicant, who edits it and submits it again.
TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        "submit", (R.DRAFT, R.RETURNED), R.SUBMITTED, _APPLICANT, guards=("report_complete",)
    ),
    TransitionSpec("accept", (R.SUBMITTED,), R.ACCEPTED, _OFFICER),
    TransitionSpec(
        "return",
        (R.SUBMITTED,),
        R.RETURNED,
        _OFFICER,
        guards=("reason_given",),
        requires=("reason",),
    ),
)

BY_TRIGGER: dict[str, TransitionSpec] = {t.trigger: t for t in TRANSITIONS}
PUBLIC_TRIGGERS: frozenset[str] = frozenset(BY_TRIGGER)

INITIAL = R.DRAFT
# The applicant edits the figures only while the report is in its hands.
EDITABLE: frozenset[ReportState] = frozenset({R.DRAFT, R.RETURNED})
# Delivered reports: they stop a report being flagged as overdue.
DELIVERED: frozenset[ReportState] = frozenset({R.SUBMITTED, R.ACCEPTED})
TERMINAL: frozenset[ReportState] = frozenset({R.ACCEPTED})

REPORT_KINDS = ("annual", "final")
