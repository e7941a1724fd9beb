"""seed-scale, later stages: reports, LIV, protocols and security agree with the services."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, select

from states import report as report_spec
from states.application import BY_TRIGGER, REPORT_PLAN, State
from tests.scale.conftest import scalar
from workflow.devdata import seed_scale
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, AuditEvent, Decision, Meeting, User
from workflow.models.liv import LivAgreement, LivYear
from workflow.models.protocols import ProtocolPosting, ProtocolSignature
from workflow.models.reports import ConditionConfirmation, InsatsStart, Report
from workflow.operations import protocols, reports, twofactor
from workflow.rules import insats as insats_rules
from workflow.rules import liv as liv_rules
from workflow.rules import protocols as protocols_rules
from workflow.rules import reports as reports_rules


def _count(session: Session, sql: str) -> int:
    """One count through the test's session (a second connection would wait on its lock)."""
    return session.execute(text(sql)).scalar_one()


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC values."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_reports_pass_the_services_checks(app: Flask, seed, session: Session) -> None:  # type: ignore[no-untyped-def]
    summary = seed(2, 300, years=5)
    assert summary.rows["report"] > 0
    assert summary.rows["report_outcome"] > 0
    assert summary.rows["report_goal_result"] > 0
    assert summary.rows["report_support"] > 0
    apps = {a.id: a for a in session.exec(select(Application)).all()}
    states = set()
    for report in session.exec(select(Report)).all():
        app_row = apps[report.application_id]
        states.add(report.state)
        counts = {name: getattr(report, name) for name in reports.COUNT_FIELDS}
        problems = reports.figure_problems(
            counts,
            reports.outcome_table(report),
            report.costs_sek,
            reports_rules.support_table(report),
        )
        assert problems == [], (report.id, problems)
        # Written after the year it reports on is over, and never in the future.
        if report.kind == "annual":
            assert _utc(report.created_at) >= datetime(report.year + 1, 1, 1, tzinfo=UTC)
        assert _utc(report.updated_at) <= datetime.now(UTC), report.id
        if report.state in report_spec.DELIVERED:
            assert reports_rules.missing_goal_results(app_row, report) == [], report.id
            assert _utc(report.submitted_at) >= _utc(report.created_at)  # type: ignore[arg-type]
        # The plan knows the report: its due date is the plan's (LIV years come after).
        plan = {(p.kind, p.year): p.due_date for p in reports.plan(session, app_row)}
        assert plan[(report.kind, report.year)] == report.due_date
        assert app_row.state in REPORT_PLAN | {State.ENDED.value}
    assert states == {"draft", "submitted", "accepted", "returned"}

    # A closed insats closed on its accepted final report; an active one has none accepted.
    for app_row in apps.values():
        finals = [
            r
            for r in session.exec(select(Report).where(Report.application_id == app_row.id))
            if r.kind == "final"
        ]
        if app_row.state == State.CLOSED:
            assert [r.state for r in finals] == ["accepted"], app_row.id
        if app_row.state == State.ACTIVE:
            assert all(r.state != "accepted" for r in finals), app_row.id

    # Some reports are overdue on the officers' list, none of them delivered.
    overdue = [
        entry
        for assoc_id in {a.association_id for a in apps.values()}
        for entry in reports.due_list(session, assoc_id, only_overdue=True)
    ]
    assert overdue
    assert all(not entry.delivered for entry in overdue)


def test_start_liv_and_protocols_agree(app: Flask, seed, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed(2, 300, years=5)
    apps = list(session.exec(select(Application)).all())
    started = [a for a in apps if a.state in REPORT_PLAN - {State.APPROVED.value}]
    assert started
    for app_row in started:
        start = session.exec(
            select(InsatsStart).where(InsatsStart.application_id == app_row.id)
        ).one()
        decision = insats_rules.approving_decision(session, app_row)
        if app_row.state in (State.ACTIVE, State.CLOSED):
            # No LIV decision yet: the start rests on the newest approval.
            assert start.decision_id == decision.id  # type: ignore[union-attr]
        confirmed = session.exec(
            select(ConditionConfirmation).where(ConditionConfirmation.application_id == app_row.id)
        ).all()
        original = session.get(Decision, start.decision_id)
        assert [c.text for c in confirmed] == insats_rules.conditions_of(original)
    assert _count(session, "SELECT count(*) FROM condition_confirmation") > 0

    # LIV: one board decision (§, signed meeting) per financed year, agreements while in LIV.
    in_liv = [a for a in apps if a.state in (State.IN_LIV, State.ENDED)]
    assert in_liv
    for app_row in in_liv:
        financed = liv_rules.years(session, app_row)
        assert financed, app_row.id
        assert [f.year for f in financed] == sorted({f.year for f in financed})
        for year in financed:
            assert year.paragraph is not None
            meeting = session.get(Meeting, year.meeting_id)
            assert meeting is not None
            assert meeting.state == "protocol_signed"
        for agreement in liv_rules.agreements(session, app_row):
            assert agreement.parties
            assert agreement.signed_on <= agreement.end_date
            assert agreement.start_date.year in {f.year for f in financed}
    assert session.exec(select(LivYear)).first() is not None
    assert session.exec(select(LivAgreement)).first() is not None
    # A proposed LIV activity has no financed year yet.
    for app_row in apps:
        if app_row.state == State.LIV_PROPOSED:
            assert liv_rules.years(session, app_row) == []

    # Protocols: the justerare signed before the chair, the notice after justering, and the
    # laga kraft date of each decision follows from the notice.
    signed = session.exec(select(Meeting).where(Meeting.state == "protocol_signed")).all()
    assert signed
    posted = 0
    for meeting in signed:
        marks = protocols.signatures(session, meeting)
        assert set(marks) == {"chair", "justerare"}
        assert _utc(marks["justerare"].signed_at) < _utc(marks["chair"].signed_at)
        assert marks["justerare"].user_id == meeting.justerare_id
        notice = protocols.posting(session, meeting)
        if notice is None:
            continue
        posted += 1
        assert notice.posted_on >= protocols.local_date(meeting.signed_at)  # type: ignore[arg-type]
        decision = session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).first()
        if decision is not None:
            assert protocols_rules.legal_force_for(
                session, decision
            ) == protocols_rules.legal_force_date(notice.posted_on)
        assert protocols.build(session, meeting).notice is not None
    assert posted
    assert _count(session, "SELECT count(*) FROM protocol_signature") == 2 * len(signed)
    assert session.exec(select(ProtocolPosting)).first() is not None
    assert session.exec(select(ProtocolSignature)).first() is not None


