"""seed-scale: data in every state, consistent counters, a valid audit chain, pages load."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import text

from states.application import BY_TRIGGER, State
from tests.scale.conftest import scalar
from workflow.devdata import seed_scale
from workflow.lifecycles.application import APPLICATION


def test_seeded_data_is_consistent(app: Flask, seed, runner) -> None:  # type: ignore[no-untyped-def]
    summary = seed(2, 120, years=3)

    assert summary.associations == 2
    assert summary.applications == 120
    assert sum(summary.states.values()) == 120
    assert set(summary.states) <= {s.value for s in State}
    for state, expected in summary.states.items():
        assert scalar(app, "SELECT count(*) FROM application WHERE state = :s", s=state) == expected
    assert summary.peak_mb > 0

    # Diary numbers: gap-free per association and year, and the counter stands at the last.
    with app.extensions["db_engine"].connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT a.association_id, a.diary_year, count(*), max(a.diary_seq), c.last_seq"
            " FROM application a JOIN diary_counter c ON c.association_id = a.association_id"
            " AND c.year = a.diary_year WHERE a.diary_seq IS NOT NULL"
            " GROUP BY a.association_id, a.diary_year, c.last_seq"
        ).all()
        # A § goes to each board decision and to each delegated decision reported to the board.
        paragraphs = connection.exec_driver_sql(
            "SELECT n.association_id, n.year, count(*), max(n.paragraph), p.last_paragraph"
            " FROM (SELECT association_id, paragraph_year AS year, paragraph FROM decision"
            " WHERE paragraph IS NOT NULL UNION ALL"
            " SELECT m.association_id, i.paragraph_year, i.paragraph FROM agenda_item i"
            " JOIN meeting m ON m.id = i.meeting_id WHERE i.paragraph IS NOT NULL"
            # An application's item has its decision's §: counted once, with the decision.
            " AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.meeting_id = i.meeting_id"
            " AND d.application_id = i.application_id AND i.kind = 'application')) n"
            " JOIN paragraph_counter p ON p.association_id = n.association_id AND p.year = n.year"
            " GROUP BY n.association_id, n.year, p.last_paragraph"
        ).all()
    assert rows
    for _assoc, _year, count, highest, last in rows:
        assert count == highest == last
    assert paragraphs
    for _assoc, _year, count, highest, last in paragraphs:
        assert count == highest == last
    numbered = scalar(app, "SELECT count(*) FROM application WHERE diary_number IS NOT NULL")
    assert scalar(app, "SELECT sum(last_seq) FROM diary_counter") == numbered

    # The bench's heavy application: ten versions and twenty annotations.
    heavy = scalar(app, "SELECT min(id) FROM application")
    assert (
        scalar(app, "SELECT count(*) FROM application_version WHERE application_id = :a", a=heavy)
        == 10
    )
    assert scalar(app, "SELECT count(*) FROM annotation WHERE application_id = :a", a=heavy) >= 20

    stored = scalar(app, "SELECT count(*) FROM audit_event")
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    events = int(re.search(r"ok: (\d+) events", result.output).group(1))  # type: ignore[union-attr]
    assert events == stored > 120


def test_pages_load_on_seeded_data(app: Flask, seed, sign_in) -> None:  # type: ignore[no-untyped-def]
    seed(1, 60, years=2)
    slug = f"{seed_scale.SLUG_PREFIX}01"
    heavy = scalar(app, "SELECT min(id) FROM application")
    meeting = scalar(app, "SELECT max(id) FROM meeting WHERE state = 'protocol_signed'")
    # The later stages: a report, a LIV activity, and a protocol with a notice and a LIV §.
    report = scalar(app, "SELECT min(id) FROM report WHERE state = 'accepted'")
    liv_app = scalar(app, "SELECT min(application_id) FROM liv_agreement")
    protocol = scalar(
        app,
        "SELECT min(d.meeting_id) FROM decision d JOIN liv_year l ON l.decision_id = d.id"
        " JOIN protocol_posting p ON p.meeting_id = d.meeting_id",
    )
    assert None not in (report, liv_app, protocol)
    officer = sign_in(f"officer.1.{slug}")
    for path in (
        "/",
        "/?state=in_preparation",
        f"/applications/{heavy}",
        f"/applications/{heavy}/versions",
        f"/meetings/{meeting}",
        f"/associations/{slug}/meetings",
        f"/associations/{slug}/budget",
        f"/associations/{slug}/inbox",
        f"/associations/{slug}/preparation",
        "/workflow",
        f"/reports/{report}",
        f"/associations/{slug}/reports",
        f"/applications/{liv_app}",
        f"/applications/{liv_app}/liv",
        f"/meetings/{protocol}/protocol",
    ):
        response = officer.get(path)
        assert response.status_code == 200, (path, response.status_code)
    # The protocol shows its notice (anslag) and the LIV decision's §.
    page = officer.get(f"/meetings/{protocol}/protocol").get_data(as_text=True)
    assert "Kansliet, Samordningsförbundet" in page
    assert "Anteckning 20" in officer.get(f"/applications/{heavy}").get_data(as_text=True) or (
        scalar(app, "SELECT count(*) FROM annotation WHERE application_id = :a", a=heavy) >= 20
    )
    applicant = sign_in(f"applicant.0.{slug}")
    assert applicant.get("/").status_code == 200


def test_a_seeded_draft_submits_with_the_next_diary_number(  # type: ignore[no-untyped-def]
    app: Flask, seed, client
) -> None:
    seed(1, 80, years=1)
    row = None
    with app.extensions["db_engine"].connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT a.id, a.version, u.email FROM application a"
            " JOIN role_grant g ON g.member_id = a.lead_member_id AND g.role = 'applicant'"
            " JOIN app_user u ON u.id = g.user_id"
            " WHERE a.state = 'draft' AND a.report_plan IS NOT NULL ORDER BY a.id LIMIT 1"
        ).first()
    assert row is not None
    year = scalar(app, "SELECT max(year) FROM diary_counter")
    before = scalar(app, "SELECT last_seq FROM diary_counter WHERE year = :y", y=year)
    token = client.post(
        "/api/v1/tokens", json={"email": row.email, "password": "correct horse battery"}
    ).get_json()["token"]
    response = client.post(
        f"/api/v1/applications/{row.id}/transitions/submit",
        json={"expected_version": row.version},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["diary_number"].endswith(f"{year}/{before + 1:03d}")
    assert scalar(app, "SELECT last_seq FROM diary_counter WHERE year = :y", y=year) == before + 1


def test_copies_walk_the_machine_and_the_counters_end_where_they_do(  # type: ignore[no-untyped-def]
    app: Flask, seed
) -> None:
    # Seven years: the first two copy the templates' meetings and applications onto years
    # before any template's.
    summary = seed(2, 150, years=7)
    engine = app.extensions["db_engine"]
    today = datetime.now(UTC).date()
    with engine.connect() as connection:
        events = connection.execute(
            text(
                "SELECT entity_id, action, from_state, to_state FROM audit_event"
                " WHERE entity_type = 'application' ORDER BY chain_id, seq"
            )
        ).all()
        states = dict(connection.execute(text("SELECT id, state FROM application")).all())
        heads = connection.execute(
            text(
                "SELECT h.seq, h.hash, e.seq, e.hash FROM audit_chain_head h"
                " JOIN audit_event e ON e.chain_id = h.chain_id AND e.seq ="
                " (SELECT max(seq) FROM audit_event WHERE chain_id = h.chain_id)"
            )
        ).all()
        positions = connection.execute(
            text("SELECT meeting_id, count(*), max(position) FROM agenda_item GROUP BY meeting_id")
        ).all()
        days = connection.execute(
            text("SELECT association_id, date FROM meeting WHERE state = 'protocol_signed'")
        ).all()
    # Every copy's history is a walk of the machine from draft to the state it is in.
    current: dict[int, str] = {}
    for app_id, action, source, target in events:
        if action == "create":
            current[app_id] = target
        elif source is not None:
            assert current[app_id] == source, (app_id, action)
            assert APPLICATION.is_allowed_from(action, source), (app_id, action)
            assert str(BY_TRIGGER[action].dest) == target
            current[app_id] = target
    assert current == states
    assert sum(summary.states.values()) == len(states) == 150
    # Each chain's head is its last event; agenda positions run 1..n on every meeting.
    assert len(heads) == 2
    for head_seq, head_hash, last_seq, last_hash in heads:
        assert (head_seq, head_hash) == (last_seq, last_hash)
    assert positions
    assert all(count == highest for _meeting, count, highest in positions)
    # Meetings were held on the same days of every full year since the first.
    for assoc in {a for a, _d in days}:
        held = [d if isinstance(d, date) else date.fromisoformat(d) for a, d in days if a == assoc]
        years = {d.year for d in held}
        assert years == set(range(today.year - 6, today.year + 1))
        full = [{(d.month, d.day) for d in held if d.year == y} for y in years - {today.year}]
        assert all(f == full[0] for f in full)


def test_moving_by_whole_years_keeps_the_day_and_the_order() -> None:
    moments = [
        datetime(2024, 2, 14, 9, tzinfo=UTC),
        datetime(2024, 2, 28, 20, tzinfo=UTC),
        datetime(2024, 2, 29, 9, tzinfo=UTC),
        datetime(2024, 3, 1, 8, tzinfo=UTC),
    ]
    for years in (-1, -2, -4, -5):
        moved = [seed_scale._shift(m, years) for m in moments]
        assert moved == sorted(moved)
        assert [m.year for m in moved] == [2024 + years] * 4
        assert (moved[0].month, moved[0].day, moved[-1].month) == (2, 14, 3)
    assert seed_scale._shift(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert seed_scale._shift(date(2024, 2, 29), -4) == date(2020, 2, 29)
