"""The floors hold: the two faces never import each other, the rules import nothing above
them, and only workflow/http.py builds a file answer (read from the source with `ast`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workflow"
HTTP = PACKAGE / "http.py"
# What the rules may never import: the web framework (translations come through
# workflow.i18n), the engines, the operations and the faces.
RULES_FORBIDDEN = (
    "flask",
    "flask_*",
    "workflow.engine",
    "workflow.meeting_engine",
    "workflow.operations",
    "workflow.web",
    "workflow.api",
)
# Where the response class and the file senders come from.
RESPONSE_CLASSES = {
    ("flask", "Response"),
    ("flask.wrappers", "Response"),
    ("werkzeug", "Response"),
    ("werkzeug.wrappers", "Response"),
    ("werkzeug.wrappers.response", "Response"),
}
FILE_SENDERS = {("flask", "send_file"), ("flask", "send_from_directory")}
BUILDERS = {"Response", "send_file", "send_from_directory"}


def _sources(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def _package_of(path: Path) -> list[str]:
    """The package a file's relative imports start from, e.g. ['workflow', 'web']."""
    return list(path.relative_to(ROOT).parent.parts)


def imported_modules(tree: ast.AST, package: list[str]) -> Iterator[tuple[int, str]]:
    """Every module imported, at any depth (function-local imports too), made absolute.

    Each name of a `from` import counts as a module too: `from workflow import api` is an
    import of `workflow.api`.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _matches(module: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return module.split(".")[0].startswith(pattern[:-1])
    return module == pattern or module.startswith(pattern + ".")


def _offences(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    found = set()
    for path in _sources(folder):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree, _package_of(path)):
            if any(_matches(module, pattern) for pattern in forbidden):
                found.add(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(found)


def response_builders(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a Response is constructed or a file sent, under whatever name it was imported."""
    names: dict[str, str] = {}  # a local name -> the builder it is, or "module"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if (node.module, alias.name) in RESPONSE_CLASSES | FILE_SENDERS:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {"flask", "werkzeug"}:
                    names[alias.asname or alias.name.split(".")[0]] = "module"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and names.get(func.id, "module") != "module":
            found.append((node.lineno, names[func.id]))
        elif isinstance(func, ast.Attribute) and (
            # app.response_class(...) builds a Response too
            func.attr == "response_class"
            or (
                func.attr in BUILDERS
                and names.get(ast.unparse(func.value).split(".")[0]) == "module"
            )
        ):
            found.append((node.lineno, func.attr))
    return found


def test_the_pages_never_import_the_api() -> None:
    assert _offences(PACKAGE / "web", ("workflow.api",)) == []


def test_the_api_never_imports_the_pages() -> None:
    assert _offences(PACKAGE / "api", ("workflow.web",)) == []


def test_the_rules_import_nothing_above_them() -> None:
    assert _offences(PACKAGE / "rules", RULES_FORBIDDEN) == []


def test_only_http_builds_file_answers() -> None:
    found = []
    for path in _sources(PACKAGE, ROOT / "forms", ROOT / "states"):
        if path == HTTP:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [
            f"{path.relative_to(ROOT)}:{line} {what}" for line, what in response_builders(tree)
        ]
    assert found == []


def test_http_is_seen_building_them() -> None:
    """The check above finds what it looks for: in workflow/http.py it does."""
    tree = ast.parse(HTTP.read_text(encoding="utf-8"))
    assert {what for _line, what in response_builders(tree)} == {"Response", "send_file"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from workflow.api import errors", "workflow.api.errors"),
        ("from workflow import api", "workflow.api"),
        ("import workflow.api.paging", "workflow.api.paging"),
        ("def f():\n    from workflow.api.errors import x", "workflow.api.errors"),
        ("from ..api import errors", "workflow.api.errors"),
        ("from .. import api", "workflow.api"),
        ("from . import errors", "workflow.web.errors"),
    ],
)
def test_every_way_of_importing_is_seen(source: str, expected: str) -> None:
    modules = {module for _line, module in imported_modules(ast.parse(source), ["workflow", "web"])}
    assert expected in modules


def test_every_way_of_building_a_response_is_seen() -> None:
    source = (
        "import flask\n"
        "import werkzeug.wrappers as w\n"
        "from flask import Response as R, send_file\n"
        "from werkzeug.wrappers import Response\n"
        "def f(app):\n"
        "    R('x')\n"
        "    send_file('p')\n"
        "    Response('y')\n"
        "    flask.Response('z')\n"
        "    w.Response('v')\n"
        "    app.response_class('w')\n"
        "    flask.jsonify({})\n"
    )
    found = [what for _line, what in response_builders(ast.parse(source))]
    assert sorted(found) == [
        "Response",
        "Response",
        "Response",
        "Response",
        "response_class",
        "send_file",
    ]
