"""seed-scale, later stages: each insats's start, its reports and its LIV agreements.

Called by workflow/devdata/seed_scale.py for every generated application after its walk
through the lifecycle, into the same chunk buffers. Rows and audit events are what
workflow/operations/reports.py and workflow/operations/liv.py would have written, timed between
the application's own steps: reports are written while the insats is active or in LIV, the
final one only while it is active (an accepted final report closes it at once), and the
reports of a closed or ended insats are all accepted. Of the reports still open, some are
overdue: missing, a draft, returned, or submitted and waiting for the officer.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import TYPE_CHECKING, Any

from states.application import State
from workflow.models.reports import OUTCOMES, SUPPORT_SOURCES

if TYPE_CHECKING:
    from workflow.devdata.seed_scale import AppRecord, Seeder

RETURN_REASON = "Avslutsorsakerna saknar uppdelning per kön; komplettera och skicka igen."
NARRATIVE = "Deltagarna har fått samordnat stöd från flera parter; rekryteringen gick enligt plan."
# What a report still open becomes: (upper bound of a uniform draw, fate), past its due date
# and before it.
OVERDUE_FATES = ((0.06, None), (0.10, "draft"), (0.13, "returned"), (0.17, "submitted"))
EARLY_FATES = ((0.40, None), (0.75, "draft"), (0.90, "submitted"))


def after_application(seeder: Seeder, rec: AppRecord) -> None:
    """Everything after the start of one insats (nothing for an application never started)."""
    if "start" not in rec.path:
        return
    started = rec.times[rec.path.index("start")]
    _start(seeder, rec, started)
    _reports(seeder, rec, started)
    _agreements(seeder, rec)


def _time_of(rec: AppRecord, trigger: str) -> datetime | None:
    return rec.times[rec.path.index(trigger)] if trigger in rec.path else None


def _clamp(moment: datetime, low: datetime, high: datetime) -> datetime:
    """`moment` within [low, high]; `low` wins when a compressed timeline leaves no room."""
    return max(low, min(moment, high))


def _start(seeder: Seeder, rec: AppRecord, started: datetime) -> None:
    """The start record and a confirmation per condition of the decision (effect_start)."""
    officer = rec.assoc.officer
    seeder.add(
        "insats_start",
        application_id=rec.id,
        decision_id=rec.decision_id,
        agreement_date=rec.agreement_date or started.date(),
        started_by_id=officer,
        started_at=started,
    )
    for position, text in enumerate(rec.conditions, start=1):
        seeder.add(
            "condition_confirmation",
            application_id=rec.id,
            decision_id=rec.decision_id,
            position=position,
            text=text,
            confirmed_by_id=officer,
            confirmed_at=started,
        )


def annual_due(settings: tuple[int, int, int], year: int) -> date:
    """The annual report's due date, as reports.annual_due computes it."""
    month, day, _final = settings
    return date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))


def _reports(seeder: Seeder, rec: AppRecord, started: datetime) -> None:
    """The reports the plan calls for (and the LIV years that are over), each in a fitting state."""
    assert rec.start_date is not None
    assert rec.end_date is not None
    rng = seeder.rng
    now = datetime.now(UTC)
    today = seeder.today
    closed_at = _time_of(rec, "accept_final_report")
    proposed_at = _time_of(rec, "propose_liv")
    ended_at = _time_of(rec, "phase_out")
    # A closed or ended insats has all its reports accepted; the rest are still being written.
    history = closed_at is not None or rec.state == State.ENDED.value
    until = closed_at or ended_at or now
    settings = rec.assoc.report_settings
    entries = [
        ("annual", year, annual_due(settings, year))
        for year in range(rec.start_date.year, rec.end_date.year)
    ]
    entries.append(("final", rec.end_date.year, rec.end_date + timedelta(days=settings[2])))
    entries += [
        ("annual", year, annual_due(settings, year))
        for year, _decision, _at in rec.liv_years
        if rec.end_date.year < year < today.year
    ]
    amounts = dict(rec.budget)
    if rec.liv_years:
        amounts.update((year, rec.budget[-1][1]) for year, _d, _at in rec.liv_years)
    for kind, year, due in entries:
        if kind == "annual":
            written = datetime(year + 1, 1, 10, 9, tzinfo=UTC)
        else:
            written = datetime(
                rec.end_date.year, rec.end_date.month, rec.end_date.day, 9, tzinfo=UTC
            )
            written += timedelta(days=1)
        written = max(written + timedelta(days=rng.randint(0, 30)), started + timedelta(hours=1))
        if rec.covering and kind == "annual" and year < today.year:
            # Written early in the year after, so it exists whatever the date of the run.
            written = max(min(written, now - timedelta(hours=1)), started + timedelta(hours=1))
        accepted_at: datetime | None = None
        if kind == "final" and closed_at is not None:
            # Accepting the final report is what closed the insats, in the same request.
            fate: str | None = "accepted"
            accepted_at = closed_at
            written = _clamp(
                written,
                started + timedelta(hours=1),
                closed_at - timedelta(days=rng.randint(5, 30)),
            )
        elif history:
            fate = "accepted"
        else:
            draw = rng.random()
            fates = OVERDUE_FATES if due < today else EARLY_FATES
            fate = next((f for bound, f in fates if draw < bound), "accepted")
            if rec.covering and fate is None:
                fate = "draft"  # a covering insats always shows a report
        # The final report is written while the insats is active.
        limit = (closed_at or proposed_at or now) if kind == "final" else until
        if fate is None or written >= limit:
            continue
        _report(
            seeder, rec, kind, year, due, fate, written, accepted_at, until, amounts, proposed_at
        )


