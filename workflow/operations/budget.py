"""The association's economy per year: budget and its lines, the contribution key, closing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, delete, select

from workflow import audit, limits, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import Kronor, _l
from workflow.models import (
    ECONOMY_RECORD_KINDS,
    KEY_BASES,
    KEY_ROUNDINGS,
    LINE_CATEGORIES,
    Application,
    Association,
    AssociationBudget,
    AssociationBudgetLine,
    ContributionKey,
    ContributionKeyMember,
    EconomyRecord,
    Member,
    User,
)
from workflow.rules import budget as rules
from workflow.rules.budget import FIGURES, figure_problems

LINE_FIELDS = ("category", "label", "application_id", "budget_sek", "forecast_sek", "outcome_sek")


def budget_row(session: Session, association: Association, year: int) -> AssociationBudget | None:
    """The stored budget of one year, if any."""
    return session.exec(
        select(AssociationBudget).where(
            AssociationBudget.association_id == association.id, AssociationBudget.year == year
        )
    ).first()


def key_row(session: Session, association: Association, year: int) -> ContributionKey | None:
    """The stored contribution key of one year, if any."""
    return session.exec(
        select(ContributionKey).where(
            ContributionKey.association_id == association.id, ContributionKey.year == year
        )
    ).first()


def _invalid(problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(_l("Some fields are invalid."), problems=problems)


def _closed_problem(year: int) -> Problem:
    return Problem("year", _l("%(year)s is closed: its accounts can no longer change.", year=year))


def _stale(row: Any, expected_version: int | None, message: Any) -> None:
    if expected_version is not None and (row is None or row.version != expected_version):
        raise Conflict(message, code="stale_version")


def _amount(value: Any, *, optional: bool = False) -> Any:
    """The message for an amount that is not whole kronor from 0 to BUDGET_MAX, else None."""
    if value is None and optional:
        return None
    if not rules._whole(value):
        return _l("Must be a whole number.")
    if not 0 <= value <= limits.BUDGET_MAX:
        return _l("Must be between 0 and %(n)s.", n=Kronor(limits.BUDGET_MAX))
    return None


def line_problems(
    session: Session, association: Association, lines: Sequence[Mapping[str, Any]]
) -> list[Problem]:
    """Every problem with a year's budget lines, each named `lines.<n>.<field>`."""
    problems = []
    for index, line in enumerate(lines):
        name = f"lines.{index}"
        if line.get("category") not in LINE_CATEGORIES:
            problems.append(Problem(f"{name}.category", _l("Choose a category.")))
        label = line.get("label")
        if not isinstance(label, str) or not label.strip() or len(label) > limits.TITLE_MAX:
            problems.append(
                Problem(f"{name}.label", _l("Write a label of at most %(n)s characters.", n=300))
            )
        for field in ("budget_sek", "forecast_sek", "outcome_sek"):
            message = _amount(line.get(field), optional=field != "budget_sek")
            if message is not None:
                problems.append(Problem(f"{name}.{field}", message))
        application_id = line.get("application_id")
        if application_id is not None:
            found = (
                session.get(Application, application_id) if rules._whole(application_id) else None
            )
            if found is None or found.association_id != association.id:
                problems.append(Problem(f"{name}.application_id", _l("No such application here.")))
    return problems


