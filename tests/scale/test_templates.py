"""seed-scale's templates: built by the operations and the engine, every path to its state."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session, select

from states.application import BY_TRIGGER
from workflow import audit
from workflow.devdata import seed_templates
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, AuditEvent


def test_every_template_reaches_its_state_by_a_walk_of_the_machine(
    app: Flask, session: Session
) -> None:
    world = seed_templates.build(session, password_hash="x", variants=1)
    built = {t.id: t for ts in world.templates.values() for t in ts}
    assert set(world.templates) == {*seed_templates.PATHS, "heavy"}
    for template in built.values():
        row = session.get(Application, template.id)
        assert row is not None
        assert row.state == template.state, template
    # The history the engine recorded is a walk of the machine ending in the row's state.
    current: dict[int, str] = {}
    for event in session.exec(
        select(AuditEvent).where(AuditEvent.entity_type == "application").order_by(AuditEvent.seq)  # type: ignore[arg-type]
    ).all():
        if event.action == "create":
            current[event.entity_id] = event.to_state  # type: ignore[index]
        elif event.from_state is not None:
            assert current[event.entity_id] == event.from_state  # type: ignore[index]
            assert APPLICATION.is_allowed_from(event.action, event.from_state), event.action
            assert str(BY_TRIGGER[event.action].dest) == event.to_state
            current[event.entity_id] = event.to_state  # type: ignore[index]
    assert {i: current[i] for i in built} == {i: t.state for i, t in built.items()}
    assert audit.verify(session).ok
