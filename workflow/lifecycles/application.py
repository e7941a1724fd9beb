"""The application (ansökan) lifecycle: its guards and effects, declared once for the engine.

The spec (states, steps, roles, guard names) is `states/application.py`; this module says
what each named guard checks and what each step writes besides the state. The board's
decision is a step like any other: quorum, votes, recusals, dissents, amounts and the
no-borrowing rule are guards on the decision triggers, and writing the Decision (its §,
amounts, votes, dissents, recusals) is the step's effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_ngettext
from sqlmodel import Session, select

from states import application as spec
from states import meeting as meeting_spec
from states import report as report_spec
from workflow import labels, limits, notifications, permissions
from workflow.engine import Lifecycle, Step
from workflow.errors import Conflict, Forbidden, Problem, stale_application
from workflow.i18n import Kronor, _l
from workflow.models import (
    RECOMMENDATIONS,
    Application,
    ApplicationVersion,
    Association,
    Decision,
    DecisionAmount,
    Dissent,
    Meeting,
    Proposal,
    Recommendation,
    Recusal,
    User,
    Vote,
    local_date,
    today,
    utcnow,
)
from workflow.models.liv import LivYear
from workflow.models.reports import ConditionConfirmation, InsatsStart, Report
from workflow.rules import budget, completeness, diary, liv
from workflow.rules import delegations as delegation_rules
from workflow.rules.beredning import missing_endorsements, open_completion_requests
from workflow.rules.insats import (
    approving_decision,
    conditions_of,
    confirmed_numbers,
    parse_date,
    start_conditions,
)
from workflow.rules.meetings import (
    APPROVALS,
    AmountIn,
    DecisionInput,
    Quorum,
    Tally,
    amount_problems,
    association_of,
    board_decision,
    by_year,
    clean,
    dissent_problems,
    excess_problems,
    item_for,
    present_user_ids,
    quorum,
    recusal_problems,
    roster,
    vote_problems,
)
from workflow.rules.versions import content, latest_version_number

# --- the beredning's guards: each returns every problem it finds ---------------------------


def _guard_complete(step: Step) -> list[Problem]:
    return completeness.missing_items(step.row)


def _guard_reason_given(step: Step) -> list[Problem]:
    return [] if step.reason else [Problem("reason", _l("Give a reason."))]


def _guard_liv_complete(step: Step) -> list[Problem]:
    # A text sent with the step counts: the effect stores it on the application.
    missing = completeness.missing_for_liv(step.row)
    return [p for p in missing if not step.text(p.field)]


def _guard_recommendation_given(step: Step) -> list[Problem]:
    problems = []
    recommendation = step.payload.get("recommendation")
    if recommendation not in RECOMMENDATIONS:
        problems.append(
            Problem("recommendation", _l("Choose approve, approve with conditions or reject."))
        )
    if not step.text("motivation"):
        problems.append(Problem("motivation", _l("Give a motivation.")))
    if recommendation == "approve_with_conditions" and not step.text("conditions"):
        problems.append(Problem("conditions", _l("Write the conditions of the approval.")))
    return problems


def _guard_completion_requests_answered(step: Step) -> list[Problem]:
    # Open shared requests for completion mean the applicant still owes an answer;
    # the group may recommend anyway, but must say why.
    if step.text("override_reason"):
        return []
    open_requests = open_completion_requests(step.session, step.row)
    if not open_requests:
        return []
    return [
        Problem(
            "override_reason",
            lazy_ngettext(
                "%(num)s shared request for completion is still open: resolve it, or say why"
                " the group recommends anyway.",
                "%(num)s shared requests for completion are still open: resolve them, or say"
                " why the group recommends anyway.",
                open_requests,
            ),
        )
    ]


def _guard_partners_endorsed(step: Step) -> list[Problem]:
    return missing_endorsements(step.session, step.row)


def _guard_proposal_given(step: Step) -> list[Problem]:
    if step.text("proposal"):
        return []
    return [Problem("proposal", _l("Write the proposal to the board."))]


# --- the beredning's effects -----------------------------------------------------------------


def _effect_submit(step: Step) -> None:
    app = step.row
    now = utcnow()
    app.submitted_at = app.submitted_at or now
    # The frozen version first, the diary number last: the counter's row stays locked from
    # the number's allocation to the commit, and every submit of the association waits for
    # it, so nothing that can be done before is done inside that window.
    freeze_version(step.session, app, by=step.by, trigger=step.trigger, flush=False)
    if app.diary_number is None:
        association = step.session.get(Association, app.association_id)
        assert association is not None
        # The Swedish year: a submit at 00:30 on New Year's Day belongs to the new year.
        year = local_date(now).year
        seq, number = diary.next_diary_number(step.session, association, year)
        app.diary_year, app.diary_seq, app.diary_number = year, seq, number


def _effect_recommend(step: Step) -> None:
    recommendation = step.payload["recommendation"]
    step.session.add(
        Recommendation(
            application_id=step.row.id,
            version_number=latest_version_number(step.session, step.row),
            recommendation=recommendation,
            motivation=step.text("motivation"),
            conditions=step.text("conditions")
            if recommendation == "approve_with_conditions"
            else None,
            override_reason=step.text("override_reason"),
            author_id=step.by.id,
        )
    )


def _effect_propose(step: Step) -> None:
    step.session.add(
        Proposal(
            application_id=step.row.id,
            version_number=latest_version_number(step.session, step.row),
            text=step.text("proposal"),
            author_id=step.by.id,
        )
    )


def _effect_propose_liv(step: Step) -> None:
    for name, _message in completeness.LIV_FIELDS:
        value = step.text(name)
        if value is not None:
            setattr(step.row, name, value)
    # Where the insats stood: a refused proposal returns it there.
    step.row.liv_proposed_from = step.from_state


def guard_agreement_recorded(step: Any) -> list[Problem]:
    """`start` records the date the agreement was signed: a real date, not in the future."""
    raw = step.payload.get("agreement_date")
    signed = parse_date(raw)
    if raw in (None, ""):
        return [Problem("agreement_date", _l("Give the date the agreement was signed."))]
    if signed is None:
        return [Problem("agreement_date", _l("Must be a date written YYYY-MM-DD."))]
    if signed > today():
        return [Problem("agreement_date", _l("The agreement date cannot be in the future."))]
    return []


def guard_conditions_met(step: Any) -> list[Problem]:
    """Every condition of an approval with conditions is confirmed, each named when not."""
    conditions = start_conditions(step.session, step.application)
    confirmed = confirmed_numbers(step.payload)
    return [
        Problem(
            f"confirmed_conditions.{number}",
            _l("Confirm that the condition is met: %(condition)s", condition=text),
        )
        for number, text in enumerate(conditions, start=1)
        if number not in confirmed
    ]


def guard_final_report_accepted(step: Any) -> list[Problem]:
    """The insats closes only on an accepted final report."""
    final = step.session.exec(
        select(Report).where(
            Report.application_id == step.application.id,
            Report.kind == "final",
            Report.state == report_spec.ReportState.ACCEPTED.value,
        )
    ).first()
    if final is None:
        return [Problem("final_report", _l("The final report has not been accepted yet."))]
    return []


def effect_start(step: Any) -> None:
    """Store the agreement date and a confirmation per condition."""
    app: Application = step.application
    decision = approving_decision(step.session, app)
    signed = parse_date(step.payload.get("agreement_date"))
    assert signed is not None  # guarded
    step.session.add(
        InsatsStart(
            application_id=app.id,
            decision_id=decision.id if decision else None,
            agreement_date=signed,
            started_by_id=step.by.id,
        )
    )
    for number, text in enumerate(conditions_of(decision), start=1):
        assert decision is not None
        step.session.add(
            ConditionConfirmation(
                application_id=app.id,
                decision_id=decision.id,
                position=number,
                text=text,
                confirmed_by_id=step.by.id,
            )
        )


def freeze_version(
    session: Session, app: Application, *, by: User, trigger: str, flush: bool = True
) -> ApplicationVersion:
    """Store the application's content as the next frozen version (`flush=False`: the caller
    flushes it with the rest of its step)."""
    last = session.exec(
        select(ApplicationVersion.number)
        .where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.number.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    version = ApplicationVersion(
        application_id=app.id,
        number=(last or 0) + 1,
        trigger=trigger,
        snapshot=content(app),
        created_by_id=by.id,
    )
    session.add(version)
    if flush:
        session.flush()
    return version


# --- the board's decision at a meeting -------------------------------------------------------
# The operation `workflow.operations.meetings.decide` locks the meeting and the application
# and fires one of these triggers with the chair's input as `_decision` and the meeting as
# `_meeting`; the guards below check it, `_record_board_decision` writes it.

BOARD_TRIGGERS = {
    "approve": "board_approve",
    "approve_with_conditions": "board_approve",
    "reject": "board_reject",
    "refer_back": "board_refer_back",
}
DELEGATED_TRIGGERS = {"approve": "delegated_approve", "reject": "delegated_reject"}


def board_trigger(app: Application, outcome: str) -> str:
    """The step a board decision fires; an outcome the item cannot take still names a step,
    whose `outcome_valid` guard then refuses it with every other problem of the decision."""
    if not liv.is_liv_item(app):
        return BOARD_TRIGGERS.get(outcome, "board_reject")
    if app.state == spec.State.IN_LIV:
        return "liv_year_decision"
    if outcome == "approve":
        return "liv_approve"
    # A refused LIV proposal returns the insats to where it stood when it was proposed.
    if app.liv_proposed_from == spec.State.ACTIVE:
        return "liv_reject_active"
    return "liv_reject_closed"


@dataclass(frozen=True)
class _Board:
    """What the decision guards share: computed once per step."""

    meeting: Meeting
    data: DecisionInput
    liv_item: bool
    outcome_valid: bool
    approval: bool
    amount_issues: list[Problem]
    people: dict[int, Any]
    present: set[int]
    quorum: Quorum
    tally: Tally
    vote_issues: list[Problem]


def _board(step: Step) -> _Board | None:
    """The decision's shared figures; None when the step came without the chair's input."""
    if "_decision" not in step.payload or "_meeting" not in step.payload:
        return None
    cached = step.payload.get("_board")
    if isinstance(cached, _Board):
        return cached
    meeting: Meeting = step.payload["_meeting"]
    data: DecisionInput = step.payload["_decision"]
    app = step.row
    liv_item = liv.is_liv_item(app)
    valid = data.outcome in (liv.LIV_OUTCOMES if liv_item else BOARD_TRIGGERS)
    approval = data.outcome in APPROVALS
    if not approval:
        amount_issues: list[Problem] = []
    elif liv_item:
        amount_issues = liv.amount_problems(step.session, app, data.amounts)
    else:
        amount_issues = amount_problems(app, data.amounts)
    people = {p.user_id: p for p in roster(step.session, meeting.association_id)}
    recused_ids = {r.user_id for r in data.recusals if r.user_id in people}
    q = quorum(step.session, meeting, recused_user_ids=recused_ids)
    vote_issues, tally = vote_problems(data, q, people, step.by)
    board = _Board(
        meeting=meeting,
        data=data,
        liv_item=liv_item,
        outcome_valid=valid,
        approval=approval,
        amount_issues=amount_issues,
        people=people,
        present=present_user_ids(step.session, meeting),
        quorum=q,
        tally=tally,
        vote_issues=vote_issues,
    )
    step.payload["_board"] = board
    return board


def _precondition_on_agenda(step: Step) -> None:
    """Refuse outright (409) what no correction of the input could fix."""
    meeting: Meeting | None = step.payload.get("_meeting")
    if meeting is None:
        return  # the outcome guard refuses a decision fired without its meeting
    item = item_for(step.session, meeting, step.row.id)
    if item is None or item.kind != meeting_spec.APPLICATION_ITEM:
        raise Conflict(
            _l("The application is not on this meeting's agenda for decision."),
            code="not_on_agenda",
        )
    if item.state == meeting_spec.ItemState.TABLED:
        raise Conflict(
            _l("The board has tabled this item: place it on a later meeting's agenda."),
            code="invalid_state",
        )
    if meeting.state not in meeting_spec.DECIDING:
        raise Conflict(
            _l(
                "The board decides only while the meeting is open (now: %(state)s).",
                state=labels.meeting_state_label(meeting.state),
            ),
            code="invalid_state",
        )
    earlier = board_decision(step.session, meeting, step.row.id)
    if earlier is not None:
        raise Conflict(
            _l("The board has already decided this item (§ %(n)s).", n=earlier.paragraph),
            code="already_decided",
        )


def _guard_outcome_valid(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return [Problem("outcome", _l("The board decides at a meeting, with its outcome."))]
    if board.outcome_valid:
        return []
    if board.liv_item:
        return [liv.outcome_problem()]
    return [
        Problem("outcome", _l("Choose approve, approve with conditions, reject or refer back."))
    ]


def _guard_decision_texts(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return []
    data = board.data
    conditions, questions = clean(data.conditions), clean(data.questions)
    problems = []
    if data.outcome == "approve_with_conditions" and conditions is None:
        problems.append(Problem("conditions", _l("Write the conditions of the approval.")))
    if data.outcome == "refer_back" and questions is None:
        problems.append(
            Problem("questions", _l("Write the board's questions for the new preparation."))
        )
    for name, value in (("conditions", conditions), ("questions", questions)):
        if value is not None and len(value) > limits.PLAN_MAX:
            problems.append(Problem(name, _l("At most %(n)s characters.", n=limits.PLAN_MAX)))
    return problems


def _guard_amounts_granted(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return []
    if board.amount_issues or not board.approval:
        return board.amount_issues
    return excess_problems(step.row, board.data)


def _guard_recusals_valid(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return []
    return recusal_problems(board.data.recusals, board.people)


def _guard_quorate(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return []
    q = board.quorum
    if q.quorate:
        return []
    return [
        Problem(
            "attendance",
            _l(
                "The board is not quorate for this item: %(filled)s of %(seats)s seats are"
                " filled, and more than half are needed.",
                filled=q.filled,
                seats=q.seats,
            ),
        )
    ]


def _guard_votes_counted(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return []
    problems = list(board.vote_issues)
    if board.tally.carried == "yes" and board.outcome_valid and not board.approval:
        problems.append(
            Problem(
                "outcome",
                _l("The votes carried approval: record approve or approve with conditions."),
            )
        )
    if board.tally.carried == "no" and board.approval:
        problems.append(
            Problem("outcome", _l("The votes went against approval: record reject or refer back."))
        )
    return problems


def _guard_dissents_valid(step: Step) -> list[Problem]:
    board = _board(step)
    if board is None:
        return []
    votes = {v.user_id: v.vote for v in board.data.votes}
    return dissent_problems(
        board.data.dissents, board.quorum, board.present, board.people, votes, board.tally.carried
    )


def _granted(step: Step) -> list[AmountIn]:
    data = step.payload.get("_decision")
    return list(data.amounts) if data is not None else list(step.payload.get("_amounts", ()))


def _guard_no_borrowing(step: Step) -> list[Problem]:
    """An approval may not drive the projected balance of any year below zero."""
    board = _board(step)
    if board is not None:
        if not board.approval or board.amount_issues:
            return []
    elif step.trigger != "delegated_approve" or amount_problems(step.row, _granted(step)):
        return []
    association = association_of(step.session, step.row.association_id)
    return budget.borrowing_problems(
        step.session, association, by_year(_granted(step)), application_id=step.row.id
    )


def _record_board_decision(step: Step) -> None:
    """The decision's §, amounts, votes, dissents and recusals; for LIV, the year financed."""
    board = _board(step)
    assert board is not None  # guarded: outcome_valid refuses a decision without its input
    meeting, data, app = board.meeting, board.data, step.row
    conditions, questions = clean(data.conditions), clean(data.questions)
    item = item_for(step.session, meeting, app.id)
    # Every item took its § when the meeting opened.
    assert item is not None
    assert item.paragraph is not None
    if not board.liv_item:
        matter = "grant"
    else:
        # The state it was decided from: the step has already moved it.
        matter = "liv_admission" if step.from_state in spec.LIV_ADMISSION else "liv_year"
    decision = Decision(
        association_id=meeting.association_id,
        application_id=app.id,
        meeting_id=meeting.id,
        paragraph_year=item.paragraph_year,
        paragraph=item.paragraph,
        matter=matter,
        excess_reason=clean(data.excess_reason) if board.approval else None,
        delegated=False,
        outcome=data.outcome,
        conditions=conditions if data.outcome == "approve_with_conditions" else None,
        questions=questions if data.outcome == "refer_back" else None,
        decided_by_id=step.by.id,  # type: ignore[arg-type]
        casting_vote=board.tally.casting_vote,
        quorum_seats=board.quorum.seats,
        quorum_present=board.quorum.filled,
    )
    if board.approval:
        decision.amounts = [
            DecisionAmount(year=a.year, amount_sek=a.amount_sek) for a in data.amounts
        ]
    decision.votes = [Vote(user_id=v.user_id, vote=v.vote) for v in data.votes]
    decision.dissents = [
        Dissent(user_id=d.user_id, kind=d.kind, text=clean(d.text) or "") for d in data.dissents
    ]
    step.session.add(decision)
    for recusal in data.recusals:
        step.session.add(
            Recusal(
                meeting_id=meeting.id,
                application_id=app.id,
                user_id=recusal.user_id,
                reason=clean(recusal.reason),
            )
        )
    step.session.flush()
    if board.liv_item and decision.outcome == "approve":
        # The year it finances is taken.
        for line in decision.amounts:
            step.session.add(
                LivYear(
                    association_id=app.association_id,
                    application_id=app.id,
                    year=line.year,
                    decision_id=decision.id,  # type: ignore[arg-type]
                )
            )
        step.session.flush()
    _recorded(step, decision, meeting_id=meeting.id, paragraph=decision.paragraph)


