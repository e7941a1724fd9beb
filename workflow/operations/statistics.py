"""The association's statistics: the officer sets the socio-economic parameters."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.models.statistics import SocioeconomicParameters
from workflow.rules.statistics import ONE, Parameters, parameters


def set_parameters(
    session: Session,
    association: Association,
    *,
    full_time_month_sek: int | None,
    subsidised_share: Decimal | None,
    studies_share: Decimal | None,
    by: User,
    expected_version: int | None = None,
) -> Parameters:
    """The officer sets the parameters; each problem is named (422)."""
    if not permissions.can_edit_statistics(by, association):
        raise Forbidden(_l("Only the association's officers set the socio-economic parameters."))
    problems = []
    if full_time_month_sek is None or not 1 <= full_time_month_sek <= 10_000_000:
        problems.append(
            Problem(
                "full_time_month_sek",
                _l("Must be between %(min)s and %(max)s.", min=1, max=10_000_000),
            )
        )
    for name, share in (("subsidised_share", subsidised_share), ("studies_share", studies_share)):
        if share is None or not Decimal(0) <= share <= ONE:
            problems.append(Problem(name, _l("Must be between %(min)s and %(max)s.", min=0, max=1)))
        elif share != share.quantize(Decimal("0.001")):
            problems.append(Problem(name, _l("At most three decimals.")))
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
    row.full_time_month_sek = full_time_month_sek  # type: ignore[assignment]
    row.subsidised_share = subsidised_share  # type: ignore[assignment]
    row.studies_share = studies_share  # type: ignore[assignment]
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="set_socioeconomic_parameters",
        entity_type="association",
        entity_id=association.id,
        association_id=association.id,
        actor=by,
        data={
            "full_time_month_sek": full_time_month_sek,
            "subsidised_share": str(subsidised_share),
            "studies_share": str(studies_share),
        },
    )
    return parameters(session, association)
