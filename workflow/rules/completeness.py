"""What a complete application contains: the submit checklist and the `complete` guard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import KINDS, Application, Association, Member


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist shown before submit."""

    field: str
    label: Any
    problems: Callable[[Application, dict[int, Member]], list[Problem]]


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _required(
    field: str, message: Any
) -> Callable[[Application, dict[int, Member]], list[Problem]]:
    def check(app: Application, _members: dict[int, Member]) -> list[Problem]:
        return [] if _filled(getattr(app, field)) else [Problem(field, message)]

    return check


def _parties(app: Application, members: dict[int, Member]) -> list[Problem]:
    partner_ids = [p.member_id for p in app.partners]
    if not partner_ids:
        return [
            Problem(
                "partner_member_ids",
                _l("Name at least one other member organisation that stands behind the insats."),
            )
        ]
    involved = {members[m].party for m in [app.lead_member_id, *partner_ids] if m in members}
    if len(involved) < 2:
        return [
            Problem(
                "partner_member_ids",
                _l(
                    "The target group must exist at two or more parties (for example a municipality"
                    " and Försäkringskassan)."
                ),
            )
        ]
    return []


# A structural insats (seminars, competence days, Psykiatriveckan) reaches people who are not
# its participants: no age range and no expected women and men are asked of it.
STRUCTURAL = KINDS[1]


def _ages(app: Application, _members: dict[int, Member]) -> list[Problem]:
    if app.kind == STRUCTURAL:
        return []
    problems = []
    if app.age_min is None:
        problems.append(Problem("age_min", _l("Give the lowest age of the target group.")))
    if app.age_max is None:
        problems.append(Problem("age_max", _l("Give the highest age of the target group.")))
    return problems


def _participants(app: Application, _members: dict[int, Member]) -> list[Problem]:
    if app.kind == STRUCTURAL:
        return []
    problems = []
    if app.participants_women is None:
        problems.append(
            Problem("participants_women", _l("Give the expected number of women taking part."))
        )
    if app.participants_men is None:
        problems.append(
            Problem("participants_men", _l("Give the expected number of men taking part."))
        )
    return problems


def _period(app: Application, _members: dict[int, Member]) -> list[Problem]:
    problems = []
    if app.start_date is None:
        problems.append(Problem("start_date", _l("Give the start date of the insats.")))
    if app.end_date is None:
        problems.append(Problem("end_date", _l("Give the end date of the insats.")))
    return problems


def _budget(app: Application, _members: dict[int, Member]) -> list[Problem]:
    if not app.budget_lines:
        return [Problem("budget", _l("Give the amount applied for, per year."))]
    if app.start_date is None or app.end_date is None:
        return []
    years = {line.year for line in app.budget_lines}
    missing = [y for y in range(app.start_date.year, app.end_date.year + 1) if y not in years]
    if missing:
        return [
            Problem(
                "budget",
                _l("The budget lacks a line for %(years)s.", years=", ".join(map(str, missing))),
            )
        ]
    if sum(line.amount_sek for line in app.budget_lines) <= 0:
        return [Problem("budget", _l("The amount applied for must be more than 0 kr."))]
    return []


def _goals(app: Application, _members: dict[int, Member]) -> list[Problem]:
    if not app.goals:
        return [Problem("goals", _l("Give at least one measurable goal."))]
    problems = []
    for index, goal in enumerate(app.goals):
        if not _filled(goal.indicator) or not _filled(goal.target):
            problems.append(
                Problem(
                    f"goals.{index}",
                    _l(
                        "Goal %(n)s needs an indicator and a target value to be measurable.",
                        n=index + 1,
                    ),
                )
            )
    return problems


CHECKLIST: tuple[CheckItem, ...] = (
    CheckItem("title", _l("Title"), _required("title", _l("Give the application a title."))),
    CheckItem(
        "kind",
        _l("Kind of insats (individual or structural)"),
        _required("kind", _l("Choose whether the insats is individual or structural.")),
    ),
    CheckItem("partner_member_ids", _l("Lead member and at least one other party"), _parties),
    CheckItem(
        "target_group",
        _l("Target group"),
        _required("target_group", _l("Describe the target group.")),
    ),
    CheckItem("age_min", _l("Age range within working age"), _ages),
    CheckItem("participants_women", _l("Expected participants, women and men"), _participants),
    CheckItem("start_date", _l("Period"), _period),
    CheckItem("budget", _l("Budget per year"), _budget),
    CheckItem("goals", _l("Measurable goals"), _goals),
    CheckItem(
        "follow_up_plan",
        _l("Follow-up and evaluation plan"),
        _required("follow_up_plan", _l("Write a plan for follow-up and evaluation.")),
    ),
    CheckItem(
        "gender_equality_plan",
        _l("Gender equality plan"),
        _required(
            "gender_equality_plan",
            _l(
                "Describe how the insats applies the association's action plan for gender"
                " mainstreaming."
            ),
        ),
    ),
    CheckItem(
        "continuation_plan",
        _l("Continuation funding plan"),
        _required(
            "continuation_plan",
            _l("Describe who finances the insats after the grant if it proves to work."),
        ),
    ),
)


def _members_of(app: Application) -> dict[int, Member]:
    # Through the association in the identity map: one query per association and
    # request, however many applications a list checks.
    session = Session.object_session(app)
    association = session.get(Association, app.association_id) if session else None
    if association is None:
        return {}
    return {m.id: m for m in association.members if m.id is not None}


def checklist(app: Application) -> list[tuple[CheckItem, list[Problem]]]:
    """Every checklist item with the problems it has now (an empty list means done)."""
    members = _members_of(app)
    return [(item, item.problems(app, members)) for item in CHECKLIST]


def missing_items(app: Application) -> list[Problem]:
    """Every missing item, in checklist order."""
    return [problem for _item, problems in checklist(app) for problem in problems]


LIV_FIELDS = (
    ("activity_description", _l("Describe the activity (verksamhetsbeskrivning).")),
    ("report_plan", _l("Give the plan for the yearly reports.")),
    ("results_summary", _l("Summarise the results to date.")),
)


def missing_for_liv(app: Application) -> list[Problem]:
    """What `propose_liv` requires."""
    return [Problem(f, msg) for f, msg in LIV_FIELDS if not _filled(getattr(app, f))]
