"""The architecture is checked, not only written down (docs/architecture.md).

* ``.importlinter`` states the layers; ``scripts/test`` runs ``lint-imports``. Here a
  copy of the project with one deliberately added upward import must fail the same
  contracts, so a contract that can no longer fail (a typo in a layer name, a package
  left out) is noticed.
* No module imports a module that imports it back, directly or through others.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "config",
    "demo",
    "api",
    "privacy",
    "reports",
    "conversations",
    "activities",
    "partners",
    "matching",
    "matches",
    "caregivers",
    "volunteers",
    "audit",
    "neighbourhoods",
    "notifications",
    "accounts",
    "common",
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_project(target: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / ".importlinter", target / ".importlinter")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), ".importlinter", "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_package_is_named_in_the_contracts():
    config = (ROOT / ".importlinter").read_text()
    apps = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in {"tests"})
    assert apps == sorted(PACKAGES)
    for package in PACKAGES:
        assert f"\n    {package}\n" in config or f"| {package}\n" in config or f"    {package} |" in config


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A lower layer reaching up: the outbox importing the engine.
        ("notifications/services.py", "import matching.engine  # noqa\n", "Apps are layers"),
        # The two people apps joined.
        ("volunteers/services.py", "import caregivers.models  # noqa\n", "caregivers and volunteers"),
        # An app depending on the demo.
        ("reports/figures.py", "import demo.people  # noqa\n", "No app imports the demo"),
    ],
)
def test_an_upward_import_breaks_the_contracts(tmp_path, module, line, broken):
    _copy_project(tmp_path)
    path = tmp_path / module
    path.write_text(line + path.read_text())
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout or "broken" in result.stdout
    assert broken in result.stdout.split("Broken contracts", 1)[-1]


def test_no_module_imports_a_module_that_imports_it_back():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                circles.append(" -> ".join((module, *chain)))
    assert circles == []
