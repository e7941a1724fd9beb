"""The meeting machine as data: consistent, reachable, free of Flask and the database."""

from __future__ import annotations

import subprocess
import sys
from collections import deque

from states import meeting as spec
from states.common import Role
from workflow.lifecycles.meeting import MEETING


def test_every_transition_names_known_states_roles_and_guards():
    for t in spec.TRANSITIONS:
        assert t.sources, t.trigger
        assert set(t.sources) <= set(spec.MeetingState), t.trigger
        assert t.dest in set(spec.MeetingState), t.trigger
        # The chair, or the vice chair standing in (permissions.can_lead says who leads).
        assert t.roles == {Role.CHAIR, Role.VICE_CHAIR}, t.trigger
        assert set(t.guards) <= set(MEETING.guards), t.trigger


def test_the_meeting_goes_planned_open_closed_signed():
    path = [(t.sources, t.dest) for t in spec.TRANSITIONS]
    assert path == [
        (("planned",), "open"),
        (("open",), "closed"),
        (("closed",), "protocol_signed"),
    ]
    seen, queue = {spec.INITIAL}, deque([spec.INITIAL])
    while queue:
        state = queue.popleft()
        for t in spec.TRANSITIONS:
            if state in t.sources and t.dest not in seen:
                seen.add(t.dest)
                queue.append(t.dest)
    assert seen == set(spec.MeetingState)
    assert not any(set(t.sources) & spec.TERMINAL for t in spec.TRANSITIONS)


def test_the_engine_machine_matches_the_data():
    machine = MEETING.machine
    assert machine is MEETING.machine  # built once per process
    for t in spec.TRANSITIONS:
        for state in spec.MeetingState:
            assert MEETING.is_allowed_from(t.trigger, state) == (state in t.sources)


def test_states_import_neither_flask_nor_the_database():
    code = (
        "import sys, states.meeting; "
        "print(any(m.split('.')[0] in {'flask', 'sqlalchemy', 'sqlmodel'} for m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
