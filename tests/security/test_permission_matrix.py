"""Every route × every role × a resource of another association (or member): the expected answer.

The table RULES has one line per endpoint and method. A route the table does not know fails
the suite: whoever adds a route adds its line here, saying what each role gets when the route
is aimed at somebody else's resource. Path arguments are filled from VALUES with rows of the
other association (`hog`), so every signed-in role of `svb` is an outsider; the admin sees
everything. Expected: a status, or a set of statuses where the request's plumbing (the JSON
body is read before the row) may answer first; never a 2xx for an outsider, never a 500.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from sqlmodel import Session

from tests import factories
from tests.conftest import IsolatedClient
from workflow.models import Annotation, Application, MailMessage, Meeting, utcnow
from workflow.models.reports import Report
from workflow.models.security import Attachment
from workflow.services import applications as app_service

ROLES = (
    "applicant",
    "other_applicant",
    "preparer",
    "officer",
    "board",
    "chair",
    "auditor",
    "admin",
    "anonymous",
)
MEMBER_ROLES = ROLES[:7]
PAGE, API = "page", "api"
HIDDEN = 404  # not found, or not visible to you: the two look alike
WRITE_API = frozenset({404, 422})  # the JSON body is validated before the row is looked up


@dataclass(frozen=True)
class Rule:
    """What each role gets: `members` for the association's roles, then admin and anonymous.

    `anonymous=None` means the default: 302 to the sign-in page for pages, 401 for the API.
    """

    members: int | frozenset[int]
    admin: int | frozenset[int]
    anonymous: int | frozenset[int] | None = None


def hidden(admin: int | frozenset[int] = 200) -> Rule:
    """Somebody else's resource: 404 for every role of the association; the admin `admin`."""
    return Rule(HIDDEN, admin)


def hidden_write(admin: int | frozenset[int] = WRITE_API) -> Rule:
    """An API write on somebody else's resource: 404 (or 422 when the body is read first)."""
    return Rule(WRITE_API, admin)


def everyone(status: int | frozenset[int] = 200) -> Rule:
    """A public route: the same answer for every role, signed in or not."""
    return Rule(status, status, status)


