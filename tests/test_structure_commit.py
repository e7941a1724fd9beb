"""No view and no operation ends a transaction: the request commits once, by mechanism.

Pages, the API and the operations change rows and return; `workflow.transaction` commits at
the end of the request (or rolls back). Only the CLI and the job worker, which are not
requests, commit themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARDED = ("workflow/web", "workflow/api", "workflow/operations")
ENDINGS = frozenset({"commit", "rollback"})


def _endings(source: str, label: str) -> list[str]:
    """Every call of something named commit or rollback in `source`, as `label:line name()`."""
    tree = ast.parse(source, filename=label)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in ENDINGS:
            found.append(f"{label}:{node.lineno} {name}()")
    return found


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", GUARDED)
def test_no_commit_or_rollback_is_called_in(folder: str) -> None:
    files = _files(folder)
    assert files, f"{folder} has no Python files: the check would prove nothing"
    found = [
        hit
        for path in files
        for hit in _endings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == [], "the request commits by mechanism (workflow/transaction.py):\n" + "\n".join(
        found
    )


def test_the_check_sees_a_call_and_not_a_comment() -> None:
    """The parser finds `x.commit()` and a bare `rollback()`, never the words in a comment."""
    sample = (
        "# transaction.commit() in a comment\n"
        '"""db.session.rollback() in a docstring"""\n'
        "def f(session, rollback):\n"
        "    session.commit()\n"
        "    rollback()\n"
        "    session.after_commit()\n"
    )
    assert _endings(sample, "sample.py") == ["sample.py:4 commit()", "sample.py:5 rollback()"]
