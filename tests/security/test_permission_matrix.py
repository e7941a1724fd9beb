"""Every route × every role × a resource of another association (or member): the expected answer.

The table RULES has one line per endpoint and method. A route the table does not know fails
the suite: whoever adds a route adds its line here, saying what each role gets when the route
is aimed at somebody else's resource. Path arguments are filled from VALUES with rows of the
other association (`hog`), so every signed-in role of `svb` is an outsider; the admin sees
what admins see. Every cell is one status code: a row of the table says what the
association's roles get, the exceptions by role (`.but(officer=200)`), then the admin and
the anonymous visitor.

The walk is split into one test per group of routes (a page blueprint, or an API tag), each
with a fresh database and fresh sign-ins, so pytest-xdist spreads it and no group sees what
another group's requests changed. The order within a group is fixed (routes that end the
session last), so every answer is the same on every run and on both backends.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from tests import factories
from tests.conftest import IsolatedClient
from workflow import engine
from workflow.api.registry import OPERATIONS
from workflow.lifecycles.application import APPLICATION
from workflow.models import Annotation, MailMessage
from workflow.models.reports import Report
from workflow.models.security import Attachment
from workflow.operations.applications import create_draft
from workflow.operations.meetings import create_meeting
from workflow.rules import meetings as meeting_rules
from workflow.schemas import ApplicationFields

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
# Routes whose path argument is no row of the other association (a file name, a machine name),
# or whose row is public (an association's notice board).
PUBLIC_ARGUMENTS = frozenset(
    {"static GET", "diagram.show GET", "anslagstavla.board GET", "anslagstavla.feed GET"}
)


@dataclass(frozen=True)
class Rule:
    """What each role gets: `members` for the association's roles (`exceptions` by role), then
    the admin and the anonymous visitor.

    `anonymous=None` means the default: 302 to the sign-in page for pages, 401 for the API.
    """

    members: int
    admin: int
    anonymous: int | None = None
    exceptions: tuple[tuple[str, int], ...] = ()

    def but(self, **codes: int) -> Rule:
        """The same rule with other answers for the named roles of the association."""
        unknown = sorted(set(codes) - set(MEMBER_ROLES))
        if unknown:
            raise ValueError(f"not a role of the association: {unknown}")
        return replace(self, exceptions=self.exceptions + tuple(sorted(codes.items())))

    def expected(self, role: str, kind: str) -> int:
        """The one status `role` gets."""
        if role == "admin":
            return self.admin
        if role == "anonymous":
            if self.anonymous is not None:
                return self.anonymous
            return 302 if kind == PAGE else 401
        return dict(self.exceptions).get(role, self.members)


def hidden(admin: int = 200) -> Rule:
    """Somebody else's resource: 404 for every role of the association; the admin `admin`."""
    return Rule(HIDDEN, admin)


def hidden_write(admin: int = 422) -> Rule:
    """An API write whose schema the empty JSON body fails: 422 before the row is looked up."""
    return Rule(422, admin)


def everyone(status: int = 200) -> Rule:
    """A public route: the same answer for every role, signed in or not."""
    return Rule(status, status, status)


