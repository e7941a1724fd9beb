"""`flask send-reminders`: 14 days before the due date and the day after, once each."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from workflow.models import MailMessage
from workflow.models.reports import ReportReminder


def _mail(session: Any) -> list[tuple[str, str]]:
    session.expire_all()
    return sorted(
        (m.event, m.to_email)
        for m in session.exec(select(MailMessage).where(MailMessage.event.like("report_%"))).all()
    )


def test_reminders_are_sent_once_per_report_and_stage(
    runner: Any, session: Any, active_app: Any
) -> None:
    first = runner.invoke(args=["send-reminders", "--today", "2025-02-14"])
    assert first.exit_code == 0, first.output
    assert "queued 1 reminders before the due date and 0 overdue" in first.output
    assert _mail(session) == [("report_reminder_before", "applicant@example.se")]
    again = runner.invoke(args=["send-reminders", "--today", "2025-02-14"])
    assert "queued 0 reminders before the due date and 0 overdue" in again.output
    assert len(_mail(session)) == 1
    # Still before the due date: nothing new; the day after: the overdue reminder, once.
    runner.invoke(args=["send-reminders", "--today", "2025-02-28"])
    assert len(_mail(session)) == 1
    late = runner.invoke(args=["send-reminders", "--today", "2025-03-01"])
    assert "0 reminders before the due date and 1 overdue" in late.output
    runner.invoke(args=["send-reminders", "--today", "2025-03-02"])
    assert _mail(session) == [
        ("report_reminder_before", "applicant@example.se"),
        ("report_reminder_overdue", "applicant@example.se"),
        ("report_reminder_overdue", "officer@example.se"),
    ]
    stages = session.exec(select(ReportReminder.stage).order_by(ReportReminder.id)).all()
    assert stages == ["before", "overdue"]
    body = session.exec(
        select(MailMessage.body).where(MailMessage.event == "report_reminder_overdue")
    ).first()
    assert "Årsrapport 2024" in body
    assert "2025-02-28" in body


def test_a_submitted_report_gets_no_reminder(
    runner: Any, session: Any, call: Any, world: Any, active_app: Any
) -> None:
    from tests.reports.conftest import figures

    created = call(
        world.users["applicant"],
        "post",
        f"/applications/{active_app.id}/reports",
        json=figures(year=2024),
    )
    report_id = created.get_json()["id"]
    call(world.users["applicant"], "post", f"/reports/{report_id}/transitions/submit", json={})
    result = runner.invoke(args=["send-reminders", "--today", "2025-03-01"])
    assert "0 reminders before the due date and 0 overdue" in result.output
    assert _mail(session) == []
