"""The floors of the house (docs/architecture.md), held against the code by reading its syntax.

One engine assigns states; rules sit below the engine and the operations; permissions sit
just above models and rules; the engine knows no lifecycle; lifecycles know no operation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "workflow"


def _modules(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module a file imports (at any depth, function-local imports too)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _offences(paths: Iterator[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        for line, name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return sorted(set(found))


def _state_assignments(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "state"
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} setattr(…, 'state', …)")
        while targets:
            target = targets.pop()
            if isinstance(target, ast.Tuple | ast.List):
                targets.extend(target.elts)
            elif isinstance(target, ast.Starred):
                targets.append(target.value)
            elif isinstance(target, ast.Attribute) and target.attr == "state":
                found.append(f"{path.relative_to(root)}:{node.lineno} assigns .state")
    return found


def test_only_the_engine_assigns_a_state():
    offences = [
        hit
        for path in _modules(WORKFLOW)
        if path != WORKFLOW / "engine.py"
        for hit in _state_assignments(path)
    ]
    assert offences == []


def test_the_check_finds_a_state_assigned_the_usual_ways(tmp_path):
    """The check above can fail: each way of writing a state is found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "app.state = 'approved'\nsetattr(app, 'state', 'x')\nrow.state: str = 'y'\n"
        "a, (b.state, c) = 1, (2, 3)\ncount[app.state] = 1\n"
    )
    assert len(_state_assignments(sample, root=tmp_path)) == 4


FLASK = ("flask", "werkzeug")
FACES = ("workflow.web", "workflow.api")
ABOVE_RULES = (
    "workflow.engine",
    "workflow.lifecycles",
    "workflow.operations",
    "workflow.devdata",
    "workflow.http",
    *FACES,
)


@pytest.mark.parametrize(
    ("floor", "forbidden"),
    [
        # Rules: pure predicates, queries and arithmetic (flask_babel comes in only through
        # workflow.i18n, the translation seam).
        ("rules", (*ABOVE_RULES, *FLASK)),
        # The engine knows how to take a step, not which steps there are.
        ("engine.py", ("workflow.lifecycles", "workflow.operations", "workflow.devdata", *FACES)),
        ("lifecycles", ("workflow.operations", "workflow.devdata", *FACES)),
        ("operations", ("workflow.devdata", *FACES)),
        ("permissions.py", ABOVE_RULES),
        ("audit.py", ABOVE_RULES),
    ],
)
def test_each_floor_imports_only_what_is_below_it(floor, forbidden):
    target = WORKFLOW / floor
    paths = _modules(target) if target.is_dir() else iter([target])
    assert _offences(paths, forbidden) == []


def test_the_old_engines_and_services_are_gone():
    for gone in ("meeting_engine.py", "machine.py", "services"):
        assert not (WORKFLOW / gone).exists(), gone