# One line per endpoint and method: add yours here.
RULES: dict[str, Rule] = {
    # sign-in, language, health, documents that need no sign-in
    "auth.login GET": everyone(),
    "auth.login POST": everyone(422),
    "auth.logout POST": everyone(303),
    "main.language POST": everyone(400),  # no `lang` chosen
    "menu.choose POST": Rule(400, 400),  # no association chosen; sign-in first
    "twofactor.verify GET": everyone(303),
    "twofactor.verify POST": everyone(303),
    "health.healthz GET": everyone(),
    # the public notice board: the other association's board is as open as any
    "anslagstavla.index GET": everyone(),
    "anslagstavla.board GET": everyone(),
    "anslagstavla.feed GET": everyone(),
    "anslagstavla.protocol_pdf GET": everyone(404),  # the meeting's protocol is not posted
    "static GET": everyone(),
    "api.openapi_document GET": everyone(),
    "api.create_token POST": everyone(422),
    "accounts.reset_request GET": everyone(),
    "accounts.reset_request POST": everyone(422),  # no address given
    "accounts.reset GET": everyone(404),  # no such link
    "accounts.reset POST": everyone(404),
    "api.request_password_reset POST": everyone(422),
    "api.confirm_password_reset POST": everyone(422),
    "diagram.show GET": Rule(200, 200),
    # the user's own pages
    "main.dashboard GET": Rule(200, 200),
    "accounts.password GET": Rule(200, 200),
    "accounts.password POST": Rule(422, 422),  # no passwords given
    "api.change_password POST": Rule(422, 422),
    # another association's user: hidden from its roles, ended by the admin
    "accounts.deactivate POST": Rule(HIDDEN, 303),
    "api.deactivate_user POST": Rule(HIDDEN, 200),
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
    "beredning.association_settings POST": hidden(422),
    "admin.members GET": hidden(),
    "delegations.edit GET": hidden(),
    "delegations.edit POST": hidden(303),  # an empty list is a delegationsordning too
    "shares.edit GET": hidden(404),
    "shares.edit POST": hidden(404),
    "shares.make_part POST": hidden(404),
    "admin.members POST": hidden(422),
    "admin.user_list GET": hidden(),
    "admin.user_list POST": hidden(422),
    # the other association's only officer: the admin is refused the last officer role
    "admin.revoke_role POST": hidden(409),
    "twofactor.settings GET": hidden(),
    "twofactor.settings POST": hidden(303),
    "twofactor.admin_user GET": Rule(403, 200),
    "twofactor.admin_user POST": Rule(403, 303),
    "outbox.index GET": Rule(403, 200).but(officer=200),
    "outbox.detail GET": Rule(403, 200).but(officer=404),
    "outbox.send_now POST": Rule(403, 303).but(officer=303),
    # applications and what hangs on them: admins do not see applications, so 404 for all
    "applications.show GET": hidden(404),
    "applications.edit GET": hidden(404),
    "applications.edit POST": hidden(404),
    "applications.transition POST": hidden(404),
    "applications.new GET": hidden(403),
    "applications.new POST": hidden(403),
    "annotations.create POST": hidden(404),
    "annotations.new GET": hidden(404),
    "annotations.thread GET": hidden(404),
    "annotations.reply POST": hidden(404),
    "annotations.resolution POST": hidden(404),
    "attachments.upload GET": hidden(404),
    "attachments.upload POST": hidden(404),
    "attachments.download GET": hidden(404),  # admins do not see applications (nor their files)
    "attachments.delete POST": hidden(404),
    "attachments.upload_to_report POST": hidden(404),
    "meetings.decide_delegated GET": hidden(404),
    "meetings.decide_delegated POST": hidden(404),
    "beredning.endorsement GET": hidden(404),
    "beredning.endorsement POST": hidden(404),
    "beredning.propose GET": hidden(404),
    "beredning.proposal_pdf GET": hidden(404),
    "beredning.proposal_docx GET": hidden(404),
    "beredning.propose POST": hidden(404),
    "liv.activity GET": hidden(404),
    "liv.record_agreement POST": hidden(404),
    "liv.propose GET": hidden(404),
    "liv.propose POST": hidden(404),
    "protocols.extract_pdf GET": hidden(404),
    "protocols.decision_extract_pdf GET": hidden(404),
    "reports.new GET": hidden(404),
    "reports.new POST": hidden(404),
    "reports.start POST": hidden(404),
    "versions.index GET": hidden(404),
    "versions.compare GET": hidden(404),
    # association pages: the admin sees the association but holds no role there (403 where
    # one is needed); the association's own lists answer 404 to the roles of another one
    "budget.show GET": hidden(403),
    "budget.save POST": hidden(403),
    "budget.export_csv GET": hidden(403),
    "budget.export_xlsx GET": hidden(403),
    "budget.import_outcome POST": hidden(403),
    "budget.save_key POST": hidden(403),
    "budget.save_lines POST": hidden(403),
    "budget.close POST": hidden(403),
    "budget.add_record POST": hidden(403),
    "exports.decisions GET": hidden(),
    "exports.decisions_csv GET": hidden(),
    "queues.inbox GET": hidden(403),
    "queues.preparation GET": hidden(403),
    "meetings.index GET": hidden(),
    "meetings.index POST": hidden(403),
    "reports.due GET": hidden(404),
    "reports.due_csv GET": hidden(404),
    "reports.settings POST": hidden(404),
    "audit.index GET": hidden(),
    "audit.export_csv GET": hidden(),
    "statistics.index GET": hidden(403),
    "statistics.export_csv GET": hidden(403),
    "statistics.export_xlsx GET": hidden(403),
    "statistics.parameters POST": hidden(403),
    # the medlemsråd view: whoever reads the statistics, and the admin (every association);
    # the county page answers for the user's own associations, 403 when they read none
    "medlemsrad.association GET": hidden(),
    "medlemsrad.association_pdf GET": hidden(),
    "medlemsrad.county GET": Rule(403, 200).but(officer=200, board=200, chair=200, auditor=200),
    "medlemsrad.county_pdf GET": Rule(403, 200).but(officer=200, board=200, chair=200, auditor=200),
    "statistics.national_csv GET": hidden(403),
    "statistics.national_xlsx GET": hidden(403),
    "statistics.summary_csv GET": hidden(403),
    "statistics.summary_xlsx GET": hidden(403),
    "classification.save POST": hidden(404),
    # meetings and protocols: the admin reads them (200) but plans and decides nothing (403)
    "meetings.show GET": hidden(),
    "meetings.agenda GET": hidden(403),
    "meetings.agenda POST": hidden(403),
    "meetings.move POST": hidden(403),
    "meetings.remove POST": hidden(403),
    "meetings.attendance GET": hidden(403),
    "meetings.attendance POST": hidden(403),
    "meetings.decide POST": hidden(403),
    "meetings.decide_item POST": hidden(403),
    "meetings.table_item POST": hidden(403),
    "meetings.add_item POST": hidden(403),
    "meetings.move_item POST": hidden(403),
    "meetings.remove_item POST": hidden(403),
    "meetings.transition POST": hidden(404),
    "protocols.show GET": hidden(),
    "protocols.protocol_pdf GET": hidden(),
    "protocols.protocol_docx GET": hidden(),
    "kallelse.send POST": hidden(403),
    "kallelse.rsvp POST": hidden(403),
    # The empty form is checked before the chair rule: the admin learns only that it is empty.
    "protocols.choose_justerare POST": hidden(422),
    "protocols.justera POST": hidden(403),
    "protocols.post_notice POST": hidden(403),
    # reports
    "reports.show GET": hidden(404),
    "reports.edit GET": hidden(404),
    "reports.edit POST": hidden(404),
    "reports.transition POST": hidden(404),
    # --- API --------------------------------------------------------------------------------
    "api.list_associations GET": Rule(200, 200),
    "api.create_association POST": hidden_write(),  # the body is read before the admin rule
    "api.update_association PATCH": hidden(),
    "api.create_member POST": hidden_write(),
    "api.list_members GET": hidden(),
    "api.list_delegations GET": hidden(),
    "api.replace_delegations PUT": hidden_write(),
    "api.create_user POST": hidden_write(),
    "api.list_users GET": hidden(),
    # walked after api.deactivate_user: the outsider's account has ended, so the admin may
    # remove the officer role it no longer uses (the last officer of an active account stays)
    "api.revoke_role DELETE": hidden(),
    "api.list_budgets GET": hidden(403),
    "api.put_budget PUT": hidden_write(),
    "api.get_budget GET": hidden(403),
    "api.get_key GET": hidden(403),
    "api.put_key PUT": hidden_write(),
    "api.list_records GET": hidden(403),
    "api.post_record POST": hidden_write(),
    "api.post_close POST": hidden_write(),
    "api.patch_member PATCH": hidden(),
    "api.create_application POST": hidden(403),
    "api.list_applications GET": hidden(),
    "api.create_meeting POST": hidden_write(),
    "api.list_meetings GET": hidden(),
    "api.inbox_queue GET": hidden(403),
    "api.preparation_queue GET": hidden(403),
    "api.get_statistics GET": hidden(403),
    "api.get_statistics_csv GET": hidden(403),
    "api.get_statistics_xlsx GET": hidden(403),
    "api.get_national_csv GET": hidden(403),
    "api.get_national_xlsx GET": hidden(403),
    "api.get_summary_csv GET": hidden(403),
    "api.get_summary_xlsx GET": hidden(403),
    "api.put_classification PUT": hidden_write(),
    "api.get_parameters GET": hidden(403),
    "api.get_medlemsrad GET": hidden(),
    "api.put_parameters PUT": hidden_write(),
    "api.get_application GET": hidden(404),
    "api.update_application PATCH": hidden(404),
    "api.list_annotations GET": hidden(404),
    "api.create_annotation POST": hidden_write(),
    "api.update_annotation PATCH": hidden_write(),
    "api.create_reply POST": hidden_write(),
    "api.upload_attachment POST": hidden(404),
    "api.list_attachments GET": hidden(404),
    "api.download_attachment GET": hidden(404),
    "api.get_attachment GET": hidden(404),
    "api.delete_attachment DELETE": hidden(404),
    "api.upload_report_attachment POST": hidden(404),
    "api.list_report_attachments GET": hidden(404),
    "api.list_endorsements GET": hidden(404),
    "api.put_endorsement PUT": hidden_write(),
    "api.application_history GET": hidden(404),
    "api.get_liv GET": hidden(404),
    "api.post_agreement POST": hidden_write(),
    "api.get_shares GET": hidden(404),
    "api.get_parts GET": hidden(404),
    "api.post_part POST": hidden(404),
    "api.put_shares PUT": hidden_write(),
    "api.proposal_draft GET": hidden(404),
    "api.get_extract_pdf GET": hidden(404),
    "api.get_decision_extract_pdf GET": hidden(404),
    "api.list_decisions GET": hidden(404),
    "api.list_recommendations GET": hidden(404),
    "api.create_report POST": hidden(404),
    "api.list_reports GET": hidden(404),
    "api.fire_transition POST": hidden(404),
    "api.decide_delegated POST": hidden_write(),
    "api.list_versions GET": hidden(404),
    "api.diff_versions GET": hidden(404),
    "api.get_version GET": hidden(404),
    "api.verify_audit GET": Rule(403, 200).but(auditor=200, officer=200),
    "api.get_meeting GET": hidden(),
    # Every field is optional in the schema; the view says "one of the two" after the lookup.
    "api.add_agenda_items POST": hidden(422),
    "api.remove_agenda_item DELETE": hidden(403),
    "api.order_agenda PUT": hidden(422),
    "api.put_attendance PUT": hidden_write(),
    "api.create_decision POST": hidden_write(),
    "api.add_item POST": hidden_write(),
    "api.remove_item DELETE": hidden(403),
    "api.decide_item POST": hidden(403),
    "api.table_item POST": hidden(403),
    "api.get_protocol GET": hidden(),
    "api.get_protocol_pdf GET": hidden(),
    "api.get_protocol_docx GET": hidden(),
    "api.get_kallelse GET": hidden(),
    "api.send_kallelse POST": hidden(403),
    "api.post_rsvp POST": hidden_write(),
    "api.get_proposal_pdf GET": hidden(404),
    "api.get_proposal_docx GET": hidden(404),
    "api.put_justerare PUT": hidden_write(),
    "api.sign_as_justerare POST": hidden(403),
    "api.put_posting PUT": hidden_write(),
    "api.fire_meeting_transition POST": hidden(404),
    "api.get_report GET": hidden(404),
    "api.update_report PATCH": hidden(404),
    "api.fire_report_transition POST": hidden(404),
}


