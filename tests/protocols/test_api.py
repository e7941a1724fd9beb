"""The protocol over the API: JSON checked against the OpenAPI document, the PDF, the extract."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import holidays
from pypdf import PdfReader

from tests.api.helpers import error_code, problem_fields
from tests.meetings.conftest import YEAR
from workflow.models import clock_at
from workflow.operations import protocols
from workflow.rules.protocols import last_appeal_day, legal_force_date


def _pdf_text(body: bytes) -> str:
    """The document's text, pages joined, whitespace runs as one space."""
    pages = PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_the_protocol_as_json(api, bearer, board, world, closed):
    meeting, _ = closed()
    url = f"/api/v1/meetings/{meeting.id}/protocol"
    draft = api.get(url, token=bearer("auditor"))
    assert draft.status_code == 200
    body = draft.get_json()
    assert (body["signed"], body["state"], body["notice"]) == (False, "closed", None)
    # Four standard items open the meeting, the two applications follow, one item closes it.
    assert body["paragraphs"] == {"first": 1, "last": 7}
    makers = {p["name"]: p for p in body["decision_makers"]}
    assert set(makers) == {
        "Bo Ledamot",
        "Ola Ordförande",
        "Rolf Ledamot",
        "Hugo Ledamot",
        "Ersättare jonkoping",
    }
    assert makers["Ersättare jonkoping"]["replaces"] == "Jenny Ledamot"
    assert [p["name"] for p in body["substitutes"]] == ["Ersättare af"]
    assert [p["name"] for p in body["absent"]] == ["Jenny Ledamot"]
    assert body["justerare"]["name"] == "Hugo Ledamot"
    assert body["secretary"]["name"] == "Frida Förbundschef"
    enter, rejected = [p for p in body["items"] if p["kind"] == "application"]
    assert [p["number"] for p in body["items"]] == [1, 2, 3, 4, 5, 6, 7]
    assert body["items"][0]["decision_text"] == "Ola Ordförande förklarar mötet öppnat."
    assert (enter["number"], enter["outcome"], enter["total_sek"]) == (
        5,
        "approve_with_conditions",
        3_000_000,
    )
    assert [a["year"] for a in enter["amounts"]] == [YEAR, YEAR + 1]
    assert enter["decision_text"].startswith("Styrelsen beslutar att bevilja Jönköpings kommun")
    assert enter["conditions"] == "Rapport varje kvartal."
    assert enter["vote_counts"] == {"yes": 4, "no": 1, "abstain": 0}
    assert {(d["name"], d["kind"]) for d in enter["dissents"]} == {
        ("Hugo Ledamot", "reservation"),
        ("Ola Ordförande", "protocol_note"),
    }
    assert rejected["decision_text"].startswith("Styrelsen beslutar att avslå")
    assert enter["legal_force_on"] is None
    for who in ("applicant", "outsider"):
        assert api.get(url, token=bearer(who)).status_code == 404


def test_justering_and_posting_over_the_api(api, bearer, board, world, closed, session):
    meeting, _ = closed()
    base = f"/api/v1/meetings/{meeting.id}"
    too_early = api.request(
        "PUT", f"{base}/protocol/posting", token=bearer("officer"), json={"posted_on": "2026-01-01"}
    )
    assert (too_early.status_code, error_code(too_early)) == (409, "invalid_state")
    assert api.post(f"{base}/protocol/justering", token=bearer("board")).status_code == 403
    hugo = bearer(board.ledamot["habo"])
    justered = api.post(f"{base}/protocol/justering", token=hugo)
    assert justered.status_code == 201
    assert justered.get_json()["signatures"][2]["signed_at"] is not None
    again = api.post(f"{base}/protocol/justering", token=hugo)
    assert (again.status_code, error_code(again)) == (409, "already_signed")
    signed = api.post(f"{base}/transitions/sign", token=bearer("chair"))
    assert signed.get_json()["state"] == "protocol_signed"
    today = protocols.local_today()
    future = api.request(
        "PUT",
        f"{base}/protocol/posting",
        token=bearer("officer"),
        json={"posted_on": (today + timedelta(days=2)).isoformat()},
    )
    assert (future.status_code, problem_fields(future)) == (422, ["posted_on"])
    assert (
        api.request(
            "PUT",
            f"{base}/protocol/posting",
            token=bearer("chair"),
            json={"posted_on": today.isoformat()},
        ).status_code
        == 403
    )
    posted = api.request(
        "PUT",
        f"{base}/protocol/posting",
        token=bearer("officer"),
        json={"posted_on": today.isoformat()},
    )
    assert posted.status_code == 200, posted.get_json()
    notice = posted.get_json()["notice"]
    assert notice["posted_on"] == today.isoformat()
    assert notice["last_appeal_day"] == last_appeal_day(today).isoformat()
    assert notice["legal_force_on"] == legal_force_date(today).isoformat()
    assert notice["kept_at"] == f"Kansliet, {world.association.name}"
    decided = [p for p in posted.get_json()["items"] if p["kind"] == "application"]
    assert decided[0]["legal_force_on"] == notice["legal_force_on"]
    agenda = api.get(base, token=bearer("board")).get_json()["agenda"]
    decision = next(i for i in agenda if i["kind"] == "application")["decision"]
    assert decision["legal_force_on"] == notice["legal_force_on"]
    locked = api.request(
        "PUT",
        f"{base}/attendance",
        token=bearer("officer"),
        json=[{"user_id": board.ledamot["af"].id, "present": False}],
    )
    assert locked.status_code == 409


