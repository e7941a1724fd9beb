"""The submit flow with the keyboard alone, and forms that announce their errors."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import SCREENSHOTS, LiveServer, sign_in
from tests.browser.test_accessibility import BLOCKING

# A complete draft of Höglandet's (Psykiatriveckan), by Nässjö kommun's applicant.
KEYBOARD_USER = "applicant.hsf@example.se"
KEYBOARD_TITLE = "Psykiatriveckan"


def _focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate(
        "s => document.activeElement !== null && document.activeElement.matches(s)", selector
    )


def tab_to(page: Page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the focused element matches `selector` (fails if it is never reached)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_submit_an_application_with_the_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    """Sign in, open the draft, submit it: Tab, typing and Enter only, no clicks."""
    page.goto(f"{live_server.url}/login")
    tab_to(page, "input[name=email]")
    page.keyboard.type(KEYBOARD_USER)
    tab_to(page, "input[name=password]")
    page.keyboard.type(live_server.password(KEYBOARD_USER))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url

    # The skip link comes first, so keyboard users can pass the menu.
    page.keyboard.press("Tab")
    assert _focused_matches(page, "a.skip-link")

    # Reading the link's address is no click: the keyboard still does all the work.
    href = page.locator("main a", has_text=KEYBOARD_TITLE).first.get_attribute("href")
    tab_to(page, f"main a[href='{href}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/applications/" in page.url
    tab_to(page, "form[action$='/transitions/submit'] [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.screenshot(path=str(SCREENSHOTS / "applicant-submitted-by-keyboard.png"), full_page=True)
    main = page.locator("main").inner_text()
    assert "Inlämnad" in main, main[:2000]
    assert not page.locator("form[action$='/transitions/submit']").count()


def test_a_failed_form_announces_its_errors(page: Page, live_server: LiveServer) -> None:
    """Error summary at the top (role=alert, focused, links to each field); fields point at
    their messages with aria-describedby and are marked aria-invalid; the input is kept."""
    sign_in(page, live_server, "applicant.svb@example.se")
    page.goto(f"{live_server.url}/associations/svb/applications/new")
    page.fill("input[name=title]", "Ny insats med fel")
    page.fill("input[name=age_min]", "arton")
    page.fill("input[name=participants_women]", "-3")
    page.click("form.application-form [type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "applicant-form-errors.png"), full_page=True)

    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert summary.get_attribute("role") == "alert"
    assert _focused_matches(page, ".error-summary"), "the summary is not focused"
    # It comes before the form's fields.
    assert page.evaluate(
        "() => !!(document.querySelector('.error-summary').compareDocumentPosition("
        "document.querySelector('input[name=title]')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    links = summary.locator("a[href^='#']")
    assert links.count() >= 2
    anchors = [links.nth(i).get_attribute("href")[1:] for i in range(links.count())]
    assert "age_min" in anchors
    for anchor in anchors:
        target = page.locator(f"[id='{anchor}']")
        assert target.count() == 1, anchor
        described = (target.get_attribute("aria-describedby") or "").split()
        assert f"{anchor}-error" in described, (anchor, described)
        message = page.locator(f"[id='{anchor}-error']")
        assert message.inner_text().strip(), anchor
        if target.evaluate("e => e.matches('input, select, textarea')"):
            assert target.get_attribute("aria-invalid") == "true", anchor
    assert page.input_value("input[name=title]") == "Ny insats med fel"
    assert page.input_value("input[name=age_min]") == "arton"

    # Following a summary link moves focus to its field.
    summary.locator("a[href='#age_min']").click()
    assert _focused_matches(page, "#age_min")

    blocking = [
        v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in BLOCKING
    ]
    assert not blocking, blocking


def test_the_checker_finds_what_it_should(page: Page) -> None:
    """axe really runs: an unlabelled field and an image without text are reported."""
    page.set_content(
        '<!doctype html><html lang="sv"><head><title>t</title></head><body><main>'
        '<h1>Test</h1><img src="data:,"><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in BLOCKING}
    assert {"image-alt", "label"} <= found, found
