"""The statistics API, its CSV and XLSX exports read back, the page, and who may see them."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl import load_workbook

from tests import factories
from tests.api.helpers import problem_fields
from tests.statistics.conftest import YEAR, Dataset

URL = "/api/v1/associations/svb/statistics"


def _bearer(client: Any, user: Any) -> dict[str, str]:
    answer = client.post(
        "/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def test_one_year_in_the_shape_of_api_md(api: Any, token: Callable, dataset: Dataset) -> None:
    answer = api.get(f"{URL}?year={YEAR}", token=token("officer"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["year"] == YEAR
    assert body["participants"] == {"women": 32, "men": 28, "total": 60}
    assert body["outcomes"]["studies"] == {"women": 1, "men": 4, "total": 5}
    assert body["costs_sek"] == 1_700_001
    assert body["cost_per_participant_sek"] == 28_333
    socio = body["socioeconomic"]
    assert socio["heltider"] == {"work": 7.5, "subsidised_work": 3.25, "studies": 5.0}
    assert socio["persons_without_heltider"] == 10
    assert (
        socio["work_value_year_sek"],
        socio["region_tax_year_sek"],
        socio["municipal_tax_year_sek"],
        socio["yearly_value_sek"],
    ) == (3_731_250, 273_067, 502_481, 4_506_798)
    assert socio["monthly_value_sek"] == 375_567
    assert socio["payback_months"] == 4.5
    params = socio["parameters"]
    assert (params["full_time_month_sek"], params["subsidised_share"]) == (25_000, 0.75)
    assert (params["region_tax_percent"], params["municipal_tax_percent"]) == (11.76, 21.64)
    assert all(source.startswith("seeds/000") for source in params["sources"].values())
    assert {i["title"] for i in body["insatser"]} == {"Insats A", "Insats B", "Insats D"}
    assert body["support"]["start"]["sickness_benefit"] == {"women": 4, "men": 2, "total": 6}


def test_a_series(api: Any, token: Callable, dataset: Dataset) -> None:
    answer = api.get(f"{URL}?from={YEAR - 1}&to={YEAR}", token=token("auditor"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["from"], body["to"]) == (YEAR - 1, YEAR)
    assert [y["participants"]["total"] for y in body["years"]] == [12, 60]
    assert body["years"][0]["support"] is None


def test_a_reversed_or_too_long_series_is_refused(
    api: Any, token: Callable, dataset: Dataset
) -> None:
    answer = api.get(f"{URL}?from={YEAR}&to={YEAR - 1}", token=token("board"))
    assert answer.status_code == 422
    assert problem_fields(answer) == ["to"]
    answer = api.get(f"{URL}?from=2000&to=2050", token=token("board"))
    assert answer.status_code == 422


def test_applicants_may_not_and_other_associations_see_nothing(
    api: Any, token: Callable, dataset: Dataset
) -> None:
    assert api.get(URL, token=token("applicant")).status_code == 403
    assert api.get(URL, token=token("preparer")).status_code == 403
    assert api.get(URL, token=token("outsider")).status_code == 404
    assert api.get(URL).status_code == 401


def test_csv_export_read_back(client: Any, world: factories.World, dataset: Dataset) -> None:
    answer = client.get(f"{URL}.csv?year={YEAR}", headers=_bearer(client, world.users["officer"]))
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    raw = answer.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["År", "Avsnitt", "Post", "Kvinnor", "Män", "Totalt", "Värde"]
    by_item = {(r[1], r[2]): r for r in rows[1:]}
    assert by_item[("Deltagare", "Deltagare")][3:6] == ["32", "28", "60"]
    assert by_item[("Utfall", "Studier")][3:6] == ["1", "4", "5"]
    assert by_item[("Kostnader", "Kostnader (kr)")][6] == "1700001"
    assert by_item[("Kostnader", "Återbetalningstid (månader)")][6] == "4,5"
    assert by_item[("Kostnader", "Heltider i arbete")][6] == "7,50"


def test_xlsx_export_read_back(client: Any, world: factories.World, dataset: Dataset) -> None:
    answer = client.get(
        f"{URL}.xlsx?from={YEAR - 1}&to={YEAR}", headers=_bearer(client, world.users["board"])
    )
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.get_data()))
    assert book.sheetnames == [
        "Deltagare",
        "Utfall",
        "Kostnader",
        "Parametrar",
        "Insatser",
        "Mål",
        "Försörjning",
        "Budget",
        "Hemkommun",
        "Åldrar",
        "Besökare",
    ]
    people = list(book["Deltagare"].iter_rows(values_only=True))
    assert people[0] == ("År", "Uppgift", "Kvinnor", "Män", "Totalt")
    assert (YEAR, "Deltagare", 32, 28, 60) in people
    assert (YEAR - 1, "Deltagare", 5, 7, 12) in people
    assert book["Deltagare"]["A1"].font.bold
    # A year is written without a thousands separator (a Swedish Excel showed "2 027"); the
    # counts and amounts keep theirs.
    for sheet in book.worksheets:
        if sheet.title == "Parametrar":  # its first column names a parameter, not a year
            continue
        if sheet.title == "Hemkommun":  # no report of the data set gave the municipalities
            assert sheet.max_row == 1
            continue
        years = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value is not None]
        assert years, sheet.title
        assert {cell.number_format for cell in years} == {"0"}, sheet.title
    assert book["Kostnader"]["B2"].number_format == "#,##0"
    costs = list(book["Kostnader"].iter_rows(values_only=True))
    this_year = next(r for r in costs if r[0] == YEAR)
    assert this_year[1:] == (
        1_700_001,
        28_333,
        7.5,
        3.25,
        5,
        3_731_250,
        273_067,
        502_481,
        375_567,
        4_506_798,
        4.5,
    )
    parameters = list(book["Parametrar"].iter_rows(values_only=True))
    assert parameters[1][:2] == ("full_time_month_sek", 25_000)
    assert parameters[1][2].startswith("seeds/000")
    goals = list(book["Mål"].iter_rows(values_only=True))
    assert (YEAR, "Andel till arbete eller studier", "40 %", "45 %") in [
        (r[0], r[2], r[3], r[4]) for r in goals
    ]


def test_the_page_shows_tables_and_charts(
    client: Any, login: Callable, world: factories.World, dataset: Dataset
) -> None:
    login(world.users["officer"])
    page = client.get(f"/associations/svb/statistics?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="chart-participants-title"' in html
    assert 'id="chart-outcomes-title"' in html
    assert 'data-figure="monthly">375' in html
    assert 'data-figure="payback">4,5' in html
    assert 'data-figure="region-tax">273' in html
    assert 'data-figure="heltider">7,5' in html
    # every parameter with its source: the seeds' defaults name seeds/000
    assert html.count('<td data-figure="source">seeds/000') == 6
    assert "Insats D" in html
    assert "Insats C" not in html


def test_the_page_exports_csv_and_xlsx(
    client: Any, login: Callable, world: factories.World, dataset: Dataset
) -> None:
    login(world.users["auditor"])
    answer = client.get(f"/associations/svb/statistics.csv?year={YEAR}")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig")), delimiter=";"))
    assert ["Deltagare", "Nya deltagare", "14", "12", "26"] in [r[1:6] for r in rows]
    answer = client.get(f"/associations/svb/statistics.xlsx?year={YEAR}")
    book = load_workbook(io.BytesIO(answer.get_data()))
    assert book["Utfall"].max_row == 9  # header and eight outcomes (praktik and avbrott too)


def test_the_page_refuses_applicants(client: Any, login: Callable, world: factories.World) -> None:
    login(world.users["applicant"])
    assert client.get("/associations/svb/statistics").status_code == 403
    assert client.get("/associations/svb/statistics.csv").status_code == 403
    assert client.get("/associations/hog/statistics").status_code == 404


PARAMETERS = {
    "full_time_month_sek": "20000",
    "subsidised_share": "0,5",
    "studies_share": "0.25",
    "taxable_month_sek": "0",
    "region_tax_percent": "11,76",
    "municipal_tax_percent": "0",
}


def test_the_officer_sets_the_parameters_on_the_page(
    client: Any, login: Callable, post: Callable, world: factories.World, dataset: Dataset
) -> None:
    login(world.users["officer"])
    url = f"/associations/svb/statistics?year={YEAR}"
    action = f"/associations/svb/statistics/parameters?year={YEAR}"
    refused = post(
        action,
        {**PARAMETERS, "subsidised_share": "1,5", "studies_share": "x"},
        from_page=url,
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'value="20000"' in html  # kept input
    # figures of its own without a source: refused on the source field, nothing written
    refused = post(action, PARAMETERS, from_page=url)
    assert refused.status_code == 422
    assert 'id="source-error"' in refused.get_data(as_text=True)
    assert 'data-figure="monthly">375' in client.get(url).get_data(as_text=True)
    answer = post(action, {**PARAMETERS, "source": "Styrelsens beslut 2025-03-01"}, from_page=url)
    assert answer.status_code == 303
    page = client.get(url).get_data(as_text=True)
    # 20 000 × (7,5 + 0,5 × 3,25 + 0,25 × 5) = 207 500 a month, no tax on a taxable wage of 0
    assert 'data-figure="monthly">207' in page
    assert page.count('<td data-figure="source">Styrelsens beslut 2025-03-01') == 5
    assert page.count('<td data-figure="source">seeds/000') == 1  # the region's 11,76 %


def test_the_board_may_not_set_the_parameters(
    client: Any, login: Callable, post: Callable, world: factories.World
) -> None:
    login(world.users["board"])
    answer = post(
        "/associations/svb/statistics/parameters",
        {**PARAMETERS, "source": "Styrelsen"},
        from_page="/associations/svb/statistics",
    )
    assert answer.status_code == 403


def test_formula_like_text_in_the_xlsx_stays_text(
    client: Any, world: factories.World, make_application: Callable[..., Any], session: Any
) -> None:
    """A title, goal target or reported value starting with = + - @ is never a live formula."""
    from tests.statistics.conftest import add_report

    link = '=HYPERLINK("http://x","klicka")'
    application = make_application(
        state="active",
        title=link,
        start_date=date(YEAR - 1, 1, 1),
        end_date=date(YEAR + 1, 12, 31),
        budget=[{"year": y, "amount_sek": 500_000} for y in (YEAR - 1, YEAR, YEAR + 1)],
        goals=[{"description": "@SUM(A1:A9)", "indicator": "Andel", "target": "+1+1"}],
    )
    add_report(
        session,
        world,
        application,
        year=YEAR,
        participants=(1, 1),
        new=(1, 1),
        ended=(0, 0),
        outcomes={},
        costs=1,
        goal_value="=1+1",
    )
    session.commit()
    answer = client.get(f"{URL}.xlsx?year={YEAR}", headers=_bearer(client, world.users["board"]))
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.get_data())) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)  # no formula anywhere
    book = load_workbook(io.BytesIO(answer.get_data()))
    cells = {c.value: c for sheet in book for row in sheet.iter_rows() for c in row if c.value}
    for text in (link, "=1+1", "+1+1", "@SUM(A1:A9)"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text