# One line per endpoint and method: add yours here.
RULES: dict[str, Rule] = {
    # sign-in, language, health, documents that need no sign-in
    "auth.login GET": everyone(),
    "auth.login POST": everyone(422),
    "auth.logout POST": Rule(303, 303, 303),
    "main.language POST": everyone(400),  # no `lang` chosen
    "twofactor.verify GET": everyone(303),
    "twofactor.verify POST": everyone(303),
    "health.healthz GET": everyone(),
    "static GET": everyone(),
    "api.openapi_document GET": everyone(),
    "api.create_token POST": everyone(422),
    "diagram.show GET": Rule(200, 200),
    # the user's own pages
    "main.dashboard GET": Rule(200, 200),
    "twofactor.account GET": Rule(200, 200),
    "twofactor.setup GET": Rule(200, 200),
    "twofactor.setup POST": Rule(422, 422),
    "twofactor.qr GET": Rule(404, 404),  # no pending key yet
    "twofactor.recovery_codes POST": Rule(422, 422),
    "twofactor.disable POST": Rule(422, 422),  # the code form is checked first
    "exports.applications_csv GET": Rule(200, 200),
    # administration
    "admin.association_list GET": Rule(403, 200),
    "admin.association_list POST": Rule(403, 422),
    "beredning.association_settings GET": hidden(),
    "beredning.association_settings POST": hidden(frozenset({200, 303, 422})),
    "admin.members GET": hidden(),
    "admin.members POST": hidden(422),
    "admin.user_list GET": hidden(),
    "admin.user_list POST": hidden(422),
    "twofactor.settings GET": hidden(),
    "twofactor.settings POST": hidden(303),
    "twofactor.admin_user GET": Rule(403, 200),
    "twofactor.admin_user POST": Rule(403, 303),
    "outbox.index GET": Rule(frozenset({200, 403}), 200),
    "outbox.detail GET": Rule(frozenset({403, 404}), 200),
    "outbox.send_now POST": Rule(frozenset({303, 403}), 303),
    # applications and what hangs on them
    "applications.show GET": hidden(404),
    "applications.edit GET": hidden(404),
    "applications.edit POST": hidden(404),
    "applications.transition POST": hidden(frozenset({403, 404, 409, 422})),
    "applications.new GET": hidden(403),
    "applications.new POST": hidden(403),
    "annotations.create POST": hidden(404),
    "annotations.new GET": hidden(404),
    "annotations.thread GET": hidden(404),
    "annotations.reply POST": hidden(404),
    "annotations.resolution POST": hidden(404),
    "attachments.upload GET": hidden(404),
    "attachments.upload POST": hidden(404),
    "attachments.download GET": hidden(404),  # the admin may see it; its file was never written
    "attachments.delete POST": hidden(404),
    "meetings.decide_delegated GET": hidden(404),
    "meetings.decide_delegated POST": hidden(404),
    "beredning.endorsement GET": hidden(frozenset({403, 404})),
    "beredning.endorsement POST": hidden(frozenset({403, 404})),
    "beredning.propose GET": hidden(404),
    "beredning.propose POST": hidden(404),
    "liv.activity GET": hidden(frozenset({200, 404})),
    "liv.record_agreement POST": hidden(404),
    "liv.propose GET": hidden(404),
    "liv.propose POST": hidden(404),
    "protocols.extract_pdf GET": hidden(404),
    "reports.new GET": hidden(404),
    "reports.new POST": hidden(404),
    "reports.start POST": hidden(404),
    "versions.index GET": hidden(404),
    "versions.compare GET": hidden(404),
    # association pages
    "budget.show GET": hidden(403),
    "budget.save POST": hidden(frozenset({403, 422})),
    "exports.decisions GET": hidden(frozenset({200, 403})),
    "exports.decisions_csv GET": hidden(frozenset({200, 403})),
    "queues.inbox GET": hidden(frozenset({200, 403})),
    "queues.preparation GET": hidden(frozenset({200, 403})),
    "meetings.index GET": hidden(),
    "meetings.index POST": hidden(frozenset({403, 422})),
    "reports.due GET": hidden(404),
    "reports.due_csv GET": hidden(404),
    "reports.settings POST": hidden(404),
    "statistics.index GET": hidden(frozenset({200, 403})),
    "statistics.export_csv GET": hidden(frozenset({200, 403})),
    "statistics.export_xlsx GET": hidden(frozenset({200, 403})),
    "statistics.parameters POST": hidden(frozenset({303, 403, 422})),
    # meetings and protocols
    "meetings.show GET": hidden(),
    "meetings.agenda GET": hidden(frozenset({200, 403})),
    "meetings.agenda POST": hidden(frozenset({403, 409, 422})),
    "meetings.move POST": hidden(frozenset({403, 404, 409})),
    "meetings.remove POST": hidden(frozenset({403, 404, 409})),
    "meetings.attendance GET": hidden(frozenset({200, 403})),
    "meetings.attendance POST": hidden(frozenset({303, 403, 409, 422})),
    "meetings.decide POST": hidden(frozenset({403, 404, 409, 422})),
    "meetings.transition POST": hidden(404),
    "protocols.show GET": hidden(frozenset({200, 403, 409})),
    "protocols.protocol_pdf GET": hidden(frozenset({200, 403, 409})),
    "protocols.choose_justerare POST": hidden(frozenset({403, 409, 422})),
    "protocols.justera POST": hidden(frozenset({403, 409, 422})),
    "protocols.post_notice POST": hidden(frozenset({403, 409, 422})),
    # reports
    "reports.show GET": hidden(404),
    "reports.edit GET": hidden(404),
    "reports.edit POST": hidden(404),
    "reports.transition POST": hidden(404),
    # --- API --------------------------------------------------------------------------------
    "api.list_associations GET": Rule(200, 200),
    "api.create_association POST": Rule(frozenset({403, 422}), 422),
    "api.update_association PATCH": hidden_write(frozenset({200, 409, 422})),
    "api.create_member POST": hidden_write(),
    "api.list_members GET": hidden(),
    "api.create_user POST": hidden_write(),
    "api.list_budgets GET": hidden(403),
    "api.put_budget PUT": hidden_write(),
    "api.get_budget GET": hidden(403),
    "api.create_application POST": hidden_write(frozenset({403, 404, 422})),
    "api.list_applications GET": hidden(),
    "api.create_meeting POST": hidden_write(),
    "api.list_meetings GET": hidden(),
    "api.inbox_queue GET": hidden(403),
    "api.preparation_queue GET": hidden(403),
    "api.get_statistics GET": hidden(403),
    "api.get_statistics_csv GET": hidden(403),
    "api.get_statistics_xlsx GET": hidden(403),
    "api.get_application GET": hidden(404),
    "api.update_application PATCH": hidden_write(404),
    "api.list_annotations GET": hidden(404),
    "api.create_annotation POST": hidden_write(frozenset({403, 422})),
    "api.update_annotation PATCH": hidden_write(frozenset({200, 403, 409, 422})),
    "api.create_reply POST": hidden_write(frozenset({403, 422})),
    "api.upload_attachment POST": hidden_write(404),
    "api.list_attachments GET": hidden(404),
    "api.download_attachment GET": hidden(404),
    "api.get_attachment GET": hidden(404),
    "api.delete_attachment DELETE": hidden(404),
    "api.list_endorsements GET": hidden(404),
    "api.put_endorsement PUT": hidden_write(frozenset({403, 404, 422})),
    "api.application_history GET": hidden(404),
    "api.get_liv GET": hidden(frozenset({200, 404})),
    "api.post_agreement POST": hidden_write(frozenset({403, 409, 422})),
    "api.proposal_draft GET": hidden(404),
    "api.get_extract_pdf GET": hidden(404),
    "api.list_recommendations GET": hidden(404),
    "api.create_report POST": hidden_write(404),
    "api.list_reports GET": hidden(404),
    "api.fire_transition POST": hidden_write(frozenset({403, 404, 409, 422})),
    "api.decide_delegated POST": hidden_write(frozenset({403, 409, 422})),
    "api.list_versions GET": hidden(404),
    "api.diff_versions GET": hidden(404),
    "api.get_version GET": hidden(404),
    "api.verify_audit GET": Rule(frozenset({200, 403}), 200),
    "api.get_meeting GET": hidden(),
    "api.add_agenda_items POST": hidden_write(frozenset({403, 409, 422})),
    "api.remove_agenda_item DELETE": hidden(frozenset({403, 404, 409})),
    "api.order_agenda PUT": hidden_write(frozenset({403, 409, 422})),
    "api.put_attendance PUT": hidden_write(frozenset({200, 403, 409, 422})),
    "api.create_decision POST": hidden_write(frozenset({403, 409, 422})),
    "api.get_protocol GET": hidden(frozenset({200, 403, 409})),
    "api.get_protocol_pdf GET": hidden(frozenset({200, 403, 409})),
    "api.put_justerare PUT": hidden_write(frozenset({403, 409, 422})),
    "api.sign_as_justerare POST": hidden_write(frozenset({403, 409, 422})),
    "api.put_posting PUT": hidden_write(frozenset({403, 409, 422})),
    "api.fire_meeting_transition POST": hidden_write(404),
    "api.get_report GET": hidden(404),
    "api.update_report PATCH": hidden_write(404),
    "api.fire_report_transition POST": hidden_write(404),
}


