"""The revisor's audit page: the association's log, filtered, paged, checked and exported."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from states.application import State
from tests import factories
from tests.web.conftest import text
from workflow.models import clock_at

URL = "/associations/svb/audit"


def _seqs(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-seq="(\d+)">', body)]


@pytest.fixture
def submitted(world, session, make_application):
    """An application submitted at 00:30 on 2 March in Sweden (23:30 on 1 March in UTC)."""
    with clock_at(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)):
        return make_application(title="Granskad ansökan", state=State.SUBMITTED)


@pytest.mark.parametrize("who", ["auditor", "officer", "admin"])
def test_the_log_and_its_check_are_shown(client, world, login, submitted, who):
    login(world.users[who])
    response = client.get(URL)
    assert response.status_code == 200
    body = text(response)
    assert 'id="check-chain"' in body  # the check is on request, not on every view
    assert "data-verified" not in body
    assert 'data-verified="ok"' in text(client.get(f"{URL}?check=1"))
    assert '<option value="submit"' in body  # the submit is in the log
    assert _seqs(body) == sorted(_seqs(body), reverse=True)  # newest first
    # The other association's events are not in this log.
    assert "Höglandet" not in body


def test_the_auditor_and_the_officer_find_it_in_the_menu(client, world, login):
    for who in ("auditor", "officer"):
        login(world.users[who])
        assert f'href="{URL}"' in text(client.get("/"))
    login(world.users["board"])
    assert f'href="{URL}"' not in text(client.get("/"))


def test_the_admin_finds_it_beside_the_association(client, world, login):
    login(world.users["admin"])
    assert f'href="{URL}"' in text(client.get("/admin/associations"))


@pytest.mark.parametrize("who", ["applicant", "preparer", "board", "chair"])
def test_other_roles_are_refused(client, world, login, who):
    login(world.users[who])
    assert client.get(URL).status_code == 403
    assert client.get(URL + ".csv").status_code == 403


def test_filters_by_application_and_by_who(client, world, login, submitted, make_application):
    make_application(title="Annan ansökan", state=State.SUBMITTED)
    login(world.users["auditor"])
    everything = _seqs(text(client.get(URL)))
    one = text(client.get(URL, query_string={"application": submitted.diary_number.lower()}))
    rows = _seqs(one)
    assert rows
    assert set(rows) < set(everything)
    assert f"/applications/{submitted.id}" in one
    applicant = world.users["applicant"].id
    by_applicant = text(client.get(URL, query_string={"who": applicant}))
    assert "Anna Sökande" in by_applicant
    assert "Frida Förbundschef" not in re.sub(r"<select.*?</select>", "", by_applicant, flags=re.S)


def test_dates_are_swedish_calendar_days(client, world, login, submitted):
    login(world.users["auditor"])
    on_the_second = text(
        client.get(
            URL,
            query_string={
                "from": "2026-03-02",
                "to": "2026-03-02",
                "application": submitted.diary_number,
            },
        )
    )
    assert len(_seqs(on_the_second)) >= 2  # the draft and the submit
    on_the_first = text(
        client.get(
            URL,
            query_string={"to": "2026-03-01", "application": submitted.diary_number},
        )
    )
    assert _seqs(on_the_first) == []


def test_a_bad_date_is_named(client, world, login):
    login(world.users["auditor"])
    response = client.get(URL, query_string={"from": "2026-13-40", "application": "XYZ 1/1"})
    assert response.status_code == 422
    body = text(response)
    assert 'href="#from"' in body
    assert 'href="#application"' in body


def test_the_log_is_paged(app, client, world, login, make_application):
    for n in range(3):
        make_application(title=f"Ansökan {n}", state=State.SUBMITTED)
    size = app.config["PAGE_SIZE"] = 5
    login(world.users["auditor"])
    first = _seqs(text(client.get(URL)))
    second = _seqs(text(client.get(URL, query_string={"page": 2})))
    assert len(first) == size
    assert len(second) == size
    assert max(second) < min(first)
    # A page beyond the last shows the last: it ends with the chain's first event.
    assert _seqs(text(client.get(URL, query_string={"page": 999})))[-1] == 1


def test_the_csv_holds_the_filtered_rows_of_every_page(client, world, login, submitted):
    login(world.users["auditor"])
    query = {"application": submitted.diary_number}
    shown = _seqs(text(client.get(URL, query_string=query)))
    response = client.get(URL + ".csv", query_string=query, buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert [int(r[0]) for r in rows[1:]] == shown
    # The submit, at 00:30 Swedish time.
    assert any(r[1] == "2026-03-02 00:30:00" for r in rows[1:])


def test_a_broken_chain_is_shown(client, world, session, backend, login):
    seq = factories.truncate_audit_chain(session, world.association.id, backend)
    login(world.users["auditor"])
    body = text(client.get(f"{URL}?check=1"))
    assert 'data-verified="broken"' in body
    assert str(seq) in body
