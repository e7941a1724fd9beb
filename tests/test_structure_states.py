"""State names live in `states/` (DESIGN.md, Architecture; STYLE.md point 2).

The application code names a state through its enum member or a named set of `states/`, never
through its text: a renamed state then fails at import, not silently at run time. Templates
never compare a state at all; the view or a helper hands them a boolean or a `can_*` answer.

How a literal is judged: every string constant of the Python code (docstrings apart) whose
value is the name of a state of one of the three lifecycles is found with `ast`.
- Next to a state it is always refused: an operand of a comparison or `in` test whose other
  side mentions a state (`app.state`, `to_state`, `MEETING_STATES`…), an argument of
  `.state.in_(…)`, the value of a keyword argument or of an assignment whose name mentions a
  state (`state="draft"`, `REPORT_STATE_LABELS = {"draft": …}`, `state: Literal["draft", …]`).
- Anywhere else it must be one of the few ordinary words listed in ALLOWED, with the reason
  it is not a state there and how often it may occur in that file.
- A SQL fragment that names a state in quotes (`"state <> 'draft'"`) is refused too: build it
  from the enum member.
A template may neither compare anything named `…state` nor quote a state's name in a tag.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from states.application import State
from states.meeting import MeetingState
from states.report import ReportState

ROOT = Path(__file__).resolve().parents[1]
STATE_NAMES = frozenset(s.value for enum in (State, MeetingState, ReportState) for s in enum)
# The application code; the migrations (the history as it ran, outside `workflow/`) and the
# demo data of `workflow/devdata/` are not scanned.
PYTHON_ROOTS = ("workflow", "forms")
SKIPPED = ("workflow/devdata/",)

# A state's name that is also an ordinary word of another vocabulary, where it may stand:
# (file, word) -> (the most times it may occur in that file, why it is not a state there).
ALLOWED: dict[tuple[str, str], tuple[int, str]] = {
    ("workflow/lifecycles/meeting.py", "open"): (
        3,
        "the meeting trigger `open` keys its precondition, effect and follow-up (triggers are"
        " not states)",
    ),
    ("workflow/api/budgets.py", "closed"): (
        1,
        "whether a year's budget is closed (årsbokslut): a key of the budget's JSON",
    ),
    ("workflow/api/serializers.py", "active"): (
        1,
        "whether a member organisation is active (not deactivated): a key of its JSON",
    ),
    ("workflow/operations/budget.py", "active"): (
        1,
        "a member's `active` flag in the audit data of its change",
    ),
    ("workflow/rules/budget.py", "active"): (
        2,
        "a member organisation's `active` flag, read with getattr (rows and plain data alike)",
    ),
    ("workflow/labels.py", "open"): (1, "the button text of the meeting trigger `open`"),
    ("workflow/rules/reports.py", "ended"): (
        2,
        "participants who ended during the year: a figure of the report, next to `new`",
    ),
    ("workflow/rules/statistics.py", "ended"): (
        1,
        "participants who ended during the year: a key of the statistics' JSON",
    ),
    ("workflow/rules/medlemsrad.py", "ended"): (
        2,
        "participants who ended: a key of the medlemsråd JSON, a year's and an insats's",
    ),
    ("workflow/operations/protocols.py", "protocol_signed"): (
        1,
        "an error code of the API: a change refused because the protocol is signed",
    ),
}

# Pages and e-mails.
TEMPLATES = (".html", ".txt")
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# Something named `…state`, through any filters: `app.state`, `to_state`, `app.state|string`.
STATE_OPERAND = r"[\w.]*state\b(?:\s*\|\s*\w+)*"
# `x.state == …`, `state != …`, `… in app.state`, `app.state is sameas …`, `s == filters.state`,
# and the filters that test an attribute: `selectattr('state', …)`, `rejectattr("to_state", …)`.
TEMPLATE_COMPARISON = re.compile(
    rf"{STATE_OPERAND}\s*(?:==|!=|(?:not\s+)?in\b|is\b)|(?:==|!=|\bin\b)\s*{STATE_OPERAND}"
    r"""|(?:select|reject)attr\(\s*["'][\w.]*state["']"""
)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _python_files() -> list[Path]:
    files = [p for root in PYTHON_ROOTS for p in sorted((ROOT / root).rglob("*.py"))]
    return [p for p in files if not _relative(p).startswith(SKIPPED)]


def _mentions_state(node: ast.AST) -> bool:
    """Whether an expression names a state: an attribute or a name containing `state`."""
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and "state" in n.attr.lower():
            return True
        if isinstance(n, ast.Name) and "state" in n.id.lower():
            return True
    return False


def _state_names_in(node: ast.AST | None) -> list[ast.Constant]:
    if node is None:
        return []
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in STATE_NAMES
    ]