def _foreign_resources(session: Session, world: factories.World) -> dict[str, Any]:
    """Rows of the other association: an application with everything that hangs on it."""
    other = world.other_association
    owner = world.users["outsider_applicant"]
    app = Application(
        association_id=other.id,
        lead_member_id=world.other_members["nassjo"].id,
        created_by_id=owner.id,
        state="submitted",
        title="Hemlig ansökan",
        submitted_at=utcnow(),
        diary_number="HSF 2026/001",
        diary_year=2026,
        diary_seq=1,
    )
    session.add(app)
    session.flush()
    app_service.freeze_version(session, app, by=owner, trigger="submit")
    note = Annotation(
        association_id=other.id,
        application_id=app.id,
        version_number=1,
        section="basics",
        body="Intern anteckning",
        author_id=world.users["outsider"].id,
    )
    attachment = Attachment(
        association_id=other.id,
        application_id=app.id,
        filename="hemlig.pdf",
        kind="pdf",
        size_bytes=10,
        sha256="0" * 64,
        storage_name=secrets.token_hex(16),
        uploaded_by_id=owner.id,
    )
    meeting = Meeting(association_id=other.id, date=date.today())
    message = MailMessage(
        association_id=other.id,
        to_email=owner.email,
        subject="Hemligt",
        body="Hemligt",
        event="test",
    )
    report = Report(
        association_id=other.id,
        application_id=app.id,
        kind="annual",
        year=2025,
        state="draft",
        due_date=date(2026, 2, 28),
        created_by_id=owner.id,
    )
    session.add_all([note, attachment, meeting, message, report])
    session.flush()
    return {
        "slug": other.slug,
        "application_id": app.id,
        "annotation_id": note.id,
        "attachment_id": attachment.id,
        "meeting_id": meeting.id,
        "message_id": message.id,
        "report_id": report.id,
        "user_id": world.users["outsider"].id,
        "member_id": world.other_members["nassjo"].id,
        "a": 1,
        "b": 1,
        "number": 1,
        "year": 2026,
        "trigger": "submit",
        "direction": "up",
        "machine": "application",
        "filename": "style.css",
    }


