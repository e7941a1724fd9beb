"""The demo's seeds' years: the figures seeds/000–002 give, reached by reports through the steps."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from states.application import State
from states.report import ReportState
from workflow.models import Application, Association
from workflow.models.reports import Report
from workflow.rules import budget as budget_rules
from workflow.rules import medlemsrad, national_export, statistics
from workflow.rules.shares import shares_of


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


def _national(session, slug: str, year: int) -> tuple[int, int, int]:
    """Participants, women and men ended, of the association's own individual insatser in the
    national follow-up's export (each insats once, by the association that leads it)."""
    rows = national_export.insatser(session, _association(session, slug), year, "individual")
    return (
        sum(r.participants.total for r in rows if r.reported),
        sum(r.ended.women for r in rows if r.reported),
        sum(r.ended.men for r in rows if r.reported),
    )


def test_the_national_follow_up_and_the_statistics_give_the_seeds_figures(runner, session):
    _load(runner)
    # seeds/001: "Avslutade 2018: 36 kvinnor, 23 män i SUS. Jmf 2017: 37st"; seeds/000:
    # "Jämför 2018: 186 deltagare" — Södra Vätterbygden's own insatser, as registered.
    assert _national(session, "svb", 2018) == (186, 36, 23)
    # Each insats carries its national classification, set before it started.
    rows = national_export.insatser(session, _association(session, "svb"), 2018, "individual")
    enter_row = next(r for r in rows if r.title == "Enter 2017–2019")
    assert (enter_row.direction, enter_row.precise_direction, enter_row.esf) == (
        "individual",
        "vocational_rehabilitation",
        False,
    )
    assert sum(_national(session, "svb", 2017)[1:]) == 37
    # seeds/001, Enter: "15 av de 19 avslutade 2018 gick till arbete eller studier".
    enter = _report(session, "Enter 2017–2019", 2018)
    to_work_or_studies = sum(
        o.women + o.men
        for o in enter.outcomes
        if o.outcome in ("work", "subsidised_work", "studies")
    )
    assert (enter.ended_women + enter.ended_men, to_work_or_studies) == (19, 15)
    # seeds/001, Finnveden: "135 deltagare varav 39 nya kvinnor och 52 nya män"; its SE/IPS
    # by municipality: Gnosjö 12 + 8, Gislaved 19 + 28, Värnamo 15 + 17.
    assert _national(session, "finnveden", 2018)[0] == 135
    se = _report(session, "Stöd till arbete – SE/IPS 2017–2019", 2018)
    assert (se.participants_women, se.participants_men) == (46, 53)
    assert sorted((r.women, r.men) for r in se.residences) == [(12, 8), (15, 17), (19, 28)]
    assert se.state == ReportState.ACCEPTED
    # The statistics count IT-spåret (led by Höglandet) by Södra Vätterbygden's 22 % share:
    # 3 women and 20 men → 1 and 4 more participants than its own 186.
    svb = statistics.figures(session, _association(session, "svb"), 2018, 2018)[0]
    assert svb.participants.total == 186 + 1 + 4
    finnveden = statistics.figures(session, _association(session, "finnveden"), 2018, 2018)[0]
    assert (finnveden.new.women, finnveden.new.men) == (39, 52 + 1)  # 14 % of IT-spåret's 9


def test_the_county_gives_the_seeds_socio_economic_estimate(runner, session) -> None:
    """seeds/000, "Effekter under 2019 av Finsam i länet": 20.5 heltider in work and 34.5 in
    subsidised work, worth 13.9 + 1.4 + 2.6 = 17.9 mkr — the three associations together."""
    _load(runner)
    heltider = {"work": Decimal(0), "subsidised_work": Decimal(0), "studies": Decimal(0)}
    for slug in ("svb", "hoglandet", "finnveden"):
        row = statistics.figures(session, _association(session, slug), 2019, 2019)[0]
        for name in heltider:
            heltider[name] += row.heltider[name]
    assert heltider == {
        "work": Decimal("20.5"),
        "subsidised_work": Decimal("34.5"),
        "studies": Decimal(0),
    }
    estimate = statistics.estimate(0, heltider, statistics.Parameters())
    parts = (
        estimate.work_value_year_sek,
        estimate.region_tax_year_sek,
        estimate.municipal_tax_year_sek,
    )
    assert parts == (13_912_500, 1_397_088, 2_570_832)
    assert sum(parts) == 17_880_420


def test_it_sparet_is_one_insats_counted_once_in_the_county(runner, session) -> None:
    _load(runner)
    county = [_association(session, s) for s in ("finnveden", "hoglandet", "svb")]
    views = medlemsrad.view(session, county, 2018, 2018)
    shown = [
        (view.slug, insats.years[0].participants.total)
        for view in views
        for insats in view.insatser
        if (insats.title or "").startswith("IT-spåret")
    ]
    # seeds/001: "Under 2018 har det sammanlagt varit 23 personer inskrivna".
    assert shown == [("hoglandet", 23)]
    it = session.exec(select(Application).where(Application.title == "IT-spåret 2018–2019")).one()
    assert [(s.slug, s.percent) for s in shares_of(session, it.id, county[1])] == [
        ("hoglandet", 64),
        ("finnveden", 14),
        ("svb", 22),
    ]
    # Psykiatriveckan is structural: 2 600 attendees in 21 activities, nobody asked woman or man.
    psykiatriveckan = _report(session, "Psykiatriveckan 2018–2019", 2018)
    assert psykiatriveckan.activities == 21
    assert [(a.total, a.women, a.men) for a in psykiatriveckan.attendance] == [(2600, None, None)]
    # IT-spåret 2018: ten ended — three avbrott, two studies, one work, four praktik — and ten
    # on the waiting list.
    it_2018 = _report(session, "IT-spåret 2018–2019", 2018)
    ended = {o.outcome: o.women + o.men for o in it_2018.outcomes}
    assert ended == {"work": 1, "studies": 2, "internship": 4, "dropped_out": 3}
    assert it_2018.waiting_women + it_2018.waiting_men == 10


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
