"""The state machines of states/, drawn: mermaid source and a plain table of transitions.

The engine's machines are built with `model=None` and cannot draw (STACK.md pitfall 3), so
drawing builds a separate `GraphMachine` (mermaid engine, no graphviz needed) from the same
specs, with each edge labelled by its trigger and the roles that may fire it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from transitions.extensions import GraphMachine

# The machine's name and the module in states/ that declares it; a module not present
# yet (a later stage) is left out.
_MODULES = {
    "application": "states.application",
    "meeting": "states.meeting",
    "report": "states.report",
}


def _load() -> dict[str, ModuleType]:
    found = {}
    for name, module in _MODULES.items():
        try:
            found[name] = importlib.import_module(module)
        except ImportError:
            continue
    return found


MACHINES: dict[str, ModuleType] = _load()


@dataclass(frozen=True)
class TransitionRow:
    """One step of a machine, as the page and the table show it."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...]


def states(name: str) -> list[str]:
    """The machine's states in declaration order."""
    spec = MACHINES[name]
    state_enum = type(spec.INITIAL)
    return [s.value for s in state_enum]


def initial(name: str) -> str:
    """The state every instance starts in."""
    return str(MACHINES[name].INITIAL)


def transitions(name: str) -> list[TransitionRow]:
    """Every transition of the machine, in declaration order."""
    return [
        TransitionRow(
            trigger=t.trigger,
            sources=tuple(str(s) for s in t.sources),
            dest=str(t.dest),
            roles=tuple(sorted(str(r) for r in t.roles)),
            guards=tuple(t.guards),
        )
        for t in MACHINES[name].TRANSITIONS
    ]


class _Drawn:
    """The model a drawing machine attaches to (never a database row)."""


@cache
def mermaid(name: str) -> str:
    """The machine as a mermaid stateDiagram, edges labelled `trigger (roles)`."""
    model = _Drawn()
    GraphMachine(
        model=model,
        states=states(name),
        transitions=[
            {
                "trigger": row.trigger,
                "source": list(row.sources),
                "dest": row.dest,
                "label": f"{row.trigger} ({', '.join(row.roles)})",
            }
            for row in transitions(name)
        ],
        initial=initial(name),
        auto_transitions=False,
        graph_engine="mermaid",
        title=f"{name} lifecycle",
        show_conditions=False,
    )
    source = model.get_graph().draw(None)  # type: ignore[attr-defined]
    # The drawing model "stands" in the initial state; a diagram of the lifecycle
    # should not highlight it as the current one.
    lines = [line for line in source.splitlines() if not line.strip().startswith("Class ")]
    lines = [line for line in lines if not line.strip().startswith("classDef ")]
    return "\n".join(line.rstrip() for line in lines if line.strip() or not line) + "\n"
