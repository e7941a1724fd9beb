"""The verbs check who may, not only the views in front of them (issue 15, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from states.application import State
from tests import factories
from workflow.errors import Forbidden, ValidationFailed
from workflow.models.security import Attachment
from workflow.operations import associations, attachments, reports, twofactor, users


def test_only_officers_set_the_reporting_dates(session, world):
    for who in ("preparer", "board", "chair", "applicant", "outsider"):
        with pytest.raises(Forbidden):
            reports.save_settings(
                session, world.association.id, month=3, day=31, final_days=90, by=world.users[who]
            )
    settings = reports.save_settings(
        session, world.association.id, month=3, day=31, final_days=90, by=world.users["officer"]
    )
    assert (settings.annual_due_month, settings.annual_due_day) == (3, 31)


def test_a_file_is_recorded_only_for_who_may_attach_it(session, world, tmp_path: Path):
    app = factories.application(session, world, state=State.DRAFT)
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.4 test")
    staged = attachments.Staged(path, "0" * 32, "plan.pdf", "pdf", 13, "0" * 64)
    for who in ("board", "auditor", "other_applicant"):
        with pytest.raises(Forbidden):
            attachments.add(session, app, staged, by=world.users[who])
    assert session.exec(select(Attachment)).first() is None
    row = attachments.add(session, app, staged, by=world.users["applicant"])
    assert row.uploaded_by_id == world.users["applicant"].id


def test_only_an_administrator_resets_someone_elses_second_factor(session, world):
    officer = world.users["officer"]
    twofactor.start_enrolment(session, officer)
    with pytest.raises(Forbidden):
        twofactor.reset(session, officer, by=world.users["chair"])
    assert twofactor.record_for(session, officer) is not None
    assert twofactor.reset(session, officer, by=world.users["admin"])
    assert twofactor.record_for(session, officer) is None


def test_members_and_users_are_added_by_who_manages_the_association(session, world):
    for who in ("preparer", "board", "applicant", "outsider"):
        with pytest.raises(Forbidden):
            associations.add_member(
                session,
                world.association,
                name="Mullsjö kommun",
                party="municipality",
                by=world.users[who],
            )
        with pytest.raises(Forbidden):
            users.create_user(
                session,
                email=f"ny.{who}@example.se",
                name="Ny",
                password=factories.PASSWORD,
                association=world.association,
                roles=[{"role": "preparer"}],
                by=world.users[who],
            )
    member = associations.add_member(
        session,
        world.association,
        name="Mullsjö kommun",
        party="municipality",
        population=7_000,
        by=world.users["officer"],
    )
    assert member.association_id == world.association.id


def test_only_administrators_create_associations_and_users_outside_one(session, world):
    with pytest.raises(Forbidden):
        associations.create_association(
            session, slug="ny", name="Nytt förbund", diary_prefix="NY", by=world.users["officer"]
        )
    with pytest.raises(Forbidden):
        users.create_user(
            session,
            email="admin2@example.se",
            name="Admin",
            password=factories.PASSWORD,
            is_admin=True,
            by=world.users["officer"],
        )
    created = associations.create_association(
        session, slug="ny", name="Nytt förbund", diary_prefix="NY", by=world.users["admin"]
    )
    assert created.id is not None


def test_a_further_role_is_granted_by_a_manager_and_only_once(session, world):
    preparer = world.users["preparer"]
    with pytest.raises(Forbidden):
        users.grant_roles(
            session, preparer, world.association, [{"role": "auditor"}], by=world.users["board"]
        )
    users.grant_roles(
        session, preparer, world.association, [{"role": "auditor"}], by=world.users["officer"]
    )
    assert {g.role for g in preparer.grants} == {"preparer", "auditor"}
    with pytest.raises(ValidationFailed) as again:
        users.grant_roles(
            session, preparer, world.association, [{"role": "auditor"}], by=world.users["officer"]
        )
    assert [p.field for p in again.value.problems] == ["roles.0"]
