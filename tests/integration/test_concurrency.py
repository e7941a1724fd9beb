"""Many requests at once: diary numbers stay unique and gap-free, one racer wins."""

from __future__ import annotations

import threading
from typing import Any

from sqlmodel import Session, select

from workflow import audit, engine, transaction
from workflow.errors import Conflict
from workflow.extensions import db
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, User

THREADS = 20


def _run_together(app: Any, work: Any, count: int) -> list[Any]:
    """Run `work(i)` in `count` threads released at the same instant; collect results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def runner(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
            except Exception as exc:
                results[i] = exc
                transaction.rollback()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_concurrent_submits_get_unique_gap_free_diary_numbers(
    app, session, world, make_application
):
    ids = [make_application().id for _ in range(THREADS)]
    applicant_id = world.users["applicant"].id
    session.close()

    def submit(i: int) -> str:
        s: Session = db.session
        row = s.get(Application, ids[i])
        engine.fire(APPLICATION, row, "submit", by=s.get(User, applicant_id), session=s)
        transaction.commit()
        return row.diary_number

    results = _run_together(app, submit, THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    year = session.exec(select(Application)).first().diary_year
    assert sorted(results) == [f"SVB {year}/{n:03d}" for n in range(1, THREADS + 1)]
    verification = audit.verify(session)
    assert verification.ok, verification.broken


def test_simultaneous_steps_on_one_application_exactly_one_wins(
    app, session, world, make_application
):
    app_id = make_application().id
    applicant_id = world.users["applicant"].id
    session.close()

    def submit(_i: int) -> str:
        s: Session = db.session
        row = s.get(Application, app_id)
        engine.fire(
            APPLICATION, row, "submit", by=s.get(User, applicant_id), session=s, expected_version=1
        )
        transaction.commit()
        return row.diary_number

    results = _run_together(app, submit, 4)
    wins = [r for r in results if isinstance(r, str)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1, results
    assert all(isinstance(r, Conflict) for r in losses), results
    row = session.get(Application, app_id, populate_existing=True)
    assert (row.state, row.version, row.diary_seq) == ("submitted", 2, 1)
    assert audit.verify(session).ok