def set_budget(
    session: Session,
    association: Association,
    year: int,
    *,
    contributions_sek: int,
    carried_over_sek: int = 0,
    admin_costs_sek: int = 0,
    other_costs_sek: int = 0,
    lines: Sequence[Mapping[str, Any]] | None = None,
    board_decision: bool = False,
    by: User,
    expected_version: int | None = None,
) -> AssociationBudget:
    """Enter or change one year's budget (flushes and audits, never commits).

    A negative carried-over figure is allowed: a deficit carried in from closed accounts.
    `lines` replaces the year's cost lines (None keeps them). A change that would leave a
    year with decided grants below zero is refused unless it is the board's own decision.
    """
    if not permissions.can_edit_budget(by, association):
        raise Forbidden(_l("Only the association's officers keep its budget."))
    figures = {
        "contributions_sek": contributions_sek,
        "carried_over_sek": carried_over_sek,
        "admin_costs_sek": admin_costs_sek,
        "other_costs_sek": other_costs_sek,
    }
    problems = figure_problems(year, figures)
    wanted_lines = (
        None if lines is None else [{k: line.get(k) for k in LINE_FIELDS} for line in lines]
    )
    if wanted_lines is not None:
        problems += line_problems(session, association, wanted_lines)
        for line in wanted_lines:
            line["label"] = line["label"].strip()
    if problems:
        raise _invalid(problems)
    row = budget_row(session, association, year)
    _stale(
        row, expected_version, _l("The budget was changed by someone else; reload and try again.")
    )
    if row is not None and row.closed_result_sek is not None:
        raise _invalid([_closed_problem(year)])
    stored = rules.stored_figures(session, association.id)
    before = stored.get(year)
    old_lines = [_line_dict(line) for line in before.lines] if before is not None else []
    new_lines = old_lines if wanted_lines is None else wanted_lines
    previous = None
    if row is not None:
        previous = {name: getattr(row, name) for name in FIGURES}
        if previous == figures and new_lines == old_lines:
            return row
        previous["lines"] = old_lines  # type: ignore[assignment]
    # Recording forecast and outcome follows the budget up; it changes no budgeted figure.
    follow_up = (
        previous is not None
        and all(previous[name] == figures[name] for name in FIGURES)
        and _planned(new_lines) == _planned(old_lines)
    )
    if not board_decision and not follow_up and budget_decided(session, association, year):
        raise _invalid(
            [
                Problem(
                    "year",
                    _l(
                        "The board has decided the budget for %(year)s: a change is a new"
                        " decision of the board.",
                        year=year,
                    ),
                )
            ]
        )
    if not board_decision and not follow_up:
        candidate = rules.Figures(
            **figures,
            lines=tuple(rules.Line(**line) for line in new_lines),
        )
        if problems := rules.change_problems(session, association, year, candidate):
            raise _invalid(problems)
    if row is None:
        row = AssociationBudget(association_id=association.id, year=year, **figures)
    else:
        for name, value in figures.items():
            setattr(row, name, value)
        # A change of the lines alone is a change of the budget: its version counts it.
        flag_modified(row, "contributions_sek")
    session.add(row)
    session.flush()
    if wanted_lines is not None and wanted_lines != old_lines:
        session.exec(delete(AssociationBudgetLine).where(AssociationBudgetLine.budget_id == row.id))  # type: ignore[arg-type]
        for position, line in enumerate(wanted_lines):
            session.add(AssociationBudgetLine(budget_id=row.id, position=position, **line))  # type: ignore[arg-type]
        session.flush()
    audit.record(
        session,
        action="set_budget",
        entity_type="association_budget",
        entity_id=row.id,
        association_id=association.id,
        actor=by,
        data={
            "year": year,
            **figures,
            "lines": new_lines,
            "board_decision": board_decision,
            "previous": previous,
        },
    )
    return row


