"""Real answers of every JSON reading against /api/v1/openapi.json, on the full demo data."""

from __future__ import annotations

import io
import shutil
from collections import Counter
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jsonschema import ValidationError
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.api.conftest import Api
from tests.robustness.conftest import demo_app_at
from tests.security.conftest import pdf_bytes
from workflow.api.registry import UndocumentedAnswer, answer_of
from workflow.api.schemas import HistoryEventOut, MemberOut
from workflow.devdata import demo

# Who walks the API: the förbundschef of two associations sees the most; the others see
# what their roles show (an applicant's shared annotations, a board member's protocol).
WALKERS = (
    demo.SHARED_OFFICER.key,
    "svb.applicant",
    "svb.board",
    "svb.chair",
    "svb.auditor",
    "admin",
)
# Readings whose answer is a file, not JSON, and the document itself (checked elsewhere).
NOT_WALKED = {
    "/api/v1/attachments/{attachment_id}",
    "/api/v1/meetings/{meeting_id}/protocol.pdf",
    "/api/v1/meetings/{meeting_id}/protocol.docx",
    "/api/v1/applications/{application_id}/proposal.pdf",
    "/api/v1/applications/{application_id}/proposal.docx",
    "/api/v1/applications/{application_id}/protocol-extract.pdf",
    "/api/v1/applications/{application_id}/decisions/{decision_id}/protocol-extract.pdf",
    "/api/v1/associations/{slug}/statistics.csv",
    "/api/v1/associations/{slug}/statistics.xlsx",
    "/api/v1/associations/{slug}/statistics/national/{year}/{kind}.csv",
    "/api/v1/associations/{slug}/statistics/national/{year}/{kind}.xlsx",
    "/api/v1/associations/{slug}/statistics/summary/{year}.csv",
    "/api/v1/associations/{slug}/statistics/summary/{year}.xlsx",
    "/api/v1/openapi.json",
}


