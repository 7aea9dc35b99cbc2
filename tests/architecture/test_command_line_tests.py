"""A test that runs a management command as on the command line (``run_from_argv``,
``execute_from_command_line``) must keep the test database open: ``run_from_argv``
closes every connection when it ends, which on PostgreSQL ends the test's transaction
under pytest-django's feet (SQLite in memory hides it). Such a test patches
``django.db.connections.close_all``, as ``tests/neighbourhoods/test_reports_command.py``
does."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CALLS = {"execute_from_command_line", "run_from_argv"}


def _calls(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            func = child.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _unpatched(source: str) -> list[str]:
    tree = ast.parse(source)
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("test_")
        and _calls(node) & CALLS
        and "close_all" not in ast.get_source_segment(source, node)
    ]


def test_the_check_finds_an_unpatched_command_line_test():
    source = (
        "def test_a(capsys):\n    execute_from_command_line(['manage.py', 'x'])\n\n"
        "def test_b(monkeypatch):\n"
        "    monkeypatch.setattr('django.db.connections.close_all', lambda: None)\n"
        "    Command().run_from_argv(['manage.py', 'x'])\n"
    )
    assert _unpatched(source) == ["test_a"]


def test_every_command_line_test_keeps_the_database_open():
    found = {
        f"{path.relative_to(TESTS)}::{name}"
        for path in TESTS.rglob("test_*.py")
        if path.name != Path(__file__).name
        for name in _unpatched(path.read_text(encoding="utf-8"))
    }
    assert not found, f"Patch django.db.connections.close_all in: {sorted(found)}"
