"""axe-core in Chromium: no serious or critical violation on the main pages of every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import SCREENSHOTS, LiveServer, sign_in

AXE = Axe()
BLOCKING = {"serious", "critical"}

Ids = dict[str, Any]


def _app(state: str) -> Callable[[Ids], str]:
    return lambda ids: f"/applications/{ids['by_state'][state]}"


def _meeting(suffix: str = "") -> Callable[[Ids], str]:
    return lambda ids: f"/meetings/{ids['meeting']}{suffix}"


def _fixed(path: str) -> Callable[[Ids], str]:
    return lambda _ids: path


# The main flows of each role: (name of the page, how to find its address). The names are
# those of the saved screenshots.
PAGES: dict[str, tuple[str, list[tuple[str, Callable[[Ids], str]]]]] = {
    "applicant": (
        "applicant.svb@example.se",
        [
            ("dashboard", _fixed("/")),
            ("application", _app("draft")),
            ("form-edit", lambda ids: f"/applications/{ids['by_state']['draft']}/edit"),
            ("form-new", _fixed("/associations/svb/applications/new")),
            ("completion-requested", _app("completion_requested")),
            (
                "versions",
                lambda ids: f"/applications/{ids['by_state']['completion_requested']}/versions",
            ),
        ],
    ),
    "preparer": (
        "preparer.svb@example.se",
        [
            ("dashboard", _fixed("/")),
            ("preparation", _fixed("/associations/svb/preparation")),
            ("beredning", _app("in_preparation")),
            (
                "annotation-new",
                lambda ids: f"/applications/{ids['by_state']['in_preparation']}/annotations/new",
            ),
        ],
    ),
    "officer": (
        "officer.svb-fsf@example.se",
        [
            ("dashboard", _fixed("/")),
            ("inbox", _fixed("/associations/svb/inbox")),
            ("completion-requested", _app("completion_requested")),
            ("prepared-application", _app("prepared")),
            ("proposed-application", _app("proposed")),
            ("propose", lambda ids: f"/applications/{ids['by_state']['prepared']}/propose"),
            (
                "decide-delegated",
                lambda ids: f"/applications/{ids['by_state']['prepared']}/decide_delegated",
            ),
            ("shares", lambda ids: f"/applications/{ids['by_state']['prepared']}/shares"),
            ("budget", _fixed("/associations/svb/budget")),
            ("statistics", _fixed("/associations/svb/statistics")),
            ("medlemsrad", _fixed("/medlemsrad")),
            ("meetings", _fixed("/associations/svb/meetings")),
            ("meeting", _meeting()),
            ("agenda", _meeting("/agenda")),
            ("attendance", _meeting("/attendance")),
        ],
    ),
    "board": (
        "board.svb@example.se",
        [
            ("dashboard", _fixed("/")),
            ("meetings", _fixed("/associations/svb/meetings")),
            ("meeting", _meeting()),
            ("decided-application", _app("approved")),
            ("budget", _fixed("/associations/svb/budget")),
        ],
    ),
    "chair": (
        "chair.svb@example.se",
        [
            ("dashboard", _fixed("/")),
            ("meeting", _meeting()),
            ("protocol", _meeting("/protocol")),
        ],
    ),
    "auditor": (
        "auditor.svb@example.se",
        [
            ("dashboard", _fixed("/")),
            ("application", _app("approved")),
            ("budget", _fixed("/associations/svb/budget")),
            ("meeting", _meeting()),
            ("audit", _fixed("/associations/svb/audit")),
            ("audit-checked", _fixed("/associations/svb/audit?check=1")),
        ],
    ),
    "admin": (
        "admin@example.se",
        [
            ("dashboard", _fixed("/")),
            ("associations", _fixed("/admin/associations")),
            ("association", _fixed("/admin/associations/svb")),
            ("members", _fixed("/admin/associations/svb/members")),
            ("users", _fixed("/admin/associations/svb/users")),
            ("outbox", _fixed("/admin/outbox")),
        ],
    ),
}


def _problems(page: Page) -> list[str]:
    """The serious and critical axe violations of the page, one line per element."""
    results = AXE.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at"
                f" {node['target']}: {node.get('failureSummary', '')[:300]}"
            )
    return lines


def _check(page: Page, server: LiveServer, role: str, name: str, path: str) -> list[str]:
    response = page.goto(server.url + path)
    assert response is not None
    if response.status >= 400:
        return [f"{role}/{name} {path}: HTTP {response.status}"]
    page.screenshot(path=str(SCREENSHOTS / f"{role}-{name}.png"), full_page=True)
    return [f"{role}/{name} {path}: {line}" for line in _problems(page)]


def test_sign_in_page(page: Page, live_server: LiveServer) -> None:
    """The sign-in page, and its page after a failed attempt (errors shown)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = _check(page, live_server, "anonymous", "sign-in", "/login")
    page.fill("input[name=email]", "nobody@example.se")
    page.fill("input[name=password]", "wrong password here")
    page.click("main [type=submit]")
    page.wait_for_load_state()
    problems += [f"anonymous/sign-in-failed: {line}" for line in _problems(page)]
    assert not problems, "\n".join(problems)


# The public pages, seen without signing in.
ANONYMOUS_PAGES = [
    ("notice-boards", "/anslagstavla"),
    ("notice-board", "/anslagstavla/svb"),
]


def test_public_notice_board(page: Page, live_server: LiveServer) -> None:
    """The anslagstavla, as an anonymous visitor: answers in Swedish, no serious violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for name, path in ANONYMOUS_PAGES:
        problems += _check(page, live_server, "anonymous", name, path)
        assert page.locator("html").get_attribute("lang") == "sv"
    assert (
        page.get_by_role("heading", name="Anslag just nu").count()
        + page.get_by_role("heading", name="Tidigare anslag").count()
        >= 1
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_of_each_role(page: Page, live_server: LiveServer, role: str) -> None:
    """Every page of the role's main flows answers and has no serious or critical violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    email, pages = PAGES[role]
    sign_in(page, live_server, email)
    assert page.locator("html").get_attribute("lang") == "sv"
    problems: list[str] = []
    for name, address in pages:
        problems += _check(page, live_server, role, name, address(live_server.ids))
    assert not problems, "\n".join(problems)
