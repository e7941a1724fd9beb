"""The budget of an association per year: the legal split of contributions and the projection.

Money is whole kronor throughout. The split follows lag (2003:1210) om finansiell samordning:
the state pays half, the region a quarter and the municipalities a quarter, shared between
them by population. Every rounding is largest-remainder, so the parts always sum to the whole.

The projection carries each year's balance into the next:

    balance = carried in + contributions − administration − other costs − committed

where committed is what granting decisions (approve, approve_with_conditions) set aside for
the year. A chain of years starts at the first year of the span, or at a budgeted year whose
previous year has no budget: there the carried-in figure is the one the officer entered
(carried_over_sek, e.g. from the closed accounts); everywhere else it is the previous year's
projected balance, and the entered figure is kept but not used. The room for new insatser in a
year is what could still be granted in it without that year or any later year of its chain
going below zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, func, select

from workflow import limits
from workflow.errors import Problem, ValidationFailed
from workflow.i18n import Kronor, _l
from workflow.models import Association, AssociationBudget, Decision, DecisionAmount

# Decisions whose amounts the budget counts as committed.
GRANTING_OUTCOMES = ("approve", "approve_with_conditions")
# Nationella rådet recommends a saved capital of at most 20 % of the year's contributions.
CAPITAL_RECOMMENDATION_PERCENT = 20
# The most years one projection page or answer shows.
RANGE_MAX = 12
FIGURES = ("contributions_sek", "carried_over_sek", "admin_costs_sek", "other_costs_sek")


@dataclass(frozen=True)
class BudgetWarning:
    """Something the board should see; never a refusal by itself."""

    code: str
    message: Any  # a lazy Babel string, rendered in the request's language


@dataclass(frozen=True)
class MunicipalityShare:
    """One municipality's part of the contributions."""

    member_id: int
    name: str
    population: int | None
    sek: int


@dataclass(frozen=True)
class Split:
    """A year's contributions split by law; the parts sum exactly to `total_sek`."""

    total_sek: int
    state_sek: int
    region_sek: int
    municipalities: tuple[MunicipalityShare, ...]
    # The local half when the association has neither a region nor a municipality member.
    unallocated_sek: int
    # "population", or "equal" when some population is unknown or every one is zero.
    basis: str
    notes: tuple[BudgetWarning, ...] = ()


@dataclass(frozen=True)
class Figures:
    """What the officer entered for one year (an AssociationBudget row, or its equivalent)."""

    contributions_sek: int
    carried_over_sek: int
    admin_costs_sek: int
    other_costs_sek: int
    version: int | None = None


@dataclass(frozen=True)
class YearBudget:
    """One year of the projection."""

    year: int
    # The entered figures; None when the year has no budget (its contributions count as 0).
    stored: Figures | None
    contributions_sek: int
    # Carried in: the previous year's projected balance, or the entered figure (see above).
    carried_over_sek: int
    admin_costs_sek: int
    other_costs_sek: int
    # Decided amounts plus `extra_sek`.
    committed_sek: int
    # The hypothetical amount of a decision being considered (projection's `extra`).
    extra_sek: int
    room_sek: int
    projected_balance_sek: int
    split: Split
    warnings: tuple[BudgetWarning, ...] = field(default=())

    @property
    def budgeted(self) -> bool:
        """Whether the officer has set a budget for this year."""
        return self.stored is not None

    @property
    def income_sek(self) -> int:
        """Contributions plus what is carried in."""
        return self.contributions_sek + self.carried_over_sek

    @property
    def costs_sek(self) -> int:
        """Committed, administration and other costs."""
        return self.committed_sek + self.admin_costs_sek + self.other_costs_sek


# --- the split (pure) ------------------------------------------------------------------------


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder; ties go to the first.

    The parts sum exactly to `total` and each is within one krona of its exact share.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    whole = sum(weights)
    if whole == 0:
        raise ValueError("at least one weight must be positive")
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(parts)
    # Stable sort: among equal remainders the earlier position wins the krona.
    for index in sorted(range(len(weights)), key=lambda i: -remainders[i])[:left]:
        parts[index] += 1
    return parts


