"""The demo's seeds' years: the figures seeds/000–002 give, reached by reports through the steps."""

from __future__ import annotations

from sqlmodel import select

from states.application import State
from states.report import ReportState
from workflow.models import Application, Association
from workflow.models.reports import Report
from workflow.rules import budget as budget_rules
from workflow.rules import statistics


def _load(runner) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def _association(session, slug: str) -> Association:
    return session.exec(select(Association).where(Association.slug == slug)).one()


def _report(session, title: str, year: int) -> Report:
    return session.exec(
        select(Report)
        .join(Application, Application.id == Report.application_id)
        .where(Application.title == title, Report.year == year)
    ).one()


def test_the_statistics_give_the_seeds_figures(runner, session) -> None:
    _load(runner)
    svb = {r.year: r for r in statistics.figures(session, _association(session, "svb"), 2017, 2019)}
    # seeds/001: "Avslutade 2018: 36 kvinnor, 23 män i SUS. Jmf 2017: 37st"; seeds/000:
    # "Jämför 2018: 186 deltagare".
    assert (svb[2018].ended.women, svb[2018].ended.men) == (36, 23)
    assert svb[2017].ended.total == 37
    assert svb[2018].participants.total == 186
    # seeds/001, Enter: "15 av de 19 avslutade 2018 gick till arbete eller studier".
    enter = _report(session, "Enter 2017–2019", 2018)
    to_work_or_studies = sum(
        o.women + o.men
        for o in enter.outcomes
        if o.outcome in ("work", "subsidised_work", "studies")
    )
    assert (enter.ended_women + enter.ended_men, to_work_or_studies) == (19, 15)
    # seeds/001, Finnveden: "135 deltagare varav 39 nya kvinnor och 52 nya män".
    finnveden = statistics.figures(session, _association(session, "finnveden"), 2018, 2018)[0]
    assert finnveden.participants.total == 135
    assert (finnveden.new.women, finnveden.new.men) == (39, 52)
    se = _report(session, "Stöd till arbete – SE/IPS 2017–2019", 2018)
    assert (se.participants_women, se.participants_men) == (46, 53)
    assert se.state == ReportState.ACCEPTED


def test_the_seeds_years_draw_on_their_own_lines_and_close(runner, session) -> None:
    _load(runner)
    svb = _association(session, "svb")
    years = {y.year: y for y in budget_rules.projection(session, svb, years=range(2017, 2020))}
    # seeds/001: "Från 2017 1 981 tkr" — the closed 2017 carried into 2018.
    assert years[2017].stored.closed_result_sek == 1_981_000
    assert years[2018].carried_over_sek == 1_981_000
    enter = session.exec(select(Application).where(Application.title == "Enter 2017–2019")).one()
    assert enter.state == State.CLOSED
    # seeds/001: 2018 closed with the 2 123 tkr carried into 2019 ("Från 2018 (rev)").
    assert years[2019].carried_over_sek == 2_123_000
    # The open 2019 draws Enter's grant on Enter's own line, not on the room for new insatser.
    lines = years[2019].stored.lines
    drawn = dict(zip((line.application_id for line in lines), years[2019].drawn, strict=True))
    assert drawn[enter.id] == 3_005_340
