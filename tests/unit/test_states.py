"""The application machine as data: consistent, complete, free of Flask and the database."""

import subprocess
import sys
from collections import deque

from states import application as spec
from states.common import Role
from workflow.lifecycles.application import APPLICATION


def test_every_transition_names_known_states_and_roles():
    for t in spec.TRANSITIONS:
        assert t.sources, t.trigger
        assert all(s in set(spec.State) for s in t.sources), t.trigger
        assert t.dest in set(spec.State), t.trigger
        assert t.roles, t.trigger
        assert t.roles <= set(Role), t.trigger
        assert set(t.guards) <= set(APPLICATION.guards), t.trigger


def test_triggers_are_unique_and_public_ones_exist():
    triggers = [t.trigger for t in spec.TRANSITIONS]
    assert len(triggers) == len(set(triggers))
    assert set(spec.BY_TRIGGER) >= spec.PUBLIC_TRIGGERS


def test_every_state_is_reachable_from_draft():
    seen = {spec.INITIAL}
    queue = deque([spec.INITIAL])
    while queue:
        state = queue.popleft()
        for t in spec.TRANSITIONS:
            if state in t.sources and t.dest not in seen:
                seen.add(t.dest)
                queue.append(t.dest)
    assert seen == set(spec.State)


def test_terminal_states_have_no_way_out():
    for t in spec.TRANSITIONS:
        assert not set(t.sources) & spec.TERMINAL, t.trigger


def test_groups_are_explicit_subsets():
    for group in (spec.EDITABLE, spec.TERMINAL, spec.HIDDEN_BEFORE_SUBMISSION, spec.REGISTERED):
        assert group <= set(spec.State)
    assert spec.INITIAL in spec.EDITABLE
    assert spec.State.DRAFT not in spec.REGISTERED


def test_withdraw_only_from_the_states_design_allows():
    sources = set(spec.BY_TRIGGER["withdraw"].sources)
    assert sources == {
        spec.State.DRAFT,
        spec.State.SUBMITTED,
        spec.State.IN_PREPARATION,
        spec.State.COMPLETION_REQUESTED,
    }


def test_states_package_imports_neither_flask_nor_the_database():
    code = (
        "import sys, states.application, states.common; "
        "bad = [m for m in ('flask', 'sqlalchemy', 'sqlmodel', 'workflow') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_machine_is_built_once_and_holds_no_rows():
    first = APPLICATION.machine
    assert APPLICATION.machine is first
    assert first.models == []
    assert set(first.events) == set(spec.BY_TRIGGER)


def test_machine_agrees_with_the_spec():
    for t in spec.TRANSITIONS:
        for state in spec.State:
            assert APPLICATION.is_allowed_from(t.trigger, state) == (state in t.sources)
