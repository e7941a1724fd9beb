"""The medlemsråd view: per association and insats over the years, as a page and a PDF, for
one association or for every association the user reads (figures worked out by hand)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from states.application import State
from tests import factories
from tests.api.helpers import problem_fields
from tests.sql import recorded_statements
from tests.statistics.conftest import add_report
from workflow.models import Application
from workflow.operations import users
from workflow.rules import medlemsrad

SPAN = "?from=2024&to=2025"


def county_world(session: Session, world: factories.World, slug: str, name: str) -> factories.World:
    """Another association with every role the real steps need, its users named by `slug`."""
    assoc = factories.association(session, slug=slug, name=name, diary_prefix=slug.upper())
    members = {
        "af": factories.member(
            session, assoc, name="Arbetsförmedlingen", party="af", population=None
        ),
        "fk": factories.member(
            session, assoc, name="Försäkringskassan", party="fk", population=None
        ),
        "jonkoping": factories.member(session, assoc, name="Värnamo kommun", population=34_000),
    }
    people = {
        role: factories.user(
            session,
            assoc,
            role,
            members.get(seat) if seat else None,
            email=f"{role}.{slug}@example.se",
        )
        for role, seat in (
            ("applicant", "jonkoping"),
            ("preparer", None),
            ("officer", None),
            ("board", "af"),
            ("chair", "fk"),
            ("auditor", None),
        )
    }
    return factories.World(assoc, members, people, world.association)


def insats(
    session: Session, world: factories.World, title: str, grants: dict[int, int]
) -> Application:
    """An insats granted `grants` per year and started, by the real steps."""
    app = factories.application(
        session,
        world,
        state=State.ACTIVE,
        title=title,
        start_date=date(min(grants), 1, 1),
        end_date=date(max(grants), 12, 31),
        budget=[{"year": y, "amount_sek": a} for y, a in grants.items()],
        granted=grants,
    )
    session.flush()
    return app


@dataclass
class County:
    """Södra Vätterbygden (svb), Finnveden (fsf) and Östra (ost), and who reads two of them."""

    svb: factories.World
    fsf: factories.World
    ost: factories.World
    reader: Any


@pytest.fixture
def county(session: Session, world: factories.World) -> County:
    """Enter and FIA in svb, SE/IPS in Finnveden, Östra's insats nobody of the two sees.

    Enter 2024: 14 ended, 7 to work or studies (50 %); 2025: 19 ended, 15 (79 %);
    FIA 2025: 10 ended, 7 (70 %); SE/IPS 2025: 36 ended, 25 (69 %).
    """
    fsf = county_world(session, world, "fsf", "Finnvedens samordningsförbund")
    ost = county_world(session, world, "ost", "Samordningsförbundet Östra")
    enter = insats(session, world, "Enter", {2024: 600_000, 2025: 700_000, 2026: 700_000})
    fia = insats(session, world, "FIA", {2025: 300_000, 2026: 300_000})
    se = insats(session, fsf, "Stöd till arbete SE/IPS", {2025: 1_000_000, 2026: 1_000_000})
    hidden = insats(session, ost, "Östras hemliga insats", {2025: 50_000, 2026: 50_000})
    add_report(
        session, world, enter, year=2024, participants=(30, 25), new=(10, 8), ended=(8, 6),
        outcomes={"work": (3, 2), "studies": (1, 1), "job_seeking": (4, 3)},
        costs=550_000, goal_value="50 %",
    )  # fmt: skip
    add_report(
        session, world, enter, year=2025, participants=(40, 35), new=(20, 15), ended=(11, 8),
        outcomes={
            "work": (6, 4), "subsidised_work": (1, 1), "studies": (2, 1),
            "job_seeking": (1, 1), "other": (1, 1),
        },
        costs=900_000, goal_value="79 %",
    )  # fmt: skip
    add_report(
        session, world, fia, year=2025, participants=(6, 8), new=(3, 2), ended=(4, 6),
        outcomes={"work": (3, 2), "studies": (1, 1), "other": (0, 3)}, costs=250_000,
    )  # fmt: skip
    add_report(
        session, fsf, se, year=2025, participants=(46, 53), new=(20, 25), ended=(20, 16),
        outcomes={"work": (10, 8), "studies": (4, 3), "job_seeking": (6, 5)}, costs=950_000,
    )  # fmt: skip
    add_report(
        session, ost, hidden, year=2025, participants=(5, 5), new=(5, 5), ended=(1, 1),
        outcomes={"work": (1, 1)}, costs=40_000,
    )  # fmt: skip
    reader = factories.user(session, world.association, "auditor", email="revisor.lan@example.se")
    users.grant_roles(session, reader, fsf.association, [{"role": "auditor"}], by=None)
    session.commit()
    return County(world, fsf, ost, reader)


def _pdf_text(body: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    return subprocess.run(  # noqa: S603 - a fixed program on the test's own PDF
        [pdftotext, "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def _flat(text: str) -> str:
    """Text with every run of white space made one space (a PDF breaks lines anywhere)."""
    return re.sub(r"\s+", " ", text)


# --- the figures ---------------------------------------------------------------------------------


def test_per_insats_and_year_women_men_ended_and_share(session: Session, county: County) -> None:
    (svb,) = medlemsrad.view(session, [county.svb.association], 2024, 2025)
    by_title = {i.title: i for i in svb.insatser}
    assert sorted(by_title) == ["Enter", "FIA"]
    enter = by_title["Enter"]
    y2024, y2025 = enter.years
    assert y2025.participants.as_dict() == {"women": 40, "men": 35, "total": 75}
    assert y2025.ended.as_dict() == {"women": 11, "men": 8, "total": 19}
    # work 6 + 4, subsidised 1 + 1, studies 2 + 1: 9 women and 6 men, 15 of 19 = 78,9 -> 79 %
    assert y2025.to_work_or_studies.as_dict() == {"women": 9, "men": 6, "total": 15}
    assert y2025.share_percent == 79
    assert (y2024.ended.total, y2024.to_work_or_studies.total, y2024.share_percent) == (14, 7, 50)
    # over both years: 22 of 33 = 66,7 -> 67 %
    assert (enter.ended.total, enter.to_work_or_studies.total, enter.share_percent) == (33, 22, 67)
    assert (y2024.granted_sek, y2025.granted_sek) == (600_000, 700_000)
    assert [(g.description, g.target, g.value) for g in enter.goals] == [
        ("Andel till arbete eller studier", "40 %", "79 %")
    ]
    assert by_title["FIA"].years[1].share_percent == 70
    assert not by_title["FIA"].years[0].reported
    # The association's years: the sums of its insatser (Enter and FIA in 2025).
    total_2025 = svb.years[1]
    assert total_2025.participants.as_dict() == {"women": 46, "men": 43, "total": 89}
    assert total_2025.ended.total == 29
    assert medlemsrad.share_of(total_2025) == 76  # 22 of 29 = 75,9
    assert (svb.granted_sek[2025], total_2025.costs_sek) == (1_000_000, 1_150_000)


def test_statements_do_not_grow_with_associations_insatser_or_years(
    app: Flask, session: Session, county: County
) -> None:
    counts = []
    for worlds, first in (([county.svb], 2025), ([county.svb, county.fsf, county.ost], 2022)):
        rows = [w.association for w in worlds]
        session.expire_all()
        rows = [session.get(type(r), r.id) for r in rows]
        with recorded_statements(app) as seen:
            medlemsrad.view(session, rows, first, 2025)
        counts.append(len(seen))
    assert counts[0] == counts[1] == 4


def test_percent_rounds_half_up_and_has_no_share_of_nobody() -> None:
    assert medlemsrad.percent(1, 8) == 13  # 12,5
    assert medlemsrad.percent(15, 19) == 79
    assert medlemsrad.percent(0, 0) is None


# --- the pages and the PDFs ----------------------------------------------------------------------


def test_one_association_page_in_the_seeds_shape(
    client: Any, login: Callable, county: County
) -> None:
    login(county.svb.users["officer"])
    page = client.get(f"/associations/svb/medlemsrad{SPAN}")
    assert page.status_code == 200
    html = _flat(page.get_data(as_text=True))
    assert "15 av de 19 som avslutades 2025 gick till arbete eller studier (79 %)." in html
    assert "Under 2024–2025 avslutades 33. 22 av dem (67 %) gick till arbete eller studier." in html
    assert "7 av de 10 som avslutades 2025 gick till arbete eller studier (70 %)." in html
    assert "Mål: Andel till arbete eller studier. Målvärde: 40 %. Redovisat för 2025: 79 %." in html
    # every chart with its table: participants of the association and of each insats
    assert 'id="chart-svb-participants-title"' in html
    assert 'id="chart-svb-work-title"' in html
    assert 'id="svb-years"' in html
    assert html.count('class="medlemsrad-insats"') == 2
    assert 'data-figure="granted">1 000 000' in html.replace("\xa0", " ")
    assert "Stöd till arbete SE/IPS" not in html
    assert "Östras hemliga insats" not in html
    # the menu and the statistics page lead here
    assert '<a href="/associations/svb/medlemsrad">Medlemsråd</a>' in html
    statistics = client.get("/associations/svb/statistics").get_data(as_text=True)
    assert 'href="/associations/svb/medlemsrad">Redovisning för medlemsrådet' in statistics


def test_one_association_pdf(client: Any, login: Callable, county: County) -> None:
    login(county.svb.users["board"])
    answer = client.get(f"/associations/svb/medlemsrad.pdf{SPAN}")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert "medlemsrad-svb-2024-2025.pdf" in answer.headers["Content-Disposition"]
    text = _flat(_pdf_text(answer.data))
    assert "15 av de 19 som avslutades 2025 gick till arbete eller studier (79 %)." in text
    assert "Enter" in text
    assert "FIA" in text
    assert "Stöd till arbete SE/IPS" not in text


def test_the_county_shows_every_association_the_user_reads(
    client: Any, login: Callable, county: County
) -> None:
    login(county.reader)
    page = client.get(f"/medlemsrad{SPAN}")
    assert page.status_code == 200
    html = _flat(page.get_data(as_text=True))
    assert 'data-association="svb"' in html
    assert 'data-association="fsf"' in html
    assert "15 av de 19 som avslutades 2025 gick till arbete eller studier (79 %)." in html
    assert "25 av de 36 som avslutades 2025 gick till arbete eller studier (69 %)." in html
    assert "Östras hemliga insats" not in html
    assert 'data-association="ost"' not in html
    assert '<a href="/medlemsrad">Medlemsråd</a>' in html  # the menu: the county's view
    # the county's 2025: 22 + 25 of 29 + 36 ended went to work or studies: 47 of 65 = 72 %
    total = html[html.index('data-association="total"') :]
    assert 'data-figure="share">72 %' in total[: total.index("</tr>")]
    answer = client.get(f"/medlemsrad.pdf{SPAN}")
    assert answer.status_code == 200
    text = _flat(_pdf_text(answer.data))
    assert "Finnvedens samordningsförbund" in text
    assert "25 av de 36 som avslutades 2025 gick till arbete eller studier (69 %)." in text
    assert "Östra" not in text


def test_the_admin_presents_every_association(
    client: Any, login: Callable, world: factories.World, county: County
) -> None:
    login(world.users["admin"])
    html = client.get(f"/medlemsrad{SPAN}").get_data(as_text=True)
    for title in ("Östras hemliga insats", "Enter", "Stöd till arbete SE/IPS"):
        assert title in html


def test_who_may_not(client: Any, login: Callable, world: factories.World, county: County) -> None:
    login(world.users["applicant"])
    assert client.get("/medlemsrad").status_code == 403
    assert client.get("/medlemsrad.pdf").status_code == 403
    assert client.get("/associations/svb/medlemsrad").status_code == 403
    assert client.get("/associations/svb/medlemsrad.pdf").status_code == 403
    assert client.get("/associations/fsf/medlemsrad").status_code == 404


def test_an_officer_of_one_association_gets_only_it(
    client: Any, login: Callable, world: factories.World, county: County
) -> None:
    login(world.users["officer"])
    assert client.get("/associations/fsf/medlemsrad.pdf").status_code == 404
    html = client.get(f"/medlemsrad{SPAN}").get_data(as_text=True)
    assert 'data-association="svb"' in html
    assert "Stöd till arbete SE/IPS" not in html


def test_bad_years_are_explained_and_the_default_span_shown(
    client: Any, login: Callable, world: factories.World, county: County
) -> None:
    login(world.users["officer"])
    page = client.get("/associations/svb/medlemsrad?from=2025&to=2010")
    assert page.status_code == 200
    assert "Det sista året kommer före det första" in page.get_data(as_text=True)
    page = client.get("/associations/svb/medlemsrad?from=2010&to=2025")
    assert "Högst 6 år åt gången" in page.get_data(as_text=True)
    assert client.get("/associations/svb/medlemsrad?from=x").status_code == 200


# --- the API -------------------------------------------------------------------------------------

API = "/api/v1/associations/svb/medlemsrad"


def test_the_api_answers_the_same_figures(api: Any, token: Callable, county: County) -> None:
    answer = api.get(f"{API}{SPAN}", token=token("officer"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["from"], body["to"], body["association"]["slug"]) == (2024, 2025, "svb")
    enter = next(i for i in body["insatser"] if i["title"] == "Enter")
    y2025 = enter["years"][1]
    assert y2025["participants"] == {"women": 40, "men": 35, "total": 75}
    assert y2025["ended"]["total"] == 19
    assert y2025["to_work_or_studies"] == {"women": 9, "men": 6, "total": 15}
    assert y2025["share_percent"] == 79
    assert y2025["granted_sek"] == 700_000
    assert y2025["goals"] == [
        {"description": "Andel till arbete eller studier", "target": "40 %", "value": "79 %"}
    ]
    assert (enter["ended"]["total"], enter["share_percent"]) == (33, 67)
    assert body["years"][1]["share_percent"] == 76
    assert body["years"][1]["granted_sek"] == 1_000_000


def test_the_api_refuses(api: Any, token: Callable, county: County) -> None:
    answer = api.get(f"{API}?from=2025&to=2010", token=token("officer"))
    assert answer.status_code == 422
    assert problem_fields(answer) == ["to"]
    answer = api.get(f"{API}?from=2010&to=2025", token=token("officer"))
    assert answer.status_code == 422
    assert problem_fields(answer) == ["to"]
    assert api.get(API, token=token("applicant")).status_code == 403
    assert api.get(API.replace("svb", "fsf"), token=token("officer")).status_code == 404