def test_every_seeded_history_is_a_walk_of_the_machines(app: Flask, seed, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed(1, 200, years=6)
    current: dict[tuple[str, int], str] = {}
    steps = 0
    for event in session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type.in_(("application", "report")))  # type: ignore[attr-defined]
        .order_by(AuditEvent.chain_id, AuditEvent.seq)  # type: ignore[arg-type]
    ).all():
        key = (event.entity_type, event.entity_id)
        if event.action in ("create", "report_create"):
            current[key] = event.to_state
            continue
        if event.from_state is None:  # not a state step (e.g. an agreement recorded)
            continue
        assert current[key] == event.from_state, (key, event.action)
        if event.entity_type == "application":
            assert APPLICATION.is_allowed_from(event.action, event.from_state), event.action
            assert str(BY_TRIGGER[event.action].dest) == event.to_state
        else:
            transition = report_spec.BY_TRIGGER[event.action.removeprefix("report_")]
            assert event.from_state in transition.sources
            assert event.to_state == transition.dest
        current[key] = event.to_state
        steps += 1
    assert steps
    for app_row in session.exec(select(Application)).all():
        assert current[("application", app_row.id)] == app_row.state
    for report in session.exec(select(Report)).all():
        assert current[("report", report.id)] == report.state
    assert "liv_year_decision" in {
        e.action
        for e in session.exec(select(AuditEvent).where(AuditEvent.entity_type == "application"))
    }


def test_security_settings_and_two_factor(app: Flask, seed, session: Session, runner) -> None:  # type: ignore[no-untyped-def]
    summary = seed(10, 20, years=1)
    assert summary.rows["security_setting"] == 10
    slug = f"{seed_scale.SLUG_PREFIX}10"
    assoc_id = scalar(app, "SELECT id FROM association WHERE slug = :s", s=slug)
    assert twofactor.settings_for(session, assoc_id).require_two_factor
    assert _count(session, "SELECT count(*) FROM security_setting WHERE require_two_factor") == 1
    officer = session.exec(
        select(User).where(User.email == f"officer.1.{slug}@{seed_scale.EMAIL_DOMAIN}")
    ).one()
    assert twofactor.required_for(session, officer)
    assert twofactor.is_enabled(session, officer)
    assert not twofactor.must_enrol(session, officer)
    auditor = session.exec(
        select(User).where(
            User.email == f"auditor.1.{seed_scale.SLUG_PREFIX}05@{seed_scale.EMAIL_DOMAIN}"
        )
    ).one()
    assert twofactor.is_enabled(session, auditor)
    assert _count(session, "SELECT count(*) FROM two_factor") == 3
    assert _count(session, "SELECT count(*) FROM attachment") == 0
    # The enrolments are on the global chain, which still verifies.
    session.rollback()  # verify-audit reads on its own connection
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    assert (
        _count(session, "SELECT count(*) FROM audit_event WHERE action = 'two_factor_enabled'") == 3
    )


def test_the_command_names_the_later_stages_rows(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    args = ["seed-scale", "--associations", "1", "--applications", "40", "--years", "3"]
    result = runner.invoke(args=[*args, "--quiet"])
    assert result.exit_code == 0, result.output
    line = next(s for s in result.output.splitlines() if s.startswith("Later stages:"))
    reported = int(re.search(r"(\d+) reports", line).group(1))  # type: ignore[union-attr]
    assert reported == scalar(app, "SELECT count(*) FROM report") > 0
    signatures = int(re.search(r"(\d+) protocol signatures", line).group(1))  # type: ignore[union-attr]
    assert signatures == scalar(app, "SELECT count(*) FROM protocol_signature") > 0
