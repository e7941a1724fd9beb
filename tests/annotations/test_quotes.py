"""A quote copied from the page matches the number as the page shows it (issue 19, friction 5)."""

from __future__ import annotations

import pytest

from workflow.operations.annotations import quote_occurs

SNAPSHOT = {"budget": [{"year": 2027, "amount_sek": 900_000}, {"year": 2028, "amount_sek": 45}]}


@pytest.mark.parametrize(
    "quote",
    [
        "900000",
        "900 000",  # Swedish, as the page shows it
        "900\u00a0000",  # the no-break space the page writes
        "900\u202f000 kr",  # a narrow no-break space and the unit
        "900,000",  # the English page
        "2027",
    ],
)
def test_a_number_quoted_as_shown_is_found(quote: str) -> None:
    assert quote_occurs(SNAPSHOT, "budget", quote)


@pytest.mark.parametrize("quote", ["900 001", "9 000 000", "90 000", "45 000", ""])
def test_a_number_not_there_is_not_found(quote: str) -> None:
    assert not quote_occurs(SNAPSHOT, "budget", quote)