# Routes that end or renew the session go last, so the other requests keep their sign-in.
LAST = ("twofactor.disable", "auth.logout", "main.language", "auth.login", "twofactor.verify")


def _targets(app: Flask) -> list[tuple[str, str, Any]]:
    """Every (endpoint, method, rule) of the app, HEAD and OPTIONS aside."""
    return sorted(
        (
            (rule.endpoint, method, rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
        ),
        key=lambda t: (t[0] in LAST, LAST.index(t[0]) if t[0] in LAST else 0, t[0], t[1]),
    )


def _expected(rule: Rule, role: str, kind: str) -> frozenset[int]:
    if role == "admin":
        value = rule.admin
    elif role == "anonymous":
        value = rule.anonymous if rule.anonymous is not None else (302 if kind == PAGE else 401)
    else:
        value = rule.members
    return value if isinstance(value, frozenset) else frozenset({value})


def test_every_route_has_a_rule(app):
    """A new route without a line in RULES fails here, naming itself."""
    known = {f"{endpoint} {method}" for endpoint, method, _rule in _targets(app)}
    missing = sorted(known - RULES.keys())
    assert not missing, f"add a line to RULES in {__file__} for: {missing}"
    stale = sorted(RULES.keys() - known)
    assert not stale, f"RULES names routes that no longer exist: {stale}"


def test_every_route_for_every_role_on_another_associations_resource(app, world, session):
    values = _foreign_resources(session, world)
    session.commit()
    app.test_client_class = IsolatedClient  # each request in its own app context
    clients: dict[str, Any] = {}
    tokens: dict[str, str] = {}
    csrf: dict[str, str] = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            user = world.users[role]
            page = client.get("/login")
            response = client.post(
                "/login",
                data={
                    "email": user.email,
                    "password": factories.PASSWORD,
                    "csrf_token": factories.csrf_token(page.get_data(as_text=True)),
                },
            )
            assert response.status_code == 303, role
            answer = client.post(
                "/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD}
            )
            tokens[role] = answer.get_json()["token"]
        clients[role] = client
        csrf[role] = factories.csrf_token(client.get("/login").get_data(as_text=True))
    adapter = app.url_map.bind("localhost")
    failures = []
    for endpoint, method, rule in _targets(app):
        key = f"{endpoint} {method}"
        if key not in RULES:
            continue  # reported by test_every_route_has_a_rule
        url = adapter.build(endpoint, {name: values[name] for name in rule.arguments}, method)
        kind = API if rule.rule.startswith("/api/") else PAGE
        for role in ROLES:
            client = clients[role]
            if kind == API:
                headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
                body = {} if method in {"POST", "PUT", "PATCH"} else None
                if endpoint == "api.create_token":
                    body = {"email": "x"}
                response = client.open(
                    url, method=method, json=body, headers=headers, buffered=True
                )
            else:
                if endpoint in LAST:  # the session (and its CSRF secret) may have changed
                    csrf[role] = factories.csrf_token(
                        client.get("/login", buffered=True).get_data(as_text=True)
                    )
                data = {"csrf_token": csrf[role]} if method == "POST" else None
                response = client.open(url, method=method, data=data, buffered=True)
            status = response.status_code
            expected = _expected(RULES[key], role, kind)
            outsider = role in MEMBER_ROLES and bool(rule.arguments)
            leaked = outsider and 200 <= status < 300 and RULES[key].members != 200
            if status not in expected or status >= 500 or leaked:
                failures.append(f"{key} {url} as {role}: {status}, expected {sorted(expected)}")
            if kind == PAGE and role == "anonymous" and status == 302:
                assert "/login" in response.headers["Location"], url
    assert not failures, "\n".join(failures)
