"""Guards: pages issue as many statements at 1,000 applications as at 10; lists are paginated."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.scale.conftest import scalar
from workflow import pagecache
from workflow.devdata import seed_scale
from workflow.lifecycles.application import APPLICATION

SMALL = f"{seed_scale.SLUG_PREFIX}01"
LARGE = f"{seed_scale.SLUG_PREFIX}02"


def _pages(app: Flask, slug: str) -> dict[str, list[tuple[str, str]]]:
    """Per role, the main pages of the association (paths found in its data)."""
    assoc = scalar(app, "SELECT id FROM association WHERE slug = :s", s=slug)
    heavy = scalar(app, "SELECT min(id) FROM application WHERE association_id = :a", a=assoc)
    # The held meeting with the most agenda items (a few at 10 applications, many at 1,000).
    meeting = scalar(
        app,
        "SELECT m.id FROM meeting m JOIN agenda_item i ON i.meeting_id = m.id"
        " WHERE m.association_id = :a AND m.state = 'protocol_signed'"
        " GROUP BY m.id ORDER BY count(*) DESC, m.id LIMIT 1",
        a=assoc,
    )
    staff = [
        ("dashboard", "/"),
        ("list", "/?state=in_preparation"),
        ("application", f"/applications/{heavy}"),
        ("meeting", f"/meetings/{meeting}"),
        ("budget", f"/associations/{slug}/budget"),
    ]
    return {
        "applicant.0": [("dashboard", "/"), ("list", "/?state=in_preparation")],
        "officer.1": [
            *staff,
            ("inbox", f"/associations/{slug}/inbox"),
            ("medlemsrad", f"/associations/{slug}/medlemsrad"),
            ("medlemsrad-county", "/medlemsrad"),
        ],
        "preparer.1": [*staff[:3], ("preparation", f"/associations/{slug}/preparation")],
        "board.0": [("dashboard", "/"), ("meeting", f"/meetings/{meeting}")],
        "chair.1": [("dashboard", "/"), ("meeting", f"/meetings/{meeting}")],
        "auditor.1": [("dashboard", "/"), ("list", "/?state=in_preparation")],
    }


def _counts(app: Flask, sign_in: Any, count_statements: Any, slug: str) -> dict[str, int]:
    counts = {}
    for who, pages in _pages(app, slug).items():
        browser = sign_in(f"{who}.{slug}")
        for name, path in pages:
            browser.get(path)  # warm: first use of a page may load per-process caches
            # The view's own statements are counted: a page from the page cache issues none.
            app.extensions["page_cache"].clear()
            counter = count_statements()
            response = browser.get(path)
            assert response.status_code == 200, (who, path)
            assert response.headers.get(pagecache.HEADER) != "hit", (who, path)
            counts[f"{who} {name}"] = counter.count
            counter.active = False
    return counts


def test_statements_per_page_do_not_grow_with_the_data(  # type: ignore[no-untyped-def]
    app: Flask, seed, sign_in, count_statements
) -> None:
    seed(1, 10, years=2)
    seed(1, 1000, years=2)
    assert scalar(app, "SELECT count(*) FROM application") == 1010

    small = _counts(app, sign_in, count_statements, SMALL)
    large = _counts(app, sign_in, count_statements, LARGE)

    assert small.keys() == large.keys()
    grown = {k: (small[k], v) for k, v in large.items() if v != small[k]}
    assert grown == {}
    assert all(v > 0 for v in small.values())


def test_every_list_is_paginated(app: Flask, seed, sign_in) -> None:  # type: ignore[no-untyped-def]
    seed(1, 300, years=1)
    size = app.config["PAGE_SIZE"]
    officer = sign_in(f"officer.1.{SMALL}")
    html = officer.get("/").get_data(as_text=True)
    shown = len(re.findall(r'href="/applications/\d+"', html))
    assert 0 < shown <= size
    assert "page=2" in html
    for queue in ("inbox", "preparation"):
        response = officer.get(f"/api/v1/associations/{SMALL}/queues/{queue}")
        # The API wants a bearer token; the page is what the officer uses.
        assert response.status_code == 401
    preparer = sign_in(f"preparer.1.{SMALL}")
    html = preparer.get(f"/associations/{SMALL}/preparation").get_data(as_text=True)
    assert len(set(re.findall(r'href="/applications/(\d+)"', html))) <= size


def test_the_state_machine_is_built_once_per_process(  # type: ignore[no-untyped-def]
    app: Flask, seed, sign_in
) -> None:
    seed(1, 30, years=1)
    before = APPLICATION.machine
    officer = sign_in(f"officer.1.{SMALL}")
    for _ in range(3):
        assert officer.get("/").status_code == 200
        assert officer.get(f"/associations/{SMALL}/inbox").status_code == 200
    assert APPLICATION.machine is before
    assert before.models == []  # no row was ever attached to it
