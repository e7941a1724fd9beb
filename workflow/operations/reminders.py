"""Report reminders: 14 days before a report is due, and the day after (overdue), once each.

`flask --app workflow send-reminders` (workflow/cli.py) runs `send_due` and commits; meant for
a daily cron job or systemd timer. A `report_reminder` row per (insats, kind, year, stage)
makes a second run the same day (or any later day) send nothing again; the mail goes through
the outbox like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from sqlmodel import Session, select

from workflow import labels, mail, notifications
from workflow.models import Association
from workflow.models import today as current_date
from workflow.models.reports import ReportReminder
from workflow.operations import reports as service


@dataclass
class Sent:
    """What one run did."""

    before: int = 0
    overdue: int = 0


def stage_for(entry: service.PlannedReport, today: date) -> str | None:
    """Which reminder is due today: `before` from 14 days ahead, `overdue` after the due date."""
    if entry.delivered:
        return None
    if today > entry.due_date:
        return "overdue"
    if today >= entry.due_date - timedelta(days=service.REMIND_DAYS_BEFORE):
        return "before"
    return None


def send_due(session: Session, today: date | None = None) -> Sent:
    """Queue the reminders due today that were not sent before (flushes; the caller commits)."""
    today = today or current_date()
    sent = Sent()
    # Only the insatser that still owe a report: finished ones are left out in SQL.
    apps = service.reporting_apps(session, session.exec(select(Association.id)).all())
    done = {
        (r.application_id, r.kind, r.year, r.stage)
        for r in session.exec(select(ReportReminder)).all()
    }
    for entry in service.open_entries(session, apps):
        stage = stage_for(entry, today)
        app = entry.application
        if stage is None or (app.id, entry.kind, entry.year, stage) in done:
            continue
        # An overdue reminder replaces a "before" one that was never sent.
        people = notifications.lead_applicants(session, app)
        if stage == "overdue":
            people += notifications.officers(session, app)
        association = session.get(Association, app.association_id)
        with force_locale("sv"):
            kind = str(labels.report_kind_label(entry.kind))
        subject, body = notifications.render(
            f"mail/report_reminder_{stage}.txt",
            {
                "title": app.title or "(utan titel)",
                "diary_number": app.diary_number,
                "association": association.name if association else "",
                "kind": kind,
                "year": entry.year,
                "due_date": entry.due_date.isoformat(),
                "url": notifications.application_url(app),
            },
        )
        if people:
            mail.queue(
                session,
                to=[person.email for person in people],
                subject=subject,
                body=body,
                event=f"report_reminder_{stage}",
                association_id=app.association_id,
                application_id=app.id,
            )
        session.add(
            ReportReminder(
                application_id=app.id,
                kind=entry.kind,
                year=entry.year,
                stage=stage,
                due_date=entry.due_date,
            )
        )
        done.add((app.id, entry.kind, entry.year, stage))
        if stage == "before":
            sent.before += 1
        else:
            sent.overdue += 1
    session.flush()
    return sent