def _foreign_resources(session: Session, world: factories.World) -> dict[str, Any]:
    """Rows of the other association: an application with everything that hangs on it."""
    other = world.other_association
    owner = world.users["outsider_applicant"]
    fields = {
        **factories.complete_fields(world),
        "title": "Hemlig ansökan",
        "lead_member_id": world.other_members["nassjo"].id,
        "partner_member_ids": [world.other_members["fk"].id],
    }
    app = create_draft(session, other, ApplicationFields.model_validate(fields), by=owner)
    engine.fire(APPLICATION, app, "submit", by=owner, session=session)
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
    meeting = create_meeting(session, other, on=date.today(), by=world.users["outsider"])
    message = MailMessage(
        association_id=other.id,
        to_email=owner.email,
        subject="Hemligt",
        body="Hemligt",
        event="test",
    )
    # A report row only, in its initial state: the other association's insats is not started
    # (building a whole second board to start it tests nothing more), but its URLs exist.
    report = Report(
        association_id=other.id,
        application_id=app.id,
        kind="annual",
        year=2025,
        due_date=date(2026, 2, 28),
        created_by_id=owner.id,
    )
    session.add_all([note, attachment, message, report])
    session.flush()
    return {
        "slug": other.slug,
        "application_id": app.id,
        "annotation_id": note.id,
        "attachment_id": attachment.id,
        "meeting_id": meeting.id,
        "item_id": meeting_rules.items_of(session, meeting)[0].id,
        "decision_id": 1,
        "message_id": message.id,
        "report_id": report.id,
        "user_id": world.users["outsider"].id,
        "grant_id": world.users["outsider"].grants[0].id,
        "member_id": world.other_members["nassjo"].id,
        "a": 1,
        "b": 1,
        "number": 1,
        "year": 2026,
        "trigger": "submit",
        "kind": "individual",
        "direction": "up",
        "machine": "application",
        "filename": "style.css",
        "token": "not-a-reset-token",
    }


