"""The association's statistics: the officer sets the socio-economic parameters."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.models.statistics import SOURCE_MAX, SocioeconomicParameters
from workflow.rules.statistics import ONE, Parameters, parameters

KRONOR_MAX = 10_000_000
HUNDRED = Decimal(100)


def parameter_problems(
    *,
    full_time_month_sek: int | None,
    subsidised_share: Decimal | None,
    studies_share: Decimal | None,
    taxable_month_sek: int | None,
    region_tax_percent: Decimal | None,
    municipal_tax_percent: Decimal | None,
    source: str | None,
) -> list[Problem]:
    """Every problem with the parameters, each naming its field."""
    problems = []
    for name, amount, low in (
        ("full_time_month_sek", full_time_month_sek, 1),
        ("taxable_month_sek", taxable_month_sek, 0),
    ):
        if amount is None or isinstance(amount, bool) or not low <= amount <= KRONOR_MAX:
            problems.append(
                Problem(name, _l("Must be between %(min)s and %(max)s.", min=low, max=KRONOR_MAX))
            )
    for name, value, top, places in (
        ("subsidised_share", subsidised_share, ONE, Decimal("0.001")),
        ("studies_share", studies_share, ONE, Decimal("0.001")),
        ("region_tax_percent", region_tax_percent, HUNDRED, Decimal("0.01")),
        ("municipal_tax_percent", municipal_tax_percent, HUNDRED, Decimal("0.01")),
    ):
        if value is None or not value.is_finite() or not Decimal(0) <= value <= top:
            problems.append(
                Problem(name, _l("Must be between %(min)s and %(max)s.", min=0, max=top))
            )
        elif value != value.quantize(places):
            problems.append(
                Problem(
                    name,
                    _l("At most three decimals.")
                    if places == Decimal("0.001")
                    else _l("At most two decimals."),
                )
            )
    if source is not None and len(source) > SOURCE_MAX:
        problems.append(Problem("source", _l("At most %(n)s characters.", n=SOURCE_MAX)))
    return problems


def set_parameters(
    session: Session,
    association: Association,
    *,
    full_time_month_sek: int | None,
    subsidised_share: Decimal | None,
    studies_share: Decimal | None,
    taxable_month_sek: int | None,
    region_tax_percent: Decimal | None,
    municipal_tax_percent: Decimal | None,
    source: str | None = None,
    by: User,
    expected_version: int | None = None,
) -> Parameters:
    """The officer sets the parameters; each problem is named (422), nothing is written."""
    if not permissions.can_edit_statistics(by, association):
        raise Forbidden(_l("Only the association's officers set the socio-economic parameters."))
    source = (source or "").strip() or None
    values = {
        "full_time_month_sek": full_time_month_sek,
        "subsidised_share": subsidised_share,
        "studies_share": studies_share,
        "taxable_month_sek": taxable_month_sek,
        "region_tax_percent": region_tax_percent,
        "municipal_tax_percent": municipal_tax_percent,
    }
    problems = parameter_problems(**values, source=source)  # type: ignore[arg-type]
    if not problems and source is None:
        chosen = Parameters(**values)  # type: ignore[arg-type]
        if any(not chosen.is_default(name) for name in values):
            problems.append(
                Problem(
                    "source",
                    _l("Say where the figures that differ from the seeds' method come from."),
                )
            )
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    row = session.get(SocioeconomicParameters, association.id)
    if row is not None and expected_version is not None and row.version != expected_version:
        raise Conflict(
            _l("Someone else changed this at the same time; reload and try again."),
            code="stale_version",
        )
    if row is None:
        row = SocioeconomicParameters(association_id=association.id)  # type: ignore[arg-type]
    for name, value in values.items():
        setattr(row, name, value)
    row.source = source
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="set_socioeconomic_parameters",
        entity_type="association",
        entity_id=association.id,
        association_id=association.id,
        actor=by,
        data={**{name: str(value) for name, value in values.items()}, "source": source},
    )
    return parameters(session, association)
