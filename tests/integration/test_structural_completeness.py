"""A structural insats is not asked for an age range or women and men (issues 19 and 22)."""

from __future__ import annotations

import pytest

from states.application import State
from workflow import engine
from workflow.errors import ValidationFailed
from workflow.lifecycles.application import APPLICATION
from workflow.rules.completeness import missing_items

BLANK = {"age_min": None, "age_max": None, "participants_women": None, "participants_men": None}
ASKED = {"age_min", "age_max", "participants_women", "participants_men"}


def test_a_structural_insats_submits_without_ages_or_a_gender_split(
    session, world, make_application
):
    draft = make_application(kind="structural", **BLANK)
    assert not ASKED & {p.field for p in missing_items(draft)}
    engine.fire(APPLICATION, draft, "submit", by=world.users["applicant"], session=session)
    session.commit()
    assert draft.state == State.SUBMITTED


def test_an_individual_insats_is_still_asked_for_them(session, world, make_application):
    draft = make_application(kind="individual", **BLANK)
    assert {p.field for p in missing_items(draft)} >= ASKED
    with pytest.raises(ValidationFailed) as refused:
        engine.fire(APPLICATION, draft, "submit", by=world.users["applicant"], session=session)
    assert {p.field for p in refused.value.problems} >= ASKED
