"""The versions page and the compare page: two versions side by side, differences marked."""

from __future__ import annotations

import re
from datetime import date

import pytest

from states.application import State
from tests.web.conftest import text

NEW_PLAN = "Månadsvis i Uppföljning Finsam; extern utvärdering år 2."


@pytest.fixture
def resubmitted(flow, in_preparation):
    """Version 2 changes the follow-up plan, shortens the period and drops a budget year."""
    app = in_preparation
    year = app.start_date.year
    return flow.resubmit(
        app,
        follow_up_plan=NEW_PLAN,
        end_date=date(year, 12, 31),
        budget=[{"year": year, "amount_sek": 1_200_000}],
    )


def _section(page: str, key: str) -> str:
    """The HTML of one section of the compare page."""
    start = page.index(f'<section id="section-{key}"')
    return page[start : page.index("</section>", start)]


def test_the_versions_page_lists_and_links(client, sign_in, resubmitted):
    app = resubmitted
    sign_in("applicant")
    page = text(client.get(f"/applications/{app.id}/versions"))
    assert re.search(r'<th scope="row">1</th>\s*<td>Submit</td>', page)
    assert re.search(r'<th scope="row">2</th>\s*<td>Resubmit</td>', page)
    assert f'href="/applications/{app.id}/versions/compare?a=1&amp;b=2"' in page
    assert '<option value="1" selected>Version 1</option>' in page
    assert '<option value="2" selected>Version 2</option>' in page
    show = text(client.get(f"/applications/{app.id}"))
    assert f'href="/applications/{app.id}/versions"' in show


def test_the_compare_page_marks_words_rows_and_sections(client, sign_in, resubmitted):
    app = resubmitted
    sign_in("preparer")
    response = client.get(f"/applications/{app.id}/versions/compare?a=1&b=2")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Version 1 and 2</h1>" in page

    plan = _section(page, "follow_up_plan")
    assert "diff-section--changed" in plan
    removed = (
        '<del class="diff-del"><span class="visually-hidden">Removed: </span>Kvartalsvis</del>'
    )
    added = '<ins class="diff-ins"><span class="visually-hidden">Added: </span>Månadsvis</ins>'
    assert removed in plan
    assert added in plan
    assert plan.index(removed) < plan.index(added)  # old version on the left

    budget = _section(page, "budget")
    assert "diff-section--changed" in budget
    rows = re.findall(r'<tr class="diff-row--(\w+)">', budget)
    assert rows == ["changed", "removed"]
    assert "<td>Removed</td>" in budget
    assert "1 200 000" in budget or "1,200,000" in budget

    period = _section(page, "period")
    assert "(changed)" in period
    goals = _section(page, "goals")
    assert "diff-section--changed" not in goals
    assert ">Unchanged</span>" in goals
    assert "<del" not in goals
    assert "<ins" not in goals

    nav = page[page.index('aria-labelledby="changed-title"') :]
    nav = nav[: nav.index("</nav>")]
    assert re.findall(r'href="#section-(\w+)"', nav) == ["period", "budget", "follow_up_plan"]


def test_the_same_version_twice_has_no_differences(client, sign_in, in_preparation):
    sign_in("officer")
    page = text(client.get(f"/applications/{in_preparation.id}/versions/compare?a=1&b=1"))
    assert "The two versions have the same content." in page
    assert "diff-section--changed" not in page


@pytest.mark.parametrize("query", ["", "?a=1", "?a=x&b=2", "?a=-1&b=2", "?a=1&b=2.5"])
def test_bad_numbers_are_422_on_the_versions_page(client, sign_in, resubmitted, query):
    sign_in("preparer")
    response = client.get(f"/applications/{resubmitted.id}/versions/compare{query}")
    assert response.status_code == 422
    page = text(response)
    assert 'class="error-summary"' in page
    assert "Choose a version by its number." in page
    assert (
        'aria-describedby="compare-b-error"' in page or 'aria-describedby="compare-a-error"' in page
    )


@pytest.mark.parametrize("query", ["?a=1&b=3", "?a=9&b=1", "?a=99999999999&b=1"])
def test_unknown_versions_are_404(client, sign_in, resubmitted, query):
    sign_in("preparer")
    response = client.get(f"/applications/{resubmitted.id}/versions/compare{query}")
    assert response.status_code == 404


@pytest.mark.parametrize("viewer", ["outsider", "other_applicant", "outsider_applicant"])
def test_versions_are_hidden_from_who_cannot_see_the_application(
    client, sign_in, resubmitted, viewer
):
    sign_in(viewer)
    for url in ("versions", "versions/compare?a=1&b=2"):
        assert client.get(f"/applications/{resubmitted.id}/{url}").status_code == 404


def test_a_draft_has_no_versions(client, sign_in, make_application):
    app = make_application(state=State.DRAFT)
    sign_in("applicant")
    page = text(client.get(f"/applications/{app.id}/versions"))
    assert "No version has been submitted yet." in page
    assert client.get(f"/applications/{app.id}/versions/compare?a=1&b=1").status_code == 404
