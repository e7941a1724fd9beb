"""A signed protocol anchors the audit log: the `sign` step writes a signed checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from tests.protocols.test_documents import _sign_over_the_api
from workflow.models import AuditEvent


def test_signing_writes_a_checkpoint_with_the_sign_event(
    app, api, bearer, board, closed, session, tmp_path
) -> None:
    folder = tmp_path / "revisor"
    app.config["AUDIT_CHECKPOINT_DIR"] = str(folder)
    app.config["AUDIT_CHECKPOINT_MAIL"] = "revisor@example.se"
    meeting, _ = closed()
    assert not folder.exists()
    _sign_over_the_api(api, bearer, board, meeting)
    files = sorted(folder.glob("audit-checkpoint-*.json"))
    assert len(files) == 1
    checkpoint = json.loads(files[0].read_text())
    sign = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_type == "meeting",
            AuditEvent.entity_id == meeting.id,
            AuditEvent.action == "sign",
        )
    ).one()
    anchored = {c["chain_id"]: (c["seq"], c["hash"]) for c in checkpoint["chains"]}
    assert anchored[sign.chain_id] == (sign.seq, sign.hash)
    mailed = session.execute(
        text("SELECT body FROM mail_message WHERE event = 'audit_checkpoint'")
    ).scalar_one()
    assert json.loads(mailed) == checkpoint
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(files[0])])
    assert result.exit_code == 0, result.output


def test_without_a_place_signing_writes_nothing(app, api, bearer, board, closed, session):
    meeting, _ = closed()
    _sign_over_the_api(api, bearer, board, meeting)
    assert app.config["AUDIT_CHECKPOINT_DIR"] is None
    assert not list(Path(app.config["DOCUMENTS_DIR"]).glob("audit-checkpoint-*"))
    count = session.execute(
        text("SELECT count(*) FROM mail_message WHERE event = 'audit_checkpoint'")
    ).scalar_one()
    assert count == 0
