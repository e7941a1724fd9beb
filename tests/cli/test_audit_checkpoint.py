"""Signed audit checkpoints: `flask audit-checkpoint`, and `verify-audit --checkpoint` finding a
log cut short or rewritten behind the triggers' back (as the schema's owner could)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from workflow import audit
from workflow.models import AuditEvent


def _events(session) -> list[dict[str, Any]]:
    table = AuditEvent.__table__
    return [dict(r._mapping) for r in session.execute(table.select().order_by(table.c.id))]


def _rewrite(session, backend: str, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Empty both audit tables and insert the events again, changed and re-hashed.

    The attack of an owner of the schema: a chain that checks out by itself. PostgreSQL's
    TRUNCATE passes the row triggers; SQLite's DELETE needs them gone (a per-test file).
    """
    rows = _events(session)
    change(rows)
    if backend == "postgresql":
        session.execute(text("TRUNCATE audit_event, audit_chain_head"))
    else:
        for trigger in ("audit_event_no_delete", "audit_chain_head_no_delete"):
            session.execute(text(f"DROP TRIGGER {trigger}"))
        session.execute(text("DELETE FROM audit_event"))
        session.execute(text("DELETE FROM audit_chain_head"))
    heads: dict[int, tuple[int, str]] = {}
    for row in rows:
        seq, prev = heads.get(row["chain_id"], (0, audit.GENESIS))
        row.update(seq=seq + 1, prev_hash=prev)
        row["hash"] = audit.row_hash(row)
        heads[row["chain_id"]] = (row["seq"], row["hash"])
    if rows:
        session.execute(AuditEvent.__table__.insert(), rows)
        session.execute(
            text("INSERT INTO audit_chain_head (chain_id, seq, hash) VALUES (:c, :s, :h)"),
            [{"c": c, "s": s, "h": h} for c, (s, h) in heads.items()],
        )
    session.commit()


def _drop_newest_of(chain_id: int) -> Callable[[list[dict[str, Any]]], None]:
    def change(rows: list[dict[str, Any]]) -> None:
        newest = max((r for r in rows if r["chain_id"] == chain_id), key=lambda r: r["seq"])
        rows.remove(newest)

    return change


@pytest.fixture
def folder(app, tmp_path: Path) -> Path:
    """The revisor's checkpoint folder, configured."""
    target = tmp_path / "revisor"
    app.config["AUDIT_CHECKPOINT_DIR"] = str(target)
    return target


def _checkpoint(runner) -> Path:
    result = runner.invoke(args=["audit-checkpoint"])
    assert result.exit_code == 0, result.output
    return Path(result.output.split("written to ", 1)[1].split()[0])


def test_the_command_writes_a_signed_checkpoint_of_every_chain(
    runner, session, world, make_application, folder
) -> None:
    make_application(state="submitted")
    path = _checkpoint(runner)
    assert path.parent == folder
    data = json.loads(path.read_text())
    rows = _events(session)
    assert data["events"] == len(rows) > 5
    newest = {r["chain_id"]: (r["seq"], r["hash"]) for r in rows}
    assert {c["chain_id"]: (c["seq"], c["hash"]) for c in data["chains"]} == newest
    assert len(data["signature"]) == 64
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"ok: {len(rows)} events"


def test_without_a_place_the_command_refuses(runner, world) -> None:
    result = runner.invoke(args=["audit-checkpoint"])
    assert result.exit_code == 1
    assert "AUDIT_CHECKPOINT_DIR" in result.output


def test_the_checkpoint_can_also_be_mailed(app, runner, session, world, tmp_path) -> None:
    app.config["AUDIT_CHECKPOINT_MAIL"] = "revisor@example.se"
    out = tmp_path / "cp.json"
    result = runner.invoke(args=["audit-checkpoint", "--out", str(out)])
    assert result.exit_code == 0, result.output
    body = session.execute(
        text("SELECT to_email, body FROM mail_message WHERE event = 'audit_checkpoint'")
    ).one()
    assert body[0] == "revisor@example.se"
    assert json.loads(body[1]) == json.loads(out.read_text())


def test_an_altered_checkpoint_is_refused(runner, world, folder) -> None:
    path = _checkpoint(runner)
    data = json.loads(path.read_text())
    data["events"] -= 1
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert "signature does not match" in result.output


def test_a_checkpoint_under_another_key_is_refused(app, runner, world, folder) -> None:
    path = _checkpoint(runner)
    app.config["AUDIT_CHECKPOINT_KEY"] = "another key"
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert "signature does not match" in result.output


def test_a_log_cut_short_and_rebuilt_is_reported(
    runner, session, backend, world, make_application, folder
) -> None:
    make_application(state="submitted")
    _checkpoint(runner)
    chain = world.association.id
    before = max(r["seq"] for r in _events(session) if r["chain_id"] == chain)
    _rewrite(session, backend, _drop_newest_of(chain))
    # The chain alone checks out: that is the attack.
    alone = runner.invoke(args=["verify-audit"])
    assert alone.exit_code == 0, alone.output
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(folder)])
    assert result.exit_code == 1
    assert (
        f"broken: chain {chain} at seq {before} (checkpoint): shortened; the checkpoint anchors"
        f" seq {before}, the log ends at {before - 1}"
    ) in result.output
    assert "1 broken chain(s)" in result.output


def test_a_log_emptied_is_reported(runner, session, backend, world, folder) -> None:
    _checkpoint(runner)
    _rewrite(session, backend, lambda rows: rows.clear())
    assert runner.invoke(args=["verify-audit"]).output.strip() == "ok: 0 events"
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(folder)])
    assert result.exit_code == 1
    assert "shortened" in result.output


def test_a_rewritten_event_is_reported(runner, session, backend, world, folder) -> None:
    _checkpoint(runner)
    chain = world.association.id

    def change(rows: list[dict[str, Any]]) -> None:
        first = next(r for r in rows if r["chain_id"] == chain)
        first["reason"] = "skrivet om i efterhand"

    _rewrite(session, backend, change)
    assert runner.invoke(args=["verify-audit"]).exit_code == 0
    result = runner.invoke(args=["verify-audit", "--checkpoint", str(folder)])
    assert result.exit_code == 1
    assert f"broken: chain {chain} at seq" in result.output
    assert "rewritten; the event the checkpoint anchors has another hash now" in result.output


def test_the_newest_checkpoint_given_counts(
    runner, session, backend, world, make_application, folder
) -> None:
    older = _checkpoint(runner)
    make_application(state="submitted")
    _checkpoint(runner)
    _rewrite(session, backend, _drop_newest_of(world.association.id))
    # The older checkpoint anchors events that are still there…
    assert runner.invoke(args=["verify-audit", "--checkpoint", str(older)]).exit_code == 0
    # …the newest (in the folder, or among the files given) does not.
    newest = runner.invoke(args=["verify-audit", "--checkpoint", str(folder)])
    assert newest.exit_code == 1
    assert "shortened" in newest.output
    files = [arg for p in sorted(folder.iterdir()) for arg in ("--checkpoint", str(p))]
    assert runner.invoke(args=["verify-audit", *files]).exit_code == 1
