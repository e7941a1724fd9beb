"""The export in Uppföljning Finsam's shape and the yearly summary, read back as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from tests import factories
from tests.sql import recorded_statements
from tests.statistics.conftest import YEAR, Dataset, add_report
from workflow.operations.classification import classify
from workflow.rules import national_export

DOC = Path(__file__).resolve().parents[2] / "docs" / "uppfoljning-finsam.md"
PAGE = "/associations/svb/statistics"
API = "/api/v1/associations/svb/statistics"


def _documented(section: str) -> list[str]:
    """The headers the documentation lists, in order, under its `## section` heading."""
    text = DOC.read_text(encoding="utf-8")
    part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("| ")]
    # The table's first row names its columns; the rest are the export's, header first.
    return [row.split("|")[1].strip() for row in rows[1:]]


def _xlsx(answer: Any) -> list[list[Any]]:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    book = load_workbook(io.BytesIO(answer.get_data()))
    assert len(book.worksheets) == 1
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _csv(answer: Any) -> list[list[str]]:
    assert answer.status_code == 200
    raw = answer.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def _by_header(rows: list[list[Any]], title: str) -> dict[str, Any]:
    """The row of the insats `title`, keyed by header."""
    header = rows[0]
    found = [row for row in rows[1:] if row[0] == title]
    assert len(found) == 1, [r[0] for r in rows[1:]]
    return dict(zip(header, found[0], strict=True))


def test_the_individual_export_as_xlsx_has_the_documented_columns_and_the_reports_figures(
    client: Any,
    login: Callable,
    session: Session,
    world: factories.World,
    dataset: Dataset,
    make_application: Callable,
) -> None:
    # An insats classified before its start (the real steps), reported on for YEAR.
    app = make_application(
        state="approved", title="Klassad insats", granted={YEAR: 300_000, YEAR + 1: 200_000}
    )
    classify(
        session,
        app,
        {
            "direction": "individual",
            "precise_direction": "vocational_rehabilitation",
            "follow_up_method": "participant_records",
            "esf": True,
            "esf_project": "ESF Vägen vidare",
        },
        by=world.users["officer"],
    )
    factories.take_step(session, world, app, "start")
    session.commit()
    add_report(
        session,
        world,
        app,
        year=YEAR,
        participants=(6, 4),
        new=(6, 4),
        ended=(3, 2),
        outcomes={"work": (2, 1), "studies": (1, 0), "other": (0, 1)},
        costs=250_000,
        support={("start", "income_support"): (4, 3), ("end", "salary"): (2, 1)},
        waiting_women=3,
        waiting_men=5,
        ages=[("20-24", 2, 1), ("30-39", 4, 2), ("65+", 0, 1)],
        budget_sek=280_000,
    )
    session.commit()
    login(world.users["auditor"])
    rows = _xlsx(client.get(f"{PAGE}/national/{YEAR}/individual.xlsx"))
    assert rows[0] == _documented("Individinriktade insatser")
    # 9 identity columns; participants, new, ended and the waiting list (8); 8 age bands,
    # 8 outcomes, 12 sources before and after, each by women and men (112); 3 of money.
    assert len(rows[0]) == 9 + 8 + 16 + 16 + 48 + 3 == 100
    row = _by_header(rows, "Klassad insats")
    assert row["Insatsinriktning"] == "Individinriktad"
    assert row["Preciserad inriktning"] == "Arbetslivsinriktad rehabilitering"
    assert row["Uppföljningsmetod"] == "Varje deltagare registreras"
    assert (row["ESF-finansiering"], row["ESF-projekt"]) == ("Ja", "ESF Vägen vidare")
    assert (row["Deltagare, kvinnor"], row["Deltagare, män"]) == (6, 4)
    assert (row["Avslutade deltagare, kvinnor"], row["Avslutade deltagare, män"]) == (3, 2)
    assert (row["Avslut till arbete, kvinnor"], row["Avslut till arbete, män"]) == (2, 1)
    assert row["Avslut till studier, kvinnor"] == 1
    assert row["Försörjning före: ekonomiskt bistånd, kvinnor"] == 4
    assert row["Försörjning efter: lön, män"] == 1
    assert row["Kostnader för året (utfall), kr"] == 250_000
    assert row["Budget för året, kr"] == 280_000
    assert row["Beviljat för året, kr"] == 300_000
    assert (row["På köplats vid årets slut, kvinnor"], row["På köplats vid årets slut, män"]) == (
        3,
        5,
    )
    ages = {
        band: (row[f"Deltagare {band} år, kvinnor"], row[f"Deltagare {band} år, män"])
        for band in ("16–19", "20–24", "30–39")
    }
    assert ages == {"16–19": (0, 0), "20–24": (2, 1), "30–39": (4, 2)}
    assert row["Deltagare 65 år eller äldre, män"] == 1
    # Praktik and avbrott have their columns, zero when the report gave none there.
    assert (row["Avslut till praktik, kvinnor"], row["Avslut genom avbrott, män"]) == (0, 0)
    # Insats A: its accepted annual report; unclassified, so the classification is empty.
    a = _by_header(rows, "Insats A")
    assert (a["Deltagare, kvinnor"], a["Deltagare, män"]) == (20, 15)
    assert (a["Avslut till subventionerat arbete, kvinnor"], a["Insatsinriktning"]) == (2, None)
    assert a["Försörjning före: sjukpenning, kvinnor"] == 4
    # A report without ages or budget: those cells are empty, not zeros.
    assert (a["Deltagare 20–24 år, kvinnor"], a["Budget för året, kr"]) == (None, None)
    assert a["På köplats vid årets slut, kvinnor"] == 0
    # D counts its final report; C's report is only submitted: listed for its grant, no figures.
    assert _by_header(rows, "Insats D")["Kostnader för året (utfall), kr"] == 100_001
    c = _by_header(rows, "Insats C")
    assert (c["Deltagare, kvinnor"], c["Beviljat för året, kr"]) == (None, 500_000)
    # The other association's insats is never listed.
    assert "Annat förbunds insats" not in [r[0] for r in rows[1:]]


def test_the_csv_has_the_same_rows(
    client: Any, login: Callable, dataset: Dataset, world: factories.World
) -> None:
    login(world.users["officer"])
    rows = _csv(client.get(f"{PAGE}/national/{YEAR}/individual.csv"))
    assert rows[0] == _documented("Individinriktade insatser")
    b = _by_header(rows, "Insats B")
    assert (b["Deltagare, kvinnor"], b["Nya deltagare, män"]) == ("10", "5")
    assert b["Kostnader för året (utfall), kr"] == "600000"
    assert b["ESF-finansiering"] == ""


def test_the_structural_export_lists_the_structural_insatser_only(
    client: Any,
    login: Callable,
    session: Session,
    world: factories.World,
    dataset: Dataset,
    make_application: Callable,
) -> None:
    app = make_application(
        state="approved", kind="structural", title="Kompetenslyft", granted={YEAR: 90_000}
    )
    classify(
        session,
        app,
        {
            "direction": "structural",
            "precise_direction": "competence_development",
            "follow_up_method": "aggregate_counts",
            "esf": False,
        },
        by=world.users["officer"],
    )
    session.commit()
    login(world.users["board"])
    rows = _xlsx(client.get(f"{PAGE}/national/{YEAR}/structural.xlsx"))
    assert rows[0] == _documented("Strukturövergripande insatser")
    assert [r[0] for r in rows[1:]] == ["Kompetenslyft"]
    row = _by_header(rows, "Kompetenslyft")
    assert row["Preciserad inriktning"] == "Kompetensutveckling"
    assert (row["ESF-finansiering"], row["Beviljat för året, kr"]) == ("Nej", 90_000)
    api_rows = _csv(client.get(f"{PAGE}/national/{YEAR}/structural.csv"))
    assert api_rows[0] == rows[0]


def test_a_structural_report_with_attendees_alone_is_exported_without_a_split(
    client: Any,
    login: Callable,
    session: Session,
    world: factories.World,
    dataset: Dataset,
    make_application: Callable,
) -> None:
    """seeds/001, Psykiatriveckan 2018: about 2 600 came to 20 lectures and a play (21
    activities); no split by gender is known, so the women's and men's cells stay empty. The
    costs are the test's own (the seed gives none for the week)."""
    app = make_application(
        state="active",
        kind="structural",
        title="Psykiatriveckan",
        budget=[{"year": y, "amount_sek": 150_000} for y in (YEAR, YEAR + 1)],
    )
    factories.report(
        session,
        world,
        app,
        state="accepted",
        year=YEAR,
        participants_women=0,
        participants_men=0,
        new_women=0,
        new_men=0,
        ended_women=0,
        ended_men=0,
        outcomes={},
        costs_sek=140_000,
        activities=21,
        attendance=[("unspecified", 2600, None, None)],
    )
    session.commit()
    login(world.users["officer"])
    rows = _xlsx(client.get(f"{PAGE}/national/{YEAR}/structural.xlsx"))
    assert rows[0] == _documented("Strukturövergripande insatser")
    row = _by_header(rows, "Psykiatriveckan")
    assert (row["Antal aktiviteter"], row["Besökare totalt"]) == (21, 2600)
    unspecified = "Besökare: inte uppdelat på kategori"
    assert row[f"{unspecified}, totalt"] == 2600
    assert (row[f"{unspecified}, kvinnor"], row[f"{unspecified}, män"]) == (None, None)
    # Categories the report did not give are empty, not zero.
    assert row["Besökare: allmänheten, totalt"] is None
    assert (row["Kostnader för året (utfall), kr"], row["Budget för året, kr"]) == (140_000, None)
    assert not [header for header in rows[0] if header.startswith("Nådda")]
    csv_row = _by_header(
        _csv(client.get(f"{PAGE}/national/{YEAR}/structural.csv")), "Psykiatriveckan"
    )
    assert (csv_row["Besökare totalt"], csv_row[f"{unspecified}, kvinnor"]) == ("2600", "")
    # The summary gives the structural insatser's activities and attendees in total.
    summary = {r[0]: r[1:] for r in _xlsx(client.get(f"{PAGE}/summary/{YEAR}.xlsx"))[1:]}
    assert summary["Aktiviteter i strukturövergripande insatser"] == [None, None, 21]
    assert summary["Besökare i strukturövergripande insatser"] == [None, None, 2600]