def _report(
    seeder: Seeder,
    rec: AppRecord,
    kind: str,
    year: int,
    due: date,
    fate: str,
    written: datetime,
    accepted_at: datetime | None,
    until: datetime,
    amounts: dict[int, int],
    proposed_at: datetime | None,
) -> None:
    """One report with its figures, and the audit events of its steps."""
    rng = seeder.rng
    assoc = rec.assoc
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    high = min(until, now) - hour
    submitted = _clamp(written + timedelta(days=rng.randint(3, 40)), written + hour, high)
    if fate == "accepted" and accepted_at is None:
        accepted_at = _clamp(submitted + timedelta(days=rng.randint(2, 25)), submitted + hour, high)
    if fate == "accepted" and kind == "final" and "accept_final_report" not in rec.path:
        # Accepted while the insats was active it would have closed it: only once it had
        # gone on to LIV, else it still waits for the officer.
        assert accepted_at is not None
        if proposed_at is not None and accepted_at <= proposed_at:
            accepted_at = proposed_at + timedelta(days=rng.randint(1, 20))
        if proposed_at is None or accepted_at >= high:
            fate, accepted_at = "submitted", None
    if accepted_at is not None:
        submitted = min(submitted, accepted_at - hour)
    returned_at = (
        _clamp(submitted + timedelta(days=rng.randint(2, 20)), submitted + hour, now)
        if fate == "returned"
        else None
    )
    figures = _figures(rng)
    complete = fate != "draft" or rng.random() < 0.5
    amount = amounts.get(year, rec.budget[-1][1])
    last = {
        "draft": written,
        "submitted": submitted,
        "accepted": accepted_at,
        "returned": returned_at,
    }
    report = seeder.add(
        "report",
        association_id=assoc.id,
        application_id=rec.id,
        kind=kind,
        year=year,
        state=fate,
        due_date=due,
        **figures["counts"],
        costs_sek=int(amount * rng.uniform(0.6, 1.0)) // 100 * 100,
        narrative=NARRATIVE,
        created_by_id=rec.applicant_id,
        created_at=written,
        updated_at=last[fate],
        submitted_at=submitted if fate in ("submitted", "accepted") else None,
        submitted_by_id=rec.applicant_id if fate in ("submitted", "accepted") else None,
        accepted_at=accepted_at if fate == "accepted" else None,
        accepted_by_id=assoc.officer if fate == "accepted" else None,
        return_reason=RETURN_REASON if fate == "returned" else None,
        returned_at=returned_at,
        version={"draft": 1, "submitted": 2}.get(fate, 3),
    )
    report_id = report["id"]
    for outcome, women, men in figures["outcomes"]:
        seeder.add("report_outcome", report_id=report_id, outcome=outcome, women=women, men=men)
    if complete:
        for position, goal_id in enumerate(rec.goal_ids, start=1):
            seeder.add(
                "report_goal_result",
                report_id=report_id,
                goal_id=goal_id,
                goal_index=position,
                value=f"{rng.randint(15, 65)} %",
            )
        for phase, source, women, men in figures["support"]:
            seeder.add(
                "report_support",
                report_id=report_id,
                phase=phase,
                source=source,
                women=women,
                men=men,
            )
    about = {"application_id": rec.id, "kind": kind, "year": year}
    event = {"entity_type": "report", "entity_id": report_id, "data": about}
    seeder.audit_event(
        assoc,
        at=written,
        action="report_create",
        actor_id=rec.applicant_id,
        to_state="draft",
        **event,
    )
    if fate == "draft":
        return
    seeder.audit_event(
        assoc,
        at=submitted,
        action="report_submit",
        actor_id=rec.applicant_id,
        from_state="draft",
        to_state="submitted",
        **event,
    )
    if fate == "accepted":
        assert accepted_at is not None
        seeder.audit_event(
            assoc,
            at=accepted_at,
            action="report_accept",
            actor_id=assoc.officer,
            from_state="submitted",
            to_state="accepted",
            **event,
        )
    elif fate == "returned":
        assert returned_at is not None
        seeder.audit_event(
            assoc,
            at=returned_at,
            action="report_return",
            actor_id=assoc.officer,
            from_state="submitted",
            to_state="returned",
            reason=RETURN_REASON,
            **event,
        )