def split_contributions(total_sek: int, members: Iterable[Any]) -> Split:
    """Split a year's contributions: 50 % state, 25 % region, 25 % municipalities by population.

    Without a region member the region's quarter goes to the municipalities, without a
    municipality the municipalities' quarter goes to the region (the local half stays local);
    with neither, the local half is `unallocated_sek`. When a municipality's population is
    unknown, or every population is zero, the municipal share is split equally (and a note
    says so). Members of other parties (af, fk) pay nothing here: Försäkringskassan pays the
    state's half on the state's behalf.
    """
    members = list(members)
    regions = [m for m in members if m.party == "region"]
    towns = [m for m in members if m.party == "municipality"]
    notes: list[BudgetWarning] = []
    # Quarters of the total: state 2, region 1, municipalities 1, unallocated the rest.
    region_w = (1 if towns else 2) if regions else 0
    towns_w = (1 if regions else 2) if towns else 0
    state, region, town_total, unallocated = apportion(
        total_sek, [2, region_w, towns_w, 4 - 2 - region_w - towns_w]
    )
    if not regions and towns:
        notes.append(
            BudgetWarning(
                "no_region",
                _l(
                    "The association has no region member: the region's quarter is shown"
                    " with the municipalities."
                ),
            )
        )
    elif regions and not towns:
        notes.append(
            BudgetWarning(
                "no_municipality",
                _l(
                    "The association has no municipality member: the municipalities' quarter"
                    " is shown with the region."
                ),
            )
        )
    elif not regions and not towns:
        notes.append(
            BudgetWarning(
                "no_local_members",
                _l(
                    "The association has neither a region nor a municipality member: half of"
                    " the contributions has nobody to pay it."
                ),
            )
        )
    basis = "population"
    shares: list[int] = []
    if towns:
        unknown = [m.name for m in towns if m.population is None]
        if unknown or sum(m.population for m in towns) == 0:
            basis = "equal"
            shares = apportion(town_total, [1] * len(towns))
            message = (
                _l(
                    "The population of %(names)s is not known: the municipalities' share is"
                    " split equally.",
                    names=", ".join(unknown),
                )
                if unknown
                else _l(
                    "No municipality has a population above zero: the municipalities' share"
                    " is split equally."
                )
            )
            notes.append(BudgetWarning("equal_split", message))
        else:
            shares = apportion(town_total, [m.population for m in towns])
    return Split(
        total_sek=total_sek,
        state_sek=state,
        region_sek=region,
        municipalities=tuple(
            MunicipalityShare(m.id, m.name, m.population, sek)
            for m, sek in zip(towns, shares, strict=True)
        ),
        unallocated_sek=unallocated,
        basis=basis,
        notes=tuple(notes),
    )


# --- the projection (pure) -------------------------------------------------------------------


def span(
    budgets: Mapping[int, Figures],
    committed: Mapping[int, int],
    years: range | None = None,
) -> range:
    """Every year the projection must compute: from the first known year to the last wanted."""
    # Earlier years feed what is carried in; later commitments count for the room.
    everything = set(budgets) | {y for y, amount in committed.items() if amount}
    everything |= set(years or ())
    if not everything:
        return range(0)
    return range(min(everything), max(everything) + 1)


