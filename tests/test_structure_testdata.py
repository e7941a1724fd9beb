"""Test data reaches its states by the real steps (issue 15, item 7).

A fixture that wrote `app.state = "approved"`, or built an `Application(state=…)` row, would
test a world the engine may never produce. Read with `ast`, the tests may neither assign a
`.state` attribute nor pass `state=` to the constructor of a row that has a lifecycle;
`tests/factories.py` brings rows to a state through `engine.fire` and the operations.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
# The rows with a lifecycle (and so a `state` only the engine may set).
ROWS_WITH_A_LIFECYCLE = frozenset({"Application", "Meeting", "Report"})
# The structure tests hold such code as the examples they refuse.
SKIPPED = frozenset({"test_structure.py", "test_structure_testdata.py"})


def state_writes(tree: ast.AST) -> list[int]:
    """Lines that assign a `.state` or construct a row with a lifecycle given its `state`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "state" for t in targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            built = name in ROWS_WITH_A_LIFECYCLE and any(k.arg == "state" for k in node.keywords)
            set_by_name = name == "setattr" and isinstance(func, ast.Name) and _names_state(node)
            if built or set_by_name:
                lines.append(node.lineno)
    return lines


def _names_state(call: ast.Call) -> bool:
    """`setattr(row, "state", …)`."""
    return (
        len(call.args) > 1
        and isinstance(call.args[1], ast.Constant)
        and call.args[1].value == "state"
    )


def test_the_rule_finds_what_it_refuses() -> None:
    bad = ast.parse(
        "app.state = 'approved'\n"
        "row = Application(association_id=1, state='active')\n"
        "Report(kind='final', state='accepted')\n"
        "models.Meeting(state='open')\n"
        "ok = factories.application(session, world, state='active')\n"
        "report = factories.report(session, world, app, state='accepted')\n"
        "setattr(app, 'state', 'closed')\n"
        "monkeypatch.setattr(audit, 'record', failing)\n"
    )
    assert state_writes(bad) == [1, 2, 3, 4, 7]


def test_no_test_writes_a_state() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name in SKIPPED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path.relative_to(ROOT)}:{line}" for line in state_writes(tree)]
    assert found == [], "fire the real steps (tests/factories.py) instead of writing a state"