@pytest.fixture(scope="module")
def demo_api(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A validating client of an application loaded with the demo data (SQLite, per module)."""
    path = Path(tmp_path_factory.mktemp("answers")) / "demo.db"
    shutil.copyfile(sqlite_template, path)
    application: Flask = demo_app_at(f"sqlite:///{path}")
    yield Api(application, application.test_client())
    application.extensions["db_engine"].dispose()


class Walk:
    """Reads everything one user can reach, checking each answer against the document."""

    def __init__(self, api: Api, token: str) -> None:
        self.api = api
        self.token = token
        self.answered: Counter[str] = Counter()  # documented path -> successful answers

    def get(self, path: str) -> Any:
        response = self.api.get(path, token=self.token)  # validated by the client
        if response.status_code != 200:
            return None
        operation = self.api.operation("GET", path)
        assert operation is not None
        self.answered[
            next(p for p, ops in self.api.document["paths"].items() if ops.get("get") is operation)
        ] += 1
        return response.get_json()

    def pages(self, path: str) -> list[dict[str, Any]]:
        """Every item of a paginated list."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.get(f"{path}{'&' if '?' in path else '?'}page={page}&per_page=100")
            if answer is None:
                return items
            items.extend(answer["items"])
            if page >= answer["pages"]:
                return items
            page += 1

    def everything(self) -> None:
        self.get("/api/v1/audit/verify")
        for association in self.pages("/api/v1/associations"):
            self.association(association["slug"])

    def association(self, slug: str) -> None:
        base = f"/api/v1/associations/{slug}"
        self.pages(f"{base}/members")
        self.pages(f"{base}/users")
        self.get(f"{base}/delegations")
        self.get(f"{base}/queues/inbox")
        self.get(f"{base}/queues/preparation")
        budgets = self.get(f"{base}/budgets")
        for year in budgets["years"] if budgets else []:
            self.get(f"{base}/budgets/{year['year']}")
            self.get(f"{base}/contribution-keys/{year['year']}")
            self.get(f"{base}/economy-records/{year['year']}")
        years = [year["year"] for year in budgets["years"]] if budgets else []
        for year in years:
            self.get(f"{base}/statistics?year={year}")
        if years:
            self.get(f"{base}/statistics?from={years[0]}&to={years[-1]}")
        self.get(f"{base}/statistics/parameters")
        self.get(f"{base}/medlemsrad")
        if years:
            self.get(f"{base}/medlemsrad?from={max(years[0], years[-1] - 5)}&to={years[-1]}")
        for meeting in self.pages(f"{base}/meetings"):
            self.get(f"/api/v1/meetings/{meeting['id']}")
            self.get(f"/api/v1/meetings/{meeting['id']}/protocol")
            self.get(f"/api/v1/meetings/{meeting['id']}/kallelse")
        for application in self.pages(f"{base}/applications"):
            self.application(application["id"])

    def application(self, application_id: int) -> None:
        base = f"/api/v1/applications/{application_id}"
        self.get(base)
        self.pages(f"{base}/history")
        self.pages(f"{base}/annotations")
        versions = self.pages(f"{base}/versions")
        for version in versions:
            self.get(f"{base}/versions/{version['number']}")
        if versions:
            self.get(f"{base}/versions/{versions[0]['number']}/diff/{versions[-1]['number']}")
        self.get(f"{base}/endorsements")
        self.get(f"{base}/recommendations")
        self.get(f"{base}/proposal-draft")
        self.get(f"{base}/liv")
        self.get(f"{base}/decisions")
        self.get(f"{base}/shares")
        self.get(f"{base}/parts")
        attachments = self.get(f"{base}/attachments")
        for attachment in attachments["items"] if attachments else []:
            self.get(f"/api/v1/attachments/{attachment['id']}/metadata")
        reports = self.get(f"{base}/reports")
        for report in reports["items"] if reports else []:
            self.get(f"/api/v1/reports/{report['id']}")
            self.get(f"/api/v1/reports/{report['id']}/attachments")


def _token(api: Api, key: str) -> str:
    person = next(p for p in demo.PEOPLE if p.key == key)
    response = api.post("/api/v1/tokens", json={"email": person.email, "password": person.password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def _attach_a_file(api: Api) -> None:
    """The demo data has no files: the applicant adds one to a draft of theirs."""
    token = _token(api, "svb.applicant")
    drafts = api.get("/api/v1/associations/svb/applications?state=draft", token=token)
    application_id = drafts.get_json()["items"][0]["id"]
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(pdf_bytes()), "plan.pdf", "application/pdf")}
    )
    response = api.post(
        f"/api/v1/applications/{application_id}/attachments",
        token=token,
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.get_json()


def test_every_json_reading_answers_as_documented(demo_api: Api) -> None:
    """Each walker reads all it can reach; together they reach every JSON reading."""
    _attach_a_file(demo_api)
    answered: Counter[str] = Counter()
    for key in WALKERS:
        walk = Walk(demo_api, _token(demo_api, key))
        walk.everything()
        answered.update(walk.answered)
    readings = {
        path for path, operations in demo_api.document["paths"].items() if "get" in operations
    }
    assert readings - NOT_WALKED - set(answered) == set(), "readings no walker reached"


def test_the_documented_answers_are_closed(demo_api: Api) -> None:
    """A key the model lacks fails the check: every answer schema refuses unknown keys."""
    walk = Walk(demo_api, _token(demo_api, demo.SHARED_OFFICER.key))
    association = walk.get("/api/v1/associations")["items"][0]
    application = walk.get(f"/api/v1/associations/{association['slug']}/applications")["items"][0]
    answers = {
        "AssociationOut": association,
        "ApplicationOut": application,
        "AuditVerificationOut": Walk(demo_api, _token(demo_api, "svb.auditor")).get(
            "/api/v1/audit/verify"
        ),
    }
    for name, answer in answers.items():
        schema = {"$ref": f"#/components/schemas/{name}"}
        demo_api.validate(answer, schema)
        first = next(iter(answer))
        for wrong in ({**answer, "unknown": 1}, {k: v for k, v in answer.items() if k != first}):
            with pytest.raises(ValidationError):
                demo_api.validate(wrong, schema)
        if "created_at" in answer:
            with pytest.raises(ValidationError):
                demo_api.validate({**deepcopy(answer), "created_at": 12}, schema)


@pytest.mark.parametrize(
    "drift",
    [
        {"unknown": 1},  # a key the model lacks
        {"version": "2"},  # a number sent as text
        {"version": 2.0},  # a whole number sent as a float
        {"created_at": "yesterday"},
    ],
)
def test_an_answer_its_model_does_not_describe_is_refused(demo_api: Api, drift: dict) -> None:
    """The registry builds each answer through its model: drift is a 500, never sent."""
    answer = {
        "id": 1,
        "association": "svb",
        "name": "Jönköpings kommun",
        "party": "municipality",
        "population": None,
        "active": True,
        "version": 1,
    }
    with demo_api.app.test_request_context("/api/v1/associations/svb/members"):
        assert answer_of(MemberOut, answer) == answer
        with pytest.raises(UndocumentedAnswer):
            answer_of(MemberOut, {**answer, **drift})
        with pytest.raises(UndocumentedAnswer):
            answer_of(MemberOut, {k: v for k, v in answer.items() if k != "population"})


def test_answers_keep_their_timestamps_and_aliases(demo_api: Api) -> None:
    """UTC stays `+00:00` (not pydantic's `Z`); `from` and `to` keep their names."""
    event = {
        "id": 1,
        "at": "2026-03-01T09:30:00.250000+00:00",
        "actor": None,
        "action": "submit",
        "trigger": "submit",
        "from": "draft",
        "to": "submitted",
        "reason": None,
        "changed_fields": [],
    }
    with demo_api.app.test_request_context("/api/v1/applications/1/history"):
        assert answer_of(HistoryEventOut, event) == event
