"""The national classification of an insats: the code lists and their validation.

Uppföljning Finsam (Försäkringskassan's follow-up system, SUS's successor from 2023) asks,
when an insats is created there, for its insatsinriktning (individinriktad or
strukturövergripande), a preciserad inriktning under it, the uppföljningsmetod and whether
the insats is co-financed by the ESF; the first three and the ESF answer cannot be changed
afterwards (finsam.se, "Användarhandledning", Uppföljning Finsam: "Efter att insatsen är
skapad kan du inte ändra på följande uppgifter: insatsinriktning, val av uppföljningsmetod
och ESF finansiering").

The two directions are the national system's own. The lists of precise directions and of
follow-up methods are the product's reading of SUS's categories ("Kategorisera insatser",
susam.se: a precise direction under each direction; "Med personuppgifter/anonym" or "Endast
antal (volyminsats)", the latter preset for structural insatser): the national system's
current code list was not available when they were written, and must be checked against
it (docs/uppfoljning-finsam.md). The keys are stable codes; workflow/labels.py gives the
Swedish words. Nothing here reads the database: it is plain data and checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.errors import Problem
from workflow.i18n import _l

# Insatsinriktning: the national system's two, the same as an application's kind.
DIRECTIONS: tuple[str, ...] = ("individual", "structural")

# Preciserad inriktning per direction (the product's reading, see above).
PRECISE_DIRECTIONS: Mapping[str, tuple[str, ...]] = {
    "individual": (
        "pre_rehabilitation",
        "vocational_rehabilitation",
        "assessment",
        "coordination",
        "work_training",
        "support_into_work_or_studies",
        "individual_other",
    ),
    "structural": (
        "competence_development",
        "method_development",
        "cooperation_structures",
        "survey_and_analysis",
        "information",
        "structural_other",
    ),
}
PRECISE_CODES: tuple[str, ...] = tuple(c for codes in PRECISE_DIRECTIONS.values() for c in codes)

# Uppföljningsmetod: each participant registered in the national system, or counted only.
FOLLOW_UP_METHODS: tuple[str, ...] = ("participant_records", "aggregate_counts")
# A structural insats has no participants of its own to register: it is counted only.
METHODS_OF: Mapping[str, tuple[str, ...]] = {
    "individual": FOLLOW_UP_METHODS,
    "structural": ("aggregate_counts",),
}

ESF_PROJECT_MAX = 200
FIELDS = ("direction", "precise_direction", "follow_up_method", "esf", "esf_project")


@dataclass(frozen=True)
class Classification:
    """The five answers, checked: codes from the lists, the ESF project only with ESF."""

    direction: str
    precise_direction: str
    follow_up_method: str
    esf: bool
    esf_project: str | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def check(
    values: Mapping[str, Any], kind: str | None
) -> tuple[Classification | None, list[Problem]]:
    """The classification of `values` for an insats of `kind`, or every problem, each by field."""
    problems: list[Problem] = []
    direction = _text(values.get("direction"))
    precise = _text(values.get("precise_direction"))
    method = _text(values.get("follow_up_method"))
    esf = values.get("esf")
    project = _text(values.get("esf_project")) or None
    if direction not in DIRECTIONS:
        problems.append(Problem("direction", _l("Choose one of the listed directions.")))
    elif kind is not None and direction != kind:
        # The national system registers a mixed insats as two: the direction is the kind.
        problems.append(
            Problem(
                "direction",
                _l("The direction must match the insats's kind (individual or structural)."),
            )
        )
    if precise not in PRECISE_CODES:
        problems.append(
            Problem("precise_direction", _l("Choose one of the listed precise directions."))
        )
    elif direction in DIRECTIONS and precise not in PRECISE_DIRECTIONS[direction]:
        problems.append(
            Problem(
                "precise_direction", _l("This precise direction belongs to the other direction.")
            )
        )
    if method not in FOLLOW_UP_METHODS:
        problems.append(
            Problem("follow_up_method", _l("Choose one of the listed follow-up methods."))
        )
    elif direction in DIRECTIONS and method not in METHODS_OF[direction]:
        problems.append(
            Problem("follow_up_method", _l("A structural insats is followed up by counts only."))
        )
    if not isinstance(esf, bool):
        problems.append(Problem("esf", _l("Answer whether the ESF co-finances the insats.")))
    elif esf and project is None:
        problems.append(Problem("esf_project", _l("Name the ESF project.")))
    elif not esf and project is not None:
        problems.append(
            Problem("esf_project", _l("An ESF project is given only when the ESF co-finances."))
        )
    if project is not None and len(project) > ESF_PROJECT_MAX:
        problems.append(Problem("esf_project", _l("At most %(n)s characters.", n=ESF_PROJECT_MAX)))
    if problems:
        return None, problems
    return Classification(direction, precise, method, bool(esf), project), []