def test_the_protocol_and_extract_pdfs(client, api, bearer, board, world, signed, session):
    meeting, (first, _) = signed()
    protocols.record_posting(
        session,
        meeting,
        posted_on=protocols.local_today(),
        kept_at="Förbundets kansli",
        by=world.users["officer"],
    )
    session.commit()
    auth = {"Authorization": f"Bearer {bearer('board')}"}
    answer = client.get(f"/api/v1/meetings/{meeting.id}/protocol.pdf", headers=auth)
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    text = _pdf_text(answer.data)
    today = protocols.local_today()
    for expected in (
        world.association.name,
        "Protokoll",
        "Sammanträdesdatum",
        f"{YEAR}-03-14",
        "Plats och tid",
        "Beslutande",
        "Ersättare",
        "Utses att justera",
        "Justeringens plats och tid",
        "§§ 1–7",
        "Mötets öppnande",
        "Mötets avslutande",
        "Sekreterare",
        "Ordförande",
        "Justerande",
        "ANSLAG/BEVIS",
        "Protokollet är justerat. Justeringen har tillkännagivits genom anslag",
        "Sista dag att överklaga",
        last_appeal_day(today).isoformat(),
        "kl. 13.00–15.30",
        "Förbundets kansli",
        "Hugo Ledamot",
        "Ola Ordförande",
        "ersätter Jenny Ledamot",
        "1 500 000 kr",
        "3 000 000 kr",
        "Hugo Ledamot reserverar sig mot beslutet: För dyrt.",
        "Styrelsen beslutar att avslå",
        "Sida 1 av",
    ):
        assert expected in text, expected
    applicant = {"Authorization": f"Bearer {bearer('applicant')}"}
    extract = client.get(f"/api/v1/applications/{first.id}/protocol-extract.pdf", headers=applicant)
    assert extract.status_code == 200
    extract_text = _pdf_text(extract.data)
    assert "Protokollsutdrag" in extract_text
    assert "§ 5 Enter" in extract_text
    assert "Mötets öppnande" not in extract_text
    assert "Hälsoskola" not in extract_text
    assert "Rätt utdraget betygar" in extract_text
    for who in ("outsider", "outsider_applicant", "other_applicant"):
        hidden = client.get(
            f"/api/v1/applications/{first.id}/protocol-extract.pdf",
            headers={"Authorization": f"Bearer {bearer(who)}"},
        )
        assert hidden.status_code == 404, who


def test_the_notice_never_ends_the_time_to_appeal_on_a_weekend(api, api_token, world, signed):
    meeting, _ = signed()
    # Posted on a Saturday: three weeks later is a Saturday too.
    today = protocols.local_today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    with clock_at(datetime(saturday.year, saturday.month, saturday.day, 10, tzinfo=UTC)):
        posted = api.request(
            "PUT",
            f"/api/v1/meetings/{meeting.id}/protocol/posting",
            token=api_token(world.users["officer"]),
            json={"posted_on": saturday.isoformat()},
        )
    assert posted.status_code == 200, posted.get_json()
    notice = posted.get_json()["notice"]
    last = date.fromisoformat(notice["last_appeal_day"])
    assert last.weekday() < 5
    assert last > saturday + timedelta(weeks=3)
    assert last not in holidays.country_holidays("SE", categories=("public", "de_facto"))
    assert notice["legal_force_on"] == (last + timedelta(days=1)).isoformat()
