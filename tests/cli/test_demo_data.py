"""`flask demo-data`: the three samordningsförbund of Jönköpings län, built through the engine."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from sqlmodel import func, select

from states.common import Role
from workflow import audit, permissions
from workflow.devdata import demo
from workflow.errors import DomainError
from workflow.models import (
    Annotation,
    Application,
    ApplicationVersion,
    Association,
    AssociationBudget,
    AuditEvent,
    Endorsement,
    Member,
    RoleGrant,
    User,
)
from workflow.operations import meetings, users
from workflow.rules import completeness
from workflow.rules import meetings as meetings_rules

EXPECTED_STATES = {
    # Two drafts, and Efterstöd's structural part (a mixed insats) made as a draft.
    "draft": 3,
    "submitted": 2,
    "in_preparation": 2,
    "completion_requested": 1,
    "prepared": 1,
    "proposed": 1,
    "withdrawn": 1,
    # One by delegation, one (Enter) by the board at the demo's signed meeting.
    "approved": 2,
    # Started, with an accepted annual report and an overdue one (issue 6, reports).
    "active": 1,
    # The seeds' years: insatser of 2017–2019 decided at past meetings, reported on and closed
    # by their accepted final reports.
    "closed": 9,
}


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _load(runner) -> str:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_data_builds_the_three_associations(runner, session) -> None:
    _load(runner)
    found = {a.slug: a for a in session.exec(select(Association)).all()}
    assert {slug: (a.name, a.diary_prefix) for slug, a in found.items()} == {
        "svb": ("Samordningsförbundet Södra Vätterbygden", "SVB"),
        "hoglandet": ("Höglandets samordningsförbund", "HSF"),
        "finnveden": ("Finnvedens samordningsförbund", "FSF"),
    }
    municipalities = {
        slug: sorted(
            m.name
            for m in session.exec(select(Member).where(Member.association_id == a.id)).all()
            if m.party == "municipality"
        )
        for slug, a in found.items()
    }
    assert municipalities == {
        "svb": ["Habo kommun", "Jönköpings kommun", "Mullsjö kommun", "Vaggeryds kommun"],
        "hoglandet": [
            "Aneby kommun",
            "Eksjö kommun",
            "Nässjö kommun",
            "Sävsjö kommun",
            "Tranås kommun",
            "Vetlanda kommun",
        ],
        "finnveden": ["Gislaveds kommun", "Gnosjö kommun", "Värnamo kommun"],
    }
    for association in found.values():
        parties = Counter(
            m.party
            for m in session.exec(
                select(Member).where(Member.association_id == association.id)
            ).all()
        )
        assert parties["af"] == parties["fk"] == parties["region"] == 1
    assert _count(session, Member) == 22
    assert all(
        m.population and m.population > 1000
        for m in session.exec(select(Member).where(Member.party == "municipality")).all()
    )


def test_demo_data_budgets_come_from_the_seeds(runner, session) -> None:
    _load(runner)
    svb = session.exec(select(Association).where(Association.slug == "svb")).one()
    rows = {
        b.year: b
        for b in session.exec(
            select(AssociationBudget).where(AssociationBudget.association_id == svb.id)
        ).all()
    }
    assert rows[2020].contributions_sek == 6_680_000  # staten 3 340 tkr, regionen 1 670 tkr
    this_year = date.today().year
    assert {this_year - 2, this_year - 1, this_year} <= set(rows)
    assert _count(session, AssociationBudget) == sum(
        len(demo.budgets_for(spec.slug, this_year)) for spec in demo.ASSOCIATIONS
    )


def test_demo_data_users_one_per_role_and_a_shared_officer(runner, session) -> None:
    _load(runner)
    assert _count(session, User) == len(demo.PEOPLE)
    admins = session.exec(select(User).where(User.is_admin)).all()
    assert [a.email for a in admins] == ["admin@example.se"]
    slugs = {a.id: a.slug for a in session.exec(select(Association)).all()}
    members = {"svb": 7, "hoglandet": 9, "finnveden": 6}
    for slug, count in members.items():
        grants = [
            g for g in session.exec(select(RoleGrant)).all() if slugs[g.association_id] == slug
        ]
        roles = Counter((g.role, g.substitute) for g in grants)
        # The board as in the seeds: a ledamot and an ersättare for every member organisation,
        # the chair and the vice chair among the ledamöter.
        assert roles == {
            # Finnveden also has Försäkringskassan's applicant (Mitt Val is theirs).
            ("applicant", False): 3 if slug == "finnveden" else 2,
            ("preparer", False): 1,
            ("officer", False): 1,
            ("board", False): count - 2,
            ("board", True): count,
            ("chair", False): 1,
            ("vice_chair", False): 1,
            ("auditor", False): 1,
        }, slug
    officer = users.find_user(session, demo.SHARED_OFFICER.email)
    assert sorted(slugs[g.association_id] for g in officer.grants if g.role == Role.OFFICER) == [
        "finnveden",
        "svb",
    ]


def test_every_printed_login_signs_in(runner, session) -> None:
    output = _load(runner)
    for person in demo.PEOPLE:
        assert person.email in output
        assert person.password in output
        user = users.authenticate(session, person.email, person.password)
        assert user is not None, person.email


def test_demo_applications_stand_in_every_expected_state(runner, session) -> None:
    output = _load(runner)
    apps = session.exec(select(Application)).all()
    assert Counter(a.state for a in apps) == EXPECTED_STATES
    assert "23 applications" in output
    for app in apps:
        assert (app.diary_number is None) == (app.state == "draft")
    numbers = sorted(a.diary_number for a in apps if a.diary_number)
    assert len(numbers) == len(set(numbers)) == 20
    se = session.exec(select(Application).where(Application.title.startswith("Supported"))).one()
    versions = session.exec(
        select(ApplicationVersion).where(ApplicationVersion.application_id == se.id)
    ).all()
    assert [v.trigger for v in sorted(versions, key=lambda v: v.number)] == ["submit", "resubmit"]
    drafts = [a for a in apps if a.state == "draft"]
    assert sorted(bool(completeness.missing_items(a)) for a in drafts) == [False, True, True]


def test_demo_steps_are_in_the_audit_chain(runner, session) -> None:
    _load(runner)
    actions = Counter(e.action for e in session.exec(select(AuditEvent)).all())
    for trigger in (
        "submit",
        "accept_for_preparation",
        "request_completion",
        "resubmit",
        "recommend",
        "propose",
        "withdraw",
        "delegated_approve",
    ):
        assert actions[trigger] >= 1, trigger
    result = audit.verify(session)
    assert result.ok, result.broken
    assert result.events == _count(session, AuditEvent)


def test_demo_data_is_idempotent(runner, session) -> None:
    _load(runner)
    counts = [_count(session, m) for m in (Association, User, Application, AuditEvent)]
    output = _load(runner)
    assert "already there" in output
    assert demo.SHARED_OFFICER.email in output  # the logins are printed again
    assert [_count(session, m) for m in (Association, User, Application, AuditEvent)] == counts


def test_demo_data_refuses_a_database_holding_part_of_it(runner, session) -> None:
    users.create_user(session, email="admin@example.se", name="Someone", password="x" * 12)
    session.commit()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 1
    assert "user admin@example.se" in result.output
    assert _count(session, Association) == 0


def test_demo_beredning_has_annotations_and_an_endorsement(runner, session) -> None:
    _load(runner)
    notes = session.exec(select(Annotation)).all()
    assert sorted((n.section, n.shared_with_applicant, n.requests_completion) for n in notes) == [
        ("budget", False, False),
        ("budget", False, False),
        ("steering_group", True, True),
    ]
    answers = session.exec(select(Endorsement)).all()
    assert [a.decision for a in answers] == ["endorse"]
    member = session.get(Member, answers[0].member_id)
    association = session.get(Association, member.association_id)
    assert (member.name, association.slug) == ("Region Jönköpings län", "svb")


def _raw() -> dict:
    """The packaged demo.toml as plain data, to spoil in a test."""
    return tomllib.loads(resources.files("workflow.devdata").joinpath("demo.toml").read_text())


def test_the_packaged_demo_file_reads_and_names_its_content() -> None:
    data = demo.read()
    assert [a.slug for a in data.associations] == ["svb", "hoglandet", "finnveden"]
    assert data.shared_officer.email == "officer.svb-fsf@example.se"
    assert [item.application for item in data.meeting.items] == ["Enter – samlad väg till arbete"]
    assert [i.title for i in data.insatser] == ["Steg framåt – stöd till unga vuxna"]


def test_a_bad_demo_file_names_the_entry() -> None:
    raw = _raw()
    raw["applications"][2]["steps"][0]["actor"] = "svb.nobody"
    raw["applications"][3]["fields"]["partners"] = ["Ingen kommun"]
    raw["people"][1]["grants"][0]["association"] = "nowhere"
    with pytest.raises(demo.DemoDataError) as caught:
        demo.parse_data(raw)
    message = str(caught.value)
    assert "applications[2] (IPS i psykosvården).steps[0].actor: no person 'svb.nobody'" in message
    assert "applications[3] (Hälsoskola för utrikes födda).fields.partners[0]" in message
    assert "people[1] (svb.applicant).grants[0]: no association 'nowhere'" in message


def test_a_malformed_demo_entry_is_named() -> None:
    raw = _raw()
    del raw["applications"][0]["steps"][1]["trigger"]
    raw["associations"][1]["budgets"][0]["year_offset"] = -1
    del raw["applications"][2]["steps"][3]["payload"]["body"]  # an annotation without its text
    with pytest.raises(demo.DemoDataError) as caught:
        demo.parse_data(raw)
    message = str(caught.value)
    assert "applications[0] (Enter – samlad väg till arbete).steps[1]" in message
    assert "trigger and verb" in message
    assert "associations[1] (hoglandet).budgets[0]" in message
    assert "applications[2] (IPS i psykosvården).steps[3]: " in message
    assert "payload.body: Field required" in message


def test_a_demo_file_that_is_no_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text("[[associations]\nslug = 1\n", encoding="utf-8")
    with pytest.raises(demo.DemoDataError, match="not valid TOML"):
        demo.read(path)


def test_relative_dates_and_years_resolve_from_the_current_year() -> None:
    fields = {
        "start_date": {"year_offset": 1, "month": 1, "day": 1},
        "budget": [{"year_offset": -2, "amount_sek": 5}],
        "proposal": "Bevilja per år {year+1}–{year+3}, beslutat {year}.",
    }
    assert demo.resolve(fields, 2030) == {
        "start_date": date(2031, 1, 1),
        "budget": [{"year": 2028, "amount_sek": 5}],
        "proposal": "Bevilja per år 2031–2033, beslutat 2030.",
    }
    budgets = demo.budgets_for("svb", 2020)
    assert budgets[2020][0] == 6_680_000  # the seed's own 2020 wins over the current year's
    assert budgets[2018][0] == 6_072_000


def test_a_step_the_engine_refuses_names_its_entry(session) -> None:
    raw = _raw()
    raw["applications"][0]["steps"][1] = {"actor": "svb.preparer", "trigger": "recommend"}
    with pytest.raises(DomainError) as caught:
        demo.build(session, data=demo.parse_data(raw))
    session.rollback()
    assert str(caught.value.message).startswith(
        "applications[0] (Enter – samlad väg till arbete).steps[1] (recommend): "
    )


def test_demo_data_reports_a_bad_file_and_changes_nothing(runner, session, monkeypatch) -> None:
    def spoiled() -> demo.DemoData:
        raw = _raw()
        raw["people"][2]["grants"][0]["member"] = "Ingen kommun"
        return demo.parse_data(raw)

    monkeypatch.setattr(demo, "load", spoiled)
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 1
    assert "demo.toml is not valid demo data" in result.output
    assert "people[2] (svb.region_applicant).grants[0]: no member 'Ingen kommun' in svb" in (
        result.output
    )
    assert _count(session, Association) == 0


def test_demo_boards_keep_quorum_when_one_ledamot_is_javig(runner, session) -> None:
    """Each demo board has a seat per member organisation: one jäv leaves it quorate."""
    _load(runner)
    for spec in demo.ASSOCIATIONS:
        association = session.exec(select(Association).where(Association.slug == spec.slug)).one()
        officer = next(
            u
            for u in session.exec(select(User)).all()
            if Role.OFFICER in permissions.roles_in(u, association.id)
        )
        meeting = meetings.create_meeting(session, association, on=date.today(), by=officer)
        board = meetings_rules.roster(session, association.id)
        ledamot = [p for p in board if p.seat == "ledamot"]
        assert len(ledamot) == len(spec.members), spec.slug
        assert {p.office for p in ledamot} == {"chair", "vice_chair", None}, spec.slug
        meetings.record_attendance(
            session, meeting, [meetings.AttendanceIn(p.user_id, True) for p in ledamot], by=officer
        )
        javig = next(p for p in ledamot if p.office is None)
        q = meetings_rules.quorum(session, meeting, recused_user_ids=[javig.user_id])
        assert (q.seats, q.filled, q.quorate) == (len(ledamot), len(ledamot) - 1, True)
        # The jävig ledamot's ersättare may take the seat for that item.
        meetings.record_attendance(
            session,
            meeting,
            [
                meetings.AttendanceIn(p.user_id, True)
                for p in board
                if p.seat == "ersattare" and p.member.id == javig.member.id
            ],
            by=officer,
        )
        q = meetings_rules.quorum(session, meeting, recused_user_ids=[javig.user_id])
        assert q.filled == len(ledamot), spec.slug
        session.rollback()