def _planned(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The lines without their forecast and outcome: what the budget decision fixed."""
    return [
        {k: v for k, v in line.items() if k not in ("forecast_sek", "outcome_sek")}
        for line in lines
    ]


def _line_dict(line: rules.Line) -> dict[str, Any]:
    return {name: getattr(line, name) for name in LINE_FIELDS}


def set_contribution_key(
    session: Session,
    association: Association,
    year: int,
    *,
    basis: str,
    rounding_sek: int = 1,
    members: Sequence[Mapping[str, Any]] = (),
    remainder_member_id: int | None = None,
    by: User,
    expected_version: int | None = None,
) -> ContributionKey:
    """Set how one year's local half is shared (the förbundsordning's key); flushes, audits."""
    if not permissions.can_edit_budget(by, association):
        raise Forbidden(_l("Only the association's officers keep its budget."))
    problems = figure_problems(year, dict.fromkeys(FIGURES, 0))
    if basis not in KEY_BASES:
        problems.append(Problem("basis", _l("Choose population, equal or fixed.")))
    if rounding_sek not in KEY_ROUNDINGS:
        problems.append(Problem("rounding_sek", _l("Choose 1 or 1000.")))
    own = {m.id: m for m in association.members if m.party in ("region", "municipality")}
    seen: set[int] = set()
    entries: dict[int, tuple[int | None, int | None]] = {}
    for index, entry in enumerate(members):
        name = f"members.{index}"
        member_id = entry.get("member_id")
        member = own.get(member_id)  # type: ignore[arg-type]
        if member is None:
            problems.append(
                Problem(f"{name}.member_id", _l("Not a region or municipality of the association."))
            )
            continue
        if member_id in seen:
            problems.append(Problem(f"{name}.member_id", _l("Listed twice.")))
            continue
        seen.add(member_id)  # type: ignore[arg-type]
        population, amount = entry.get("population"), entry.get("amount_sek")
        if population is not None and (
            not rules._whole(population) or not 0 <= population <= limits.POPULATION_MAX
        ):
            problems.append(Problem(f"{name}.population", _l("Must be a whole number of people.")))
        if (
            basis == "population"
            and member.party == "municipality"
            and population is None
            and member.population is None
        ):
            problems.append(Problem(f"{name}.population", _l("The key by population needs it.")))
        if basis == "fixed":
            message = _amount(amount) if amount is not None else _l("A fixed key needs it.")
            if message is not None:
                problems.append(Problem(f"{name}.amount_sek", message))
        elif amount is not None:
            message = _amount(amount)
            if message is not None:
                problems.append(Problem(f"{name}.amount_sek", message))
        entries[member_id] = (population, amount)  # type: ignore[index]
    if remainder_member_id is not None and remainder_member_id not in own:
        problems.append(
            Problem("remainder_member_id", _l("Not a region or municipality of the association."))
        )
    budget = budget_row(session, association, year)
    if budget is not None and budget.closed_result_sek is not None:
        problems.append(_closed_problem(year))
    if basis == "fixed" and not problems:
        if not entries:
            problems.append(Problem("members", _l("A fixed key needs each member's amount.")))
        elif budget is not None:
            local = budget.contributions_sek // 2
            total = sum(amount or 0 for _, amount in entries.values())
            if total != local:
                problems.append(
                    Problem(
                        "members",
                        _l(
                            "The fixed amounts sum to %(total)s kr; the local half of %(year)s"
                            " is %(half)s kr.",
                            total=Kronor(total),
                            year=year,
                            half=Kronor(local),
                        ),
                    )
                )
    if problems:
        raise _invalid(problems)
    row = key_row(session, association, year)
    _stale(row, expected_version, _l("The key was changed by someone else; reload and try again."))
    existed = row is not None
    if row is None:
        row = ContributionKey(association_id=association.id, year=year, basis=basis)
    row.basis = basis
    row.rounding_sek = rounding_sek
    row.remainder_member_id = remainder_member_id
    session.add(row)
    session.flush()
    session.exec(delete(ContributionKeyMember).where(ContributionKeyMember.key_id == row.id))  # type: ignore[arg-type]
    for member_id, (population, amount) in entries.items():
        session.add(
            ContributionKeyMember(
                key_id=row.id, member_id=member_id, population=population, amount_sek=amount
            )
        )
    if existed:
        # A change of the entries alone is a change of the key: its version counts it.
        flag_modified(row, "basis")
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="set_contribution_key",
        entity_type="contribution_key",
        entity_id=row.id,
        association_id=association.id,
        actor=by,
        data={
            "year": year,
            "basis": basis,
            "rounding_sek": rounding_sek,
            "remainder_member_id": remainder_member_id,
            "members": [
                {"member_id": m, "population": p, "amount_sek": a} for m, (p, a) in entries.items()
            ],
        },
    )
    return row


def close_year(
    session: Session, association: Association, year: int, *, decided_on: date, by: User
) -> AssociationBudget:
    """Record the board's årsbokslut: the real result, which the next year carries in.

    Every line needs its outcome (utfall); the result is what was carried in plus the
    contributions less the outcome, so money granted and not spent returns to the balance.
    """
    if not permissions.can_edit_budget(by, association):
        raise Forbidden(_l("Only the association's officers keep its budget."))
    row = budget_row(session, association, year)
    if row is None:
        raise _invalid([Problem("year", _l("%(year)s has no budget to close.", year=year))])
    if row.closed_result_sek is not None:
        raise _invalid([_closed_problem(year)])
    (projected,) = rules.projection(session, association, years=range(year, year + 1))
    lines = projected.stored.lines if projected.stored is not None else ()
    if not lines:
        raise _invalid([Problem("lines", _l("Enter the year's lines and their outcome first."))])
    missing = [
        Problem(f"lines.{index}.outcome_sek", _l("Enter the outcome before closing the year."))
        for index, line in enumerate(lines)
        if line.outcome_sek is None
    ]
    if missing:
        raise _invalid(missing)
    result = (
        projected.carried_over_sek
        + projected.contributions_sek
        - sum(line.outcome_sek or 0 for line in lines)
    )
    row.closed_on = decided_on
    row.closed_result_sek = result
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="close_year",
        entity_type="association_budget",
        entity_id=row.id,
        association_id=association.id,
        actor=by,
        data={
            "year": year,
            "decided_on": decided_on.isoformat(),
            "carried_in_sek": projected.carried_over_sek,
            "result_sek": result,
            "budgeted_result_sek": projected.result_sek,
        },
    )
    return row


def record_outcome(
    session: Session,
    association: Association,
    year: int,
    outcomes: Mapping[str, int],
    *,
    by: User,
) -> AssociationBudget:
    """Set the outcome (utfall) of a year's lines by their labels, e.g. read from the accounts.

    Every label must name one of the year's lines (letter case and spaces aside); the other
    lines keep their outcome. Nothing is written if one does not.
    """
    row = budget_row(session, association, year)
    stored = rules.stored_figures(session, association.id).get(year)
    if row is None or stored is None or not stored.lines:
        raise _invalid([Problem("file", _l("Enter the year's lines first."))])
    by_label = {line.label.strip().casefold(): index for index, line in enumerate(stored.lines)}
    unknown = [label for label in outcomes if label.strip().casefold() not in by_label]
    if unknown:
        raise _invalid(
            [
                Problem(
                    "file",
                    _l(
                        "%(year)s has no line named %(labels)s.",
                        year=year,
                        labels=", ".join(unknown),
                    ),
                )
            ]
        )
    lines = [_line_dict(line) for line in stored.lines]
    for label, amount in outcomes.items():
        lines[by_label[label.strip().casefold()]]["outcome_sek"] = amount
    return set_budget(
        session,
        association,
        year,
        contributions_sek=row.contributions_sek,
        carried_over_sek=row.carried_over_sek,
        admin_costs_sek=row.admin_costs_sek,
        other_costs_sek=row.other_costs_sek,
        lines=lines,
        by=by,
        expected_version=row.version,
    )


def budget_decided(session: Session, association: Association, year: int) -> bool:
    """Whether the board has decided the year's budget (recorded as a `budget_decision`)."""
    return (
        session.exec(
            select(EconomyRecord.id).where(
                EconomyRecord.association_id == association.id,
                EconomyRecord.year == year,
                EconomyRecord.kind == "budget_decision",
            )
        ).first()
        is not None
    )