def project(
    budgets: Mapping[int, Figures],
    committed: Mapping[int, int],
    members: Iterable[Any],
    *,
    years: range | None = None,
    extra: Mapping[int, int] | None = None,
) -> list[YearBudget]:
    """The carried-forward projection of `years` (default: every known year), pure arithmetic."""
    extra = {y: a for y, a in (extra or {}).items() if a}
    totals = {y: committed.get(y, 0) + extra.get(y, 0) for y in set(committed) | set(extra)}
    members = list(members)
    full = span(budgets, totals, years)
    if not full:
        return []

    carried: dict[int, int] = {}
    balance: dict[int, int] = {}
    starts: set[int] = set()
    for year in full:
        figures = budgets.get(year)
        previous = year - 1
        if year == full.start or (figures is not None and previous not in budgets):
            starts.add(year)
            carried[year] = figures.carried_over_sek if figures is not None else 0
        else:
            carried[year] = balance[previous]
        balance[year] = (
            carried[year]
            + (
                figures.contributions_sek - figures.admin_costs_sek - figures.other_costs_sek
                if figures is not None
                else 0
            )
            - totals.get(year, 0)
        )

    # The room of a year: the lowest balance from it to the end of its chain.
    lowest: dict[int, int] = {}
    running: int | None = None
    for year in reversed(full):
        running = balance[year] if running is None else min(balance[year], running)
        lowest[year] = running
        if year in starts:
            running = None

    result = []
    for year in years if years is not None else full:
        figures = budgets.get(year)
        contributions = figures.contributions_sek if figures is not None else 0
        split = split_contributions(contributions, members)
        warnings = _warnings(
            year,
            figures,
            totals.get(year, 0),
            balance[year],
            lowest[year],
            _first_negative(full, starts, balance, year),
        )
        if figures is not None and contributions:
            warnings.extend(split.notes)
        result.append(
            YearBudget(
                year=year,
                stored=figures,
                contributions_sek=contributions,
                carried_over_sek=carried[year],
                admin_costs_sek=figures.admin_costs_sek if figures is not None else 0,
                other_costs_sek=figures.other_costs_sek if figures is not None else 0,
                committed_sek=totals.get(year, 0),
                extra_sek=extra.get(year, 0),
                room_sek=max(0, lowest[year]),
                projected_balance_sek=balance[year],
                split=split,
                warnings=tuple(warnings),
            )
        )
    return result


def _first_negative(full: range, starts: set[int], balance: dict[int, int], year: int) -> int:
    """The first later year of `year`'s chain whose balance is below zero (or `year`)."""
    for later in range(year + 1, full.stop):
        if later in starts:
            break
        if balance[later] < 0:
            return later
    return year


def _warnings(
    year: int,
    figures: Figures | None,
    committed: int,
    balance: int,
    lowest: int,
    first_negative: int,
) -> list[BudgetWarning]:
    """The warnings of one year of the projection."""
    warnings = []
    if balance < 0:
        warnings.append(
            BudgetWarning(
                "negative_balance",
                _l(
                    "The projected balance at the end of %(year)s is below zero (%(amount)s kr):"
                    " an association may not borrow.",
                    year=year,
                    amount=Kronor(balance),
                ),
            )
        )
    elif lowest < 0:
        warnings.append(
            BudgetWarning(
                "room_exceeded",
                _l(
                    "More is committed than %(year)s can carry: counting later years'"
                    " commitments it is %(amount)s kr short, and %(later)s ends below zero.",
                    year=year,
                    amount=Kronor(-lowest),
                    later=first_negative,
                ),
            )
        )
    if figures is None:
        if committed:
            warnings.append(
                BudgetWarning(
                    "no_budget",
                    _l(
                        "%(year)s has no budget, but %(amount)s kr is committed to it.",
                        year=year,
                        amount=Kronor(committed),
                    ),
                )
            )
    elif balance * 100 > figures.contributions_sek * CAPITAL_RECOMMENDATION_PERCENT:
        warnings.append(
            BudgetWarning(
                "capital_above_recommendation",
                _l(
                    "The projected capital at the end of %(year)s (%(amount)s kr) is above"
                    " %(percent)s %% of the year's contributions (%(limit)s kr), the most"
                    " Nationella rådet recommends.",
                    year=year,
                    amount=Kronor(balance),
                    percent=CAPITAL_RECOMMENDATION_PERCENT,
                    limit=Kronor(figures.contributions_sek * CAPITAL_RECOMMENDATION_PERCENT // 100),
                ),
            )
        )
    return warnings


def choose_years(first: int | None, last: int | None, default: range) -> range:
    """The years from `first` to `last`; an end left out comes from `default` (not empty)."""
    if first is None and last is None:
        return default
    if first is None:
        first = max(min(default.start, last), last - RANGE_MAX + 1)  # type: ignore[operator]
    if last is None:
        last = min(max(default.stop - 1, first), first + RANGE_MAX - 1)
    if first > last:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("to", _l("Must not be before %(year)s.", year=first))],
        )
    if last - first + 1 > RANGE_MAX:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("to", _l("At most %(n)s years at a time.", n=RANGE_MAX))],
        )
    return range(first, last + 1)


def recent(years: range, fallback: int) -> range:
    """The newest RANGE_MAX years of `years`, or just `fallback` when there are none."""
    if not years:
        return range(fallback, fallback + 1)
    return range(max(years.start, years.stop - RANGE_MAX), years.stop)


