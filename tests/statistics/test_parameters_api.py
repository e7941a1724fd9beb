"""The socio-economic parameters through the API: read with their sources, set by the officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.api.helpers import problem_fields
from tests.statistics.conftest import YEAR, Dataset

URL = "/api/v1/associations/svb/statistics/parameters"
OWN = {
    "full_time_month_sek": 24_732,
    "subsidised_share": 0.75,
    "studies_share": 0.5,
    "taxable_month_sek": 20_000,
    "region_tax_percent": 11.76,
    "municipal_tax_percent": 21.64,
    "source": "FK:s effektutvärdering 2017 (seeds/001); lönen efter SCB 2025",
}


def test_the_defaults_are_the_seeds_with_their_source(api: Any, token: Callable) -> None:
    answer = api.get(URL, token=token("auditor"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["version"] is None
    assert (body["full_time_month_sek"], body["taxable_month_sek"]) == (25_000, 18_000)
    assert (body["subsidised_share"], body["studies_share"]) == (0.75, 0.5)
    assert (body["region_tax_percent"], body["municipal_tax_percent"]) == (11.76, 21.64)
    assert set(body["sources"]) == {
        "full_time_month_sek",
        "subsidised_share",
        "studies_share",
        "taxable_month_sek",
        "region_tax_percent",
        "municipal_tax_percent",
    }
    assert all(s.startswith("seeds/000") for s in body["sources"].values())
    assert api.get(URL, token=token("applicant")).status_code == 403


def test_the_officer_sets_them_and_the_estimate_follows(
    api: Any, token: Callable, dataset: Dataset
) -> None:
    answer = api.request("PUT", URL, json=OWN, token=token("officer"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["version"] == 1
    assert body["sources"]["full_time_month_sek"] == OWN["source"]
    assert body["sources"]["taxable_month_sek"] == OWN["source"]
    assert body["sources"]["region_tax_percent"].startswith("seeds/000")
    stats = api.get(f"/api/v1/associations/svb/statistics?year={YEAR}", token=token("board"))
    socio = stats.get_json()["socioeconomic"]
    # 24 732 × (7,5 + 0,75 × 3,25 + 0,5 × 5) = 24 732 × 12,4375 = 307 604,25 -> 307 604
    assert socio["work_value_month_sek"] == 307_604
    # 20 000 × 11,76 % × 10,75 heltider = 25 284
    assert socio["region_tax_month_sek"] == 25_284
    # a stale version is refused
    stale = api.request("PUT", URL, json={**OWN, "expected_version": 7}, token=token("officer"))
    assert stale.status_code == 409


def test_bad_input_names_the_field_and_writes_nothing(api: Any, token: Callable) -> None:
    officer = token("officer")
    for body, fields in (
        ({**OWN, "subsidised_share": 1.5}, ["subsidised_share"]),
        ({**OWN, "region_tax_percent": 11.765}, ["region_tax_percent"]),
        ({**OWN, "taxable_month_sek": -1, "full_time_month_sek": 0}, None),
        ({k: v for k, v in OWN.items() if k != "municipal_tax_percent"}, ["municipal_tax_percent"]),
        ({**OWN, "source": None}, ["source"]),  # own figures need a source
        ({**OWN, "source": "x" * 301}, ["source"]),
    ):
        answer = api.request("PUT", URL, json=body, token=officer)
        assert answer.status_code == 422, (body, answer.get_json())
        if fields is None:
            assert set(problem_fields(answer)) == {"taxable_month_sek", "full_time_month_sek"}
        else:
            assert problem_fields(answer) == fields, body
    assert api.get(URL, token=officer).get_json()["version"] is None  # nothing written


def test_only_officers_set_them(api: Any, token: Callable) -> None:
    assert api.request("PUT", URL, json=OWN, token=token("board")).status_code == 403
    assert api.request("PUT", URL, json=OWN, token=token("outsider")).status_code == 404
    assert api.get(URL, token=token("officer")).get_json()["version"] is None