def _split(rng: Random, total: int, parts: int) -> list[int]:
    """`total` in `parts` non-negative whole parts (random cut points)."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _by_gender(rng: Random, names: list[str], women: int, men: int) -> list[tuple[str, int, int]]:
    """Women and men spread over `names`; the names with nobody are left out, as the form does."""
    split = zip(names, _split(rng, women, len(names)), _split(rng, men, len(names)), strict=True)
    return [(name, w, m) for name, w, m in split if w or m]


def _figures(rng: Random) -> dict[str, Any]:
    """Counts by gender that pass the report's checks: new and ended within those taking part,
    where those who ended went adding up to the number who ended."""
    women, men = rng.randint(2, 25), rng.randint(2, 25)
    ended_women, ended_men = rng.randint(0, women), rng.randint(0, men)
    counts = {
        "participants_women": women,
        "participants_men": men,
        "new_women": rng.randint(0, women),
        "new_men": rng.randint(0, men),
        "ended_women": ended_women,
        "ended_men": ended_men,
    }
    outcomes = _by_gender(rng, sorted(rng.sample(OUTCOMES, 3)), ended_women, ended_men)
    sources = sorted(rng.sample(SUPPORT_SOURCES, 3))
    support = [("start", *row) for row in _by_gender(rng, sources, women, men)]
    support += [("end", *row) for row in _by_gender(rng, sources, ended_women, ended_men)]
    return {"counts": counts, "outcomes": outcomes, "support": support}


def _agreements(seeder: Seeder, rec: AppRecord) -> None:
    """An uppdragsavtal for every two financed LIV years, recorded while the activity is in LIV."""
    if not rec.liv_years:
        return
    rng = seeder.rng
    assoc = rec.assoc
    now = datetime.now(UTC)
    until = _time_of(rec, "phase_out") or now
    parties = sorted({rec.lead_member_id, rec.partner_member_id or rec.lead_member_id})
    for index in range(0, len(rec.liv_years), 2):
        block = rec.liv_years[index : index + 2]
        start, end = date(block[0][0], 1, 1), date(block[-1][0], 12, 31)
        signed_on = min((block[0][2] + timedelta(days=rng.randint(5, 30))).date(), end)
        recorded = datetime(signed_on.year, signed_on.month, signed_on.day, 14, tzinfo=UTC)
        recorded += timedelta(days=rng.randint(0, 5))
        if recorded >= until or recorded <= block[0][2]:
            break  # not signed yet, or the activity was phased out first
        agreement_id = seeder.add(
            "liv_agreement",
            association_id=assoc.id,
            application_id=rec.id,
            start_date=start,
            end_date=end,
            signed_on=signed_on,
            reference=f"Uppdragsavtal {assoc.prefix}-{rec.id}-{index // 2 + 1}",
            recorded_by_id=assoc.officer,
            recorded_at=recorded,
        )["id"]
        for member_id in parties:
            seeder.add("liv_agreement_party", agreement_id=agreement_id, member_id=member_id)
        seeder.audit_event(
            assoc,
            at=recorded,
            action="record_liv_agreement",
            entity_type="application",
            entity_id=rec.id,
            actor_id=assoc.officer,
            data={
                "agreement_id": agreement_id,
                "party_member_ids": parties,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "signed_on": signed_on.isoformat(),
            },
        )