# --- reading and writing ---------------------------------------------------------------------


def stored_figures(session: Session, association_id: int) -> dict[int, Figures]:
    """The association's budget per year, as entered."""
    rows = session.exec(
        select(AssociationBudget).where(AssociationBudget.association_id == association_id)
    ).all()
    return {
        row.year: Figures(
            contributions_sek=row.contributions_sek,
            carried_over_sek=row.carried_over_sek,
            admin_costs_sek=row.admin_costs_sek,
            other_costs_sek=row.other_costs_sek,
            version=row.version,
        )
        for row in rows
    }


def committed_by_year(session: Session, association_id: int) -> dict[int, int]:
    """What granting decisions have set aside, per year."""
    rows = session.exec(
        select(DecisionAmount.year, func.sum(DecisionAmount.amount_sek))
        .join(Decision, Decision.id == DecisionAmount.decision_id)  # type: ignore[arg-type]
        .where(
            Decision.association_id == association_id,
            Decision.outcome.in_(GRANTING_OUTCOMES),  # type: ignore[attr-defined]
        )
        .group_by(DecisionAmount.year)
    ).all()
    return {year: int(total) for year, total in rows}


def known_years(session: Session, association: Association) -> range:
    """From the first to the last year with a budget or a commitment (empty if none)."""
    return span(stored_figures(session, association.id), committed_by_year(session, association.id))


def projection(
    session: Session,
    association: Association,
    *,
    years: range | None = None,
    extra: dict[int, int] | None = None,
) -> list[YearBudget]:
    """The association's carried-forward budget for `years` (default: every known year).

    `extra` adds hypothetical amounts per year, e.g. of a decision being taken.
    """
    return project(
        stored_figures(session, association.id),
        committed_by_year(session, association.id),
        association.members,
        years=years,
        extra=extra,
    )


def borrowing_problems(
    session: Session, association: Association, amounts: dict[int, int]
) -> list[Problem]:
    """One problem per year whose projected balance `amounts` would take (further) below zero.

    An empty list means the amounts may be granted. Call it before changing any row of the
    decision: it locks the association's row until the transaction ends, so two approvals in
    one association cannot both spend the same money.
    """
    session.exec(
        select(Association.id).where(Association.id == association.id).with_for_update()
    ).all()
    budgets = stored_figures(session, association.id)
    committed = committed_by_year(session, association.id)
    wanted = {year: amount for year, amount in amounts.items() if amount}
    if not wanted:
        return []
    merged = {y: committed.get(y, 0) + wanted.get(y, 0) for y in set(committed) | set(wanted)}
    years = span(budgets, merged)
    members = association.members
    before = project(budgets, committed, members, years=years)
    after = project(budgets, committed, members, years=years, extra=wanted)
    return [
        Problem(
            "amounts",
            _l(
                "Granting this would leave %(year)s with a projected balance of %(amount)s kr:"
                " an association may not borrow.",
                year=now.year,
                amount=Kronor(now.projected_balance_sek),
            ),
        )
        for was, now in zip(before, after, strict=True)
        if now.projected_balance_sek < 0 and now.projected_balance_sek < was.projected_balance_sek
    ]


def figure_problems(year: int, figures: Mapping[str, Any]) -> list[Problem]:
    """Every problem with one year's entered figures: whole kronor within sane limits."""
    problems = []
    if not _whole(year) or not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        problems.append(
            Problem(
                "year",
                _l(
                    "Must be between %(min)s and %(max)s.",
                    min=limits.YEAR_MIN,
                    max=limits.YEAR_MAX,
                ),
            )
        )
    for name in FIGURES:
        value = figures.get(name)
        low = -limits.BUDGET_MAX if name == "carried_over_sek" else 0
        if not _whole(value):
            problems.append(Problem(name, _l("Must be a whole number.")))
        elif value < low:
            problems.append(Problem(name, _l("Must be at least %(n)s.", n=Kronor(low))))
        elif value > limits.BUDGET_MAX:
            problems.append(
                Problem(name, _l("Must be at most %(n)s.", n=Kronor(limits.BUDGET_MAX)))
            )
    return problems


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
