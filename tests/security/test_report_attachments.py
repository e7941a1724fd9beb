"""Attachments on yearly and final reports: pages and API, who may do what, content and size."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from werkzeug.datastructures import FileStorage

from states.application import State
from tests import factories
from tests.security.conftest import FILES, odt_bytes, ooxml_bytes, pdf_bytes, token_of
from tests.security.test_attachments import multipart
from workflow.models import AuditEvent, utcnow
from workflow.models.reports import Report
from workflow.models.security import Attachment
from workflow.operations import attachments as service


@pytest.fixture
def make_report(session, world, make_application) -> Callable[..., Report]:
    """A report of an active insats, brought to `state` by the real steps (committed)."""

    def _make(state: str = "draft") -> Report:
        app = make_application(state=State.ACTIVE)
        report = factories.report(session, world, app, state=state, year=app.start_date.year)
        session.commit()
        return report

    return _make


def _upload(client, report_id: int, name: str, data: bytes):
    token = token_of(client, f"/reports/{report_id}")
    return client.post(
        f"/reports/{report_id}/attachments",
        **multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(data), name)}),
    )


def _as(client, login, user) -> None:
    client.delete_cookie("session")
    login(user)


def _stored(app) -> list[str]:
    directory = Path(app.config["ATTACHMENTS_DIR"])
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def _delete(client, attachment_id: int, report_id: int):
    token = token_of(client, f"/reports/{report_id}")
    return client.post(f"/attachments/{attachment_id}/delete", data={"csrf_token": token})


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "returned"])
def test_the_lead_applicant_attaches_lists_downloads_and_removes(
    app, client, world, login, make_report, session, state
):
    report = make_report(state)
    login(world.users["applicant"])
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert 'id="attachments"' in page
    assert f'action="/reports/{report.id}/attachments"' in page
    name, data = FILES["xlsx"]
    response = _upload(client, report.id, name, data)
    assert response.status_code == 303, response.get_data(as_text=True)[:600]
    assert response.headers["Location"].endswith(f"/reports/{report.id}#attachments")
    row = session.exec(select(Attachment)).one()
    assert (row.report_id, row.application_id) == (report.id, report.application_id)
    assert (row.kind, row.filename, row.size_bytes) == ("xlsx", name, len(data))
    assert _stored(app) == [row.storage_name]
    assert name not in row.storage_name
    assert name in client.get(f"/reports/{report.id}").get_data(as_text=True)
    download = client.get(f"/attachments/{row.id}", buffered=True)
    assert download.status_code == 200
    assert download.data == data
    assert download.mimetype == service.CONTENT_TYPES["xlsx"]
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    attachment_id, stored = row.id, row.storage_name
    removed = _delete(client, attachment_id, report.id)
    assert removed.status_code == 303
    assert removed.headers["Location"].endswith(f"/reports/{report.id}#attachments")
    session.expire_all()
    assert session.get(Attachment, attachment_id) is None
    assert stored not in _stored(app)


def test_audit_events_are_about_the_report(client, world, login, make_report, session):
    report = make_report()
    login(world.users["applicant"])
    _upload(client, report.id, "plan.pdf", pdf_bytes())
    row = session.exec(select(Attachment)).one()
    _delete(client, row.id, report.id)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action.in_(["attachment_added", "attachment_removed"]))  # type: ignore[attr-defined]
    ).all()
    assert sorted(e.action for e in events) == ["attachment_added", "attachment_removed"]
    assert {(e.entity_type, e.entity_id) for e in events} == {("report", report.id)}
    assert all(e.data["application_id"] == report.application_id for e in events)


def test_report_files_stay_off_the_application_list(
    client, world, login, make_report, session, api_token
):
    report = make_report()
    login(world.users["applicant"])
    assert _upload(client, report.id, "rapportbilaga.pdf", pdf_bytes()).status_code == 303
    client.get(f"/reports/{report.id}")  # shows (and so uses up) the flash naming the file
    page = client.get(f"/applications/{report.application_id}").get_data(as_text=True)
    assert "rapportbilaga.pdf" not in page
    listing = client.get(f"/applications/{report.application_id}/attachments")
    assert "rapportbilaga.pdf" not in listing.get_data(as_text=True)
    headers = {"Authorization": f"Bearer {api_token(world.users['applicant'])}"}
    items = client.get(
        f"/api/v1/applications/{report.application_id}/attachments", headers=headers
    ).get_json()["items"]
    assert items == []
    app_row = session.get(Report, report.id)
    assert app_row is not None
    assert [r.filename for r in service.for_report(session, app_row)] == ["rapportbilaga.pdf"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
        ("budget.xlsx", ooxml_bytes("ppt")),
        ("rapport.odt", odt_bytes("application/vnd.oasis.opendocument.spreadsheet")),
        ("tom.pdf", b""),
    ],
)
def test_content_not_name_decides_on_a_report(
    app, client, world, login, make_report, session, name, data
):
    report = make_report()
    login(world.users["applicant"])
    response = _upload(client, report.id, name, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert "Bara PDF" in page or "Filen är tom" in page
    assert 'aria-invalid="true"' in page  # the file field is marked on the report page
    assert session.exec(select(Attachment)).all() == []
    assert _stored(app) == []


def test_a_form_without_a_file_is_422_on_the_report_page(client, world, login, make_report):
    report = make_report()
    login(world.users["applicant"])
    token = token_of(client, f"/reports/{report.id}")
    response = client.post(f"/reports/{report.id}/attachments", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Välj en fil" in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused(app, client, world, login, make_report, session):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    report = make_report()
    login(world.users["applicant"])
    response = _upload(client, report.id, "stor.pdf", pdf_bytes() + b"0" * 200_000)
    assert response.status_code == 413
    assert "Filen är större än 20 MB" in response.get_data(as_text=True)
    between = _upload(client, report.id, "stor.pdf", pdf_bytes() + b"0" * 2000)
    assert between.status_code == 422
    assert session.exec(select(Attachment)).all() == []
    assert _stored(app) == []


def test_a_report_upload_may_be_larger_than_other_bodies(
    client, world, login, make_report, session
):
    report = make_report()
    login(world.users["applicant"])
    data = pdf_bytes() + b"0" * (2 * 1024 * 1024)  # over the 1 MB of ordinary bodies
    assert _upload(client, report.id, "stor.pdf", data).status_code == 303
    assert session.exec(select(Attachment)).one().size_bytes == len(data)


@pytest.mark.parametrize("state", ["submitted", "accepted"])
def test_a_delivered_report_refuses_new_files_with_409(
    client, world, login, make_report, session, state
):
    report = make_report(state)
    login(world.users["applicant"])
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert 'id="attachments"' in page
    assert f'action="/reports/{report.id}/attachments"' not in page  # no form offered
    assert _upload(client, report.id, "sent.pdf", pdf_bytes()).status_code == 409
    _as(client, login, world.users["officer"])
    assert _upload(client, report.id, "sent.pdf", pdf_bytes()).status_code == 403
    assert session.exec(select(Attachment)).all() == []


def test_readers_download_but_neither_add_nor_remove(client, world, login, make_report, session):
    report = make_report()
    login(world.users["applicant"])
    _upload(client, report.id, "plan.pdf", pdf_bytes())
    row = session.exec(select(Attachment)).one()
    for name in ("preparer", "board", "chair", "auditor"):
        _as(client, login, world.users[name])
        assert client.get(f"/attachments/{row.id}", buffered=True).status_code == 200, name
        assert _upload(client, report.id, "x.pdf", pdf_bytes()).status_code == 403, name
        assert _delete(client, row.id, report.id).status_code == 403, name
    assert session.exec(select(Attachment)).one().id == row.id


def test_other_members_and_associations_get_404(client, world, login, make_report, session):
    report = make_report()
    login(world.users["applicant"])
    _upload(client, report.id, "plan.pdf", pdf_bytes())
    row = session.exec(select(Attachment)).one()
    for name in ("other_applicant", "outsider", "outsider_applicant", "admin"):
        _as(client, login, world.users[name])
        csrf = token_of(client, "/login")
        assert client.get(f"/attachments/{row.id}", buffered=True).status_code == 404, name
        assert client.get(f"/reports/{report.id}").status_code == 404, name
        upload = client.post(
            f"/reports/{report.id}/attachments",
            **multipart(
                {"csrf_token": csrf, "file": FileStorage(io.BytesIO(pdf_bytes()), "x.pdf")}
            ),
        )
        assert upload.status_code == 404, name
        removal = client.post(f"/attachments/{row.id}/delete", data={"csrf_token": csrf})
        assert removal.status_code == 404, name
    client.delete_cookie("session")
    assert client.get(f"/attachments/{row.id}", buffered=True).status_code == 302
    assert session.exec(select(Attachment)).one().id == row.id


def test_after_delivery_the_uploader_may_not_remove_but_the_officer_may(
    app, client, world, login, make_report, session
):
    report = make_report()
    login(world.users["applicant"])
    _upload(client, report.id, "plan.pdf", pdf_bytes())
    row = session.exec(select(Attachment)).one()
    attachment_id = row.id
    report_row = session.get(Report, report.id)
    assert report_row is not None
    report_row.state, report_row.submitted_at = "submitted", utcnow()
    report_row.submitted_by_id = world.users["applicant"].id
    session.commit()
    assert _delete(client, attachment_id, report.id).status_code == 403
    _as(client, login, world.users["officer"])
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert f'action="/attachments/{attachment_id}/delete"' in page
    assert _delete(client, attachment_id, report.id).status_code == 303
    session.expire_all()
    assert session.get(Attachment, attachment_id) is None
    assert _stored(app) == []


def test_a_colleague_of_the_same_member_may_remove_while_editable(
    client, world, login, make_report, session
):
    colleague = factories.user(
        session,
        world.association,
        "applicant",
        world.members["jonkoping"],
        email="kollega@example.se",
    )
    session.commit()
    report = make_report()
    login(world.users["applicant"])
    _upload(client, report.id, "plan.pdf", pdf_bytes())
    row = session.exec(select(Attachment)).one()
    _as(client, login, colleague)
    assert _delete(client, row.id, report.id).status_code == 303


# --- API -------------------------------------------------------------------------------------


def _headers(api_token, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(user)}"}


def _api_upload(client, report_id: int, headers: dict[str, str], name: str, data: bytes) -> Any:
    return client.post(
        f"/api/v1/reports/{report_id}/attachments",
        **multipart({"file": FileStorage(io.BytesIO(data), name)}),
        headers=headers,
    )


def test_the_api_uploads_lists_downloads_and_removes_report_files(
    app, client, world, make_report, api_token, session
):
    report = make_report()
    headers = _headers(api_token, world.users["applicant"])
    created = _api_upload(client, report.id, headers, "plan.docx", FILES["docx"][1])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["report_id"] == report.id
    assert body["application_id"] == report.application_id
    assert body["kind"] == "docx"
    listed = client.get(f"/api/v1/reports/{report.id}/attachments", headers=headers)
    assert [item["id"] for item in listed.get_json()["items"]] == [body["id"]]
    app_list = client.get(
        f"/api/v1/applications/{report.application_id}/attachments", headers=headers
    )
    assert app_list.get_json()["items"] == []
    meta = client.get(f"/api/v1/attachments/{body['id']}/metadata", headers=headers)
    assert meta.get_json()["report_id"] == report.id
    download = client.get(body["download_url"], headers=headers, buffered=True)
    assert download.status_code == 200
    assert download.data == FILES["docx"][1]
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert client.delete(f"/api/v1/attachments/{body['id']}", headers=headers).status_code == 200
    assert client.get(body["download_url"], headers=headers, buffered=True).status_code == 404
    assert _stored(app) == []


def test_application_files_say_report_id_null(client, world, make_application, api_token):
    draft = make_application()
    headers = _headers(api_token, world.users["applicant"])
    created = client.post(
        f"/api/v1/applications/{draft.id}/attachments",
        **multipart({"file": FileStorage(io.BytesIO(pdf_bytes()), "plan.pdf")}),
        headers=headers,
    )
    assert created.status_code == 201
    assert created.get_json()["report_id"] is None


def test_the_api_refuses_by_content_size_and_a_missing_field(
    app, client, world, make_report, api_token, session
):
    report = make_report()
    headers = _headers(api_token, world.users["applicant"])
    refused = _api_upload(client, report.id, headers, "plan.pdf", b"#!/bin/sh\nrm -rf /")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["field"] == "file"
    missing = client.post(
        f"/api/v1/reports/{report.id}/attachments",
        **multipart({"other": "x"}),
        headers=headers,
    )
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"][0]["field"] == "file"
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    large = _api_upload(client, report.id, headers, "big.pdf", pdf_bytes() + b"0" * 200_000)
    assert large.status_code == 413
    assert large.get_json()["error"]["code"] == "payload_too_large"
    assert session.exec(select(Attachment)).all() == []
    assert _stored(app) == []


@pytest.mark.parametrize("state", ["submitted", "accepted"])
def test_the_api_answers_409_for_a_delivered_report_and_403_for_others(
    client, world, make_report, api_token, session, state
):
    report = make_report(state)
    applicant = _headers(api_token, world.users["applicant"])
    answer = _api_upload(client, report.id, applicant, "plan.pdf", pdf_bytes())
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "invalid_transition"
    officer = _headers(api_token, world.users["officer"])
    assert _api_upload(client, report.id, officer, "plan.pdf", pdf_bytes()).status_code == 403
    assert session.exec(select(Attachment)).all() == []


def test_the_api_hides_report_files_from_others(client, world, make_report, api_token, session):
    report = make_report()
    owner = _headers(api_token, world.users["applicant"])
    body = _api_upload(client, report.id, owner, "plan.pdf", pdf_bytes()).get_json()
    for name in ("other_applicant", "outsider", "outsider_applicant", "admin"):
        headers = _headers(api_token, world.users[name])
        assert client.get(body["download_url"], headers=headers).status_code == 404, name
        meta = client.get(f"/api/v1/attachments/{body['id']}/metadata", headers=headers)
        assert meta.status_code == 404, name
        listing = client.get(f"/api/v1/reports/{report.id}/attachments", headers=headers)
        assert listing.status_code == 404, name
        upload = _api_upload(client, report.id, headers, "x.pdf", pdf_bytes())
        assert upload.status_code == 404, name
        removal = client.delete(f"/api/v1/attachments/{body['id']}", headers=headers)
        assert removal.status_code == 404, name
    preparer = _headers(api_token, world.users["preparer"])
    assert client.delete(f"/api/v1/attachments/{body['id']}", headers=preparer).status_code == 403
    assert session.exec(select(Attachment)).one().id == body["id"]


# --- schema ----------------------------------------------------------------------------------


def test_the_migrated_column_is_indexed_and_cascades(app, world, make_report, session):
    """Migration 0010: `report_id` nullable, indexed, and removed with its report."""
    from sqlalchemy import inspect

    engine = app.extensions["db_engine"]
    seen = inspect(engine)
    columns = {c["name"]: c for c in seen.get_columns("attachment")}
    assert columns["report_id"]["nullable"] is True
    assert ("ix_attachment_report_id", ["report_id"]) in [
        (i["name"], i["column_names"]) for i in seen.get_indexes("attachment")
    ]
    keys = [f for f in seen.get_foreign_keys("attachment") if f["referred_table"] == "report"]
    assert [(k["constrained_columns"], k["options"].get("ondelete")) for k in keys] == [
        (["report_id"], "CASCADE")
    ]
    report = make_report()
    session.add(
        Attachment(
            association_id=report.association_id,
            application_id=report.application_id,
            report_id=report.id,
            filename="plan.pdf",
            kind="pdf",
            size_bytes=10,
            sha256="0" * 64,
            storage_name="a" * 32,
            uploaded_by_id=world.users["applicant"].id,
        )
    )
    session.commit()
    session.delete(session.get(Report, report.id))
    session.commit()
    assert session.exec(select(Attachment)).all() == []
