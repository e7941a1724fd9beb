"""Attachments: content checks, size limit, storage, permissions, download headers, API, audit."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from states.application import State
from tests.security.conftest import FILES, odt_bytes, ooxml_bytes, pdf_bytes, token_of
from workflow.models import AuditEvent
from workflow.models.security import Attachment
from workflow.operations import attachments as service


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """The request body encoded in memory (the test client would spool a large one to a
    temporary file it never closes)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _upload(client, app_id: int, name: str, data: bytes):
    token = token_of(client, f"/applications/{app_id}/attachments")
    return client.post(
        f"/applications/{app_id}/attachments",
        **multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(data), name)}),
    )


def _stored_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize("kind", sorted(FILES))
def test_each_accepted_kind_is_stored_under_a_random_name(
    app, client, world, login, make_application, session, kind
):
    draft = make_application()
    login(world.users["applicant"])
    name, data = FILES[kind]
    response = _upload(client, draft.id, name, data)
    assert response.status_code == 303, response.get_data(as_text=True)[:600]
    row = session.exec(select(Attachment)).one()
    assert (row.kind, row.filename, row.size_bytes) == (kind, name, len(data))
    directory = Path(app.config["ATTACHMENTS_DIR"])
    assert _stored_files(directory) == [row.storage_name]
    assert name not in row.storage_name
    assert not str(directory).startswith(str(app.static_folder))
    assert (directory / row.storage_name).read_bytes() == data
    page = client.get(f"/applications/{draft.id}").get_data(as_text=True)
    assert name in page
    download = client.get(f"/attachments/{row.id}", buffered=True)
    assert download.status_code == 200
    assert download.data == data
    assert download.mimetype == service.CONTENT_TYPES[kind]
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.pdf", b"<html><script>alert(1)</script></html>"),  # renamed HTML
        ("budget.xlsx", b"PK\x03\x04 not really a zip"),
        ("budget.xlsx", ooxml_bytes("ppt")),  # a presentation is not accepted
        ("plan.odt", odt_bytes("application/vnd.oasis.opendocument.spreadsheet")),
        ("plan.docx", b"MZ\x90\x00 an executable"),
        ("empty.pdf", b""),
    ],
)
def test_content_not_name_decides(app, client, world, login, make_application, session, name, data):
    draft = make_application()
    login(world.users["applicant"])
    response = _upload(client, draft.id, name, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert "Bara PDF" in page or "Filen är tom" in page
    assert session.exec(select(Attachment)).all() == []
    assert _stored_files(Path(app.config["ATTACHMENTS_DIR"])) == []


def test_a_pdf_under_any_name_is_a_pdf(client, world, login, make_application, session):
    draft = make_application()
    login(world.users["applicant"])
    assert _upload(client, draft.id, "budget.exe", pdf_bytes()).status_code == 303
    row = session.exec(select(Attachment)).one()
    assert row.kind == "pdf"
    assert client.get(f"/attachments/{row.id}", buffered=True).mimetype == "application/pdf"


def test_a_file_over_the_limit_is_413_with_a_clear_message(
    app, client, world, login, make_application, session
):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    draft = make_application()
    login(world.users["applicant"])
    response = _upload(client, draft.id, "big.pdf", pdf_bytes() + b"0" * 200_000)
    assert response.status_code == 413
    assert "Filen är större än 20 MB" in response.get_data(as_text=True)
    # Between the file limit and the body limit the service refuses it as well.
    small = _upload(client, draft.id, "big.pdf", pdf_bytes() + b"0" * 2000)
    assert small.status_code == 422
    assert session.exec(select(Attachment)).all() == []
    assert _stored_files(Path(app.config["ATTACHMENTS_DIR"])) == []


def test_twenty_megabytes_pass_where_other_bodies_stop_at_one(
    client, world, login, make_application, session
):
    draft = make_application()
    login(world.users["applicant"])
    data = pdf_bytes() + b"0" * (5 * 1024 * 1024)
    assert _upload(client, draft.id, "large.pdf", data).status_code == 303
    assert session.exec(select(Attachment)).one().size_bytes == len(data)
    token = token_of(client, "/")
    other = client.post("/logout", data={"csrf_token": token, "x": "0" * (2 * 1024 * 1024)})
    assert other.status_code == 413


def test_a_failed_transaction_leaves_no_file(
    app, client, world, login, make_application, session, monkeypatch
):
    draft = make_application()
    login(world.users["applicant"])

    def broken(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(service.audit, "record", broken)
    with pytest.raises(RuntimeError, match="database down"):  # TESTING propagates it
        _upload(client, draft.id, "plan.pdf", pdf_bytes())
    assert session.exec(select(Attachment)).all() == []
    assert _stored_files(Path(app.config["ATTACHMENTS_DIR"])) == []


def test_others_get_404_and_may_not_upload(client, world, login, make_application, session):
    draft = make_application()
    login(world.users["applicant"])
    assert _upload(client, draft.id, "plan.pdf", pdf_bytes()).status_code == 303
    row = session.exec(select(Attachment)).one()
    for name in ("outsider", "outsider_applicant", "other_applicant", "preparer", "board"):
        client.delete_cookie("session")
        login(world.users[name])
        assert client.get(f"/attachments/{row.id}", buffered=True).status_code == 404, name
        assert client.get(f"/applications/{draft.id}/attachments").status_code == 404, name
    client.delete_cookie("session")
    assert client.get(f"/attachments/{row.id}", buffered=True).status_code == 302  # to sign-in


def test_after_submission_the_beredning_reads_and_only_officers_attach(
    client, world, login, make_application, session
):
    submitted = make_application(state=State.SUBMITTED)
    login(world.users["applicant"])
    assert _upload(client, submitted.id, "plan.pdf", pdf_bytes()).status_code == 403
    client.delete_cookie("session")
    login(world.users["officer"])
    assert _upload(client, submitted.id, "budget.xlsx", FILES["xlsx"][1]).status_code == 303
    row = session.exec(select(Attachment)).one()
    client.delete_cookie("session")
    login(world.users["preparer"])
    assert client.get(f"/attachments/{row.id}", buffered=True).status_code == 200
    assert _upload(client, submitted.id, "plan.pdf", pdf_bytes()).status_code == 403


def test_removal_deletes_row_and_file_and_is_audited(
    app, client, world, login, make_application, session
):
    draft = make_application()
    login(world.users["applicant"])
    _upload(client, draft.id, "plan.pdf", pdf_bytes())
    row = session.exec(select(Attachment)).one()
    attachment_id, stored = row.id, row.storage_name
    token = token_of(client, f"/applications/{draft.id}")
    response = client.post(f"/attachments/{attachment_id}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Attachment, attachment_id) is None
    assert stored not in _stored_files(Path(app.config["ATTACHMENTS_DIR"]))
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == draft.id)).all()
    assert "attachment_added" in actions
    assert "attachment_removed" in actions


def test_the_api_uploads_lists_downloads_and_removes(
    app, client, world, make_application, api_token, session
):
    draft = make_application()
    headers = {"Authorization": f"Bearer {api_token(world.users['applicant'])}"}
    created = client.post(
        f"/api/v1/applications/{draft.id}/attachments",
        **multipart({"file": FileStorage(io.BytesIO(FILES["docx"][1]), "plan.docx")}),
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["kind"] == "docx"
    assert body["content_type"] == service.CONTENT_TYPES["docx"]
    listed = client.get(f"/api/v1/applications/{draft.id}/attachments", headers=headers)
    assert [item["id"] for item in listed.get_json()["items"]] == [body["id"]]
    meta = client.get(f"/api/v1/attachments/{body['id']}/metadata", headers=headers)
    assert meta.get_json()["sha256"] == body["sha256"]
    download = client.get(body["download_url"], headers=headers, buffered=True)
    assert download.status_code == 200
    assert download.data == FILES["docx"][1]
    assert download.headers["Content-Disposition"].startswith("attachment;")
    refused = client.post(
        f"/api/v1/applications/{draft.id}/attachments",
        **multipart({"file": FileStorage(io.BytesIO(b"#!/bin/sh\nrm -rf /"), "plan.pdf")}),
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["field"] == "file"
    outsider = {"Authorization": f"Bearer {api_token(world.users['outsider'])}"}
    assert client.get(body["download_url"], headers=outsider, buffered=True).status_code == 404
    assert client.delete(f"/api/v1/attachments/{body['id']}", headers=outsider).status_code == 404
    assert client.delete(f"/api/v1/attachments/{body['id']}", headers=headers).status_code == 200
    assert client.get(body["download_url"], headers=headers, buffered=True).status_code == 404
    assert not any(Path(app.config["ATTACHMENTS_DIR"]).iterdir())


def test_an_api_upload_over_the_limit_is_413_json(app, client, world, make_application, api_token):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    draft = make_application()
    headers = {"Authorization": f"Bearer {api_token(world.users['applicant'])}"}
    response = client.post(
        f"/api/v1/applications/{draft.id}/attachments",
        **multipart({"file": FileStorage(io.BytesIO(pdf_bytes() + b"0" * 200_000), "big.pdf")}),
        headers=headers,
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_file_names_lose_paths_and_control_characters():
    assert service.clean_filename("../../etc/passwd") == "passwd"
    assert service.clean_filename("C:\\Users\\a\\plan.pdf") == "plan.pdf"
    assert service.clean_filename("pl\x00an\r\n.pdf") == "plan.pdf"
    assert service.clean_filename("") == "bilaga"
    long = service.clean_filename("a" * 400 + ".docx")
    assert len(long) == 255
    assert long.endswith(".docx")
    assert os.sep not in service.clean_filename("a/b/c.odt")