def _bare_strings(tree: ast.AST) -> set[int]:
    """Docstrings and other bare string statements: prose, not code."""
    return {
        id(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
    }


def _next_to_a_state(tree: ast.AST) -> set[int]:
    """The state names of a module that stand next to a state (always refused)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for operand in operands:
                others = [o for o in operands if o is not operand]
                if any(_mentions_state(o) for o in others):
                    found |= {id(c) for c in _state_names_in(operand)}
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"in_", "not_in", "notin_"}
                and _mentions_state(func.value)
            ):
                for arg in node.args:
                    found |= {id(c) for c in _state_names_in(arg)}
            for keyword in node.keywords:
                if keyword.arg and "state" in keyword.arg.lower():
                    found |= {id(c) for c in _state_names_in(keyword.value)}
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_mentions_state(t) for t in targets):
                found |= {id(c) for c in _state_names_in(node.value)}
                if isinstance(node, ast.AnnAssign):
                    found |= {id(c) for c in _state_names_in(node.annotation)}
    return found


def _python_problems() -> list[str]:
    problems: list[str] = []
    seen: Counter[tuple[str, str]] = Counter()
    for path in _python_files():
        where = _relative(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=where)
        prose = _bare_strings(tree)
        near_state = _next_to_a_state(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if id(node) in prose:
                continue
            at = f"{where}:{node.lineno}"
            if node.value in STATE_NAMES:
                if id(node) in near_state:
                    problems.append(f"{at}: the state {node.value!r} as text next to a state")
                elif (where, node.value) not in ALLOWED:
                    problems.append(f"{at}: the state name {node.value!r} as text")
                else:
                    seen[(where, node.value)] += 1
            elif re.search(r"\bstate\b", node.value):
                quoted = sorted(set(QUOTED.findall(node.value)) & STATE_NAMES)
                if quoted:
                    problems.append(f"{at}: SQL naming the states {quoted} as text")
    for (where, word), (most, _why) in ALLOWED.items():
        if where.endswith(".py") and seen[(where, word)] > most:
            problems.append(
                f"{where}: {word!r} {seen[(where, word)]} times, allowed at most {most}: "
                "if it names a state, use the enum member or a set of states/"
            )
        elif where.endswith(".py") and seen[(where, word)] == 0:
            problems.append(f"{where}: {word!r} no longer occurs: drop it from ALLOWED")
    return problems


def _template_problems() -> list[str]:
    problems: list[str] = []
    for path in sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in TEMPLATES):
        where = _relative(path)
        text = path.read_text(encoding="utf-8")
        for tag in TAG.finditer(text):
            line = text.count("\n", 0, tag.start()) + 1
            body = tag.group()
            for comparison in TEMPLATE_COMPARISON.finditer(body):
                problems.append(f"{where}:{line}: compares a state: {comparison.group()!r}")
            for word in QUOTED.findall(body):
                if word in STATE_NAMES and (where, word) not in ALLOWED:
                    problems.append(f"{where}:{line}: the state name {word!r} in a tag")
    return problems


def test_state_names_only_in_states() -> None:
    problems = _python_problems()
    assert not problems, (
        "name a state by its enum member or a named set in states/, a label through "
        "workflow/labels.py:\n" + "\n".join(problems)
    )


def test_templates_never_compare_a_state() -> None:
    problems = _template_problems()
    assert not problems, (
        "hand the template a boolean or a can_* answer computed by the view or a helper:\n"
        + "\n".join(problems)
    )


def test_every_allowed_word_says_why() -> None:
    for (where, word), (most, why) in ALLOWED.items():
        assert word in STATE_NAMES, f"{word!r} is no state name: drop it from ALLOWED"
        assert (ROOT / where).is_file(), f"{where} does not exist"
        assert most > 0
        assert why.strip()