def economy_records(session: Session, association: Association, year: int) -> list[EconomyRecord]:
    """The recorded steps of a year's cycle, in the order they were held."""
    return list(
        session.exec(
            select(EconomyRecord)
            .where(EconomyRecord.association_id == association.id, EconomyRecord.year == year)
            .order_by(EconomyRecord.held_on, EconomyRecord.id)  # type: ignore[arg-type]
        ).all()
    )


def budget_versions(session: Session, association: Association, years: list[int]) -> dict[int, int]:
    """The stored budget rows' versions by year, in one statement."""
    rows = session.exec(
        select(AssociationBudget.year, AssociationBudget.version).where(
            AssociationBudget.association_id == association.id,
            AssociationBudget.year.in_(years),  # type: ignore[attr-defined]
        )
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def economy_records_between(
    session: Session, association: Association, years: range
) -> list[EconomyRecord]:
    """The recorded steps of the cycles of several years, by year and in the order held."""
    return list(
        session.exec(
            select(EconomyRecord)
            .where(
                EconomyRecord.association_id == association.id,
                EconomyRecord.year >= years.start,
                EconomyRecord.year < years.stop,
            )
            .order_by(EconomyRecord.year, EconomyRecord.held_on, EconomyRecord.id)  # type: ignore[arg-type]
        ).all()
    )


def record_economy_step(
    session: Session,
    association: Association,
    year: int,
    *,
    kind: str,
    held_on: date,
    by: User,
    member_id: int | None = None,
    granted: bool | None = None,
    present_member_ids: Sequence[int] | None = None,
    text: str | None = None,
) -> EconomyRecord:
    """Record one step of the year's cycle (flushes, audits): medlemssamråd, the board's
    budget decision (which makes the budget read-only), årsredovisning, revisionsberättelse,
    or one member's decision on ansvarsfrihet."""
    if not permissions.can_edit_budget(by, association):
        raise Forbidden(_l("Only the association's officers keep its budget."))
    problems = figure_problems(year, dict.fromkeys(FIGURES, 0))
    members = {m.id for m in association.members}
    if kind not in ECONOMY_RECORD_KINDS:
        problems.append(Problem("kind", _l("Choose a kind of record.")))
    if kind == "discharge":
        if member_id not in members:
            problems.append(Problem("member_id", _l("Choose a member of the association.")))
        if granted is None:
            problems.append(Problem("granted", _l("Say whether it was granted.")))
    elif member_id is not None or granted is not None:
        problems.append(Problem("member_id", _l("Only a discharge names a member.")))
    if kind == "member_consultation":
        for index, present in enumerate(present_member_ids or ()):
            if present not in members:
                problems.append(
                    Problem(
                        f"present_member_ids.{index}", _l("Choose a member of the association.")
                    )
                )
    elif present_member_ids:
        problems.append(
            Problem("present_member_ids", _l("Only a medlemssamråd lists members present."))
        )
    if kind == "budget_decision" and budget_row(session, association, year) is None:
        problems.append(Problem("year", _l("%(year)s has no budget to decide.", year=year)))
    if problems:
        raise _invalid(problems)
    record = EconomyRecord(
        association_id=association.id,
        year=year,
        kind=kind,
        held_on=held_on,
        member_id=member_id,
        granted=granted,
        present_member_ids=list(present_member_ids) if present_member_ids else None,
        text=(text or "").strip() or None,
        recorded_by_id=by.id,  # type: ignore[arg-type]
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        action="record_economy_step",
        entity_type="economy_record",
        entity_id=record.id,
        association_id=association.id,
        actor=by,
        data={
            "year": year,
            "kind": kind,
            "held_on": held_on.isoformat(),
            "member_id": member_id,
            "granted": granted,
            "present_member_ids": record.present_member_ids,
            "text": record.text,
        },
    )
    return record


def update_member(
    session: Session,
    member: Member,
    *,
    by: User,
    name: str | None = None,
    population: int | None = None,
    active: bool | None = None,
    expected_version: int | None = None,
) -> Member:
    """Change a member's name or population, or deactivate it (never deleted: it has history)."""
    association = session.get(Association, member.association_id)
    assert association is not None
    if not permissions.can_manage_association(by, association):
        raise Forbidden(_l("Only administrators and the association's officers may do this."))
    _stale(
        member,
        expected_version,
        _l("The member was changed by someone else; reload and try again."),
    )
    wanted: dict[str, Any] = {
        "name": name.strip() if name is not None else None,
        "population": population,
        "active": active,
    }
    changed = {k: v for k, v in wanted.items() if v is not None and getattr(member, k) != v}
    if "name" in changed:
        if not changed["name"]:
            raise _invalid([Problem("name", _l("Write a name."))])
        clash = session.exec(
            select(Member).where(
                Member.association_id == member.association_id,
                Member.name == changed["name"],
                Member.id != member.id,
            )
        ).first()
        if clash is not None:
            raise _invalid(
                [Problem("name", _l("The association already has a member with this name."))]
            )
    if not changed:
        return member
    previous = {k: getattr(member, k) for k in changed}
    for key, value in changed.items():
        setattr(member, key, value)
    session.add(member)
    session.flush()
    audit.record(
        session,
        action="update_member",
        entity_type="member",
        entity_id=member.id,
        association_id=member.association_id,
        actor=by,
        data={**changed, "previous": previous},
    )
    return member
