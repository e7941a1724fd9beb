"""Signed protocols' PDFs: built by the job after `sign` and after the posting, served from disk."""

from __future__ import annotations

import uuid
from pathlib import Path

from redis import Redis
from rq import Queue, SimpleWorker
from sqlmodel import select

from tests.protocols.test_api import _pdf_text
from workflow.models import Decision
from workflow.operations import documents, protocols

REDIS = "redis://127.0.0.1:6379/0"


def _files(app) -> dict[str, bytes]:
    folder = Path(app.config["DOCUMENTS_DIR"])
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pdf"))} if folder.is_dir() else {}


def _decision_id(session, meeting, app) -> int:
    """The board's decision on `app` at `meeting` (an extract's file is named by it)."""
    return session.exec(
        select(Decision.id).where(
            Decision.meeting_id == meeting.id, Decision.application_id == app.id
        )
    ).one()


def _sign_over_the_api(api, bearer, board, meeting) -> None:
    base = f"/api/v1/meetings/{meeting.id}"
    justered = api.post(f"{base}/protocol/justering", token=bearer(board.ledamot["habo"]))
    assert justered.status_code == 201
    signed = api.post(f"{base}/transitions/sign", token=bearer("chair"))
    assert signed.get_json()["state"] == "protocol_signed", signed.get_json()


def test_the_sign_step_stores_the_protocol_and_each_extract(
    app, api, bearer, board, closed, session
):
    meeting, (first, second) = closed()
    assert _files(app) == {}
    _sign_over_the_api(api, bearer, board, meeting)
    names = sorted(_files(app))
    assert [n.rsplit("-", 1)[0] for n in names] == [
        f"extract-{meeting.id}-{_decision_id(session, meeting, first)}",
        f"extract-{meeting.id}-{_decision_id(session, meeting, second)}",
        f"protocol-{meeting.id}",
    ]


def test_a_download_is_the_stored_file(app, client, api, bearer, board, closed, session):
    meeting, (first, _) = closed()
    _sign_over_the_api(api, bearer, board, meeting)
    stored = _files(app)
    auth = {"Authorization": f"Bearer {bearer('board')}"}
    answer = client.get(f"/api/v1/meetings/{meeting.id}/protocol.pdf", headers=auth)
    assert answer.status_code == 200
    protocol_file = next(v for k, v in stored.items() if k.startswith("protocol-"))
    assert answer.data == protocol_file
    extract = client.get(
        f"/api/v1/applications/{first.id}/protocol-extract.pdf",
        headers={"Authorization": f"Bearer {bearer('applicant')}"},
    )
    assert (
        extract.data
        == stored[
            next(
                k
                for k in stored
                if k.startswith(f"extract-{meeting.id}-{_decision_id(session, meeting, first)}-")
            )
        ]
    )


def test_the_posting_replaces_the_files_with_the_notice(app, client, api, bearer, board, closed):
    meeting, _ = closed()
    _sign_over_the_api(api, bearer, board, meeting)
    before = _files(app)
    posted = api.request(
        "PUT",
        f"/api/v1/meetings/{meeting.id}/protocol/posting",
        token=bearer("officer"),
        json={"posted_on": protocols.local_today().isoformat()},
    )
    assert posted.status_code == 200, posted.get_json()
    after = _files(app)
    assert len(after) == len(before) == 3
    assert not set(after) & set(before)  # every document shows the notice: all new, old gone
    protocol_file = next(v for k, v in after.items() if k.startswith("protocol-"))
    assert "ANSLAG/BEVIS" in _pdf_text(protocol_file)
    answer = client.get(
        f"/api/v1/meetings/{meeting.id}/protocol.pdf",
        headers={"Authorization": f"Bearer {bearer('board')}"},
    )
    assert answer.data == protocol_file


def test_a_lost_file_is_rendered_again_and_stored(app, client, api, bearer, board, closed):
    meeting, _ = closed()
    _sign_over_the_api(api, bearer, board, meeting)
    folder = Path(app.config["DOCUMENTS_DIR"])
    for path in folder.glob("protocol-*.pdf"):
        path.unlink()
    answer = client.get(
        f"/api/v1/meetings/{meeting.id}/protocol.pdf",
        headers={"Authorization": f"Bearer {bearer('board')}"},
    )
    assert answer.status_code == 200
    assert "Protokoll" in _pdf_text(answer.data)
    rebuilt = [p.read_bytes() for p in folder.glob("protocol-*.pdf")]
    assert rebuilt == [answer.data]


def test_a_draft_protocol_is_never_stored(app, client, api, bearer, closed):
    meeting, _ = closed()
    answer = client.get(
        f"/api/v1/meetings/{meeting.id}/protocol.pdf",
        headers={"Authorization": f"Bearer {bearer('board')}"},
    )
    assert answer.status_code == 200
    assert _files(app) == {}
    # The job leaves an unsigned meeting alone, and a meeting that is gone.
    assert documents.build_protocol_documents(meeting.id) == 0
    assert documents.build_protocol_documents(999_999) == 0


def test_the_job_writes_only_what_is_missing(app, api, bearer, board, closed):
    meeting, _ = closed()
    _sign_over_the_api(api, bearer, board, meeting)
    assert documents.build_protocol_documents(meeting.id) == 0
    folder = Path(app.config["DOCUMENTS_DIR"])
    next(folder.glob("extract-*.pdf")).unlink()
    assert documents.build_protocol_documents(meeting.id) == 1


def test_a_refused_step_queues_nothing(app, api, bearer, board, closed):
    meeting, _ = closed()
    # The chair cannot sign before the justerare: refused, so no job and no file.
    refused = api.post(f"/api/v1/meetings/{meeting.id}/transitions/sign", token=bearer("chair"))
    assert refused.status_code in (409, 422)
    assert _files(app) == {}


def test_with_redis_a_worker_builds_the_files(app, api, bearer, board, closed):
    meeting, _ = closed()
    app.config.update(
        REDIS_URL=REDIS, JOB_QUEUE=f"test-{uuid.uuid4().hex}", JOB_QUEUE_ASYNC=True
    )  # the `app` fixture drops this queue afterwards
    _sign_over_the_api(api, bearer, board, meeting)
    assert _files(app) == {}  # queued, not yet built: the step did not wait for the PDFs
    connection = Redis.from_url(REDIS)
    queue = Queue(app.config["JOB_QUEUE"], connection=connection)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert len(_files(app)) == 3