def test_a_split_attendance_is_exported_as_given(
    client: Any,
    login: Callable,
    session: Session,
    world: factories.World,
    make_application: Callable,
) -> None:
    app = make_application(
        state="active",
        kind="structural",
        title="Inspirationsdag",
        budget=[{"year": y, "amount_sek": 50_000} for y in (YEAR, YEAR + 1)],
    )
    factories.report(
        session,
        world,
        app,
        state="accepted",
        year=YEAR,
        participants_women=0,
        participants_men=0,
        new_women=0,
        new_men=0,
        ended_women=0,
        ended_men=0,
        outcomes={},
        costs_sek=40_000,
        budget_sek=50_000,
        activities=1,
        attendance=[("staff", 200, 120, 80), ("relatives", 30, 18, None)],
    )
    session.commit()
    login(world.users["officer"])
    row = _by_header(
        _xlsx(client.get(f"{PAGE}/national/{YEAR}/structural.xlsx")), "Inspirationsdag"
    )
    staff = "Besökare: personal hos medlemsorganisationerna"
    assert (row[f"{staff}, totalt"], row[f"{staff}, kvinnor"], row[f"{staff}, män"]) == (
        200,
        120,
        80,
    )
    # The men among the relatives were not given: empty, not 12.
    assert (row["Besökare: anhöriga, kvinnor"], row["Besökare: anhöriga, män"]) == (18, None)
    assert (row["Besökare totalt"], row["Budget för året, kr"]) == (230, 50_000)


