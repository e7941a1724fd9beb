"""The public notice board (anslagstavla): notices, the published PDF, the Atom feed, caching."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlmodel import Session

from tests import factories
from tests.protocols.conftest import (  # noqa: F401 - fixtures, used by name
    attend,
    board,
    budgets,
    closed,
    decide,
    place,
    plan,
    proposed,
    sign_in,
    signed,
    step,
)
from tests.sql import recorded_statements
from workflow.models import Meeting, clock_at, today
from workflow.operations import associations, protocols
from workflow.rules.protocols import last_appeal_day, legal_force_date

ATOM = "{http://www.w3.org/2005/Atom}"
# The earlier meeting is held and posted this many days ago: its appeal time has run out.
EARLIER_DAYS = 60


@pytest.fixture
def posted(
    session: Session,
    world: factories.World,
    signed: Callable[..., tuple[Meeting, list[Any]]],  # noqa: F811
) -> Callable[..., Meeting]:
    """Sign a meeting's protocol and post its notice `days_ago` days back (by the real steps)."""

    def _posted(days_ago: int = 0, kept_at: str = "Kansliet, Förbundshuset") -> Meeting:
        day = today() - timedelta(days=days_ago)
        # The clock stands on the day: the justering and the posting happened then.
        with clock_at(datetime.combine(day, time(10), tzinfo=UTC)):
            meeting, _ = signed(on=day - timedelta(days=2))
            protocols.record_posting(
                session, meeting, posted_on=day, kept_at=kept_at, by=world.users["officer"]
            )
            session.commit()
        return meeting

    return _posted


def _publish(session: Session, world: factories.World, on: bool) -> None:
    associations.update_settings(
        session, world.association, by=world.users["officer"], publish_protocols=on
    )
    session.commit()


def _board(world: factories.World) -> str:
    return f"/anslagstavla/{world.association.slug}"


def test_the_board_shows_current_and_earlier_notices_in_swedish(client, world, posted):
    earlier = posted(days_ago=EARLIER_DAYS, kept_at="Arkivet, Storgatan 1")
    current = posted()
    response = client.get(_board(world))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Anslag just nu" in html
    assert "Tidigare anslag" in html
    # The notice still up comes first, under its heading; the older one under the other.
    now_at, before_at = html.index("Anslag just nu"), html.index("Tidigare anslag")
    assert now_at < html.index(f'id="protokoll-{current.id}"') < before_at
    assert before_at < html.index(f'id="protokoll-{earlier.id}"')
    posted_today = today()
    for text in (
        "Styrelsen",
        f"Protokoll från styrelsens sammanträde {current.date.isoformat()}",
        f"Protokoll från styrelsens sammanträde {earlier.date.isoformat()}",
        "Sista dag att överklaga",
        last_appeal_day(posted_today).isoformat(),
        legal_force_date(posted_today).isoformat(),
        posted_today.isoformat(),
        "Förvaras: Kansliet, Förbundshuset",
        "Förvaras: Arkivet, Storgatan 1",
        "Tiden för att överklaga har gått ut",
    ):
        assert text in html, text
    # No PDF link while the association does not publish its protocols.
    assert ".pdf" not in html


def test_the_pdf_is_linked_and_served_only_when_published(session, client, world, posted):
    meeting = posted()
    pdf = f"{_board(world)}/protokoll/{meeting.id}.pdf"
    assert client.get(pdf).status_code == 404
    _publish(session, world, True)
    html = client.get(_board(world)).get_data(as_text=True)
    assert f'href="{pdf}"' in html
    assert "Förvaras:" not in html
    answer = client.get(pdf)
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    _publish(session, world, False)
    assert client.get(pdf).status_code == 404


def test_no_pdf_for_a_protocol_not_posted_or_not_signed(session, client, world, signed, closed):  # noqa: F811
    _publish(session, world, True)
    unposted, _ = signed(on=today() - timedelta(days=2))
    unsigned, _ = closed(on=today() - timedelta(days=3))
    for meeting in (unposted, unsigned):
        assert client.get(f"{_board(world)}/protokoll/{meeting.id}.pdf").status_code == 404
    assert client.get(f"{_board(world)}/protokoll/999999.pdf").status_code == 404
    html = client.get(_board(world)).get_data(as_text=True)
    assert "Inga protokoll har anslagits ännu." in html


