"""A whole board meeting in the browser: kallelse, standard items, an information item, a
beslutsärende, two applications, a delegation report, jäv and votes, to the signed protocol as
PDF (read back with pdftotext) and .docx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest
from docx import Document
from playwright.sync_api import Page
from sqlalchemy import select
from werkzeug.serving import make_server

from config import TestConfig
from tests.browser.conftest import SCREENSHOTS, LiveServer, _free_port, sign_in
from workflow import create_app, engine
from workflow.devdata import demo
from workflow.extensions import db
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, User, today
from workflow.rules import meetings as meetings_rules

OFFICER = "officer.svb-fsf@example.se"
PREPARER = "preparer.svb@example.se"
CHAIR = "chair.svb@example.se"
JUSTERARE = "board.svb@example.se"
JAVIG = "ledamot.svb-af@example.se"
FIA = "FIA – Funktionsnedsatta i arbete"
IPS = "IPS i psykosvården"


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _app(title: str) -> Application:
    return db.session.execute(select(Application).where(Application.title == title)).scalar_one()


@pytest.fixture(scope="module")
def meeting_server(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Its own demo server (the walk changes the data): FIA and IPS proposed to the board."""
    path = tmp_path_factory.mktemp("meeting") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    application = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
        LOGIN_LIMIT_PER_ADDRESS_ACCOUNT="1000 per minute",
    )
    with application.app_context():
        session = db.session
        assert demo.build(session) is not None
        # The beredning done as the product does it: the group recommends, the office proposes.
        ips = _app(IPS)
        engine.fire(
            APPLICATION,
            ips,
            "recommend",
            by=_user(PREPARER),
            session=session,
            payload={"recommendation": "reject", "motivation": "Saknar förankring hos FK."},
        )
        for title in (FIA, IPS):
            engine.fire(
                APPLICATION,
                _app(title),
                "propose",
                by=_user(OFFICER),
                session=session,
                payload={"proposal": f"Förslag till beslut om {title}."},
            )
        session.commit()
        session.close()
    port = _free_port()
    server = make_server("127.0.0.1", port, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{port}", application)
    server.shutdown()
    thread.join(timeout=10)
    application.extensions["db_engine"].dispose()


def _submit(page: Page, form: str, button: str = "[type=submit]") -> None:
    with page.expect_navigation():
        page.click(f"{form} {button}")
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()[:3000]


def _item_id(page: Page, title: str) -> str:
    """The id of an agenda item by title, read from the agenda page."""
    item = page.locator("#agenda li", has_text=title).first
    value = item.get_attribute("data-item")
    assert value is not None
    return value


def test_a_whole_meeting_in_the_browser(page: Page, meeting_server: LiveServer) -> None:
    server = meeting_server
    day = today().isoformat()
    # --- the officer plans the meeting, builds the agenda and sends the kallelse ---------------
    sign_in(page, server, OFFICER)
    page.goto(f"{server.url}/associations/svb/meetings")
    page.fill("input[name=date]", day)
    page.fill("input[name=starts_at]", "00:00")
    page.fill("input[name=location]", "Förbundets kansli, Jönköping")
    _submit(page, "main form[method=post]")
    meeting_url = page.url.split("#")[0]
    meeting_id = meeting_url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{meeting_url}/agenda")
    for title in (FIA, IPS):
        page.check(f"label:has-text('{title}')")
    _submit(page, "form[action$='/agenda']")
    for kind, title, proposal in (
        ("information", "Rapport från kansliet", "Förbundschefen redogör för årets uppföljning."),
        ("decision", "Verksamhetsplan 2027", "Att fastställa verksamhetsplanen enligt bilaga."),
    ):
        page.check(f"#add-item-form input[name=kind][value={kind}]")
        page.fill("#add-item-form input[name=title]", title)
        page.fill("#add-item-form textarea[name=proposal]", proposal)
        _submit(page, "#add-item-form")
    agenda = page.locator("#agenda").inner_text()
    order = [
        "Mötets öppnande",
        "Val av justerare",
        "Godkännande av dagordningen",
        "Föregående mötesprotokoll",
        "Steg framåt",  # the delegated decision, reported
        FIA,
        IPS,
        "Rapport från kansliet",
        "Verksamhetsplan 2027",
        "Mötets avslutande",
    ]
    positions = [agenda.index(title) for title in order]
    assert positions == sorted(positions), agenda
    plan_id = _item_id(page, "Verksamhetsplan 2027")
    page.goto(meeting_url)
    _submit(page, "#kallelse-send")
    sendings = page.locator("#kallelse-sendings").inner_text()
    assert "Skickad" in sendings, sendings
    assert page.locator("#kallelse-late").count() == 1  # sent on the day: later than a week
    # Every ledamot (the chair among them) is present, no ersättare: when the AF ledamot is
    # jävig on FIA, that seat stays empty and the board is still quorate.
    page.goto(f"{meeting_url}/attendance")
    for user_id in _ledamot_ids(server):
        page.check(f"input[name=present][value='{user_id}']")
    _submit(page, "form[action$='/attendance']")
    page.context.clear_cookies()

    # --- the chair holds the meeting -------------------------------------------------------------
    sign_in(page, server, CHAIR)
    page.goto(meeting_url)
    justerare = _user_label(page, "#open-justerare_id", JUSTERARE, server)
    page.select_option("select[name='open-justerare_id']", label=justerare)
    _submit(page, "form[action$='/transitions/open']")
    # The beslutsärende, decided with the chair's text.
    form = f"form[action$='/items/{plan_id}/decision']"
    page.fill(f"{form} textarea", "Styrelsen fastställer verksamhetsplanen för 2027.")
    _submit(page, form)
    # FIA: the AF ledamot is jävig; the others vote, one against.
    fia = _app_id(server, FIA)
    form = f"form[action$='/decisions/{fia}']"
    page.check(f"{form} input[value=approve]")
    page.click(f"{form} summary")
    javig = _label_of(server, JAVIG)
    page.select_option(f"select[name='item-{fia}-recusals-0-user_id']", label=javig)
    reason = f"[name='item-{fia}-recusals-0-reason']"
    page.fill(reason, "Arbetsförmedlingen driver insatsen.")
    javig_id = str(_user_id(server, JAVIG))
    rows = page.locator(f"{form} input[name$='-user_id'][type=hidden]")
    voted = 0
    for index in range(rows.count()):
        name = rows.nth(index).get_attribute("name") or ""
        if rows.nth(index).get_attribute("value") == javig_id or "-votes-" not in name:
            continue
        voted += 1
        page.select_option(
            f"select[name='{name[: -len('user_id')]}vote']", "no" if voted == 1 else "yes"
        )
    assert voted >= 5
    _submit(page, form)
    ips = _app_id(server, IPS)
    form = f"form[action$='/decisions/{ips}']"
    page.check(f"{form} input[value=reject]")
    _submit(page, form)
    page.fill("form[action$='/transitions/close'] input[name='close-ends_at']", "23:59")
    _submit(page, "form[action$='/transitions/close']")
    page.context.clear_cookies()

    # --- justering: the justerare, then the chair ------------------------------------------------
    sign_in(page, server, JUSTERARE)
    page.goto(f"{meeting_url}/protocol")
    _submit(page, "form[action$='/justering']")
    page.context.clear_cookies()
    sign_in(page, server, CHAIR)
    page.goto(meeting_url)
    _submit(page, "form[action$='/transitions/sign']")
    page.screenshot(path=str(SCREENSHOTS / "whole-meeting-signed.png"), full_page=True)

    # --- the signed protocol as PDF and Word -----------------------------------------------------
    pdf = page.request.get(f"{server.url}/meetings/{meeting_id}/protocol.pdf")
    assert pdf.ok
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    text = subprocess.run(  # noqa: S603 - a fixed program on the product's own PDF
        [pdftotext, "-layout", "-", "-"], input=pdf.body(), capture_output=True, check=True
    ).stdout.decode()
    headings = [
        (int(n), title.strip())
        for n, title in re.findall(r"^\s*§ (\d+) (.+)$", text, flags=re.MULTILINE)
    ]
    numbers = [n for n, _ in headings]
    assert numbers == sorted(numbers), headings
    assert numbers == list(range(numbers[0], numbers[0] + len(order))), headings
    for title, (_, heading) in zip(order, headings, strict=True):
        assert heading.startswith(title[:20]), (title, heading)
    assert "anmäler jäv" in text
    assert "Styrelsen fastställer verksamhetsplanen för 2027." in text
    assert "Styrelsen noterar informationen." in text
    docx = page.request.get(f"{server.url}/meetings/{meeting_id}/protocol.docx")
    assert docx.ok
    words = "\n".join(p.text for p in Document(io.BytesIO(docx.body())).paragraphs)
    for number, title in headings:
        assert f"§ {number}" in words, (number, title)
    assert "Styrelsen fastställer verksamhetsplanen för 2027." in words


def _app_id(server: LiveServer, title: str) -> int:
    with server.app.app_context():
        return _app(title).id  # type: ignore[return-value]


def _user_id(server: LiveServer, email: str) -> int:
    with server.app.app_context():
        return _user(email).id  # type: ignore[return-value]


def _ledamot_ids(server: LiveServer) -> list[int]:
    """The board's ledamöter of Södra Vätterbygden (the chair among them), no ersättare."""
    with server.app.app_context():
        svb = _app(FIA).association_id
        return [p.user_id for p in meetings_rules.roster(db.session, svb) if p.seat == "ledamot"]


def _label_of(server: LiveServer, email: str) -> str:
    with server.app.app_context():
        return _user(email).name


def _user_label(page: Page, selector: str, email: str, server: LiveServer) -> str:
    name = _label_of(server, email)
    assert page.locator(selector).count() == 1, selector
    return name
