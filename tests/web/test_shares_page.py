"""The financing associations page: readers see the shares, the lead's officers change them."""

from __future__ import annotations

from sqlmodel import select

from tests.web.conftest import text
from workflow.models.shares import InsatsShare


def _stored(session) -> list[tuple[int, int]]:
    session.rollback()
    return [(r.association_id, r.percent) for r in session.exec(select(InsatsShare)).all()]


def test_the_officer_records_the_shares_and_bad_input_is_kept(
    client, login, post, session, world, make_application
):
    app = make_application(state="submitted")
    url = f"/applications/{app.id}/shares"
    login(world.users["officer"])
    page = text(client.get(url))
    assert "Samordningsförbundet Södra Vätterbygden" in page
    assert "100 %" in page
    assert "Höglandets samordningsförbund" in page  # offered as a financing association
    assert f'href="{url}"' in text(client.get(f"/applications/{app.id}"))
    form = {"rows-0-association": "hog", "rows-0-percent": "mycket", "rows-1-association": ""}
    refused = post(url, form, from_page=url)
    assert refused.status_code == 422
    assert "mycket" in text(refused)
    assert _stored(session) == []
    refused = post(url, {**form, "rows-0-percent": "100"}, from_page=url)
    assert refused.status_code == 422
    assert "mellan 1 och 99 procent" in text(refused)
    assert _stored(session) == []
    done = post(url, {**form, "rows-0-percent": "36"}, from_page=url)
    assert done.status_code == 303
    assert _stored(session) == [(world.other_association.id, 36)]
    shown = text(client.get(url))
    assert "64 %" in shown
    assert "36 %" in shown


def test_others_read_the_shares_but_may_not_change_them(
    client, login, post, session, world, make_application
):
    app = make_application(state="submitted")
    url = f"/applications/{app.id}/shares"
    login(world.users["board"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Spara" not in text(page)
    assert (
        post(url, {"rows-0-association": "hog", "rows-0-percent": "10"}, from_page=url).status_code
        == 403
    )
    assert _stored(session) == []
    login(world.users["outsider"])
    assert client.get(url).status_code == 404