def test_another_associations_meeting_is_not_on_this_board(session, client, world, posted):
    meeting = posted()
    other = factories.association(session, slug="annat", name="Annat förbund")
    session.commit()
    associations.update_settings(session, other, by=world.users["admin"], publish_protocols=True)
    session.commit()
    assert client.get(f"/anslagstavla/annat/protokoll/{meeting.id}.pdf").status_code == 404
    assert f"protokoll-{meeting.id}" not in client.get("/anslagstavla/annat").get_data(as_text=True)


def test_the_feed_is_atom_with_the_notices(session, client, world, posted):
    earlier = posted(days_ago=EARLIER_DAYS)
    current = posted()
    response = client.get(f"{_board(world)}/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    feed = ET.fromstring(response.data)  # noqa: S314 - the app's own answer
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == f"http://localhost{_board(world)}"
    assert feed.findtext(f"{ATOM}updated", "").startswith(today().isoformat())
    alternate = feed.find(f"{ATOM}link[@rel='alternate']")
    assert alternate is not None
    assert alternate.get("href") == f"http://localhost{_board(world)}"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"Protokoll från styrelsens sammanträde {current.date.isoformat()}",
        f"Protokoll från styrelsens sammanträde {earlier.date.isoformat()}",
    ]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2
    assert all(ids)
    first = entries[0]
    assert first.findtext(f"{ATOM}updated", "").startswith(today().isoformat())
    summary = first.findtext(f"{ATOM}summary", "")
    assert f"Sista dag att överklaga är {last_appeal_day(today()).isoformat()}." in summary
    assert "Kansliet, Förbundshuset" in summary


def test_the_list_of_boards_links_each_association(session, client, world):
    factories.association(session, slug="annat", name="Annat förbund")
    session.commit()
    response = client.get("/anslagstavla")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/anslagstavla/{world.association.slug}"' in html
    assert 'href="/anslagstavla/annat"' in html
    assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("suffix", ["", "/feed.atom", "/protokoll/1.pdf"])
def test_an_unknown_association_is_404(client, world, suffix):
    assert client.get(f"/anslagstavla/finns-inte{suffix}").status_code == 404


@pytest.mark.parametrize("path", ["/anslagstavla", "{board}", "{board}/feed.atom"])
def test_public_and_no_session_cookie(client, world, posted, path):
    posted()
    url = path.format(board=_board(world))
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


def test_signed_in_users_see_the_same_page(client, world, posted, sign_in):  # noqa: F811
    posted()
    anonymous = client.get(_board(world)).get_data(as_text=True)
    sign_in("officer")  # chooses English: the board stays Swedish
    response = client.get(_board(world))
    assert response.get_data(as_text=True) == anonymous
    assert "Set-Cookie" not in response.headers


def test_the_board_is_paginated_newest_first(app, client, world, posted):
    app.config["PAGE_SIZE"] = 1
    first = posted(days_ago=EARLIER_DAYS)
    second = posted()
    html = client.get(_board(world)).get_data(as_text=True)
    assert f'id="protokoll-{second.id}"' in html
    assert f'id="protokoll-{first.id}"' not in html
    assert 'rel="next"' in html
    html = client.get(f"{_board(world)}?page=2").get_data(as_text=True)
    assert f'id="protokoll-{first.id}"' in html
    assert "Tidigare anslag" in html
    assert "Anslag just nu" not in html


def test_the_setting_is_saved_from_the_settings_page_and_the_api(
    session, client, world, login, post
):
    login(world.users["officer"])
    url = f"/admin/associations/{world.association.slug}"
    response = post(
        url,
        {"name": world.association.name, "publish_protocols": "y", "notice_days": "7"},
        from_page=url,
    )
    assert response.status_code == 303
    session.refresh(world.association)
    assert world.association.publish_protocols is True
    token = client.post(
        "/api/v1/tokens",
        json={"email": world.users["officer"].email, "password": factories.PASSWORD},
    ).get_json()["token"]
    answer = client.patch(
        f"/api/v1/associations/{world.association.slug}",
        json={"publish_protocols": False},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    assert answer.get_json()["publish_protocols"] is False
    session.refresh(world.association)
    assert world.association.publish_protocols is False


def test_the_board_costs_the_same_statements_with_more_notices(app, client, world, posted):
    """One notice or two: the page and the feed send the same number of statements."""
    app.extensions.pop("page_cache", None)  # every request renders (no stored page)

    def counts() -> tuple[int, int]:
        with recorded_statements(app) as page:
            client.get(_board(world))
        with recorded_statements(app) as feed:
            client.get(f"{_board(world)}/feed.atom")
        return len(page), len(feed)

    posted(days_ago=EARLIER_DAYS)
    one = counts()
    posted()
    assert counts() == one
