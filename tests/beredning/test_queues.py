"""The officer's inbox and the beredningsgrupp's queue: contents, filters, pages, statements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from states.application import State
from tests.api.helpers import problem_fields
from tests.sql import recorded_statements
from tests.web.conftest import text
from workflow.models import Annotation, AuditEvent, Endorsement, utcnow
from workflow.rules import queues


def _note(session, world, app, *, shared: bool, resolved: bool = False) -> None:
    preparer = world.users["preparer"]
    session.add(
        Annotation(
            association_id=world.association.id,
            application_id=app.id,
            version_number=1,
            section="goals",
            body="Se över målen.",
            shared_with_applicant=shared,
            requests_completion=False,
            author_id=preparer.id,
            resolved=resolved,
            resolved_at=utcnow() if resolved else None,
            resolved_by_id=preparer.id if resolved else None,
        )
    )


def _endorse(session, app, member, user, decision="endorse") -> None:
    session.add(
        Endorsement(
            application_id=app.id,
            member_id=member.id,
            decision=decision,
            comment=None if decision == "endorse" else "Inte i år.",
            user_id=user.id,
        )
    )


@pytest.fixture
def inbox_world(make_application, fire, world, session):
    """Applications in every state the queues care about (and some they do not)."""
    made = {
        "new": make_application(state=State.SUBMITTED, title="Ny ansökan"),
        "draft": make_application(state=State.DRAFT, title="Utkast"),
        "ready": make_application(state=State.IN_PREPARATION, title="Klar för förslag"),
        "waiting": make_application(state=State.SUBMITTED, title="Väntar på komplettering"),
        "preparing": make_application(
            state=State.IN_PREPARATION,
            title="Under beredning",
            kind="structural",
            lead_member_id=world.members["region"].id,
            partner_member_ids=[world.members["habo"].id],
        ),
        "proposed": make_application(state=State.PROPOSED, title="Föreslagen"),
    }
    fire(made["ready"], "recommend", "preparer", recommendation="approve", motivation="Bra.")
    fire(made["waiting"], "return_for_completion", "officer", reason="Budget saknas.")
    return made


# --- the services -------------------------------------------------------------------------------


def test_the_inbox_holds_new_ready_and_waiting_applications_in_that_order(
    app, session, world, inbox_world
):
    page = queues.inbox(session, world.association)
    assert [row.title for row in page.rows] == [
        "Ny ansökan",
        "Klar för förslag",
        "Väntar på komplettering",
    ]
    assert page.counts == {"submitted": 1, "prepared": 1, "completion_requested": 1}
    assert (page.total, page.pages) == (3, 1)
    row = page.rows[0]
    assert row.diary_number == inbox_world["new"].diary_number
    assert row.lead_name == "Jönköpings kommun"
    assert row.total_amount_sek == 3_000_000
    assert [(p.name, p.decision) for p in row.partners] == [
        ("Arbetsförmedlingen", None),
        ("Försäkringskassan", None),
    ]
    only = queues.inbox(session, world.association, state="prepared")
    assert [row.title for row in only.rows] == ["Klar för förslag"]
    assert only.counts == page.counts


def test_days_waiting_count_from_the_step_that_put_it_there(
    app, session, world, make_application, fire
):
    row_app = make_application(state=State.SUBMITTED)
    fire(row_app, "accept_for_preparation", "officer")
    fire(row_app, "request_completion", "preparer", reason="Mer om målgruppen.")
    fire(row_app, "resubmit", "applicant")
    fire(row_app, "accept_for_preparation", "officer")
    arrived = session.exec(
        select(func.max(AuditEvent.created_at)).where(AuditEvent.to_state == "in_preparation")
    ).one()
    later = utcnow() + timedelta(days=3, hours=1)
    row = queues.preparation(session, world.association, now=later).rows[0]
    assert row.days_waiting == 3
    assert row.waiting_since.replace(tzinfo=None) == arrived.replace(tzinfo=None)
    assert queues.preparation(session, world.association).rows[0].days_waiting == 0


def test_the_preparation_queue_counts_open_annotations_internal_and_shared(
    app, session, world, inbox_world
):
    preparing = inbox_world["preparing"]
    _note(session, world, preparing, shared=False)
    _note(session, world, preparing, shared=False)
    _note(session, world, preparing, shared=True)
    _note(session, world, preparing, shared=True, resolved=True)
    _note(session, world, inbox_world["new"], shared=False)  # not in preparation
    session.commit()
    page = queues.preparation(session, world.association)
    assert [row.title for row in page.rows] == ["Under beredning"]
    assert (page.rows[0].open_internal, page.rows[0].open_shared) == (2, 1)
    assert page.counts == {"in_preparation": 1}


def test_queue_filters_by_member_organisation_and_kind(app, session, world, inbox_world):
    habo, region, jonkoping = (world.members[k].id for k in ("habo", "region", "jonkoping"))
    as_partner = queues.preparation(session, world.association, member_id=habo)
    assert [row.title for row in as_partner.rows] == ["Under beredning"]
    as_lead = queues.preparation(session, world.association, member_id=region)
    assert [row.title for row in as_lead.rows] == ["Under beredning"]
    assert queues.preparation(session, world.association, member_id=jonkoping).rows == []
    assert queues.preparation(session, world.association, kind="individual").rows == []
    structural = queues.preparation(session, world.association, kind="structural")
    assert structural.total == 1
    fk = queues.inbox(session, world.association, member_id=world.members["fk"].id)
    assert fk.total == 3


def test_queues_are_paginated(app, session, world, make_application):
    for i in range(5):
        make_application(state=State.IN_PREPARATION, title=f"Insats {i}")
    first = queues.preparation(session, world.association, per_page=2)
    last = queues.preparation(session, world.association, page=3, per_page=2)
    beyond = queues.preparation(session, world.association, page=4, per_page=2)
    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert len(last.rows) == 1
    assert beyond.rows == []
    assert beyond.total == 5
    titles = {
        r.title
        for p in (1, 2, 3)
        for r in queues.preparation(session, world.association, page=p, per_page=2).rows
    }
    assert titles == {f"Insats {i}" for i in range(5)}


def test_another_associations_applications_never_show(app, session, world, inbox_world):
    assert queues.inbox(session, world.other_association).total == 0
    assert queues.preparation(session, world.other_association).total == 0


# --- the pages ----------------------------------------------------------------------------------


def test_the_officer_works_through_the_inbox(client, sign_in, world, inbox_world, session):
    _endorse(session, inbox_world["new"], world.members["fk"], world.users["applicant"])
    session.commit()
    sign_in("officer")
    dashboard = text(client.get("/"))
    assert 'href="/associations/svb/inbox"' in dashboard
    assert 'href="/associations/svb/preparation"' in dashboard
    body = text(client.get("/associations/svb/inbox"))
    assert body.index("Ny ansökan") < body.index("Klar för förslag")
    assert body.index("Klar för förslag") < body.index("Väntar på komplettering")
    for hidden in ("Utkast", "Under beredning", "Föreslagen"):
        assert hidden not in body
    assert inbox_world["new"].diary_number in body
    assert 'data-days="0"' in body
    assert body.count("endorsement--endorse") == 1
    assert '<span data-state="submitted">1</span>' in body
    filtered = text(client.get("/associations/svb/inbox?state=completion_requested"))
    assert "Väntar på komplettering" in filtered
    assert "Ny ansökan</a>" not in filtered


def test_the_preparation_queue_page_filters_and_counts(
    client, sign_in, world, inbox_world, session
):
    _note(session, world, inbox_world["preparing"], shared=False)
    _note(session, world, inbox_world["preparing"], shared=True)
    session.commit()
    sign_in("preparer")
    dashboard = text(client.get("/"))
    assert 'href="/associations/svb/preparation"' in dashboard
    assert 'href="/associations/svb/inbox"' not in dashboard
    body = text(client.get("/associations/svb/preparation"))
    assert "Under beredning" in body
    assert '<td class="num" data-open="internal">1</td>' in body
    assert '<td class="num" data-open="shared">1</td>' in body
    habo = world.members["habo"].id
    assert "Under beredning" in text(client.get(f"/associations/svb/preparation?member={habo}"))
    none = text(client.get("/associations/svb/preparation?kind=individual"))
    assert "Under beredning" not in none
    # Nonsense filters are ignored rather than refused.
    assert client.get("/associations/svb/preparation?member=x&kind=y&page=-3").status_code == 200


def test_the_queue_page_paginates(client, sign_in, world, make_application, app):
    app.config["PAGE_SIZE"] = 2
    for i in range(3):
        make_application(state=State.IN_PREPARATION, title=f"Insats {i}")
    sign_in("officer")
    first = text(client.get("/associations/svb/preparation"))
    assert 'href="/associations/svb/preparation?page=2"' in first
    second = text(client.get("/associations/svb/preparation?page=2"))
    assert second.count("data-application=") == 1
    assert text(client.get("/associations/svb/preparation?page=9")).count("data-application=") == 1


@pytest.mark.parametrize(
    ("who", "inbox", "preparation"),
    [
        ("preparer", 403, 200),
        ("applicant", 403, 403),
        ("board", 403, 403),
        ("admin", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_who_sees_which_queue_page(client, sign_in, world, who, inbox, preparation):
    sign_in(who)
    assert client.get("/associations/svb/inbox").status_code == inbox
    assert client.get("/associations/svb/preparation").status_code == preparation


@pytest.mark.parametrize("path", ["/associations/svb/preparation", "/associations/svb/inbox"])
def test_a_queue_page_sends_as_many_statements_for_2_rows_as_for_20(
    app, client, sign_in, world, make_application, session, path
):
    state = State.SUBMITTED if path.endswith("inbox") else State.IN_PREPARATION
    sign_in("officer")

    def add_rows(count: int) -> None:
        for i in range(count):
            row = make_application(state=state, title=f"Insats {i}")
            _note(session, world, row, shared=bool(i % 2))
            _endorse(session, row, world.members["fk"], world.users["applicant"])
            session.commit()

    def statements_on_the_page(rows: int) -> int:
        with recorded_statements(app) as seen:
            response = client.get(path)
        assert response.status_code == 200
        assert text(response).count("data-application=") == rows
        return len(seen)

    add_rows(2)
    few = statements_on_the_page(2)
    add_rows(18)
    assert statements_on_the_page(20) == few


# --- the API ------------------------------------------------------------------------------------


def test_the_inbox_over_the_api(api, bearer, world, inbox_world, session):
    _endorse(session, inbox_world["new"], world.members["af"], world.users["applicant"], "decline")
    session.commit()
    response = api.get("/api/v1/associations/svb/queues/inbox", token=bearer("officer"))
    assert response.status_code == 200
    body = response.get_json()
    assert [item["title"] for item in body["items"]] == [
        "Ny ansökan",
        "Klar för förslag",
        "Väntar på komplettering",
    ]
    assert body["counts"] == {"submitted": 1, "prepared": 1, "completion_requested": 1}
    first = body["items"][0]
    assert first["lead_member"]["name"] == "Jönköpings kommun"
    assert {p["name"]: p["decision"] for p in first["partners"]} == {
        "Arbetsförmedlingen": "decline",
        "Försäkringskassan": None,
    }
    assert first["days_waiting"] == 0
    paged = api.get(
        "/api/v1/associations/svb/queues/inbox?per_page=1&page=2&state=prepared",
        token=bearer("officer"),
    ).get_json()
    assert (paged["total"], paged["pages"], paged["items"]) == (1, 1, [])


def test_the_preparation_queue_over_the_api(api, bearer, world, inbox_world, session):
    _note(session, world, inbox_world["preparing"], shared=True)
    session.commit()
    habo = world.members["habo"].id
    response = api.get(
        f"/api/v1/associations/svb/queues/preparation?member_id={habo}&kind=structural",
        token=bearer("preparer"),
    )
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["title"] for item in items] == ["Under beredning"]
    assert items[0]["open_annotations"] == {"internal": 0, "shared": 1}


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("preparer", "inbox", 403),
        ("applicant", "preparation", 403),
        ("auditor", "preparation", 403),
        ("outsider", "inbox", 404),
    ],
)
def test_queue_api_roles(api, bearer, world, who, path, status):
    response = api.get(f"/api/v1/associations/svb/queues/{path}", token=bearer(who))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("member_id=999999", "member_id"),
        ("kind=both", "kind"),
        ("state=draft", "state"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("colour=red", "colour"),
    ],
)
def test_bad_queue_filters_are_422(api, bearer, world, query, field):
    response = api.get(f"/api/v1/associations/svb/queues/inbox?{query}", token=bearer("officer"))
    assert response.status_code == 422
    assert problem_fields(response) == [field]


def test_a_member_of_another_association_is_no_filter(api, bearer, world):
    other = world.other_members["nassjo"].id
    response = api.get(
        f"/api/v1/associations/svb/queues/preparation?member_id={other}", token=bearer("officer")
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["member_id"]