def _recorded(step: Step, decision: Decision, **extra: Any) -> None:
    step.recorded.update(
        {
            **extra,
            "decision_id": decision.id,
            "outcome": decision.outcome,
            "amounts": [{"year": a.year, "amount_sek": a.amount_sek} for a in decision.amounts],
        }
    )


# --- a decision by delegation (the förbundschef's, an ordförandebeslut) -----------------------


def _guard_delegated_amounts(step: Step) -> list[Problem]:
    if step.trigger != "delegated_approve":
        return []
    return amount_problems(step.row, _granted(step))


def _mandate(step: Step) -> Any:
    """The delegationsordning's row the step decides under (None: no mandate at all, or none
    covering the amount); computed once per step."""
    if "_mandate" not in step.payload:
        approval = step.trigger == "delegated_approve"
        granted = sum(a.amount_sek for a in _granted(step)) if approval else 0
        total = max(step.row.total_amount_sek, granted)
        rows = delegation_rules.mandates(
            step.session,
            step.row.association_id,
            permissions.roles_in(step.by, step.row.association_id),
        )
        step.payload["_mandate"] = (rows, total, delegation_rules.matching(rows, total))
    return step.payload["_mandate"]


def _guard_within_delegation(step: Step) -> list[Problem]:
    """Without a row of the delegationsordning covering the amount the delegate has no
    mandate: 403, with a detail naming `amounts`."""
    approval = step.trigger == "delegated_approve"
    if approval and amount_problems(step.row, _granted(step)):
        return []  # the amounts are refused first (422)
    rows, total, row = _mandate(step)
    if row is not None:
        return []
    if not rows:
        message = _l("The delegationsordning gives you no mandate to decide on applications.")
        raise Forbidden(message, code="no_delegation", problems=[Problem("amounts", message)])
    widest = delegation_rules.widest(rows)
    # Rows exist and none covers the amount: each has a limit.
    assert widest is not None
    assert widest.limit_sek is not None
    message = _l(
        "%(total)s SEK is above the delegation limit of %(limit)s SEK in the"
        " delegationsordning: the board decides.",
        total=Kronor(total),
        limit=Kronor(widest.limit_sek),
    )
    raise Forbidden(message, code="above_delegation_limit", problems=[Problem("amounts", message)])


