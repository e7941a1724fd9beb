"""Searching the application list by title or diary number: page, CSV and API alike."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from states.application import State
from tests.web.conftest import text
from workflow import limits


def _titles(body: str) -> set[str]:
    return set(re.findall(r'<a href="/applications/\d+">([^<]+)</a>', body))


@pytest.fixture
def listed(world, make_application) -> dict[str, Any]:
    """Three submitted applications (with diary numbers) and a draft of the applicant's own."""
    return {
        "youth": make_application(title="Ungdomar i arbete", state=State.SUBMITTED),
        "health": make_application(title="Hälsa och ARBETE", state=State.SUBMITTED),
        "percent": make_application(title="100% närvaro", state=State.SUBMITTED),
        "draft": make_application(title="Utkast om arbete"),
    }


def test_a_search_keeps_titles_containing_it_in_any_case(client, world, login, listed):
    login(world.users["officer"])
    body = text(client.get("/?q=arbete"))
    # The officer never sees the draft, whatever it is called.
    assert _titles(body) == {"Ungdomar i arbete", "Hälsa och ARBETE"}
    assert "som matchar ”arbete”" in body
    assert 'value="arbete"' in body  # the box keeps what was searched


def test_the_case_of_swedish_letters_does_not_matter(client, world, login, listed):
    login(world.users["officer"])
    assert _titles(text(client.get("/", query_string={"q": "HÄLSA"}))) == {"Hälsa och ARBETE"}
    assert _titles(text(client.get("/", query_string={"q": "hälsa och"}))) == {"Hälsa och ARBETE"}


def test_a_search_finds_a_diary_number_or_a_part_of_it(client, world, login, listed):
    login(world.users["officer"])
    number = listed["health"].diary_number
    assert number is not None
    assert number.startswith("SVB ")
    assert _titles(text(client.get("/", query_string={"q": number}))) == {"Hälsa och ARBETE"}
    assert _titles(text(client.get("/", query_string={"q": number.lower()}))) == {
        "Hälsa och ARBETE"
    }


def test_wildcards_typed_in_the_box_are_plain_characters(client, world, login, listed):
    login(world.users["officer"])
    assert _titles(text(client.get("/", query_string={"q": "0%"}))) == {"100% närvaro"}
    assert _titles(text(client.get("/", query_string={"q": "%"}))) == {"100% närvaro"}
    assert _titles(text(client.get("/", query_string={"q": "_"}))) == set()


def test_search_and_state_combine_and_pages_keep_both(client, world, login, make_application, app):
    size = app.config["PAGE_SIZE"]
    for n in range(size + 2):
        make_application(title=f"Sökbar {n:02d}", state=State.SUBMITTED)
    make_application(title="Sökbar men utkast")
    make_application(title="Annan", state=State.SUBMITTED)
    login(world.users["applicant"])
    first = text(client.get("/?q=s%C3%B6kbar&state=submitted"))
    assert len(_titles(first)) == size
    following = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert following is not None
    assert following.group(1).split("?")[1].split("&amp;") == [
        "state=submitted",
        "q=s%C3%B6kbar",
        "page=2",
    ]
    second = text(client.get("/?q=s%C3%B6kbar&state=submitted&page=2"))
    assert len(_titles(second)) == 2
    assert all(t.startswith("Sökbar") for t in _titles(first) | _titles(second))
    assert "Sökbar men utkast" not in _titles(first) | _titles(second)
    assert "/applications.csv?state=submitted&amp;q=" in first


def test_a_search_that_matches_nothing_says_so(client, world, login, listed):
    login(world.users["officer"])
    body = text(client.get("/?q=finns+inte"))
    assert _titles(body) == set()
    assert "Ingen ansökan matchar ”finns inte”." in body
    assert 'href="/">Visa alla</a>' in body


def test_a_search_longer_than_the_box_is_refused_with_a_message(client, world, login, listed):
    login(world.users["officer"])
    typed = "x" * (limits.SEARCH_MAX + 1)
    response = client.get("/", query_string={"q": typed})
    body = text(response)
    assert response.status_code == 200
    assert f"Högst {limits.SEARCH_MAX} tecken." in body
    assert 'aria-invalid="true"' in body
    assert f'value="{typed}"' in body  # kept, to be shortened
    # Not searched: the list is the unfiltered one, not an empty one.
    assert _titles(body) == {"Ungdomar i arbete", "Hälsa och ARBETE", "100% närvaro"}


def test_the_csv_export_keeps_the_search(client, world, login, listed):
    login(world.users["officer"])
    answer = client.get("/applications.csv?q=ARBETE", buffered=True)
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[1] for r in rows[1:]) == ["Hälsa och ARBETE", "Ungdomar i arbete"]