def test_the_summary_of_the_year(
    client: Any, login: Callable, dataset: Dataset, world: factories.World
) -> None:
    login(world.users["chair"])
    rows = _xlsx(client.get(f"{PAGE}/summary/{YEAR}.xlsx"))
    assert rows[0] == ["Uppgift", "Kvinnor", "Män", "Totalt"]
    figures = {row[0]: row[1:] for row in rows[1:]}
    assert figures["Deltagare"] == [32, 28, 60]
    assert figures["Avslut till studier"] == [1, 4, 5]
    assert figures["Kostnader (kr)"] == [None, None, 1_700_001]
    assert figures["Kostnad per deltagare (kr)"] == [None, None, 28_333]
    assert figures["Insatser som rapporterat"] == [None, None, 3]
    # Every outcome has its row (praktik and avbrott too), then the waiting list.
    assert figures["Avslut till praktik"] == [0, 0, 0]
    assert figures["Avslut genom avbrott"] == [0, 0, 0]
    assert figures["På köplats vid årets slut"] == [0, 0, 0]
    assert figures["Aktiviteter i strukturövergripande insatser"] == [None, None, 0]
    csv_rows = _csv(client.get(f"{PAGE}/summary/{YEAR}.csv"))
    assert csv_rows[1] == ["Deltagare", "32", "28", "60"]


