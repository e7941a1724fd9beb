"""A hypothesis state machine over the application engine: random steps by random users."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from sqlmodel import Session

from states import application as spec
from tests import factories
from workflow import audit, engine
from workflow.errors import DomainError
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, AuditEvent
from workflow.operations import meetings
from workflow.operations.budget import set_budget
from workflow.rules import budget

YEAR = date.today().year
USERS = (
    "applicant",
    "other_applicant",
    "preparer",
    "officer",
    "board",
    "chair",
    "auditor",
    "admin",
    "outsider",
    "outsider_applicant",
)
TRIGGERS = sorted(spec.PUBLIC_TRIGGERS)
STATES = {str(s) for s in spec.State}

texts = st.sampled_from(["", "   ", "Underlaget behöver kompletteras.", "Motiverat.", "x" * 300])
payloads = st.fixed_dictionaries(
    {},
    optional={
        "reason": texts,
        "recommendation": st.sampled_from(
            ["approve", "approve_with_conditions", "reject", "maybe", ""]
        ),
        "motivation": texts,
        "conditions": texts,
        "override_reason": texts,
        "proposal": texts,
        "activity_description": texts,
    },
)
amounts = st.lists(
    st.builds(
        meetings.AmountIn,
        year=st.sampled_from([YEAR, YEAR + 1, YEAR + 2]),
        amount_sek=st.integers(min_value=0, max_value=3_000_000),
    ),
    max_size=3,
    unique_by=lambda a: a.year,
)


def _audit_count(session: Session, app_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "application", AuditEvent.entity_id == app_id)
    )


def test_random_steps_keep_the_invariants(session: Session, world: factories.World) -> None:
    """States, versions, audit events, budget and the audit chain stay right whatever is tried."""
    association = world.association
    # A modest budget, so that a generous grant would drive a year below zero.
    for year in (YEAR, YEAR + 1, YEAR + 2):
        set_budget(
            session,
            association,
            year,
            contributions_sek=2_000_000,
            carried_over_sek=0,
            admin_costs_sek=300_000,
            other_costs_sek=0,
            by=world.users["officer"],
        )
    session.commit()

    class EngineMachine(RuleBasedStateMachine):
        """One application per run, pushed around by anyone with anything."""

        def __init__(self) -> None:
            super().__init__()
            row = factories.application(session, world)
            session.commit()
            self.app_id: int = row.id  # type: ignore[assignment]
            # The draft's creation is its first audit event; each successful step adds one.
            self.audited = 1
            self.version = row.version

        def _app(self) -> Application:
            row = session.get(Application, self.app_id)
            assert row is not None
            return row

        def _before(self) -> tuple[str, int, int]:
            row = self._app()
            return row.state, row.version, _audit_count(session, self.app_id)

        def _settle(self, before: tuple[str, int, int], action: Any) -> None:
            """Run one step as a request would: commit when it succeeds, roll back when refused."""
            try:
                action()
            except DomainError:
                session.rollback()
                assert self._before() == before, "a refused step changed something"
                return
            session.commit()
            self.audited += 1
            after = self._before()
            assert after[1] > before[1], "a step that succeeded did not bump the version"
            # The chain changes only when a step succeeds (a refused one is checked unchanged
            # above), so it is walked after each success rather than after every step.
            result = audit.verify(session)
            assert result.ok, result.broken

        @rule(trigger=st.sampled_from(TRIGGERS), who=st.sampled_from(USERS), payload=payloads)
        def step(self, trigger: str, who: str, payload: dict[str, Any]) -> None:
            before = self._before()
            row = self._app()
            self._settle(
                before,
                lambda: engine.fire(
                    APPLICATION, row, trigger, by=world.users[who], session=session, payload=payload
                ),
            )

        @rule(
            who=st.sampled_from(("officer", "chair", "applicant")),
            outcome=st.sampled_from(("approve", "reject", "postpone")),
            granted=amounts,
        )
        def decide_delegated(self, who: str, outcome: str, granted: list[Any]) -> None:
            before = self._before()
            row = self._app()
            self._settle(
                before,
                lambda: meetings.decide_delegated(
                    session, row, by=world.users[who], outcome=outcome, amounts=granted
                ),
            )

        @rule(stale=st.integers(min_value=-2, max_value=-1), trigger=st.sampled_from(TRIGGERS))
        def stale_version(self, stale: int, trigger: str) -> None:
            before = self._before()
            row = self._app()
            self._settle(
                before,
                lambda: engine.fire(
                    APPLICATION,
                    row,
                    trigger,
                    by=world.users["officer"],
                    session=session,
                    payload={},
                    expected_version=row.version + stale,
                ),
            )
            assert self._before() == before

        @invariant()
        def state_is_known(self) -> None:
            assert self._app().state in STATES

        @invariant()
        def audit_events_equal_successful_steps(self) -> None:
            assert _audit_count(session, self.app_id) == self.audited

        @invariant()
        def versions_only_grow(self) -> None:
            version = self._app().version
            assert version >= self.version
            self.version = version

        @invariant()
        def no_year_below_zero(self) -> None:
            for year in budget.projection(session, association):
                assert year.projected_balance_sek >= 0, year

    run_state_machine_as_test(
        EngineMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