def _record_delegated_decision(step: Step) -> None:
    approval = step.trigger == "delegated_approve"
    row = _mandate(step)[2]
    assert row is not None  # guarded: within_delegation
    decision = Decision(
        association_id=step.row.association_id,
        application_id=step.row.id,
        delegated=True,
        delegate=row.delegate,
        report_to_board=row.report_to_board,
        outcome="approve" if approval else "reject",
        decided_by_id=step.by.id,  # type: ignore[arg-type]
    )
    if approval:
        decision.amounts = [
            DecisionAmount(year=a.year, amount_sek=a.amount_sek) for a in _granted(step)
        ]
    step.session.add(decision)
    step.session.flush()
    _recorded(step, decision, delegate=row.delegate)


# --- the declaration -------------------------------------------------------------------------

_BOARD_DECISION_GUARDS = {
    "outcome_valid": _guard_outcome_valid,
    "decision_texts": _guard_decision_texts,
    "amounts_granted": _guard_amounts_granted,
    "recusals_valid": _guard_recusals_valid,
    "quorate": _guard_quorate,
    "votes_counted": _guard_votes_counted,
    "dissents_valid": _guard_dissents_valid,
    "no_borrowing": _guard_no_borrowing,
    "delegated_amounts": _guard_delegated_amounts,
    "within_delegation": _guard_within_delegation,
}