def test_the_api_gives_the_same_files(
    client: Any, token: Callable, dataset: Dataset, world: factories.World
) -> None:
    headers = {"Authorization": f"Bearer {token('auditor')}"}
    page = {}
    for path in (f"national/{YEAR}/individual.csv", f"summary/{YEAR}.csv"):
        answer = client.get(f"{API}/{path}", headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.headers["Content-Type"].startswith("text/csv")
        page[path] = _csv(answer)
    assert page[f"summary/{YEAR}.csv"][1] == ["Deltagare", "32", "28", "60"]
    xlsx = client.get(f"{API}/national/{YEAR}/structural.xlsx", headers=headers)
    assert _xlsx(xlsx)[0] == _documented("Strukturövergripande insatser")


@pytest.mark.parametrize("who", ["applicant", "preparer"])
@pytest.mark.parametrize(
    "path",
    [
        f"national/{YEAR}/individual.csv",
        f"national/{YEAR}/structural.xlsx",
        f"summary/{YEAR}.csv",
        f"summary/{YEAR}.xlsx",
    ],
)
def test_applicants_and_preparers_may_not(
    client: Any, login: Callable, token: Callable, world: factories.World, path: str, who: str
) -> None:
    headers = {"Authorization": f"Bearer {token(who)}"}
    assert client.get(f"{API}/{path}", headers=headers).status_code == 403
    login(world.users[who])
    assert client.get(f"{PAGE}/{path}").status_code == 403


def test_an_unknown_kind_or_year_is_404(
    client: Any, login: Callable, world: factories.World
) -> None:
    login(world.users["officer"])
    assert client.get(f"{PAGE}/national/{YEAR}/mixed.csv").status_code == 404
    assert client.get(f"{PAGE}/summary/1899.csv").status_code == 404


def test_the_page_links_the_files(client: Any, login: Callable, world: factories.World) -> None:
    login(world.users["officer"])
    html = client.get(f"{PAGE}?year={YEAR}").get_data(as_text=True)
    for link in (
        f"/statistics/national/{YEAR}/individual.xlsx",
        f"/statistics/national/{YEAR}/structural.csv",
        f"/statistics/summary/{YEAR}.xlsx",
    ):
        assert link in html


def test_the_export_costs_the_same_statements_at_any_size(
    app: Any, session: Session, world: factories.World, dataset: Dataset, make_application: Callable
) -> None:
    def count() -> int:
        assert world.association.id  # loaded again after a commit, before the count
        with recorded_statements(app) as statements:
            national_export.insatser(session, world.association, YEAR, "individual")
        # SQLite's BEGIN counts as a statement there: only the SELECTs are the export's.
        return len([st for st in statements if st.startswith("SELECT")])

    before = count()
    for n in range(3):
        make_application(
            state="active", title=f"Fler {n}", budget=[{"year": YEAR, "amount_sek": 1000}]
        )
    assert count() == before == 3


def test_the_documentation_names_a_source_for_every_column() -> None:
    text = DOC.read_text(encoding="utf-8")
    for section, kind in (
        ("Individinriktade insatser", "individual"),
        ("Strukturövergripande insatser", "structural"),
    ):
        part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in part.splitlines() if line.startswith("| ")][1:]
        documented = []
        for row in rows:
            cells = [c.strip() for c in row.split("|")[1:-1]]
            assert len(cells) == 5, row
            assert all(cells), row
            documented.append((cells[1].strip("`"), cells[3].strip("`")))
        # Each column's key and source field as the code's data says them, in order.
        columns = national_export.COLUMNS[kind]
        assert documented == [(column.key, column.source) for column in columns]
    assert re.search(r"product's reading|produktens (egen )?tolkning", text)