# Routes that end or renew the session go last, so the other requests keep their sign-in.
LAST = ("twofactor.disable", "auth.logout", "main.language", "auth.login", "twofactor.verify")
# The API's routes are grouped by their OpenAPI tag, the pages by their blueprint.
API_TAGS = {f"api.{operation.endpoint}": operation.tag for operation in OPERATIONS}


def group_of(key: str) -> str:
    """The test a RULES line is checked in: `api/<tag>` for the API, else the blueprint."""
    endpoint = key.split(" ", 1)[0]
    blueprint = endpoint.split(".", 1)[0]
    if blueprint == "api":
        return f"api/{API_TAGS.get(endpoint, 'meta')}"
    return blueprint


GROUPS = sorted({group_of(key) for key in RULES})


def _targets(app: Flask) -> list[tuple[str, str, Any]]:
    """Every (endpoint, method, rule) of the app, HEAD and OPTIONS aside, in the order walked."""
    return sorted(
        (
            (rule.endpoint, method, rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
        ),
        key=lambda t: (t[0] in LAST, LAST.index(t[0]) if t[0] in LAST else 0, t[0], t[1]),
    )


def test_every_route_has_a_rule(app: Flask) -> None:
    """A new route without a line in RULES fails here, naming itself."""
    known = {f"{endpoint} {method}" for endpoint, method, _rule in _targets(app)}
    missing = sorted(known - RULES.keys())
    assert not missing, f"add a line to RULES in {__file__} for: {missing}"
    stale = sorted(RULES.keys() - known)
    assert not stale, f"RULES names routes that no longer exist: {stale}"


def test_no_role_of_the_association_is_let_in(app: Flask) -> None:
    """The table itself: no role of `svb` may expect a success on a row of `hog`."""
    wrong = [
        f"{endpoint} {method} as {role}"
        for endpoint, method, rule in _targets(app)
        if rule.arguments and f"{endpoint} {method}" in RULES
        if f"{endpoint} {method}" not in PUBLIC_ARGUMENTS
        for role in MEMBER_ROLES
        if 200 <= RULES[f"{endpoint} {method}"].expected(role, PAGE) < 300
    ]
    assert not wrong, wrong


def test_every_cell_is_one_status() -> None:
    """A set of possible answers hides which one is right: each cell names one status."""
    loose = sorted(
        key
        for key, rule in RULES.items()
        for code in (rule.members, rule.admin, rule.anonymous or 0, *dict(rule.exceptions).values())
        if not isinstance(code, int)
    )
    assert not loose, loose


@dataclass
class SignedIn:
    """A client per role, signed in through the pages, with its API token and CSRF token."""

    clients: dict[str, Any]
    tokens: dict[str, str]
    csrf: dict[str, str]


@pytest.fixture
def signed_in(app: Flask, world: factories.World, session: Session) -> SignedIn:
    """Every role signed in (the anonymous visitor not), on a fresh test client each."""
    session.commit()
    app.test_client_class = IsolatedClient  # each request in its own app context
    state = SignedIn({}, {}, {})
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
            state.tokens[role] = answer.get_json()["token"]
        state.clients[role] = client
        state.csrf[role] = factories.csrf_token(client.get("/login").get_data(as_text=True))
    return state


def _call(state: SignedIn, role: str, endpoint: str, method: str, url: str, kind: str) -> Any:
    """One request as `role`: JSON with its bearer token for the API, a CSRF form for pages."""
    client = state.clients[role]
    if kind == API:
        headers = {"Authorization": f"Bearer {state.tokens[role]}"} if role in state.tokens else {}
        body: dict[str, Any] | None = {} if method in {"POST", "PUT", "PATCH"} else None
        if endpoint == "api.create_token":
            body = {"email": "x"}
        return client.open(url, method=method, json=body, headers=headers, buffered=True)
    if endpoint in LAST:  # the session (and its CSRF secret) may have changed
        state.csrf[role] = factories.csrf_token(
            client.get("/login", buffered=True).get_data(as_text=True)
        )
    data = {"csrf_token": state.csrf[role]} if method == "POST" else None
    return client.open(url, method=method, data=data, buffered=True)


@pytest.mark.parametrize("group", GROUPS)
def test_every_role_on_another_associations_resource(
    app: Flask, world: factories.World, session: Session, signed_in: SignedIn, group: str
) -> None:
    """Each route of `group`, for every role, aimed at the other association's rows."""
    values = _foreign_resources(session, world)
    session.commit()
    state = signed_in
    adapter = app.url_map.bind("localhost")
    failures = []
    walked = 0
    for endpoint, method, rule in _targets(app):
        key = f"{endpoint} {method}"
        if key not in RULES or group_of(key) != group:
            continue  # a missing line is reported by test_every_route_has_a_rule
        walked += 1
        url = adapter.build(endpoint, {name: values[name] for name in rule.arguments}, method)
        kind = API if rule.rule.startswith("/api/") else PAGE
        for role in ROLES:
            response = _call(state, role, endpoint, method, url, kind)
            expected = RULES[key].expected(role, kind)
            if response.status_code != expected:
                failures.append(
                    f"{key} {url} as {role}: {response.status_code}, expected {expected}"
                )
            if kind == PAGE and role == "anonymous" and response.status_code == 302:
                assert "/login" in response.headers["Location"], url
    assert walked, f"no route of the app is in group {group}"
    assert not failures, "\n".join(failures)