def _may_fire(user: Any, app: Application, trigger: str) -> bool:
    return permissions.can_fire(user, app, trigger)


def _notify(step: Step) -> None:
    notifications.step_taken(step, step.from_state or "")


APPLICATION = Lifecycle(
    name="application",
    states=[s.value for s in spec.State],
    transitions=spec.TRANSITIONS,
    may_fire=_may_fire,
    guards={
        "complete": _guard_complete,
        "reason_given": _guard_reason_given,
        "liv_complete": _guard_liv_complete,
        "recommendation_given": _guard_recommendation_given,
        "proposal_given": _guard_proposal_given,
        "completion_requests_answered": _guard_completion_requests_answered,
        "partners_endorsed": _guard_partners_endorsed,
        "agreement_recorded": guard_agreement_recorded,
        "conditions_met": guard_conditions_met,
        "final_report_accepted": guard_final_report_accepted,
        **_BOARD_DECISION_GUARDS,
    },
    preconditions=dict.fromkeys(spec.BOARD_DECISION_TRIGGERS, _precondition_on_agenda),
    effects={
        "propose_liv": _effect_propose_liv,
        "submit": _effect_submit,
        "resubmit": _effect_submit,
        "recommend": _effect_recommend,
        "propose": _effect_propose,
        "start": effect_start,
    },
    after={
        **dict.fromkeys(spec.BOARD_DECISION_TRIGGERS, _record_board_decision),
        "delegated_approve": _record_delegated_decision,
        "delegated_reject": _record_delegated_decision,
    },
    observers=(_notify,),
    stale=stale_application,
    state_label=labels.state_label,
)
# The application's collections an effect adds rows to (beside the row itself): a caller
# showing the application after the step reads these again, and only these.
ADDED_BESIDE: dict[str, tuple[str, ...]] = {
    "recommend": ("recommendations",),
    "propose": ("proposals",),
}
